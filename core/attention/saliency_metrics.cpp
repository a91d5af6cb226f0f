#include "core/attention/saliency_metrics.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "core/base/error.h"

namespace autofocus {
namespace {

// MATLAB's eps, the KL epsilon of the MIT benchmark code.
constexpr double kKlEpsilon = 2.2204e-16;

// Mean and sample standard deviation (N-1; 0 for a single value) in double precision.
std::pair<double, double> MeanStd(const float* s, size_t n) {
  double sum = 0;
  for (size_t i = 0; i < n; ++i) sum += s[i];
  const double mean = n ? sum / static_cast<double>(n) : 0.0;
  double ss = 0;
  for (size_t i = 0; i < n; ++i) ss += (s[i] - mean) * (s[i] - mean);
  const double sd = n > 1 ? std::sqrt(ss / static_cast<double>(n - 1)) : 0.0;
  return {mean, sd};
}

// Map / sum(map) as doubles; a map summing to 0 (all zero) becomes uniform, the limit of a
// constant map, so KL and SIM stay defined.
std::vector<double> ToDistribution(const std::vector<double>& m) {
  double sum = 0;
  for (double v : m) sum += v;
  std::vector<double> p(m.size());
  for (size_t i = 0; i < m.size(); ++i)
    p[i] = sum > 0 ? m[i] / sum : 1.0 / static_cast<double>(m.size());
  return p;
}

// (map - min) / (max - min); a constant map becomes all ones (uniform after normalising).
std::vector<double> MinMax(const float* s, size_t n) {
  const auto [lo, hi] = std::minmax_element(s, s + n);
  std::vector<double> m(n, 1.0);
  const double range = static_cast<double>(*hi) - static_cast<double>(*lo);
  if (range > 0)
    for (size_t i = 0; i < n; ++i) m[i] = (s[i] - static_cast<double>(*lo)) / range;
  return m;
}

// splitmix64: deterministic tie-breaking noise, the same on every platform.
uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Mean of the values that are present; null when none is.
Json MeanOf(const std::vector<std::optional<double>>& values) {
  double sum = 0;
  size_t n = 0;
  for (const auto& v : values)
    if (v) {
      sum += *v;
      ++n;
    }
  return n ? Json(sum / static_cast<double>(n)) : Json(nullptr);
}

Json OptionalJson(const std::optional<double>& v) {
  return v ? Json(*v) : Json(nullptr);
}

}  // namespace

std::vector<size_t> FixationPixels(const std::vector<Fixation>& fixations, int width, int height,
                                   const std::string& file, const std::string& where) {
  std::set<size_t> pixels;
  for (size_t i = 0; i < fixations.size(); ++i) {
    const Fixation& f = fixations[i];
    if (!std::isfinite(f.x) || !std::isfinite(f.y) || f.x < 0 || f.y < 0 || f.x >= width ||
        f.y >= height) {
      throw Error(file, where + "[" + std::to_string(i) + "]",
                  "fixation (" + std::to_string(f.x) + ", " + std::to_string(f.y) +
                      ") is outside the " + std::to_string(width) + " x " + std::to_string(height) +
                      " map (x = column in [0, W), y = row in [0, H))");
    }
    pixels.insert(static_cast<size_t>(std::floor(f.y)) * static_cast<size_t>(width) +
                  static_cast<size_t>(std::floor(f.x)));
  }
  return {pixels.begin(), pixels.end()};
}

double Nss(const float* s, size_t n, const std::vector<size_t>& fixated) {
  if (fixated.empty()) throw Error("", "nss", "needs at least one fixation");
  const auto [mean, sd] = MeanStd(s, n);
  // A constant map z-scores to 0 everywhere (MATLAB would divide 0 by 0).
  if (!(sd > 0)) return 0.0;
  double sum = 0;
  for (size_t i : fixated) sum += (s[i] - mean) / sd;
  return sum / static_cast<double>(fixated.size());
}

double Cc(const float* s, const float* g, size_t n) {
  const auto [ms, ss] = MeanStd(s, n);
  const auto [mg, sg] = MeanStd(g, n);
  const bool s_const = !(ss > 0), g_const = !(sg > 0);
  // pysaliency's convention for one constant map; two constant maps are affine images of each
  // other, which CC is meant to ignore.
  if (s_const || g_const) return s_const && g_const ? 1.0 : 0.0;
  double sum = 0;
  for (size_t i = 0; i < n; ++i) sum += ((s[i] - ms) / ss) * ((g[i] - mg) / sg);
  return sum / static_cast<double>(n - 1);
}

double KlDivergence(const float* s, const float* g, size_t n) {
  const std::vector<double> q = ToDistribution(std::vector<double>(s, s + n));
  const std::vector<double> p = ToDistribution(std::vector<double>(g, g + n));
  double kl = 0;
  for (size_t i = 0; i < n; ++i) kl += p[i] * std::log(kKlEpsilon + p[i] / (q[i] + kKlEpsilon));
  return kl;
}

double Similarity(const float* s, const float* g, size_t n) {
  const std::vector<double> p = ToDistribution(MinMax(s, n));
  const std::vector<double> q = ToDistribution(MinMax(g, n));
  double sim = 0;
  for (size_t i = 0; i < n; ++i) sim += std::min(p[i], q[i]);
  return sim;
}

double AucJudd(const float* s, size_t n, const std::vector<size_t>& fixated, uint64_t jitter_seed) {
  if (fixated.empty()) throw Error("", "auc_judd", "needs at least one fixation");
  const auto [lo, hi] = std::minmax_element(s, s + n);
  // A constant map ranks nothing: chance level (the benchmark's jitter would give a random
  // value near 0.5 instead).
  if (!(*hi > *lo)) return 0.5;
  const size_t nfix = fixated.size();
  if (nfix >= n) return 0.5;  // every pixel fixated: no negatives to rank against
  std::vector<double> m(s, s + n);
  if (jitter_seed != 0) {
    uint64_t state = jitter_seed;
    for (double& v : m)
      v += static_cast<double>(SplitMix(state) >> 11) * (1.0 / 9007199254740992.0) / 1e7;
  }
  const auto [mlo, mhi] = std::minmax_element(m.begin(), m.end());
  const double lo_v = *mlo, range = *mhi - *mlo;
  for (double& v : m) v = (v - lo_v) / range;
  std::vector<double> thresholds;
  thresholds.reserve(nfix);
  for (size_t i : fixated) thresholds.push_back(m[i]);
  std::sort(thresholds.begin(), thresholds.end(), std::greater<double>());
  // #{S >= thr} for every threshold in one pass over the sorted map.
  std::vector<double> sorted = m;
  std::sort(sorted.begin(), sorted.end(), std::greater<double>());
  std::vector<double> tp(nfix + 2, 0.0), fp(nfix + 2, 0.0);
  tp.back() = fp.back() = 1.0;
  size_t above = 0;
  for (size_t i = 0; i < nfix; ++i) {
    while (above < n && sorted[above] >= thresholds[i]) ++above;
    tp[i + 1] = static_cast<double>(i + 1) / static_cast<double>(nfix);
    fp[i + 1] =
        (static_cast<double>(above) - static_cast<double>(i + 1)) / static_cast<double>(n - nfix);
  }
  double auc = 0;
  for (size_t i = 1; i < tp.size(); ++i) auc += (fp[i] - fp[i - 1]) * (tp[i] + tp[i - 1]) / 2.0;
  return auc;
}

double AttentionMass(const float* s, int width, int height, const std::vector<Box>& boxes) {
  const size_t n = static_cast<size_t>(width) * static_cast<size_t>(height);
  double total = 0, inside = 0;
  size_t inside_pixels = 0;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const double v = std::max(0.0f, s[static_cast<size_t>(y) * width + x]);
      const double cx = x + 0.5, cy = y + 0.5;
      bool in = false;
      for (const Box& b : boxes)
        if (cx >= b.x1 && cx < b.x2 && cy >= b.y1 && cy < b.y2) {
          in = true;
          break;
        }
      total += v;
      if (in) {
        inside += v;
        ++inside_pixels;
      }
    }
  }
  if (!(total > 0)) return static_cast<double>(inside_pixels) / static_cast<double>(n);
  return inside / total;
}

FrameMetrics ComputeFrameMetrics(const float* pred, const float* ref, int width, int height,
                                 const std::vector<Fixation>* fixations, uint64_t jitter_seed) {
  const size_t n = static_cast<size_t>(width) * static_cast<size_t>(height);
  FrameMetrics m;
  m.cc = Cc(pred, ref, n);
  m.kl = KlDivergence(pred, ref, n);
  m.sim = Similarity(pred, ref, n);
  if (fixations && !fixations->empty()) {
    const std::vector<size_t> fixated = FixationPixels(*fixations, width, height);
    m.nss = Nss(pred, n, fixated);
    m.auc_judd = AucJudd(pred, n, fixated, jitter_seed);
  }
  return m;
}

void CheckMapStack(const float* maps, int64_t frames, int64_t frame_size, const std::string& file) {
  for (int64_t t = 0; t < frames; ++t) {
    const float* f = maps + t * frame_size;
    for (int64_t i = 0; i < frame_size; ++i) {
      if (!std::isfinite(f[i]))
        throw Error(file, "frame " + std::to_string(t), "has a NaN or infinite value");
      if (f[i] < 0)
        throw Error(file, "frame " + std::to_string(t),
                    "has negative values; KL and SIM treat maps as distributions (clip or "
                    "min-max them first)");
    }
  }
}

Json MeanMetricsJson(const std::vector<FrameMetrics>& frames) {
  std::vector<std::optional<double>> nss, cc, kl, sim, auc;
  for (const FrameMetrics& f : frames) {
    nss.push_back(f.nss);
    cc.push_back(f.cc);
    kl.push_back(f.kl);
    sim.push_back(f.sim);
    auc.push_back(f.auc_judd);
  }
  return Json{{"nss", MeanOf(nss)},
              {"cc", MeanOf(cc)},
              {"kl", MeanOf(kl)},
              {"sim", MeanOf(sim)},
              {"auc_judd", MeanOf(auc)}};
}

Json MetricsReportJson(const std::vector<FrameMetrics>& frames) {
  Json list = Json::array();
  for (const FrameMetrics& f : frames) {
    list.push_back(Json{{"nss", OptionalJson(f.nss)},
                        {"cc", f.cc},
                        {"kl", f.kl},
                        {"sim", f.sim},
                        {"auc_judd", OptionalJson(f.auc_judd)}});
  }
  return Json{{"frames", list}, {"mean", MeanMetricsJson(frames)}};
}

std::vector<std::vector<Fixation>> LoadFixations(const std::filesystem::path& file,
                                                 int64_t frames) {
  const Json j = LoadJsonFile(file);
  const std::string f = file.string();
  if (!j.is_array()) throw Error(f, "", "must be a list with one entry per frame");
  if (static_cast<int64_t>(j.size()) != frames)
    throw Error(
        f, "",
        "has " + std::to_string(j.size()) + " entries for " + std::to_string(frames) + " frames");
  std::vector<std::vector<Fixation>> out(j.size());
  for (size_t t = 0; t < j.size(); ++t) {
    const std::string where = "[" + std::to_string(t) + "]";
    if (!j[t].is_array()) throw Error(f, where, "must be a list of [x, y] points");
    for (size_t k = 0; k < j[t].size(); ++k) {
      const Json& p = j[t][k];
      if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number())
        throw Error(f, where + "[" + std::to_string(k) + "]", "must be [x, y] (two numbers)");
      out[t].push_back({p[0].get<double>(), p[1].get<double>()});
    }
  }
  return out;
}

}  // namespace autofocus

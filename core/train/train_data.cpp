#include "core/train/train_data.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <opencv2/imgproc.hpp>
#include <set>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/base/hash.h"
#include "core/curation/curation_state.h"
#include "core/curation/edit_journal.h"
#include "core/pipeline/pipeline.h"
#include "core/saliency/saliency_renderer.h"
#include "core/train/color_jitter.h"
#include "core/train/observation.h"

namespace autofocus {
namespace {

uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// A uniform double in [0, 1) from the top 53 bits.
double Unit(uint64_t x) {
  return static_cast<double>(x >> 11) * (1.0 / 9007199254740992.0);
}

}  // namespace

uint64_t HashMix(uint64_t seed, const std::string& text, int64_t value) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return SplitMix(SplitMix(seed ^ h) ^ static_cast<uint64_t>(value));
}

bool FractionMaskKeeps(uint64_t seed, double fraction, const std::string& unit,
                       const std::string& episode, int frame) {
  if (fraction >= 1) return true;
  if (fraction <= 0) return false;
  // A per-sample hash (not a shuffle) so the mask of a frame does not depend on the split or
  // on which other episodes the project holds.
  const int64_t key = unit == "episode" ? -1 : frame;
  return Unit(HashMix(seed ^ 0xf5ac7u, episode, key)) < fraction;
}

std::vector<size_t> SeededPermutation(size_t n, uint64_t seed) {
  std::vector<size_t> p(n);
  for (size_t i = 0; i < n; ++i) p[i] = i;
  uint64_t s = SplitMix(seed);
  for (size_t i = n; i > 1; --i) {
    s = SplitMix(s);
    const size_t j = static_cast<size_t>(s % i);  // modulo bias is irrelevant for shuffling
    std::swap(p[i - 1], p[j]);
  }
  return p;
}

namespace {
// Throws Error naming the episode file when the actions are not T rows of A values.
void CheckActionShape(const Episode& episode, const std::string& ep_file, int num_actions) {
  const int T = episode.num_frames;
  if (static_cast<int>(episode.actions.size()) != T) {
    throw Error(ep_file, "actions",
                "has " + std::to_string(episode.actions.size()) + " rows for " + std::to_string(T) +
                    " frames");
  }
  for (int t = 0; t < T; ++t) {
    if (static_cast<int>(episode.actions[static_cast<size_t>(t)].size()) != num_actions) {
      throw Error(ep_file, "actions[" + std::to_string(t) + "]",
                  "has " + std::to_string(episode.actions[static_cast<size_t>(t)].size()) +
                      " values, the action spec " + std::to_string(num_actions));
    }
  }
}
}  // namespace

TrainDataset::TrainDataset(const std::filesystem::path& project, const TrainOptions& options)
    : store_(ProjectStore::Open(project)), options_(options) {
  options_.Check();
  const ProjectInfo& info = store_.info();
  const std::string project_file = (store_.root() / "project.json").string();
  if (info.action_spec.kind != ActionSpec::Kind::kContinuous) {
    throw Error(project_file, "action_spec", "behaviour cloning with MSE needs continuous actions");
  }
  num_actions_ = static_cast<int>(info.action_spec.dims.size());
  if (info.settings.contains("saliency")) {
    saliency_ =
        SaliencyOptions::FromJson(info.settings["saliency"], project_file, "settings.saliency");
  }
  saliency_.output_width = options_.input_width;
  saliency_.output_height = options_.input_height;

  // The studio's edit journal belongs to the project: read once, replayed per episode.
  const std::vector<JournalEntry> journal =
      ReadJournal(EditJournal::ProjectFile(store_.root())).entries;
  bool any_masks = false;
  std::set<std::string> mask_names;
  for (const auto& entry : info.episodes) {
    TrainEpisode te;
    te.name = entry.name;
    const std::string ep_file = store_.EpisodeDir(entry.name).string() + "/episode.json";
    std::vector<int> excluded;
    std::map<int, std::string> flags;
    std::vector<std::vector<Detection>> curated_boxes;
    bool curation_excluded = false;
    try {
      // Damage (an unreadable episode.json or key-object file, actions of the wrong shape)
      // costs this episode only: it is named in split.json and in the run's log.
      te.episode = store_.LoadEpisode(entry.name);
      CheckActionShape(te.episode, ep_file, num_actions_);
      if (store_.HasArtifact(entry.name, "key_objects")) {
        ReplayReport replay;
        const CurationState cs = LoadCuratedEpisode(store_, entry.name, journal, &replay);
        journal_applied_ += replay.applied;
        curated_boxes = cs.AllKeyBoxes();
        curation_excluded = cs.episode_excluded;
        excluded = cs.excluded_frames;
        flags = cs.flags;
      }
    } catch (const Error& e) {
      damaged_episodes_.push_back({{"episode", entry.name}, {"error", e.what()}});
      continue;
    }
    const int T = te.episode.num_frames;
    if (curation_excluded) {
      excluded_episodes_.push_back(entry.name);
      excluded_frames_ += T;
      continue;
    }
    const Json masks = te.episode.metadata.value("hdf5_masks", Json::array());
    if (!masks.empty()) any_masks = true;
    auto in_mask = [&](const std::string& m) {
      for (const auto& v : masks) {
        if (v.is_string() && v.get<std::string>() == m) return true;
      }
      return false;
    };
    for (const auto& v : masks) {
      if (v.is_string()) mask_names.insert(v.get<std::string>());
    }
    if (options_.filter.rfind("mask:", 0) == 0 && !in_mask(options_.filter.substr(5))) {
      filtered_episodes_.push_back(entry.name);
      filtered_frames_ += T;
      continue;
    }
    if (options_.target == "vlm") {
      if (!store_.HasArtifact(entry.name, "key_objects")) {
        throw Error(store_.ArtifactPath(entry.name, "key_objects").string(), "",
                    "missing: the vlm target needs the pipeline's key objects (run `autofocus run` "
                    "first, or use --target none)");
      }
      for (const auto& frame : curated_boxes) {
        std::vector<Box> boxes;
        for (const auto& d : frame) boxes.push_back(d.box);
        te.key_boxes.push_back(std::move(boxes));
      }
      te.key_boxes.resize(static_cast<size_t>(T));
    }
    if (options_.target == "gaze" && te.episode.gaze.empty()) {
      throw Error(ep_file, "gaze",
                  "the episode has no gaze points (the gaze target needs them; use --target vlm)");
    }
    int width = 0;
    for (const auto& key : options_.state_keys) {
      auto it = te.episode.state.find(key);
      if (it == te.episode.state.end()) {
        std::string known;
        for (const auto& [k, v] : te.episode.state) known += (known.empty() ? "" : ", ") + k;
        throw Error(ep_file, "state." + key,
                    "no such state key (the episode has: " +
                        (known.empty() ? std::string("none") : known) + ")");
      }
      if (static_cast<int>(it->second.size()) != T || it->second.empty()) {
        throw Error(ep_file, "state." + key,
                    "has " + std::to_string(it->second.size()) + " rows for " + std::to_string(T) +
                        " frames");
      }
      width += static_cast<int>(it->second[0].size());
    }
    if (!options_.state_keys.empty()) {
      if (state_width_ == 0) state_width_ = width;
      if (width != state_width_) {
        throw Error(ep_file, "state",
                    "the state keys have " + std::to_string(width) + " values, other episodes " +
                        std::to_string(state_width_));
      }
    }
    // Frames the run leaves out: curation exclusions, then the flag filter.
    std::vector<int> dropped = excluded;
    excluded_frames_ += static_cast<int64_t>(excluded.size());
    if (options_.filter == "flagged" || options_.filter == "unflagged") {
      const bool want = options_.filter == "flagged";
      for (int t = 0; t < T; ++t) {
        if ((flags.count(t) > 0) != want &&
            !std::binary_search(excluded.begin(), excluded.end(), t)) {
          dropped.push_back(t);
          ++filtered_frames_;
        }
      }
      std::sort(dropped.begin(), dropped.end());
    }
    te.episode.metadata["__dropped"] = dropped;  // consumed below, never written back
    if (options_.split == "hdf5") {
      te.validation = in_mask("valid");
      // With a train mask, a demo in neither list is not used (robomimic's convention).
      te.episode.metadata["__unused"] = !te.validation && !in_mask("train");
    }
    episodes_.push_back(std::move(te));
  }
  if (options_.filter.rfind("mask:", 0) == 0 && episodes_.empty()) {
    std::string known;
    for (const auto& m : mask_names) known += (known.empty() ? "" : ", ") + m;
    throw Error(project_file, "filter",
                "no episode is in HDF5 mask \"" + options_.filter.substr(5) +
                    "\" (masks in this project: " + (known.empty() ? "none" : known) + ")");
  }
  if (episodes_.empty()) throw Error(project_file, "episodes", "no episode left to train on");
  state_dim_ = state_width_ * options_.stack;

  const size_t n = episodes_.size();
  if (options_.split == "hdf5") {
    if (!any_masks) {
      throw Error(project_file, "split",
                  "no episode carries HDF5 filter keys (import a robomimic HDF5 with "
                  "mask/train and mask/valid, or use split seeded)");
    }
  } else {
    // Split by episode: a seeded permutation of the kept episodes; the first share validates.
    size_t n_val = static_cast<size_t>(std::lround(options_.val_fraction * static_cast<double>(n)));
    if (options_.val_fraction > 0 && n_val == 0 && n >= 2) n_val = 1;
    if (n_val >= n) n_val = n - 1;
    const auto perm = SeededPermutation(n, options_.seed ^ 0x5917u);
    for (size_t i = 0; i < n_val; ++i) episodes_[perm[i]].validation = true;
  }

  for (size_t e = 0; e < n; ++e) {
    TrainEpisode& te = episodes_[e];
    const std::vector<int> dropped = te.episode.metadata["__dropped"].get<std::vector<int>>();
    const bool unused = te.episode.metadata.value("__unused", false);
    te.episode.metadata.erase("__dropped");
    te.episode.metadata.erase("__unused");
    if (unused) continue;
    for (int t = 0; t < te.episode.num_frames; ++t) {
      if (std::binary_search(dropped.begin(), dropped.end(), t)) continue;
      TrainSample s;
      s.episode = static_cast<int>(e);
      s.frame = t;
      s.regularised =
          FractionMaskKeeps(options_.seed, options_.fraction, options_.fraction_unit, te.name, t);
      (te.validation ? val_ : train_).push_back(s);
    }
  }
  if (train_.empty()) throw Error(project_file, "episodes", "the training split has no frame");

  if (!options_.action_weights.empty() &&
      static_cast<int>(options_.action_weights.size()) != num_actions_) {
    throw Error(project_file, "action_weights",
                "has " + std::to_string(options_.action_weights.size()) + " weights for " +
                    std::to_string(num_actions_) + " action dimensions");
  }
  action_weights_.assign(static_cast<size_t>(num_actions_), 1.f);
  for (size_t i = 0; i < options_.action_weights.size(); ++i) {
    action_weights_[i] = static_cast<float>(options_.action_weights[i]);
  }
  // Statistics of the training split in double precision (a float running sum drifts).
  auto stats = [&](int dims,
                   const std::function<void(const TrainSample&, std::vector<float>*)>& row) {
    std::vector<double> sum(static_cast<size_t>(dims), 0.0), sq(static_cast<size_t>(dims), 0.0);
    std::vector<float> r(static_cast<size_t>(dims));
    for (const auto& smp : train_) {
      row(smp, &r);
      for (int i = 0; i < dims; ++i) {
        sum[static_cast<size_t>(i)] += r[static_cast<size_t>(i)];
        sq[static_cast<size_t>(i)] +=
            static_cast<double>(r[static_cast<size_t>(i)]) * r[static_cast<size_t>(i)];
      }
    }
    DimStats d;
    const double n_s = static_cast<double>(train_.size());
    for (int i = 0; i < dims; ++i) {
      const double m = sum[static_cast<size_t>(i)] / n_s;
      const double var = std::max(0.0, sq[static_cast<size_t>(i)] / n_s - m * m);
      const double sd = std::sqrt(var);
      d.mean.push_back(static_cast<float>(m));
      d.std.push_back(sd < 1e-6 ? 1.f
                                : static_cast<float>(sd));  // a constant dimension is only centred
    }
    return d;
  };
  action_stats_ = stats(num_actions_, [&](const TrainSample& smp, std::vector<float>* r) {
    *r =
        episodes_[static_cast<size_t>(smp.episode)].episode.actions[static_cast<size_t>(smp.frame)];
  });
  if (state_width_ > 0) {
    state_stats_ = stats(state_width_, [&](const TrainSample& smp, std::vector<float>* r) {
      StateRow(smp.episode, smp.frame, r->data());
    });
  }
}

void TrainDataset::StateRow(int e, int t, float* out) const {
  const Episode& ep = episodes_[static_cast<size_t>(e)].episode;
  for (const auto& key : options_.state_keys) {
    const auto& row = ep.state.at(key)[static_cast<size_t>(t)];
    out = std::copy(row.begin(), row.end(), out);
  }
}

void RenderGazeMap(const std::vector<std::vector<GazePoint>>& gaze, int t, const TrainOptions& o,
                   int width, int height, float* out) {
  std::fill(out, out + static_cast<size_t>(width) * static_cast<size_t>(height), 0.f);
  const int T = static_cast<int>(gaze.size());
  const double sigma0 = o.gaze_sigma * static_cast<double>(width) / 320.0;
  std::vector<float> gx(static_cast<size_t>(width)), gy(static_cast<size_t>(height));
  for (int d = -o.gaze_window; d <= o.gaze_window; d += o.gaze_stride) {
    if (d > 0 && !o.gaze_future) break;
    const int i = t + d;
    if (i < 0 || i >= T) continue;
    const int ad = std::abs(d);
    const double weight = std::pow(o.gaze_decay, ad);
    if (weight < 1e-4) continue;  // invisible after the final division by the maximum
    const double sigma = sigma0 / std::pow(o.gaze_spread, ad);
    const double inv = 1.0 / (2 * sigma * sigma);
    for (const GazePoint& p : gaze[static_cast<size_t>(i)]) {
      if (!(p[0] >= 0 && p[0] <= 1 && p[1] >= 0 && p[1] <= 1)) continue;  // padding / off-screen
      const double cx = p[0] * width, cy = p[1] * height;
      // A separable Gaussian: exp(-(dx^2 + dy^2) / 2s^2) = gx(x) * gy(y).
      for (int x = 0; x < width; ++x)
        gx[static_cast<size_t>(x)] = static_cast<float>(std::exp(-std::pow(x + 0.5 - cx, 2) * inv));
      for (int y = 0; y < height; ++y) {
        gy[static_cast<size_t>(y)] =
            static_cast<float>(weight * std::exp(-std::pow(y + 0.5 - cy, 2) * inv));
      }
      for (int y = 0; y < height; ++y) {
        float* row = out + static_cast<size_t>(y) * static_cast<size_t>(width);
        const float wy = gy[static_cast<size_t>(y)];
        if (wy < 1e-7f) continue;
        for (int x = 0; x < width; ++x) row[x] += wy * gx[static_cast<size_t>(x)];
      }
    }
  }
  const float mx =
      *std::max_element(out, out + static_cast<size_t>(width) * static_cast<size_t>(height));
  if (mx > 0) {
    for (size_t k = 0; k < static_cast<size_t>(width) * static_cast<size_t>(height); ++k)
      out[k] /= mx;
  }
}

std::vector<std::string> TrainDataset::action_names() const {
  return store_.info().action_spec.Names();
}

Json TrainDataset::SplitJson() const {
  Json train = Json::array(), val = Json::array();
  for (const auto& e : episodes_) (e.validation ? val : train).push_back(e.name);
  return {{"train", train},
          {"validation", val},
          {"seed", options_.seed},
          {"method", options_.split},
          {"excluded_episodes", excluded_episodes_},
          {"excluded_frames", excluded_frames_},
          {"damaged_episodes", damaged_episodes_},
          {"filter", options_.filter},
          {"filtered_episodes", filtered_episodes_},
          {"filtered_frames", filtered_frames_},
          {"journal_edits_applied", journal_applied_}};
}

Json TrainDataset::Fingerprint() const {
  Json eps = Json::array();
  std::string all;
  for (const auto& e : episodes_) {
    Json j = {{"name", e.name}, {"frames", e.episode.num_frames}, {"validation", e.validation}};
    const auto ep_json = store_.EpisodeDir(e.name) / "episode.json";
    j["episode_sha256"] = Sha256Hex(ReadFile(ep_json));
    if (store_.HasArtifact(e.name, "key_objects")) {
      j["key_objects_sha256"] = Sha256Hex(ReadFile(store_.ArtifactPath(e.name, "key_objects")));
    }
    all += j.dump();
    eps.push_back(std::move(j));
  }
  // Unbaked studio edits change the data too: the journal's hash is part of the fingerprint.
  const auto journal = EditJournal::ProjectFile(store_.root());
  const std::string journal_sha =
      std::filesystem::exists(journal) ? Sha256Hex(ReadFile(journal)) : "";
  all += journal_sha;
  return {{"episodes", eps},
          {"journal_sha256", journal_sha.empty() ? Json(nullptr) : Json(journal_sha)},
          {"sha256", Sha256Hex(all)},
          {"saliency", saliency_.ToJson()}};
}

double TrainDataset::MeanActionValidationMse() const {
  if (val_.empty()) return -1;
  std::vector<double> mean(static_cast<size_t>(num_actions_), 0.0);
  for (const auto& s : train_) {
    const auto& a =
        episodes_[static_cast<size_t>(s.episode)].episode.actions[static_cast<size_t>(s.frame)];
    for (size_t i = 0; i < a.size(); ++i) mean[i] += a[i];
  }
  for (double& m : mean) m /= static_cast<double>(train_.size());
  double sum = 0;
  for (const auto& s : val_) {
    const auto& a =
        episodes_[static_cast<size_t>(s.episode)].episode.actions[static_cast<size_t>(s.frame)];
    for (size_t i = 0; i < a.size(); ++i) sum += (a[i] - mean[i]) * (a[i] - mean[i]);
  }
  return sum / (static_cast<double>(val_.size()) * num_actions_);
}

namespace {

// A [0,1] rectangle in pixels of a width x height image (at least 1 x 1).
cv::Rect PixelRect(const cv::Rect2d& r, int width, int height) {
  const int x = std::min(width - 1, static_cast<int>(std::lround(r.x * width)));
  const int y = std::min(height - 1, static_cast<int>(std::lround(r.y * height)));
  const int w = std::max(1, std::min(width - x, static_cast<int>(std::lround(r.width * width))));
  const int h = std::max(1, std::min(height - y, static_cast<int>(std::lround(r.height * height))));
  return {x, y, w, h};
}

// One sample's augmentation, drawn from its hash.
struct Augmentation {
  cv::Rect2d crop{0, 0, 1, 1};          // in [0,1] frame coordinates
  double brightness = 1, contrast = 1;  // x' = clamp(((x - 0.5) c + 0.5) b)
  double saturation = 1, hue = 0;       // RGB only: AdjustSaturation / AdjustHue (color_jitter.h)
};

Augmentation DrawAugmentation(uint64_t seed, const std::string& episode, int frame) {
  Augmentation a;
  if (seed == 0) return a;
  uint64_t h = HashMix(seed, episode, frame);
  auto uniform = [&] {
    h = SplitMix(h);
    return Unit(h);
  };
  if (uniform() < 0.5) {
    // torchvision's RandomResizedCrop(scale (0.8, 1), ratio (0.9, 1.1)) in relative units.
    const double scale = 0.8 + 0.2 * uniform();
    const double ratio = std::exp(std::log(0.9) + (std::log(1.1) - std::log(0.9)) * uniform());
    const double w = std::min(1.0, std::sqrt(scale * ratio)),
                 hh = std::min(1.0, std::sqrt(scale / ratio));
    a.crop = {(1 - w) * uniform(), (1 - hh) * uniform(), w, hh};
  }
  if (uniform() < 0.5) {
    a.brightness = 0.8 + 0.4 * uniform();
    a.contrast = 0.8 + 0.4 * uniform();
    // Drawn last, so the crop and brightness/contrast of a seed are what they were before
    // saturation and hue existed (grayscale runs are unchanged).
    a.saturation = 0.8 + 0.4 * uniform();
    a.hue = -0.05 + 0.1 * uniform();
  }
  return a;
}

// The map `full` (input size) cropped like the frames and resized back to the input.
void CropMap(float* map, int width, int height, const cv::Rect2d& crop) {
  cv::Mat full(height, width, CV_32FC1, map);
  cv::Mat part = full(PixelRect(crop, width, height)).clone();
  cv::resize(part, full, cv::Size(width, height), 0, 0, cv::INTER_LINEAR);  // writes into map
}

}  // namespace

struct BatchReader::Impl {
  const TrainDataset& data;
  std::map<int, std::unique_ptr<FrameSource>> sources;         // a few open episodes
  std::map<int, std::unique_ptr<SaliencyRenderer>> renderers;  // per image size of an episode
  std::vector<float> scratch;

  explicit Impl(const TrainDataset& d) : data(d) {}

  FrameSource& Source(int e) {
    auto it = sources.find(e);
    if (it != sources.end()) return *it->second;
    // Random access jumps between episodes: keep a handful open (video/HDF5 handles are costly
    // to reopen, image lists are cheap) but never all of them.
    if (sources.size() >= 8) sources.erase(sources.begin());
    auto src = data.store().OpenFrames(data.episodes()[static_cast<size_t>(e)].episode);
    return *sources.emplace(e, std::move(src)).first->second;
  }

  // Frame t of episode e (its `crop`, in [0,1] frame coordinates) resized to the input,
  // channels written to out (C order planes).
  void Frame(int e, int t, float* out, const cv::Rect2d& crop = {0, 0, 1, 1}) {
    const TrainOptions& o = data.options();
    cv::Mat bgr = Source(e).Read(t);
    if (crop.width < 1 || crop.height < 1) bgr = bgr(PixelRect(crop, bgr.cols, bgr.rows));
    PreprocessFrame(bgr, o.input_width, o.input_height, o.grayscale, out);
  }

  void Target(int e, int t, float* out) {
    const TrainEpisode& te = data.episodes()[static_cast<size_t>(e)];
    const int key = te.episode.width * 100000 + te.episode.height;
    auto it = renderers.find(key);
    if (it == renderers.end()) {
      it = renderers
               .emplace(key, std::make_unique<SaliencyRenderer>(data.saliency(), te.episode.width,
                                                                te.episode.height))
               .first;
    }
    it->second->RenderFrame(te.key_boxes, static_cast<size_t>(t), out);
  }
};

BatchReader::BatchReader(const TrainDataset& data) : impl_(std::make_unique<Impl>(data)) {}
BatchReader::~BatchReader() = default;

void BatchReader::Fill(const std::vector<TrainSample>& samples, const std::vector<size_t>& order,
                       size_t begin, size_t count, TrainBatch* out, uint64_t augment_seed) {
  const TrainOptions& o = impl_->data.options();
  const int A = impl_->data.num_actions();
  const size_t hw = static_cast<size_t>(o.input_width) * static_cast<size_t>(o.input_height);
  const size_t per_frame = hw * (o.grayscale ? 1u : 3u);
  const size_t per_obs = per_frame * static_cast<size_t>(o.stack);
  out->n = static_cast<int>(count);
  out->obs.assign(count * per_obs, 0.f);
  out->actions.assign(count * static_cast<size_t>(A), 0.f);
  out->target.assign(count * hw, 0.f);
  out->reg_mask.assign(count, 0.f);
  const int S = impl_->data.state_dim();
  const size_t width = static_cast<size_t>(S / o.stack);
  out->state.assign(count * static_cast<size_t>(S), 0.f);
  for (size_t b = 0; b < count; ++b) {
    const size_t idx = order.empty() ? begin + b : order[begin + b];
    const TrainSample& s = samples[idx];
    const std::string& name = impl_->data.episodes()[static_cast<size_t>(s.episode)].name;
    const Augmentation aug = DrawAugmentation(o.augment ? augment_seed : 0, name, s.frame);
    const bool cropped = aug.crop.width < 1 || aug.crop.height < 1;
    // Oldest frame first; before the start of the episode the first frame is repeated. The
    // same crop and jitter for every stacked frame, so motion between them is kept.
    for (int k = 0; k < o.stack; ++k) {
      const int t = std::max(0, s.frame - (o.stack - 1 - k));
      impl_->Frame(s.episode, t, out->obs.data() + b * per_obs + static_cast<size_t>(k) * per_frame,
                   aug.crop);
    }
    if (aug.brightness != 1 || aug.contrast != 1) {
      float* p = out->obs.data() + b * per_obs;
      for (size_t i = 0; i < per_obs; ++i) {
        const double v = ((p[i] - 0.5) * aug.contrast + 0.5) * aug.brightness;
        p[i] = static_cast<float>(std::min(1.0, std::max(0.0, v)));
      }
    }
    if (!o.grayscale && (aug.saturation != 1 || aug.hue != 0)) {
      for (int k = 0; k < o.stack; ++k) {
        float* planes = out->obs.data() + b * per_obs + static_cast<size_t>(k) * per_frame;
        AdjustSaturation(planes, hw, aug.saturation);
        AdjustHue(planes, hw, aug.hue);
      }
    }
    const auto& a = impl_->data.episodes()[static_cast<size_t>(s.episode)]
                        .episode.actions[static_cast<size_t>(s.frame)];
    std::copy(a.begin(), a.end(),
              out->actions.begin() + static_cast<long>(b * static_cast<size_t>(A)));
    if (o.target == "vlm") impl_->Target(s.episode, s.frame, out->target.data() + b * hw);
    if (o.target == "gaze") {
      RenderGazeMap(impl_->data.episodes()[static_cast<size_t>(s.episode)].episode.gaze, s.frame, o,
                    o.input_width, o.input_height, out->target.data() + b * hw);
    }
    if (cropped && o.target != "none") {
      CropMap(out->target.data() + b * hw, o.input_width, o.input_height, aug.crop);
    }
    // The state of every stacked frame, oldest first (the robot variant's state x horizon).
    for (int k = 0; S > 0 && k < o.stack; ++k) {
      const int t = std::max(0, s.frame - (o.stack - 1 - k));
      impl_->data.StateRow(
          s.episode, t,
          out->state.data() + b * static_cast<size_t>(S) + static_cast<size_t>(k) * width);
    }
    out->reg_mask[b] = (o.regularizer != "none" && s.regularised) ? 1.f : 0.f;
  }
}

BatchStream::BatchStream(const TrainDataset& data, const std::vector<TrainSample>& samples,
                         std::vector<size_t> order, int batch, int workers, size_t first_batch,
                         size_t depth, uint64_t augment_seed)
    : data_(data),
      samples_(samples),
      order_(std::move(order)),
      batch_(static_cast<size_t>(batch)),
      depth_(std::max<size_t>(1, depth)),
      augment_seed_(augment_seed) {
  const size_t n = order_.empty() ? samples_.size() : order_.size();
  num_batches_ = (n + batch_ - 1) / batch_;
  next_fill_ = next_take_ = std::min(first_batch, num_batches_);
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { Work(); });
}

BatchStream::~BatchStream() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void BatchStream::Work() {
  BatchReader reader(data_);
  const size_t n = order_.empty() ? samples_.size() : order_.size();
  for (;;) {
    size_t k;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] {
        return stopping_ || next_fill_ >= num_batches_ || next_fill_ < next_take_ + depth_;
      });
      if (stopping_ || next_fill_ >= num_batches_ || error_) return;
      k = next_fill_++;
    }
    TrainBatch b;
    std::exception_ptr err;
    try {
      reader.Fill(samples_, order_, k * batch_, std::min(batch_, n - k * batch_), &b,
                  augment_seed_);
    } catch (...) {
      err = std::current_exception();  // rethrown on the training thread with its type intact
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (err && !error_) error_ = err;
      ready_.emplace(k, std::move(b));
    }
    cv_.notify_all();
  }
}

bool BatchStream::Next(TrainBatch* out) {
  std::unique_lock<std::mutex> lock(mu_);
  if (next_take_ >= num_batches_) return false;
  cv_.wait(lock, [&] { return error_ || ready_.count(next_take_); });
  if (error_) std::rethrow_exception(error_);
  *out = std::move(ready_[next_take_]);
  ready_.erase(next_take_);
  ++next_take_;
  lock.unlock();
  cv_.notify_all();
  return true;
}

}  // namespace autofocus

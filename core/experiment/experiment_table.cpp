#include "core/experiment/experiment_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <opencv2/imgproc.hpp>

#include "core/attention/attention_options.h"
#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/base/npy.h"
#include "core/dataset/project_store.h"
#include "core/experiment/experiment.h"
#include "core/imageio/image_io.h"

namespace autofocus {
namespace fs = std::filesystem;

namespace {

const char* const kSplits[] = {"seen", "unseen"};

struct Stats {
  double mean = 0, stderr_ = 0;
  int n = 0;
};

Stats Summarise(const std::vector<double>& v) {
  Stats s;
  s.n = static_cast<int>(v.size());
  if (v.empty()) return s;
  for (double x : v) s.mean += x;
  s.mean /= s.n;
  if (s.n > 1) {
    double ss = 0;
    for (double x : v) ss += (x - s.mean) * (x - s.mean);
    s.stderr_ = std::sqrt(ss / (s.n - 1)) / std::sqrt(static_cast<double>(s.n));
  }
  return s;
}

Json OrNull(const std::vector<double>& v) {
  return v.empty() ? Json(nullptr) : Json(Summarise(v).mean);
}

std::string Tag(const ExperimentMethod& m, const std::string& setting) {
  return m.saliency_window > 0 ? setting + "-w" + std::to_string(m.saliency_window) : setting;
}

// The run's entry of an attention summary.json, or null.
Json AttentionMean(const fs::path& summary, const std::string& run) {
  if (!fs::exists(summary)) return nullptr;
  const Json j = LoadJsonFile(summary);
  for (const auto& r : j.value("runs", Json::array()))
    if (r.value("run", "") == run) return r.value("mean", Json(nullptr));
  return nullptr;
}

}  // namespace

Json BuildExperimentTable(const ExperimentOptions& o) {
  const ExperimentLayout L{o.out};
  Json cells = Json::array();
  for (const auto& m : o.methods) {
    for (const auto& setting : o.settings) {
      std::vector<double> icon, key;
      for (int seed = 0; seed < o.seeds; ++seed) {
        const Json mean = AttentionMean(L.AttentionReport(Tag(m, setting), seed) / "summary.json",
                                        ExperimentLayout::RunName(m, seed));
        if (mean.is_object()) {
          if (mean.value("mass_icon", Json(nullptr)).is_number())
            icon.push_back(mean["mass_icon"].get<double>());
          if (mean.value("mass_key", Json(nullptr)).is_number())
            key.push_back(mean["mass_key"].get<double>());
        }
      }
      for (const char* split : kSplits) {
        std::vector<double> scores, policy_means;
        for (int seed = 0; seed < o.seeds; ++seed) {
          const fs::path f = L.Run(m, setting, seed) / "evaluations" /
                             (std::string(split) + "-" + setting + ".json");
          if (!fs::exists(f)) continue;
          const Json e = LoadJsonFile(f);
          for (const auto& r : e.at("runs")) scores.push_back(r.at("score").get<double>());
          policy_means.push_back(e.at("mean_score").get<double>());
        }
        const Stats s = Summarise(scores), p = Summarise(policy_means);
        cells.push_back({{"method", m.name},
                         {"label", m.label},
                         {"split", split},
                         {"setting", setting},
                         {"mean", s.n ? Json(s.mean) : Json(nullptr)},
                         // One rollout has no standard error (not 0: nothing is known of it).
                         {"stderr", s.n > 1 ? Json(s.stderr_) : Json(nullptr)},
                         {"runs", s.n},
                         {"policies", p.n},
                         {"stderr_policies", p.n > 1 ? Json(p.stderr_) : Json(nullptr)},
                         {"icon_attention", OrNull(icon)},
                         {"key_attention", OrNull(key)}});
      }
    }
  }
  // The paper's claim, cell by cell: AutoFocus-IL minus BC against two standard errors of the
  // difference (independent cells: sqrt(se_a^2 + se_b^2)).
  Json comparisons = Json::array();
  auto find = [&cells](const std::string& method, const std::string& split,
                       const std::string& setting) -> const Json* {
    for (const auto& c : cells)
      if (c["method"] == method && c["split"] == split && c["setting"] == setting) return &c;
    return nullptr;
  };
  for (const auto& setting : o.settings) {
    for (const char* split : kSplits) {
      const Json* a = find("autofocus", split, setting);
      const Json* b = find("bc", split, setting);
      if (!a || !b || !(*a)["mean"].is_number() || !(*b)["mean"].is_number()) continue;
      const double diff = (*a)["mean"].get<double>() - (*b)["mean"].get<double>();
      const bool known = (*a)["stderr"].is_number() && (*b)["stderr"].is_number();
      const double se =
          known ? std::hypot((*a)["stderr"].get<double>(), (*b)["stderr"].get<double>()) : 0;
      comparisons.push_back({{"a", "autofocus"},
                             {"b", "bc"},
                             {"split", split},
                             {"setting", setting},
                             {"difference", diff},
                             {"stderr", known ? Json(se) : Json(nullptr)},
                             {"above_two_stderr", known ? Json(diff > 2 * se) : Json(nullptr)}});
    }
  }
  return {{"cells", cells}, {"comparisons", comparisons}, {"options", o.ToJson()}};
}

namespace {

std::string Cell(const Json& c) {
  if (!c["mean"].is_number()) return "—";
  char buf[96];
  if (!c["stderr"].is_number()) {
    std::snprintf(buf, sizeof buf, "%.1f (n=%d)", c["mean"].get<double>(), c["runs"].get<int>());
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.1f ± %.1f (n=%d)", c["mean"].get<double>(),
                c["stderr"].get<double>(), c["runs"].get<int>());
  return buf;
}

std::string Share(const Json& v) {
  if (!v.is_number()) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v.get<double>());
  return buf;
}

}  // namespace

std::string ExperimentTableMarkdown(const Json& table) {
  const Json& o = table["options"];
  std::string md =
      "# AutoFocus-IL experiment (preset " + o["preset"].get<std::string>() +
      (o["ablation"] == "none" ? std::string() : ", ablation " + o["ablation"].get<std::string>()) +
      ")\n\n";
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "Sample world, scene oracle annotation. Data per setting: %d seen-route episodes "
                "x %d frames (world seed %llu). Training: input %dx%d, %d epochs, batch %d, %d "
                "seed(s) per method (autofocus train --preset quick otherwise). Closed loop: "
                "seen %d routes x seeds %s, unseen %d routes x seeds %s, cap %d steps, route "
                "%.0f m; original-data policies on original routes, confounded-data policies on "
                "confounded routes (icons of their own previous control).\n\n",
                o["episodes"].get<int>(), o["frames"].get<int>(),
                static_cast<unsigned long long>(o["world_seed"].get<uint64_t>()),
                o["input_height"].get<int>(), o["input_width"].get<int>(), o["epochs"].get<int>(),
                o["batch"].get<int>(), o["seeds"].get<int>(), o["routes_seen"].get<int>(),
                o["eval_seeds_seen"].get<std::string>().c_str(), o["routes_unseen"].get<int>(),
                o["eval_seeds_unseen"].get<std::string>().c_str(), o["episode_steps"].get<int>(),
                o["route_length"].get<double>());
  md += buf;
  md +=
      "Driving score, mean ± standard error over every route x seed rollout of every "
      "training seed (n = rollouts). Attention: share of the activation map's mass inside "
      "the confound icons and on key objects, on the runs' validation episodes.\n\n";
  std::vector<std::string> settings;
  for (const auto& s : o["settings"]) settings.push_back(s.get<std::string>());
  md += "| method |";
  for (const auto& s : settings)
    for (const char* split : kSplits) md += std::string(" ") + split + " / " + s + " |";
  md += " icon attention | key attention |\n|---|";
  for (size_t i = 0; i < settings.size() * 2; ++i) md += "---|";
  md += "---|---|\n";
  for (const auto& m : o["methods"]) {
    md += "| " + m["label"].get<std::string>() + " |";
    Json icon = nullptr, key = nullptr;
    for (const auto& s : settings) {
      for (const char* split : kSplits) {
        for (const auto& c : table["cells"]) {
          if (c["method"] != m["name"] || c["setting"] != s || c["split"] != split) continue;
          md += " " + Cell(c) + " |";
          if (s == "confounded" || icon.is_null()) {
            if (c["icon_attention"].is_number()) icon = c["icon_attention"];
          }
          if (c["key_attention"].is_number() && (s == "confounded" || key.is_null()))
            key = c["key_attention"];
        }
      }
    }
    md += " " + Share(icon) + " | " + Share(key) + " |\n";
  }
  if (!table["comparisons"].empty()) {
    md += "\nAutoFocus-IL minus BC (2 s.e. of the difference = 2 sqrt(se_a² + se_b²)):\n\n";
    for (const auto& c : table["comparisons"]) {
      if (!c["stderr"].is_number()) {
        std::snprintf(buf, sizeof buf,
                      "- %s / %s: %+.1f (one rollout per cell: no standard error)\n",
                      c["split"].get<std::string>().c_str(),
                      c["setting"].get<std::string>().c_str(), c["difference"].get<double>());
        md += buf;
        continue;
      }
      std::snprintf(buf, sizeof buf, "- %s / %s: %+.1f (2 s.e. = %.1f): %s\n",
                    c["split"].get<std::string>().c_str(), c["setting"].get<std::string>().c_str(),
                    c["difference"].get<double>(), 2 * c["stderr"].get<double>(),
                    c["above_two_stderr"].get<bool>() ? "above two standard errors"
                                                      : "not above two standard errors");
      md += buf;
    }
  }
  return md;
}

cv::Mat ExperimentChart(const Json& table) {
  const Json& o = table["options"];
  std::vector<std::string> groups;
  for (const auto& s : o["settings"])
    for (const char* split : kSplits)
      groups.push_back(std::string(split) + " / " + s.get<std::string>());
  const int n_methods = static_cast<int>(o["methods"].size());
  const int W = 240 + 180 * static_cast<int>(groups.size()), H = 460;
  const int left = 60, right = 220, top = 40, bottom = 60;
  cv::Mat img(H, W, CV_8UC3, cv::Scalar(255, 255, 255));
  const int plot_w = W - left - right, plot_h = H - top - bottom;
  auto y_of = [&](double v) {
    return top + plot_h - static_cast<int>(std::lround(v / 100.0 * plot_h));
  };
  const cv::Scalar grey(200, 200, 200), black(0, 0, 0);
  for (int v = 0; v <= 100; v += 20) {
    cv::line(img, {left, y_of(v)}, {left + plot_w, y_of(v)}, grey, 1);
    cv::putText(img, std::to_string(v), {left - 34, y_of(v) + 4}, cv::FONT_HERSHEY_SIMPLEX, 0.4,
                black, 1, cv::LINE_AA);
  }
  cv::putText(img, "driving score (mean +- s.e.)", {left, 24}, cv::FONT_HERSHEY_SIMPLEX, 0.5, black,
              1, cv::LINE_AA);
  // Okabe-Ito colours (BGR): distinguishable with colour-vision deficiencies.
  const cv::Scalar palette[] = {{0, 159, 230},   {233, 180, 86}, {115, 158, 0}, {0, 94, 213},
                                {167, 121, 204}, {66, 228, 240}, {178, 114, 0}, {0, 0, 0}};
  const int group_w = plot_w / static_cast<int>(groups.size());
  const int bar_w = std::max(4, (group_w - 20) / std::max(1, n_methods));
  for (size_t g = 0; g < groups.size(); ++g) {
    const int gx = left + static_cast<int>(g) * group_w + 10;
    for (int mi = 0; mi < n_methods; ++mi) {
      const Json& m = o["methods"][mi];
      for (const auto& c : table["cells"]) {
        if (c["method"] != m["name"] ||
            std::string(c["split"].get<std::string>() + " / " + c["setting"].get<std::string>()) !=
                groups[g] ||
            !c["mean"].is_number())
          continue;
        const double mean = c["mean"].get<double>();
        const double se = c["stderr"].is_number() ? c["stderr"].get<double>() : 0.0;
        const int x0 = gx + mi * bar_w;
        cv::rectangle(img, {x0, y_of(mean)}, {x0 + bar_w - 3, y_of(0)}, palette[mi % 8],
                      cv::FILLED);
        const int xc = x0 + (bar_w - 3) / 2;
        const int lo = y_of(std::max(0.0, mean - se)), hi = y_of(std::min(100.0, mean + se));
        cv::line(img, {xc, lo}, {xc, hi}, black, 1);
        cv::line(img, {xc - 3, lo}, {xc + 3, lo}, black, 1);
        cv::line(img, {xc - 3, hi}, {xc + 3, hi}, black, 1);
      }
    }
    cv::putText(img, groups[g], {gx, H - bottom + 22}, cv::FONT_HERSHEY_SIMPLEX, 0.42, black, 1,
                cv::LINE_AA);
  }
  cv::line(img, {left, y_of(0)}, {left + plot_w, y_of(0)}, black, 1);
  for (int mi = 0; mi < n_methods; ++mi) {
    const int y = top + 10 + mi * 22;
    cv::rectangle(img, {W - right + 10, y - 10}, {W - right + 24, y + 2}, palette[mi % 8],
                  cv::FILLED);
    std::string label = o["methods"][mi]["label"].get<std::string>();
    if (label.size() > 30) label = label.substr(0, 29) + ".";
    cv::putText(img, label, {W - right + 30, y}, cv::FONT_HERSHEY_SIMPLEX, 0.38, black, 1,
                cv::LINE_AA);
  }
  return img;
}

namespace {

void WritePng(const fs::path& path, const cv::Mat& img) {
  std::vector<uint8_t> bytes;
  std::string error;
  if (!EncodeImage(".png", img, &bytes, {}, &error))
    throw Error(path.string(), "png", "cannot encode: " + error);
  fs::create_directories(path.parent_path());
  WriteFileAtomic(path,
                  std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

// The frame with the map (bilinear to the frame size, min-max per frame) on the turbo colormap,
// alpha growing with the value so low attention leaves the frame visible.
cv::Mat Overlay(const cv::Mat& frame, const float* map, int h, int w) {
  std::vector<float> up(static_cast<size_t>(frame.rows) * frame.cols);
  ResizeBilinear(map, h, w, frame.rows, frame.cols, up.data());
  std::vector<float> norm(up.size());
  NormaliseForDisplay(up.data(), up.size(), FrameDisplayRange(up.data(), up.size()), norm.data());
  cv::Mat gray(frame.rows, frame.cols, CV_8UC1);
  for (int y = 0; y < frame.rows; ++y)
    for (int x = 0; x < frame.cols; ++x)
      gray.at<uint8_t>(y, x) = static_cast<uint8_t>(
          std::lround(255.f * std::clamp(norm[static_cast<size_t>(y) * frame.cols + x], 0.f, 1.f)));
  cv::Mat color;
  cv::applyColorMap(gray, color, cv::COLORMAP_TURBO);
  cv::Mat out = frame.clone();
  for (int y = 0; y < frame.rows; ++y) {
    for (int x = 0; x < frame.cols; ++x) {
      const float a = 0.7f * gray.at<uint8_t>(y, x) / 255.f;
      const cv::Vec3b f = frame.at<cv::Vec3b>(y, x), c = color.at<cv::Vec3b>(y, x);
      for (int k = 0; k < 3; ++k)
        out.at<cv::Vec3b>(y, x)[k] = static_cast<uint8_t>(std::lround((1 - a) * f[k] + a * c[k]));
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> WriteAttentionStrips(const ExperimentOptions& o) {
  const ExperimentLayout L{o.out};
  std::vector<std::string> written;
  for (const auto& setting : o.settings) {
    std::vector<cv::Mat> rows;
    std::vector<std::string> labels, missing;
    std::string episode;
    std::vector<int> frames;
    for (const auto& m : o.methods) {
      const std::string run = ExperimentLayout::RunName(m, 0);
      const fs::path report = L.AttentionReport(Tag(m, setting), 0);
      if (!fs::exists(report / "summary.json")) {
        missing.push_back(m.label);
        continue;
      }
      const Json summary = LoadJsonFile(report / "summary.json");
      Json run_entry = nullptr;
      for (const auto& r : summary["runs"])
        if (r["run"] == run) run_entry = r;
      if (run_entry.is_null() || run_entry["episodes"].empty()) {
        missing.push_back(m.label);
        continue;
      }
      // The same episode and frames for every method: the first method's choice.
      if (episode.empty()) episode = run_entry["episodes"][0]["episode"].get<std::string>();
      const fs::path per_episode = report / run / (episode + ".json");
      if (!fs::exists(per_episode)) {
        missing.push_back(m.label);
        continue;
      }
      const NpyArray maps =
          ReadNpyAsFloat32(LoadJsonFile(per_episode).at("maps").get<std::string>());
      if (maps.shape.size() != 3) throw Error(per_episode.string(), "maps", "expected [T, h, w]");
      const int T = static_cast<int>(maps.shape[0]), h = static_cast<int>(maps.shape[1]),
                w = static_cast<int>(maps.shape[2]);
      if (frames.empty()) {
        const int n = std::min(o.strip_frames, T);
        for (int i = 0; i < n; ++i) frames.push_back(static_cast<int>((i + 1) * T / (n + 1)));
      }
      const ProjectStore store = ProjectStore::Open(L.Project(setting, m.saliency_window));
      const auto source = store.OpenFrames(store.LoadEpisode(episode));
      std::vector<cv::Mat> tiles;
      for (int t : frames) {
        const cv::Mat frame = source->Read(t);
        cv::Mat tile = Overlay(frame, maps.data.data() + static_cast<size_t>(t) * h * w, h, w);
        cv::putText(tile, "t=" + std::to_string(t), {4, tile.rows - 6}, cv::FONT_HERSHEY_SIMPLEX,
                    0.4, cv::Scalar(255, 255, 255), 1, cv::LINE_AA);
        tiles.push_back(tile);
      }
      cv::Mat strip;
      cv::hconcat(tiles, strip);
      const fs::path file = L.root / "strips" / (setting + "-" + m.name + ".png");
      WritePng(file, strip);
      written.push_back(file.string());
      rows.push_back(strip);
      labels.push_back(m.label);
    }
    if (rows.empty()) continue;
    // Stacked: a caption band above every method's strip.
    std::vector<cv::Mat> parts;
    for (size_t i = 0; i < rows.size(); ++i) {
      cv::Mat band(22, rows[i].cols, CV_8UC3, cv::Scalar(255, 255, 255));
      cv::putText(band, labels[i] + "  (" + setting + ", " + episode + ")", {4, 15},
                  cv::FONT_HERSHEY_SIMPLEX, 0.45, cv::Scalar(0, 0, 0), 1, cv::LINE_AA);
      parts.push_back(band);
      parts.push_back(rows[i]);
    }
    if (!missing.empty()) {
      std::string text = "no maps: ";
      for (const auto& s : missing) text += s + "; ";
      cv::Mat band(22, rows[0].cols, CV_8UC3, cv::Scalar(255, 255, 255));
      cv::putText(band, text, {4, 15}, cv::FONT_HERSHEY_SIMPLEX, 0.45, cv::Scalar(0, 0, 200), 1,
                  cv::LINE_AA);
      parts.push_back(band);
    }
    cv::Mat all;
    cv::vconcat(parts, all);
    const fs::path file = L.root / "strips" / (setting + ".png");
    WritePng(file, all);
    written.push_back(file.string());
  }
  return written;
}

void WriteExperimentOutputs(const ExperimentOptions& o, const Json& table) {
  const fs::path root = o.out;
  WriteFileAtomic(root / "table.json", table.dump(2) + "\n");
  WriteFileAtomic(root / "table.md", ExperimentTableMarkdown(table));
  WritePng(root / "chart.png", ExperimentChart(table));
  WriteAttentionStrips(o);
}

}  // namespace autofocus

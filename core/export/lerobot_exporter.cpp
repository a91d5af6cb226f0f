// LeRobot v3.0 datasets (FORMATS.md "LeRobot datasets"): meta/info.json, meta/stats.json,
// meta/tasks.parquet (indexed by the task string through pandas' metadata), the episodes table
// meta/episodes/chunk-000/file-000.parquet with per-episode stats, frames in
// data/chunk-XXX/file-YYY.parquet and videos/<key>/chunk-XXX/file-YYY.mp4, many episodes per
// file. Saliency goes as `autofocus.gaze_coords` (low-dim, not an observation.* key, so LeRobot's
// policy factory does not feed it to the policy) and, with maps, the video `autofocus.saliency`.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/export/exporters.h"
#include "core/imageio/image_io.h"
#include "core/imageio/mp4_writer.h"
#include "core/parquet/parquet_writer.h"

namespace autofocus {
namespace fs = std::filesystem;
namespace pq = parquet;

namespace {

constexpr int kChunksSize = 1000;  // files per chunk folder (LeRobot's default)
constexpr int kDataFileMb = 100;   // data_files_size_in_mb
constexpr int kVideoFileMb = 200;  // video_files_size_in_mb (FORMATS.md)
constexpr const char* kSaliencyVideo = "autofocus.saliency";
constexpr const char* kGazeFeature = "autofocus.gaze_coords";
const std::vector<std::pair<std::string, double>> kQuantiles = {
    {"q01", 0.01}, {"q10", 0.10}, {"q50", 0.50}, {"q90", 0.90}, {"q99", 0.99}};

std::string ChunkFile(int chunk, int file) {
  char b[64];
  std::snprintf(b, sizeof b, "chunk-%03d/file-%03d", chunk, file);
  return b;
}

void NextFile(int* chunk, int* file) {
  if (*file == kChunksSize - 1) {
    *file = 0;
    ++*chunk;
  } else {
    ++*file;
  }
}

// Statistics of one feature in LeRobot's layout: per dimension min, max, mean, std (ddof 0),
// exact quantiles (numpy's linear interpolation), and the count.
struct FeatureStats {
  std::vector<int> shape;  // of every statistic but count: (D,) or (3,1,1) for images
  std::map<std::string, std::vector<double>> values;
  int64_t count = 0;

  Json ToJson() const {
    Json j = Json::object();
    for (const auto& [k, v] : values) {
      if (shape.size() == 3) {
        Json a = Json::array();
        for (double x : v) a.push_back(Json::array({Json::array({x})}));
        j[k] = a;
      } else {
        j[k] = v;
      }
    }
    j["count"] = Json::array({count});
    return j;
  }
};

double Quantile(std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos)), hi = static_cast<size_t>(std::ceil(pos));
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

// Stats of `rows` x `dims` values (row-major).
FeatureStats VectorStats(const std::vector<double>& v, size_t dims) {
  FeatureStats s;
  s.shape = {static_cast<int>(dims)};
  const size_t n = dims ? v.size() / dims : 0;
  s.count = static_cast<int64_t>(n);
  for (size_t d = 0; d < dims; ++d) {
    std::vector<double> col(n);
    for (size_t r = 0; r < n; ++r) col[r] = v[r * dims + d];
    std::sort(col.begin(), col.end());
    double sum = 0;
    for (double x : col) sum += x;
    const double mean = n ? sum / static_cast<double>(n) : 0;
    double var = 0;
    for (double x : col) var += (x - mean) * (x - mean);
    s.values["min"].push_back(n ? col.front() : 0);
    s.values["max"].push_back(n ? col.back() : 0);
    s.values["mean"].push_back(mean);
    s.values["std"].push_back(n ? std::sqrt(var / static_cast<double>(n)) : 0);
    for (const auto& [name, q] : kQuantiles) s.values[name].push_back(n ? Quantile(col, q) : 0);
  }
  return s;
}

// Per-channel histograms of 8-bit pixels: exact image stats (values / 255, shape (3,1,1));
// count is the number of frames, as LeRobot counts sampled frames.
struct PixelHistogram {
  std::array<std::array<int64_t, 256>, 3> bins{};
  int64_t frames = 0;

  void Add(const cv::Mat& rgb_or_gray) {
    const int c = rgb_or_gray.channels();
    const uint8_t* p = rgb_or_gray.data;
    const size_t n = rgb_or_gray.total();
    for (size_t i = 0; i < n; ++i) {
      for (int k = 0; k < 3; ++k)
        ++bins[static_cast<size_t>(k)]
              [p[i * static_cast<size_t>(c) + (c == 1 ? 0 : static_cast<size_t>(k))]];
    }
    ++frames;
  }
  void Merge(const PixelHistogram& o) {
    for (size_t k = 0; k < 3; ++k) {
      for (size_t b = 0; b < 256; ++b) bins[k][b] += o.bins[k][b];
    }
    frames += o.frames;
  }
  FeatureStats Stats() const {
    FeatureStats s;
    s.shape = {3, 1, 1};
    s.count = frames;
    for (size_t k = 0; k < 3; ++k) {
      int64_t n = 0;
      double sum = 0, sq = 0;
      int lo = -1, hi = 0;
      for (int b = 0; b < 256; ++b) {
        const int64_t c = bins[k][static_cast<size_t>(b)];
        if (!c) continue;
        if (lo < 0) lo = b;
        hi = b;
        n += c;
        sum += static_cast<double>(c) * b;
        sq += static_cast<double>(c) * b * b;
      }
      const double mean = n ? sum / static_cast<double>(n) : 0;
      s.values["min"].push_back(std::max(lo, 0) / 255.0);
      s.values["max"].push_back(hi / 255.0);
      s.values["mean"].push_back(mean / 255.0);
      s.values["std"].push_back(
          n ? std::sqrt(std::max(0.0, sq / static_cast<double>(n) - mean * mean)) / 255.0 : 0);
      // The k-th order statistic from the cumulative histogram, interpolated as numpy does.
      auto order = [&](int64_t idx) {
        int64_t acc = 0;
        for (int b = 0; b < 256; ++b) {
          acc += bins[k][static_cast<size_t>(b)];
          if (acc > idx) return static_cast<double>(b);
        }
        return 255.0;
      };
      for (const auto& [name, q] : kQuantiles) {
        const double pos = q * static_cast<double>(std::max<int64_t>(n - 1, 0));
        const int64_t l = static_cast<int64_t>(std::floor(pos)),
                      h = static_cast<int64_t>(std::ceil(pos));
        const double vl = order(l), vh = order(h);
        s.values[name].push_back((vl + (pos - static_cast<double>(l)) * (vh - vl)) / 255.0);
      }
    }
    return s;
  }
};

// The low-dimensional per-frame columns of the data files, in feature order.
struct LowDim {
  std::string name;
  std::string dtype;     // float32 | int64
  size_t dims = 1;       // 1 for the (1,) default features
  Json names = nullptr;  // names of the dimensions
  bool scalar = false;   // stored as one value per row (shape (1,))
};

// One data file being filled: every low-dim column's values.
struct DataFile {
  std::vector<std::vector<double>> values;  // per LowDim, rows x dims
  int64_t rows = 0;
};

std::string EpisodeTask(const Episode& e, const std::string& fallback) {
  for (const char* k : {"task", "language_instruction"}) {
    if (e.metadata.contains(k) && e.metadata[k].is_string() &&
        !e.metadata[k].get<std::string>().empty()) {
      return e.metadata[k];
    }
  }
  return fallback;
}

class LeRobotExporter : public Exporter {
 public:
  std::string Format() const override { return "lerobot"; }

  void Write(const ProjectStore& store, const std::vector<ExportEpisode>& episodes,
             const ExportOptions& options, const fs::path& dest, const ProgressCallback& progress,
             const StopCheck& stop) const override {
    const Episode& first = episodes.front().episode;
    const int W = first.width, H = first.height;
    const int fps = Fps(episodes, options);
    for (const auto& ep : episodes) {
      if (ep.episode.width != W || ep.episode.height != H) {
        throw Error(store.root().string(), ep.episode.name,
                    "frame size " + std::to_string(ep.episode.width) + "x" +
                        std::to_string(ep.episode.height) + " differs from " + first.name + "'s " +
                        std::to_string(W) + "x" + std::to_string(H) +
                        " (a LeRobot video feature has one shape)");
      }
    }
    const pq::WriteOptions pqo{pq::ParseCompression(options.compress, "--compress"),
                               "autofocus " AUTOFOCUS_EXPORT_VERSION};

    // Features: the camera, saliency, state, action, gaze, then LeRobot's default columns.
    const std::string camera = "observation.images." + options.image_key;
    const bool maps = options.saliency == "maps";
    std::vector<std::string> videos = {camera};
    if (maps) videos.push_back(kSaliencyVideo);
    std::vector<LowDim> low;
    std::vector<std::string> state_names;
    for (const auto& [key, rows] : first.state) {
      const size_t d = rows.empty() ? 0 : rows.front().size();
      for (size_t i = 0; i < d; ++i)
        state_names.push_back(d == 1 ? key : key + "_" + std::to_string(i));
    }
    if (!state_names.empty())
      low.push_back({"observation.state", "float32", state_names.size(), state_names, false});
    std::vector<std::string> action_names = store.info().action_spec.Names();
    const size_t A = first.actions.empty() ? 0 : first.actions.front().size();
    if (action_names.size() != A) {
      action_names.clear();
      for (size_t i = 0; i < A; ++i) action_names.push_back("action_" + std::to_string(i));
    }
    low.push_back({"action", "float32", A, action_names, false});
    if (options.saliency != "none") {
      Json gaze_names = Json::array();
      for (int k = 0; k < 5; ++k) {
        gaze_names.push_back("x" + std::to_string(k));
        gaze_names.push_back("y" + std::to_string(k));
      }
      low.push_back({kGazeFeature, "float32", 10, gaze_names, false});
    }
    low.push_back({"timestamp", "float32", 1, nullptr, true});
    for (const char* n : {"frame_index", "episode_index", "index", "task_index"})
      low.push_back({n, "int64", 1, nullptr, true});

    // Tasks in order of first appearance; train episodes first, then validation ones, so the
    // split is two index ranges.
    std::vector<size_t> order;
    for (size_t k = 0; k < episodes.size(); ++k) {
      if (!episodes[k].valid) order.push_back(k);
    }
    const size_t n_train = order.size();
    for (size_t k = 0; k < episodes.size(); ++k) {
      if (episodes[k].valid) order.push_back(k);
    }
    std::vector<std::string> tasks;
    std::map<std::string, int64_t> task_index;
    for (size_t k : order) {
      const std::string t = EpisodeTask(episodes[k].episode, store.info().name);
      if (!task_index.count(t)) {
        task_index[t] = static_cast<int64_t>(tasks.size());
        tasks.push_back(t);
      }
    }

    // Episode table columns, filled per episode.
    std::map<std::string, std::vector<int64_t>> ep_int;
    std::map<std::string, std::vector<double>> ep_double;
    std::vector<std::string> ep_tasks, ep_names, ep_splits;
    std::vector<std::map<std::string, FeatureStats>> ep_stats;
    std::vector<std::vector<double>> all_values(low.size());
    std::map<std::string, PixelHistogram> all_pixels;

    DataFile data;
    data.values.resize(low.size());
    int data_chunk = 0, data_file = 0;
    size_t row_bytes = 0;
    for (const auto& l : low) row_bytes += l.dims * (l.dtype == "int64" ? 8 : 4);
    auto flush_data = [&] {
      if (data.rows == 0) return;
      pq::Table t;
      t.num_rows = data.rows;
      for (size_t i = 0; i < low.size(); ++i)
        t.columns.push_back(DataColumn(low[i], data.values[i]));
      pq::WriteTable(dest / "data" / (ChunkFile(data_chunk, data_file) + ".parquet"), t, pqo);
      data = DataFile{};
      data.values.resize(low.size());
      NextFile(&data_chunk, &data_file);
    };

    struct Video {
      Mp4Writer writer;
      int chunk = 0, file = 0;
      int64_t frames = 0;  // frames in the current file
    };
    std::map<std::string, Video> vw;
    Mp4Options mo;
    mo.codec = options.video_codec;
    mo.fps = fps;
    mo.gop = 2;
    mo.crf = options.video_codec == "av1" ? 30 : 23;
    auto video_path = [&](const std::string& key, const Video& v) {
      return dest / "videos" / key / (ChunkFile(v.chunk, v.file) + ".mp4");
    };

    long done = 0, all = 0;
    for (const auto& e : episodes) all += static_cast<long>(e.frames.size());
    int64_t global_index = 0;
    for (size_t pos = 0; pos < order.size(); ++pos) {
      ThrowIfStopped(stop);
      const ExportEpisode& ep = episodes[order[pos]];
      const Episode& e = ep.episode;
      const int64_t N = static_cast<int64_t>(ep.frames.size());
      const int64_t ei = static_cast<int64_t>(pos);
      // A new data file once the current one would pass its size; episodes never straddle.
      if (data.rows > 0 && static_cast<double>((data.rows + N) * static_cast<int64_t>(row_bytes)) >
                               kDataFileMb * 1048576.0) {
        flush_data();
      }
      ep_int["episode_index"].push_back(ei);
      ep_int["length"].push_back(N);
      ep_int["data/chunk_index"].push_back(data_chunk);
      ep_int["data/file_index"].push_back(data_file);
      ep_int["dataset_from_index"].push_back(global_index);
      ep_int["dataset_to_index"].push_back(global_index + N);
      const std::string task = EpisodeTask(e, store.info().name);
      ep_tasks.push_back(task);
      ep_names.push_back(e.name);
      ep_splits.push_back(ep.valid ? "valid" : "train");

      for (const auto& key : videos) {
        Video& v = vw[key];
        if (v.writer.IsOpen() && v.writer.BytesWritten() > kVideoFileMb * 1048576LL) {
          v.writer.Finish();
          NextFile(&v.chunk, &v.file);
          v.frames = 0;
        }
        if (!v.writer.IsOpen()) {
          const fs::path p = video_path(key, v);
          fs::create_directories(p.parent_path());
          v.writer.Open(p, W, H, mo);
        }
        ep_int["videos/" + key + "/chunk_index"].push_back(v.chunk);
        ep_int["videos/" + key + "/file_index"].push_back(v.file);
        ep_double["videos/" + key + "/from_timestamp"].push_back(static_cast<double>(v.frames) /
                                                                 fps);
        ep_double["videos/" + key + "/to_timestamp"].push_back(static_cast<double>(v.frames + N) /
                                                               fps);
      }

      // Low-dim rows of this episode.
      std::vector<std::vector<double>> ev(low.size());
      for (int64_t i = 0; i < N; ++i) {
        const ExportFrame& f = ep.frames[static_cast<size_t>(i)];
        size_t c = 0;
        if (!state_names.empty()) {
          for (const auto& [key, rows] : e.state) {
            for (float x : rows.at(static_cast<size_t>(f.index))) ev[c].push_back(x);
          }
          if (ev[c].size() != static_cast<size_t>(i + 1) * state_names.size()) {
            throw Error(store.root().string(), e.name + " state",
                        "state size differs from " + first.name + "'s");
          }
          ++c;
        }
        const auto& a = e.actions.at(static_cast<size_t>(f.index));
        if (a.size() != A) {
          throw Error(
              store.root().string(), e.name + " frame " + std::to_string(f.index),
              "has " + std::to_string(a.size()) + " action values, expected " + std::to_string(A));
        }
        for (float x : a) ev[c].push_back(x);
        ++c;
        if (options.saliency != "none") {
          for (float x : GazeCoords(f.key, W, H)) ev[c].push_back(x);
          ++c;
        }
        ev[c++].push_back(static_cast<float>(static_cast<double>(i) / fps));
        ev[c++].push_back(static_cast<double>(i));
        ev[c++].push_back(static_cast<double>(ei));
        ev[c++].push_back(static_cast<double>(global_index + i));
        ev[c++].push_back(static_cast<double>(task_index[task]));
      }
      std::map<std::string, FeatureStats> stats;
      for (size_t c = 0; c < low.size(); ++c) {
        stats[low[c].name] = VectorStats(ev[c], low[c].dims);
        data.values[c].insert(data.values[c].end(), ev[c].begin(), ev[c].end());
        all_values[c].insert(all_values[c].end(), ev[c].begin(), ev[c].end());
      }
      data.rows += N;
      global_index += N;

      // Frames (and maps) into the videos, with exact pixel statistics of what was encoded.
      std::map<std::string, PixelHistogram> pixels;
      auto frames = store.OpenFrames(e);
      const size_t per = static_cast<size_t>(W) * static_cast<size_t>(H);
      for (int64_t i = 0; i < N; ++i) {
        if (i % 16 == 0) ThrowIfStopped(stop);
        const ExportFrame& f = ep.frames[static_cast<size_t>(i)];
        const cv::Mat rgb = ToRgb(frames->Read(f.index));
        if (rgb.cols != W || rgb.rows != H) {
          throw Error(store.root().string(), e.name + " frame " + std::to_string(f.index),
                      "frame size differs from the episode's " + std::to_string(W) + "x" +
                          std::to_string(H));
        }
        vw[camera].writer.Write(rgb);
        pixels[camera].Add(rgb);
        if (maps) {
          cv::Mat m8(H, W, CV_8UC1);
          const float* m = ep.saliency.data() + static_cast<size_t>(i) * per;
          for (size_t p = 0; p < per; ++p)
            m8.data[p] = static_cast<uint8_t>(std::lround(255.f * std::clamp(m[p], 0.f, 1.f)));
          vw[kSaliencyVideo].writer.Write(m8);
          pixels[kSaliencyVideo].Add(m8);
        }
        ++done;
        if (progress && (i % 8 == 7 || i + 1 == N)) progress({"export", e.name, done, all, -1});
      }
      for (const auto& key : videos) {
        vw[key].frames += N;
        stats[key] = pixels[key].Stats();
        all_pixels[key].Merge(pixels[key]);
      }
      ep_stats.push_back(std::move(stats));
    }
    flush_data();
    for (auto& [key, v] : vw) v.writer.Finish();

    // meta/episodes: one file (LeRobot starts a new one past data_files_size_in_mb; a row is a
    // few kB, so that takes tens of thousands of episodes).
    const size_t E = order.size();
    pq::Table et;
    et.num_rows = static_cast<int64_t>(E);
    et.columns.push_back(pq::Int64Column("episode_index", ep_int["episode_index"]));
    pq::Column tc = pq::StringColumn("tasks", ep_tasks);
    tc.shape = {1};
    et.columns.push_back(tc);
    et.columns.push_back(pq::Int64Column("length", ep_int["length"]));
    for (const char* k :
         {"data/chunk_index", "data/file_index", "dataset_from_index", "dataset_to_index"}) {
      et.columns.push_back(pq::Int64Column(k, ep_int[k]));
    }
    for (const auto& key : videos) {
      for (const char* k : {"chunk_index", "file_index"}) {
        et.columns.push_back(
            pq::Int64Column("videos/" + key + "/" + k, ep_int["videos/" + key + "/" + k]));
      }
      for (const char* k : {"from_timestamp", "to_timestamp"}) {
        et.columns.push_back(
            pq::DoubleColumn("videos/" + key + "/" + k, ep_double["videos/" + key + "/" + k]));
      }
    }
    et.columns.push_back(pq::Int64Column("meta/episodes/chunk_index", std::vector<int64_t>(E, 0)));
    et.columns.push_back(pq::Int64Column("meta/episodes/file_index", std::vector<int64_t>(E, 0)));
    std::vector<std::string> stat_features = videos;
    for (const auto& l : low) stat_features.push_back(l.name);
    for (const auto& feat : stat_features) {
      const FeatureStats& s0 = ep_stats.front().at(feat);
      for (const auto& [stat, v0] : s0.values) {
        std::vector<double> v;
        for (const auto& st : ep_stats) {
          const auto& x = st.at(feat).values.at(stat);
          v.insert(v.end(), x.begin(), x.end());
        }
        et.columns.push_back(
            pq::DoubleListColumn("stats/" + feat + "/" + stat, s0.shape, std::move(v)));
      }
      std::vector<int64_t> counts;
      for (const auto& st : ep_stats) counts.push_back(st.at(feat).count);
      et.columns.push_back(pq::Int64ListColumn("stats/" + feat + "/count", {1}, std::move(counts)));
    }
    et.columns.push_back(pq::StringColumn("autofocus/episode_name", ep_names));
    et.columns.push_back(pq::StringColumn("autofocus/split", ep_splits));
    pq::WriteTable(dest / "meta" / "episodes" / "chunk-000" / "file-000.parquet", et, pqo);

    // meta/tasks.parquet: pandas reads `task` back as the index (the index metadata pyarrow
    // writes for a DataFrame indexed by task).
    pq::Table tt;
    tt.num_rows = static_cast<int64_t>(tasks.size());
    std::vector<int64_t> ti(tasks.size());
    for (size_t i = 0; i < tasks.size(); ++i) ti[i] = static_cast<int64_t>(i);
    tt.columns.push_back(pq::Int64Column("task_index", ti));
    tt.columns.push_back(pq::StringColumn("task", tasks));
    const Json pandas = {
        {"index_columns", {"task"}},
        {"column_indexes",
         {{{"name", nullptr},
           {"field_name", nullptr},
           {"pandas_type", "unicode"},
           {"numpy_type", "object"},
           {"metadata", {{"encoding", "UTF-8"}}}}}},
        {"columns",
         {{{"name", "task_index"},
           {"field_name", "task_index"},
           {"pandas_type", "int64"},
           {"numpy_type", "int64"},
           {"metadata", nullptr}},
          {{"name", "task"},
           {"field_name", "task"},
           {"pandas_type", "unicode"},
           {"numpy_type", "object"},
           {"metadata", nullptr}}}},
        {"creator", {{"library", "autofocus"}, {"version", AUTOFOCUS_EXPORT_VERSION}}},
        {"pandas_version", "1.5.3"}};
    tt.metadata.push_back({"pandas", pandas.dump()});
    pq::WriteTable(dest / "meta" / "tasks.parquet", tt, pqo);

    // meta/stats.json: the same statistics over the whole dataset, computed exactly.
    Json stats = Json::object();
    for (const auto& key : videos) stats[key] = all_pixels[key].Stats().ToJson();
    for (size_t c = 0; c < low.size(); ++c)
      stats[low[c].name] = VectorStats(all_values[c], low[c].dims).ToJson();
    SaveJsonFile(dest / "meta" / "stats.json", stats);

    Json features = Json::object();
    for (const auto& key : videos) {
      features[key] = {{"dtype", "video"},
                       {"shape", {H, W, 3}},
                       {"names", {"height", "width", "channels"}},
                       {"info",
                        {{"video.height", H},
                         {"video.width", W},
                         {"video.codec", options.video_codec},
                         {"video.pix_fmt", "yuv420p"},
                         {"video.is_depth_map", false},
                         {"video.fps", fps},
                         {"video.channels", 3},
                         {"has_audio", false}}}};
    }
    for (size_t c = 0; c < low.size(); ++c) {
      features[low[c].name] = {
          {"dtype", low[c].dtype}, {"shape", {low[c].dims}}, {"names", low[c].names}};
    }
    Json splits = {{"train", "0:" + std::to_string(n_train)}};
    if (n_train < E) splits["valid"] = std::to_string(n_train) + ":" + std::to_string(E);
    const Json info = {
        {"codebase_version", "v3.0"},
        {"robot_type", nullptr},
        {"total_episodes", E},
        {"total_frames", global_index},
        {"total_tasks", tasks.size()},
        {"chunks_size", kChunksSize},
        {"data_files_size_in_mb", kDataFileMb},
        {"video_files_size_in_mb", kVideoFileMb},
        {"fps", fps},
        {"splits", splits},
        {"data_path", "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet"},
        {"video_path", "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4"},
        {"features", features}};
    SaveJsonFile(dest / "meta" / "info.json", info);
  }

  void Validate(const std::vector<ExportEpisode>& episodes, const ExportOptions& options,
                const fs::path& dest) const override {
    const fs::path info_file = dest / "meta" / "info.json";
    const Json info = LoadJsonFile(info_file);
    if (info.value("codebase_version", "") != "v3.0")
      throw Error(info_file.string(), "codebase_version", "is not v3.0");
    int64_t frames = 0;
    for (const auto& e : episodes) frames += static_cast<int64_t>(e.frames.size());
    if (info.value("total_frames", -1) != frames ||
        info.value("total_episodes", -1) != static_cast<int64_t>(episodes.size())) {
      throw Error(info_file.string(), "total_frames", "does not match the exported episodes");
    }
    const fs::path ep_file = dest / "meta" / "episodes" / "chunk-000" / "file-000.parquet";
    if (pq::ReadSummary(ep_file).num_rows != static_cast<int64_t>(episodes.size())) {
      throw Error(ep_file.string(), "", "does not have one row per episode");
    }
    pq::ReadSummary(dest / "meta" / "tasks.parquet");
    int64_t rows = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dest / "data")) {
      if (entry.path().extension() == ".parquet") rows += pq::ReadSummary(entry.path()).num_rows;
    }
    if (rows != frames) {
      throw Error((dest / "data").string(), "",
                  "holds " + std::to_string(rows) + " rows, wrote " + std::to_string(frames));
    }
    // Every video decodes to as many frames as its episodes hold (OpenCV's FFmpeg backend).
    for (const auto& [key, f] : info["features"].items()) {
      if (f.value("dtype", "") != "video") continue;
      int64_t n = 0;
      for (const auto& entry : fs::recursive_directory_iterator(dest / "videos" / key)) {
        if (entry.path().extension() != ".mp4") continue;
        VideoReader r;
        if (!r.Open(entry.path().string()))
          throw Error(entry.path().string(), "", "cannot be opened after the export");
        n += r.FrameCountEstimate();
      }
      if (n != frames) {
        throw Error((dest / "videos" / key).string(), "",
                    "has " + std::to_string(n) + " frames, wrote " + std::to_string(frames));
      }
    }
    (void)options;
  }

 private:
  static int Fps(const std::vector<ExportEpisode>& episodes, const ExportOptions& options) {
    if (options.fps > 0) return options.fps;
    double fps = 0;
    std::string from;
    for (const auto& ep : episodes) {
      const Json& m = ep.episode.metadata;
      if (!m.contains("fps") || !m["fps"].is_number()) continue;
      const double f = m["fps"].get<double>();
      if (fps > 0 && std::abs(f - fps) > 1e-6) {
        throw Error("", "--fps",
                    "episodes " + from + " and " + ep.episode.name +
                        " have different frame rates (" + std::to_string(fps) + ", " +
                        std::to_string(f) + "); pass --fps");
      }
      fps = f;
      from = ep.episode.name;
    }
    if (fps <= 0) return 10;
    if (std::abs(fps - std::round(fps)) > 1e-6) {
      throw Error("", "--fps",
                  "LeRobot needs an integer frame rate, the episodes have " + std::to_string(fps) +
                      "; pass --fps");
    }
    return static_cast<int>(std::lround(fps));
  }

  static pq::Column DataColumn(const LowDim& l, const std::vector<double>& v) {
    if (l.dtype == "int64") {
      std::vector<int64_t> x(v.size());
      for (size_t i = 0; i < v.size(); ++i) x[i] = static_cast<int64_t>(v[i]);
      return pq::Int64Column(l.name, std::move(x));
    }
    std::vector<float> x(v.begin(), v.end());
    // (1,) features are plain columns (LeRobot's datasets.Value), others fixed-size lists.
    return pq::FloatListColumn(
        l.name, l.scalar ? std::vector<int>{} : std::vector<int>{static_cast<int>(l.dims)},
        std::move(x));
  }
};

}  // namespace

std::unique_ptr<Exporter> MakeLeRobotExporter() {
  return std::make_unique<LeRobotExporter>();
}

}  // namespace autofocus

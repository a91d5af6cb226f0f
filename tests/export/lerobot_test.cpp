// LeRobot v3.0 export, read back by independent readers: the Parquet tables with hyparquet
// (pure JavaScript, npm), the MP4s with ffprobe/ffmpeg (Debian's FFmpeg command-line tools),
// field by field against the project; curation honoured; bad options are clear errors.
#include <gtest/gtest.h>

#include <cmath>

#include "core/base/error.h"
#include "core/curation/edit.h"
#include "core/curation/edit_journal.h"
#include "core/dataset/project_store.h"
#include "core/export/export.h"
#include "tests/export/export_fixture.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {
namespace fs = std::filesystem;
using testing::RunCli;
using testing::RunProgram;
using testing::TempDir;

// The export suite's sample; every test needs both independent readers.
class LeRobotExport : public Export {
 protected:
  void SetUp() override {
    const std::string why = testing::ParquetOracleUnavailable();
    if (!why.empty()) GTEST_SKIP() << why;
    if (RunProgram("ffprobe", {"-version"}).exit_code != 0) {
      GTEST_SKIP() << "ffprobe is not installed (scripts/setup-deps installs Debian's ffmpeg): "
                      "the independent MP4 check is skipped";
    }
  }
};

// ffprobe's view of the first video stream, frames counted by decoding.
nlohmann::json Probe(const fs::path& mp4) {
  const auto r = RunProgram(
      "ffprobe", {"-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                  "stream=codec_name,width,height,pix_fmt,nb_read_frames,avg_frame_rate", "-of",
                  "json", mp4.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out)["streams"][0];
}

// One frame decoded by ffmpeg at `seconds` as RGB bytes (gray: the R channel is the value).
std::string DecodeAt(const fs::path& mp4, double seconds) {
  const auto r =
      RunProgram("ffmpeg", {"-v", "error", "-ss", std::to_string(seconds), "-i", mp4.string(),
                            "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

// Mean absolute difference between decoded RGB bytes and the project's frame (BGR).
double MeanAbsDiff(const std::string& rgb, const cv::Mat& bgr) {
  double sum = 0;
  const size_t n = static_cast<size_t>(bgr.total());
  if (rgb.size() != n * 3) return 1e9;
  for (size_t i = 0; i < n; ++i) {
    for (int c = 0; c < 3; ++c) {
      sum += std::abs(static_cast<int>(static_cast<uint8_t>(rgb[i * 3 + static_cast<size_t>(c)])) -
                      static_cast<int>(bgr.data[i * 3 + static_cast<size_t>(2 - c)]));
    }
  }
  return sum / static_cast<double>(n * 3);
}

TEST_F(LeRobotExport, TablesAndVideosReadBackIndependently) {
  const fs::path p = Fresh("lr");
  const fs::path out = dir_->path() / "lr-out";
  const auto r =
      RunCli({"export", p.string(), "--format", "lerobot", "--out", out.string(), "--valid-share",
              "0.34", "--split-seed", "3", "--compress", "snappy", "--progress", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Exported 3 episode(s), 72 frame(s) as lerobot"), std::string::npos)
      << r.out;
  const ProjectStore store = ProjectStore::Open(p);
  ExportOptions o;
  o.format = "lerobot";
  o.out = out;
  o.valid_share = 0.34;
  o.split_seed = 3;
  const std::vector<ExportEpisode> want = CollectExportEpisodes(store, o, nullptr);

  // meta/info.json, as FORMATS.md says current LeRobot writes it.
  const Json info = LoadJsonFile(out / "meta" / "info.json");
  EXPECT_EQ(info["codebase_version"], "v3.0");
  EXPECT_EQ(info["fps"], 10);
  EXPECT_EQ(info["total_episodes"], 3);
  EXPECT_EQ(info["total_frames"], 72);
  EXPECT_EQ(info["total_tasks"], 1);
  EXPECT_EQ(info["chunks_size"], 1000);
  EXPECT_EQ(info["data_files_size_in_mb"], 100);
  EXPECT_EQ(info["video_files_size_in_mb"], 200);
  EXPECT_EQ(info["data_path"], "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet");
  EXPECT_EQ(info["video_path"],
            "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4");
  EXPECT_EQ(info["splits"], Json({{"train", "0:2"}, {"valid", "2:3"}}));
  const Json& f = info["features"];
  EXPECT_EQ(
      f["action"],
      Json({{"dtype", "float32"}, {"shape", {3}}, {"names", {"throttle", "steer", "brake"}}}));
  EXPECT_EQ(f["timestamp"], Json({{"dtype", "float32"}, {"shape", {1}}, {"names", nullptr}}));
  for (const char* k : {"frame_index", "episode_index", "index", "task_index"})
    EXPECT_EQ(f[k]["dtype"], "int64") << k;
  EXPECT_EQ(f["autofocus.gaze_coords"]["shape"], Json({10}));
  for (const char* k : {"observation.images.image", "autofocus.saliency"}) {
    EXPECT_EQ(f[k]["dtype"], "video") << k;
    EXPECT_EQ(f[k]["shape"], Json({180, 320, 3})) << k;
    EXPECT_EQ(f[k]["info"]["video.codec"], "h264") << k;
    EXPECT_EQ(f[k]["info"]["video.pix_fmt"], "yuv420p") << k;
  }
  for (const auto& [name, _] : f.items()) EXPECT_EQ(name.find('/'), std::string::npos) << name;

  // The episodes table: train episodes first, then the validation one.
  const nlohmann::json ep = testing::ReadParquetIndependently(out / "meta" / "episodes" /
                                                              "chunk-000" / "file-000.parquet");
  ASSERT_EQ(ep["num_rows"], 3);
  std::vector<const ExportEpisode*> order;
  for (const auto& e : want)
    if (!e.valid) order.push_back(&e);
  for (const auto& e : want)
    if (e.valid) order.push_back(&e);
  for (size_t k = 0; k < 3; ++k) {
    const auto& row = ep["rows"][k];
    EXPECT_EQ(row["episode_index"], k);
    EXPECT_EQ(row["autofocus/episode_name"], order[k]->episode.name);
    EXPECT_EQ(row["autofocus/split"], k < 2 ? "train" : "valid");
    EXPECT_EQ(row["tasks"],
              Json::array({"drive along the route, following the lane and obeying traffic"}));
    EXPECT_EQ(row["length"], 24);
    EXPECT_EQ(row["dataset_from_index"], 24 * k);
    EXPECT_EQ(row["dataset_to_index"], 24 * (k + 1));
    EXPECT_EQ(row["data/chunk_index"], 0);
    EXPECT_EQ(row["data/file_index"], 0);
    EXPECT_DOUBLE_EQ(row["videos/observation.images.image/from_timestamp"].get<double>(),
                     2.4 * static_cast<double>(k));
    EXPECT_DOUBLE_EQ(row["videos/autofocus.saliency/to_timestamp"].get<double>(),
                     2.4 * static_cast<double>(k + 1));
    EXPECT_EQ(row["stats/action/count"], Json::array({24}));
    EXPECT_EQ(row["stats/observation.images.image/mean"].size(), 3u);
    EXPECT_EQ(row["stats/observation.images.image/mean"][0].size(), 1u);
    // stats/action/mean is the mean of the episode's actions.
    for (size_t a = 0; a < 3; ++a) {
      double mean = 0;
      for (const auto& fr : order[k]->frames)
        mean += static_cast<float>(order[k]->episode.actions[static_cast<size_t>(fr.index)][a]);
      EXPECT_NEAR(row["stats/action/mean"][a].get<double>(), mean / 24, 1e-9) << k << " " << a;
    }
  }

  // The data table: every frame, values exactly as exported.
  const nlohmann::json data =
      testing::ReadParquetIndependently(out / "data" / "chunk-000" / "file-000.parquet");
  ASSERT_EQ(data["num_rows"], 72);
  EXPECT_EQ(data["codecs"][0], "SNAPPY");
  EXPECT_EQ(data["columns"],
            Json::array({"observation.state", "action", "autofocus.gaze_coords", "timestamp",
                         "frame_index", "episode_index", "index", "task_index"}));
  for (size_t i = 0; i < 72; ++i) {
    const auto& row = data["rows"][i];
    const ExportEpisode& e = *order[i / 24];
    const ExportFrame& fr = e.frames[i % 24];
    EXPECT_EQ(row["index"], i);
    EXPECT_EQ(row["episode_index"], i / 24);
    EXPECT_EQ(row["frame_index"], i % 24);
    EXPECT_EQ(row["task_index"], 0);
    EXPECT_NEAR(row["timestamp"].get<double>(), static_cast<double>(i % 24) / 10, 1e-4);
    const auto& a = e.episode.actions[static_cast<size_t>(fr.index)];
    for (size_t d = 0; d < 3; ++d)
      EXPECT_EQ(row["action"][d].get<double>(), static_cast<double>(a[d])) << i;
    const auto g = GazeCoords(fr.key, 320, 180);
    for (size_t d = 0; d < 10; ++d)
      EXPECT_EQ(row["autofocus.gaze_coords"][d].get<double>(), static_cast<double>(g[d])) << i;
  }

  // tasks.parquet: indexed by the task string for pandas.
  const nlohmann::json tasks = testing::ReadParquetIndependently(out / "meta" / "tasks.parquet");
  EXPECT_EQ(
      tasks["rows"],
      Json::parse(
          R"([{"task_index":0,"task":"drive along the route, following the lane and obeying traffic"}])"));
  EXPECT_EQ(Json::parse(tasks["metadata"]["pandas"].get<std::string>())["index_columns"],
            Json::array({"task"}));
  const Json stats = LoadJsonFile(out / "meta" / "stats.json");
  EXPECT_EQ(stats["action"]["count"], Json::array({72}));
  EXPECT_EQ(stats["observation.images.image"]["mean"].size(), 3u);

  // The videos: H.264 yuv420p, one frame per row, decoding to the project's frames; the
  // episode's from_timestamp finds its first frame.
  for (const char* key : {"observation.images.image", "autofocus.saliency"}) {
    const Json s = Probe(out / "videos" / key / "chunk-000" / "file-000.mp4");
    EXPECT_EQ(s["codec_name"], "h264") << key;
    EXPECT_EQ(s["width"], 320);
    EXPECT_EQ(s["height"], 180);
    EXPECT_EQ(s["pix_fmt"], "yuv420p");
    EXPECT_EQ(s["nb_read_frames"], "72") << key;
    EXPECT_EQ(s["avg_frame_rate"], "10/1");
  }
  const fs::path cam = out / "videos" / "observation.images.image" / "chunk-000" / "file-000.mp4";
  for (size_t k : {0, 2}) {
    const cv::Mat want_frame = store.OpenFrames(order[k]->episode)->Read(0);
    const double err = MeanAbsDiff(DecodeAt(cam, 2.4 * static_cast<double>(k)), want_frame);
    EXPECT_LT(err, 4.0) << "episode " << k << ": mean absolute error " << err;
    const cv::Mat other = store.OpenFrames(order[(k + 1) % 3]->episode)->Read(0);
    EXPECT_GT(MeanAbsDiff(DecodeAt(cam, 2.4 * static_cast<double>(k)), other), err) << k;
  }
  // Saliency: the decoded gray level is round(255 x map) within the codec's error.
  const std::string sal =
      DecodeAt(out / "videos" / "autofocus.saliency" / "chunk-000" / "file-000.mp4", 0.0);
  ASSERT_EQ(sal.size(), 320u * 180 * 3);
  double err = 0, peak = 0;
  for (size_t px = 0; px < 320u * 180; ++px) {
    const double m = std::round(255.0 * std::clamp(order[0]->saliency[px], 0.f, 1.f));
    err += std::abs(static_cast<uint8_t>(sal[px * 3]) - m);
    peak = std::max(peak, m);
  }
  EXPECT_LT(err / (320.0 * 180), 3.0);
  EXPECT_GT(peak, 200);

  // The manifest hashes every file.
  const Json manifest = LoadJsonFile(out / "manifest.json");
  EXPECT_EQ(manifest["format"], "lerobot");
  EXPECT_EQ(manifest["sha256"].size(), 7u);
}

TEST_F(LeRobotExport, Av1ZstdPointsAndCuration) {
  const fs::path p = Fresh("lr2");
  ProjectStore store = ProjectStore::Open(p);
  const std::string first = store.info().episodes[0].name, last = store.info().episodes[2].name;
  {
    EditJournal j(EditJournal::ProjectFile(p));
    j.Append(MakeExcludeFramesEdit(first, {5}, true));
    j.Append(MakeExcludeEpisodeEdit(last, true));
  }
  const fs::path out = dir_->path() / "lr2-out";
  const auto r = RunCli({"export", p.string(), "--format", "lerobot", "--out", out.string(),
                         "--curated", "--saliency", "points", "--video-codec", "av1", "--compress",
                         "zstd", "--valid-share", "0", "--progress", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("left out by curation: 1 episode(s): " + last + ", 1 frame(s)"),
            std::string::npos)
      << r.out;
  const Json info = LoadJsonFile(out / "meta" / "info.json");
  EXPECT_EQ(info["total_frames"], 47);
  EXPECT_EQ(info["splits"], Json({{"train", "0:2"}}));
  EXPECT_FALSE(info["features"].contains("autofocus.saliency"));
  EXPECT_EQ(info["features"]["observation.images.image"]["info"]["video.codec"], "av1");
  EXPECT_FALSE(fs::exists(out / "videos" / "autofocus.saliency"));
  const Json s = Probe(out / "videos" / "observation.images.image" / "chunk-000" / "file-000.mp4");
  EXPECT_EQ(s["codec_name"], "av1");
  EXPECT_EQ(s["pix_fmt"], "yuv420p");
  EXPECT_EQ(s["nb_read_frames"], "47");
  const nlohmann::json data =
      testing::ReadParquetIndependently(out / "data" / "chunk-000" / "file-000.parquet");
  EXPECT_EQ(data["codecs"][0], "ZSTD");
  ASSERT_EQ(data["num_rows"], 47);
  // The excluded frame is absent: frame_index and timestamps stay consecutive over what is left.
  for (size_t i = 0; i < 23; ++i) {
    EXPECT_EQ(data["rows"][i]["frame_index"], i);
    EXPECT_NEAR(data["rows"][i]["timestamp"].get<double>(), static_cast<double>(i) / 10, 1e-4);
  }
  const Episode e0 = store.LoadEpisode(first);
  EXPECT_EQ(data["rows"][5]["action"][0].get<double>(), static_cast<double>(e0.actions[6][0]));
  const nlohmann::json ep = testing::ReadParquetIndependently(out / "meta" / "episodes" /
                                                              "chunk-000" / "file-000.parquet");
  EXPECT_EQ(ep["rows"][0]["length"], 23);
  EXPECT_EQ(ep["rows"][1]["dataset_from_index"], 23);
}

TEST_F(LeRobotExport, BadOptionsAreClearErrors) {
  const fs::path p = Fresh("lr3");
  auto r = RunCli({"export", p.string(), "--format", "lerobot", "--out",
                   (dir_->path() / "x").string(), "--compress", "lz4"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--compress: must be gzip, snappy, zstd or none for lerobot, got 'lz4'"),
            std::string::npos)
      << r.err;
  r = RunCli({"export", p.string(), "--format", "lerobot", "--out", (dir_->path() / "x").string(),
              "--video-codec", "vp9"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--video-codec: must be h264 or av1"), std::string::npos) << r.err;
  r = RunCli({"export", p.string(), "--format", "robomimic", "--out",
              (dir_->path() / "x.hdf5").string(), "--compress", "zstd"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(fs::exists(dir_->path() / "x"));
}

}  // namespace
}  // namespace autofocus

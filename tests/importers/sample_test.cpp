#include <gtest/gtest.h>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/dataset/project_store.h"
#include "core/importers/sample_dataset.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {
namespace fs = std::filesystem;
using testing::RunCli;
using testing::TempDir;

// The demo pipeline: sample folder -> import folder -> validate -> info.
TEST(Sample, SampleImportValidateInfoRunEndToEnd) {
  TempDir dir;
  const std::string raw = (dir / "raw").string(), p = (dir / "p").string();
  auto r = RunCli({"sample", "folder", raw, "--episodes", "3", "--frames", "12", "--width",
                   "64", "--height", "48"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(testing::ListDir(dir / "raw" / "episode_2").size(), 13u);  // 12 frames + actions.csv
  r = RunCli({"import", "folder", raw, "--out", p});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunCli({"validate", p});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = RunCli({"info", p, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = Json::parse(r.out);
  EXPECT_EQ(j["episodes"], 3);
  EXPECT_EQ(j["frames"], 36);
  EXPECT_EQ(j["action_names"], Json({"throttle", "steer", "brake"}));
  EXPECT_EQ(j["image_width"], 64);
  EXPECT_EQ(j["image_height"], 48);
  EXPECT_EQ(j["episode_list"][2], Json({{"name", "episode_3"}, {"frames", 12}}));
}

TEST(Sample, VideoSampleImports) {
  TempDir dir;
  const std::string raw = (dir / "raw").string(), p = (dir / "p").string();
  ASSERT_EQ(RunCli({"sample", "folder", raw, "--episodes", "2", "--frames", "9", "--video"}).exit_code, 0);
  EXPECT_EQ(testing::ListDir(dir / "raw" / "episode_1"),
            (std::vector<std::string>{"actions.csv", "episode.avi"}));
  const auto r = RunCli({"import", "folder", raw, "--out", p, "--copy"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const ProjectStore store = ProjectStore::Open(p);
  EXPECT_EQ(store.info().episodes[1].num_frames, 9);
  EXPECT_EQ(store.LoadEpisode("episode_1").source.file, "frames/episode_1/episode.avi");
}

TEST(Sample, SameSeedSameDataDifferentSeedDifferentData) {
  TempDir dir;
  auto write = [&](const std::string& name, uint64_t seed) {
    SampleFolderOptions o;
    o.out = dir / name;
    o.episodes = 1;
    o.frames = 5;
    o.width = 32;
    o.height = 24;
    o.seed = seed;
    WriteSampleFolder(o);
  };
  write("a", 7);
  write("b", 7);
  write("c", 8);
  const auto frame = [&](const std::string& n) {
    return ReadFile(dir / n / "episode_1" / "frame_4.png");
  };
  EXPECT_EQ(frame("a"), frame("b"));
  EXPECT_NE(frame("a"), frame("c"));
  EXPECT_EQ(ReadFile(dir / "a" / "episode_1" / "actions.csv"),
            ReadFile(dir / "b" / "episode_1" / "actions.csv"));
}

TEST(Sample, OptionsCheck) {
  SampleFolderOptions o;
  o.out = "x";
  EXPECT_NO_THROW(o.Check());
  o.frames = 0;
  EXPECT_THROW(o.Check(), Error);
  o.frames = 1;
  o.width = 8;
  EXPECT_THROW(o.Check(), Error);
}

}  // namespace
}  // namespace autofocus

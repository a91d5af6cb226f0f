// One bad episode never blocks the others: a truncated episode.json costs that episode in
// `run`, `export` and `train` (reported with file, line and reason), and `validate --repair`
// moves unreadable derived files aside so their stages re-run, never touching source data.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/base/json_io.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {

namespace fs = std::filesystem;
using testing::ReadText;
using testing::RunCli;
using testing::TempDir;
using testing::WriteText;

// A 3-episode annotated sample project whose episode_001/episode.json is cut after 300 bytes.
fs::path DamagedProject(const TempDir& dir) {
  const fs::path p = dir / "P";
  auto r = RunCli({"sim", "generate", "--out", p.string(), "--episodes", "3", "--frames", "20",
                   "--width", "96", "--height", "64", "--threads", "1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = RunCli({"run", p.string(), "--detector", "oracle", "--progress", "none"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const fs::path file = p / "episodes" / "episode_001" / "episode.json";
  WriteText(file, ReadText(file).substr(0, 300));
  return p;
}

std::string Expected(const fs::path& p) {
  return (p / "episodes" / "episode_001" / "episode.json").string() +
         ": line 1, column 300: malformed JSON";
}

TEST(DamagedEpisode, RunCompletesTheOthersAndNamesTheFileAndLine) {
  TempDir dir;
  const fs::path p = DamagedProject(dir);
  const auto r = RunCli({"run", p.string(), "--detector", "oracle", "--progress", "none"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("2/3 episodes complete"), std::string::npos) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("FAILED episode_001 at load: " + Expected(p)), std::string::npos)
      << r.out << r.err;
}

TEST(DamagedEpisode, ExportWritesTheOthersAndListsItInTheManifest) {
  TempDir dir;
  const fs::path p = DamagedProject(dir);
  const fs::path out = dir / "out";
  const auto r = RunCli({"export", p.string(), "--format", "folder", "--out", out.string(),
                         "--progress", "none", "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("skipped damaged episode episode_001: " + Expected(p)), std::string::npos)
      << r.err;
  const Json summary = Json::parse(r.out);
  EXPECT_EQ(summary.at("episodes"), 2);
  const Json manifest = LoadJsonFile(out / "manifest.json");
  ASSERT_EQ(manifest.at("damaged_episodes").size(), 1u) << manifest.dump();
  EXPECT_EQ(manifest["damaged_episodes"][0].at("episode"), "episode_001");
  EXPECT_NE(manifest["damaged_episodes"][0].at("error").get<std::string>().find(Expected(p)),
            std::string::npos);
  EXPECT_TRUE(fs::is_directory(out / "episode_000")) << testing::ListDir(out).size();
  EXPECT_FALSE(fs::exists(out / "episode_001"));
}

TEST(DamagedEpisode, TrainingLeavesItOutAndRecordsItInTheRun) {
  if (!AUTOFOCUS_TEST_WITH_TORCH) GTEST_SKIP() << "this build has no LibTorch (no training)";
  TempDir dir;
  const fs::path p = DamagedProject(dir);
  const auto r =
      RunCli({"train",      p.string(), "--regularizer", "none",  "--target",       "none",
              "--epochs",   "1",        "--batch",       "8",     "--name",         "t",
              "--threads",  "1",        "--input-size",  "36x64", "--val-fraction", "0",
              "--progress", "none"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("warning: skipped damaged episode episode_001: " + Expected(p)),
            std::string::npos)
      << r.err;
  const Json run = LoadJsonFile(p / "runs" / "t" / "run.json");
  ASSERT_EQ(run.at("split").at("damaged_episodes").size(), 1u) << run["split"].dump();
  EXPECT_EQ(run["split"]["damaged_episodes"][0].at("episode"), "episode_001");
  EXPECT_EQ(run.at("samples").at("train"), 40);  // the two readable episodes' 20 frames each
}

TEST(DamagedEpisode, ValidateRepairMovesDerivedFilesAsideAndNeverTouchesSourceData) {
  TempDir dir;
  const fs::path p = DamagedProject(dir);
  const fs::path ep0 = p / "episodes" / "episode_000", ep2 = p / "episodes" / "episode_002";
  const std::string source = ReadText(p / "episodes" / "episode_001" / "episode.json");
  const std::string tracks = ReadText(ep0 / "tracks.json");
  WriteText(ep2 / "status.json", "{\"stages\": ");
  WriteText(ep2 / ".saliency.json.tmp-abc123", "{");
  // A status.json that cannot be read costs its episode too, not the run.
  auto r = RunCli({"run", p.string(), "--detector", "oracle", "--progress", "none"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE((r.out + r.err).find("FAILED episode_002 at load: " + (ep2 / "status.json").string()),
            std::string::npos)
      << r.out << r.err;

  // (A run re-derives an unreadable stage output by itself; validate meets this one first.)
  WriteText(ep0 / "tracks.json", tracks.substr(0, 100));
  r = RunCli({"validate", p.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("can repair: " + (ep2 / "status.json").string()), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("can repair: " + (ep2 / ".saliency.json.tmp-abc123").string()),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("cannot repair: " + Expected(p)), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("--repair"), std::string::npos) << r.err;

  r = RunCli({"validate", p.string(), "--repair"});
  EXPECT_EQ(r.exit_code, 1) << r.out;  // episode_001 is still damaged: source data stays as it is
  EXPECT_NE(r.out.find("repaired: " + (ep2 / "status.json").string()), std::string::npos) << r.out;
  EXPECT_EQ(ReadText(p / "episodes" / "episode_001" / "episode.json"), source);
  EXPECT_FALSE(fs::exists(ep2 / "status.json"));
  EXPECT_FALSE(fs::exists(ep2 / ".saliency.json.tmp-abc123"));
  // Moved, not deleted: the damaged files keep their relative path under quarantine/<time>/.
  const auto stamps = testing::ListDir(p / "quarantine");
  ASSERT_EQ(stamps.size(), 1u);
  const fs::path q = p / "quarantine" / stamps[0];
  EXPECT_EQ(ReadText(q / "episodes" / "episode_002" / "status.json"), "{\"stages\": ");
  EXPECT_EQ(ReadText(q / "episodes" / "episode_000" / "tracks.json"), tracks.substr(0, 100));
  EXPECT_EQ(LoadJsonFile(q / "repair.json").at("actions").size(), 3u);

  // The stages re-run where their files went; every model call comes from the exchange cache.
  r = RunCli({"run", p.string(), "--detector", "oracle", "--progress", "none"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("2/3 episodes complete"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("VLM (scene-oracle, ground-truth): 0 calls"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("detector (scene-oracle, ground-truth): 0 calls"), std::string::npos)
      << r.out;
  EXPECT_TRUE(LoadJsonFile(ep0 / "tracks.json").contains("result"));
  EXPECT_TRUE(LoadJsonFile(ep2 / "status.json").at("stages").contains("saliency"));
}

}  // namespace
}  // namespace autofocus

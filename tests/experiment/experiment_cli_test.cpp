// `autofocus experiment --preset tiny` end to end: generate, annotate, train, evaluate and
// attention as child processes, then the table; a second call reuses every step.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/base/json_io.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {

namespace fs = std::filesystem;
using testing::RunCli;
using testing::TempDir;

TEST(ExperimentCli, TinyPresetWritesTheTableChartAndStripsAndResumes) {
  TempDir dir;
  const fs::path out = dir.path() / "exp";
  const std::vector<std::string> args = {"experiment", "--out",      out.string(), "--preset",
                                         "tiny",       "--jobs",     "2",          "--threads",
                                         "2",          "--progress", "none"};
  auto r = RunCli(args);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Steps: 30 (0 reused, 30 run, 0 failed, 0 skipped)"), std::string::npos)
      << r.out;

  const Json t = LoadJsonFile(out / "table.json");
  ASSERT_EQ(t["cells"].size(), 16u);  // 4 methods x 2 splits x 2 settings
  for (const auto& c : t["cells"]) {
    EXPECT_EQ(c["runs"], 1) << c.dump();  // 1 training seed x 1 route x 1 seed
    EXPECT_EQ(c["policies"], 1);
    ASSERT_TRUE(c["mean"].is_number()) << c.dump();
    EXPECT_GE(c["mean"].get<double>(), 0.0);
    EXPECT_LE(c["mean"].get<double>(), 100.0);
    // The icons exist only in confounded frames.
    EXPECT_EQ(c["icon_attention"].is_number(), c["setting"] == "confounded") << c.dump();
  }
  EXPECT_EQ(t["comparisons"].size(), 4u);
  for (const char* f : {"table.md", "chart.png", "strips/confounded.png", "strips/original.png",
                        "strips/confounded-bc.png", "strips/confounded-autofocus.png"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  // Every training is a completed run with a policy.
  for (const char* run : {"bc-s0", "gabril-s0", "autofocus-s0", "autofocus_l1-s0"}) {
    const Json j = LoadJsonFile(out / "data" / "confounded" / "runs" / run / "run.json");
    EXPECT_EQ(j["status"], "completed") << run;
  }

  // Resumable: nothing is redone, and the table is the same.
  const std::string table = t.dump();
  r = RunCli(args);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Steps: 30 (30 reused, 0 run"), std::string::npos) << r.out;
  EXPECT_EQ(LoadJsonFile(out / "table.json").dump(), table);

  // A deleted evaluation is the only step run again.
  fs::remove(out / "data" / "original" / "runs" / "bc-s0" / "evaluations" / "unseen-original.json");
  r = RunCli(args);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Steps: 30 (29 reused, 1 run"), std::string::npos) << r.out;
  EXPECT_EQ(LoadJsonFile(out / "table.json").dump(), table);
}

TEST(ExperimentCli, BadOptionsNameTheField) {
  auto r = RunCli({"experiment", "--out", "/nonexistent/x", "--preset", "tiny", "--episodes", "1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--episodes"), std::string::npos) << r.err;
  r = RunCli({"experiment", "--out", "x", "--input-size", "big"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--input-size"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace autofocus

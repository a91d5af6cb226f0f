// `autofocus evaluate-policy` end to end: a tiny policy trained on simulated gaze (so `--target
// gaze` works on a generated project) driven in closed loop, its JSON and the saved evaluation.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/base/json_io.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {

using testing::RunCli;
using testing::TempDir;

// A generated project (simulated gaze on by default) with one tiny run "tiny".
const std::filesystem::path& TinyRun() {
  static TempDir dir;  // removed at exit, not leaked: each test runs in its own process
  static const std::filesystem::path run = [] {
    const auto p = dir.path() / "P";
    auto r = RunCli({"sim", "generate", "--out", p.string(), "--episodes", "3", "--frames", "20",
                     "--width", "160", "--height", "90", "--threads", "1"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    r = RunCli({"train", p.string(), "--target", "gaze", "--regularizer", "gabril_mse", "--epochs",
                "1", "--batch", "20", "--name", "tiny", "--threads", "1", "--input-size", "45x80",
                "--progress", "none"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return p / "runs" / "tiny";
  }();
  return run;
}

// `args` plus small sizes: 2 routes x 1 seed, 15 steps.
std::vector<std::string> Small(std::vector<std::string> args, const std::string& threads = "2") {
  for (const char* a : {"--routes", "2", "--seeds", "0", "--episode-steps", "15", "--noop-steps",
                        "3", "--progress", "none", "--threads"})
    args.push_back(a);
  args.push_back(threads);
  return args;
}

TEST(EvaluatePolicyCli, TrainedPolicyRunsWithTheDocumentedJson) {
  const auto run = TinyRun();
  ASSERT_TRUE(std::filesystem::exists(run / "policy.pt"));
  const auto r = RunCli(Small({"evaluate-policy", (run / "policy.pt").string(), "--json"}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const Json j = ParseJsonText(r.out, "stdout");
  ASSERT_EQ(j["runs"].size(), 2u);
  for (const auto& one : j["runs"]) {
    for (const char* k : {"route", "seed", "completion", "infractions", "score"})
      EXPECT_TRUE(one.contains(k)) << k << " in " << one.dump();
    EXPECT_EQ(one["steps"], 15);  // 1.5 s cannot finish a route: the cap ends it
    EXPECT_EQ(one["infractions"]["timeouts"], 1);
  }
  EXPECT_TRUE(j["mean_score"].is_number());
  EXPECT_TRUE(j["stderr"].is_number());
  EXPECT_EQ(j["split"], "seen");
  EXPECT_EQ(j["setting"], "original");
  // Kept with the run for the studio, identical to what was printed.
  const auto saved = run / "evaluations" / "seen-original.json";
  ASSERT_TRUE(std::filesystem::exists(saved));
  EXPECT_EQ(LoadJsonFile(saved)["runs"], j["runs"]);

  // Deterministic, whatever the thread count.
  const auto again = RunCli(Small({"evaluate-policy", run.string(), "--json", "--no-save"}, "1"));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(ParseJsonText(again.out, "stdout")["runs"], j["runs"]);

  const auto conf =
      RunCli(Small({"evaluate-policy", run.string(), "--confounded", "--split", "unseen"}));
  ASSERT_EQ(conf.exit_code, 0) << conf.err;
  EXPECT_NE(conf.out.find("Driving score:"), std::string::npos) << conf.out;
  EXPECT_TRUE(std::filesystem::exists(run / "evaluations" / "unseen-confounded.json"));
}

TEST(EvaluatePolicyCli, ExpertAndConstantReferencesAndErrors) {
  const auto run = TinyRun();
  const auto constant =
      RunCli(Small({"evaluate-policy", run.string(), "--policy", "constant", "--json"}));
  ASSERT_EQ(constant.exit_code, 0) << constant.err;
  const Json c = ParseJsonText(constant.out, "stdout");
  EXPECT_EQ(c["policy"], "constant");
  EXPECT_TRUE(c["constant_action"]["throttle"].is_number());
  const auto expert = RunCli(Small({"evaluate-policy", "--policy", "expert", "--json"}));
  ASSERT_EQ(expert.exit_code, 0) << expert.err;
  EXPECT_EQ(ParseJsonText(expert.out, "stdout")["policy"], "expert");

  TempDir dir;
  const auto missing = RunCli({"evaluate-policy", (dir / "nope").string(), "--progress", "none"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("policy.json"), std::string::npos) << missing.err;
  EXPECT_EQ(RunCli({"evaluate-policy"}).exit_code, 2);
  EXPECT_EQ(RunCli({"evaluate-policy", run.string(), "--split", "train"}).exit_code, 2);
  const auto seeds = RunCli({"evaluate-policy", run.string(), "--seeds", "x"});
  EXPECT_EQ(seeds.exit_code, 1);
  EXPECT_NE(seeds.err.find("--seeds"), std::string::npos) << seeds.err;
  const auto help = RunCli({"evaluate-policy", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--confounded"), std::string::npos) << help.out;
}

TEST(EvaluatePolicyCli, VideoWritesOneMp4PerRun) {
  const auto run = TinyRun();
  TempDir dir;
  const auto r = RunCli(Small({"evaluate-policy", run.string(), "--confounded", "--no-save",
                               "--video", (dir / "v").string()}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "v" / "route-000-seed-0.mp4"));
  EXPECT_TRUE(std::filesystem::exists(dir / "v" / "route-001-seed-0.mp4"));
  EXPECT_GT(std::filesystem::file_size(dir / "v" / "route-000-seed-0.mp4"), 1000u);
}

// --video-attention overlays each step's activation map: other video bytes, the same driving.
TEST(EvaluatePolicyCli, VideoAttentionOverlaysTheMapWithoutChangingTheDriving) {
  const auto run = TinyRun();
  TempDir dir;
  const auto plain = RunCli(Small(
      {"evaluate-policy", run.string(), "--no-save", "--json", "--video", (dir / "v").string()}));
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  const auto with = RunCli(Small({"evaluate-policy", run.string(), "--no-save", "--json", "--video",
                                  (dir / "a").string(), "--video-attention"}));
  ASSERT_EQ(with.exit_code, 0) << with.err;
  const Json a = ParseJsonText(plain.out, "plain"), b = ParseJsonText(with.out, "with");
  EXPECT_EQ(a["mean_score"], b["mean_score"]);
  for (size_t i = 0; i < a["runs"].size(); ++i)
    EXPECT_EQ(a["runs"][i]["steps"], b["runs"][i]["steps"]);
  auto bytes = [](const std::filesystem::path& f) {
    std::ifstream in(f, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string pv = bytes(dir / "v" / "route-000-seed-0.mp4");
  const std::string av = bytes(dir / "a" / "route-000-seed-0.mp4");
  EXPECT_GT(av.size(), 1000u);
  EXPECT_NE(pv, av);
  const auto bad =
      RunCli(Small({"evaluate-policy", run.string(), "--no-save", "--video-attention"}));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--video-attention"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace autofocus

#include "core/experiment/experiment.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/base/json_io.h"
#include "core/experiment/experiment_table.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

ExperimentOptions Tiny(const fs::path& out) {
  ExperimentOptions o = ExperimentOptions::Preset("tiny");
  o.out = out.string();
  o.ApplyAblation();
  return o;
}

// An evaluate-policy result with these rollout scores.
void WriteEvaluation(const fs::path& run, const std::string& split, const std::string& setting,
                     const std::vector<double>& scores) {
  Json runs = Json::array();
  double sum = 0;
  for (double s : scores) {
    runs.push_back({{"score", s}});
    sum += s;
  }
  fs::create_directories(run / "evaluations");
  WriteFileAtomic(run / "evaluations" / (split + "-" + setting + ".json"),
                  Json{{"runs", runs}, {"mean_score", sum / scores.size()}}.dump());
}

TEST(ExperimentTable, PoolsRolloutsOfEverySeedAndComparesAgainstTwoStandardErrors) {
  TempDir dir;
  ExperimentOptions o = Tiny(dir.path());
  o.seeds = 2;
  o.settings = {"confounded"};
  const ExperimentLayout L{o.out};
  const auto& bc = o.methods[0];
  const auto& af = o.methods[2];
  ASSERT_EQ(bc.name, "bc");
  ASSERT_EQ(af.name, "autofocus");
  WriteEvaluation(L.Run(bc, "confounded", 0), "seen", "confounded", {10, 20});
  WriteEvaluation(L.Run(bc, "confounded", 1), "seen", "confounded", {30});
  WriteEvaluation(L.Run(af, "confounded", 0), "seen", "confounded", {50, 70});
  WriteEvaluation(L.Run(o.methods[1], "confounded", 0), "seen", "confounded", {42});
  fs::create_directories(L.AttentionReport("confounded", 0));
  fs::create_directories(L.AttentionReport("confounded", 1));
  WriteFileAtomic(
      L.AttentionReport("confounded", 0) / "summary.json",
      Json{{"runs",
            {{{"run", "bc-s0"}, {"mean", {{"mass_icon", 0.4}, {"mass_key", 0.1}}}},
             {{"run", "autofocus-s0"}, {"mean", {{"mass_icon", 0.1}, {"mass_key", 0.5}}}}}}}
          .dump());
  WriteFileAtomic(L.AttentionReport("confounded", 1) / "summary.json",
                  Json{{"runs", {{{"run", "bc-s1"}, {"mean", {{"mass_icon", 0.2}}}}}}}.dump());

  const Json t = BuildExperimentTable(o);
  ASSERT_EQ(t["cells"].size(), 8u);  // 4 methods x 2 splits x 1 setting
  auto cell = [&t](const std::string& m, const std::string& split) {
    for (const auto& c : t["cells"])
      if (c["method"] == m && c["split"] == split) return c;
    return Json();
  };
  const Json b = cell("bc", "seen");
  EXPECT_DOUBLE_EQ(b["mean"].get<double>(), 20.0);
  EXPECT_NEAR(b["stderr"].get<double>(), 10.0 / std::sqrt(3.0), 1e-12);  // sd 10 over 3
  EXPECT_EQ(b["runs"], 3);
  EXPECT_EQ(b["policies"], 2);
  EXPECT_NEAR(b["stderr_policies"].get<double>(), 7.5, 1e-12);  // means 15 and 30
  EXPECT_NEAR(b["icon_attention"].get<double>(), 0.3, 1e-12);
  EXPECT_NEAR(b["key_attention"].get<double>(), 0.1, 1e-12);  // only seed 0 has mass_key
  const Json a = cell("autofocus", "seen");
  EXPECT_DOUBLE_EQ(a["mean"].get<double>(), 60.0);
  EXPECT_NEAR(a["stderr"].get<double>(), 10.0, 1e-12);
  EXPECT_EQ(a["stderr_policies"], nullptr);  // one policy
  const Json one = cell("gabril", "seen");
  EXPECT_DOUBLE_EQ(one["mean"].get<double>(), 42.0);
  EXPECT_EQ(one["stderr"], nullptr);  // one rollout: unknown, not 0
  const Json missing = cell("gabril", "unseen");
  EXPECT_EQ(missing["runs"], 0);
  EXPECT_EQ(missing["mean"], nullptr);
  EXPECT_EQ(missing["icon_attention"], nullptr);

  ASSERT_EQ(t["comparisons"].size(), 1u);  // unseen has no evaluations
  const Json& c = t["comparisons"][0];
  EXPECT_EQ(c["split"], "seen");
  EXPECT_DOUBLE_EQ(c["difference"].get<double>(), 40.0);
  EXPECT_NEAR(c["stderr"].get<double>(), std::hypot(10.0 / std::sqrt(3.0), 10.0), 1e-12);
  EXPECT_TRUE(c["above_two_stderr"].get<bool>());

  const std::string md = ExperimentTableMarkdown(t);
  EXPECT_NE(md.find("| BC | 20.0 ± 5.8 (n=3) | — | 0.300 | 0.100 |"), std::string::npos) << md;
  EXPECT_NE(md.find("- seen / confounded: +40.0 (2 s.e. = 23.1): above two standard errors"),
            std::string::npos)
      << md;
  const cv::Mat chart = ExperimentChart(t);
  EXPECT_EQ(chart.cols, 240 + 180 * 2);
  EXPECT_EQ(chart.rows, 460);
}

TEST(ExperimentPlan, HasOneStepPerStageMethodSeedAndSplit) {
  TempDir dir;
  ExperimentOptions o = Tiny(dir.path());
  const auto steps = PlanExperiment(o);
  // Per setting: data, annotate, 4 trainings, 8 evaluations, 1 attention.
  EXPECT_EQ(steps.size(), 2u * 15u);
  std::map<std::string, int> stages;
  for (const auto& s : steps) stages[s.stage]++;
  EXPECT_EQ(stages["train"], 8);
  EXPECT_EQ(stages["evaluate"], 16);
  EXPECT_EQ(stages["attention"], 2);
  // Every dependency is planned before its dependant.
  std::set<std::string> seen;
  for (const auto& s : steps) {
    for (const auto& d : s.deps) EXPECT_TRUE(seen.count(d)) << s.id << " needs " << d;
    seen.insert(s.id);
  }

  o.ablation = "temporal";
  o.ApplyAblation();
  o.settings = {"confounded"};
  const auto t = PlanExperiment(o);
  // data, annotate, the window-1 variant, 2 trainings, 4 evaluations, 2 attention (one per
  // project: the window-4 original and its window-1 copy).
  EXPECT_EQ(t.size(), 11u);
  bool variant = false;
  for (const auto& s : t) variant |= s.id == "variant/confounded-w1";
  EXPECT_TRUE(variant);

  o.ablation = "fraction";
  o.ApplyAblation();
  ASSERT_EQ(o.methods.size(), 6u);
  EXPECT_DOUBLE_EQ(o.methods[1].fraction, 0.10);
  EXPECT_EQ(o.methods[5].name, "autofocus_f100");
}

TEST(ExperimentOptions, CheckNamesTheField) {
  ExperimentOptions o = ExperimentOptions::Preset("quick");
  o.ApplyAblation();
  try {
    o.Check();
    FAIL() << "no --out accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "--out");
  }
  o.out = "/tmp/x";
  o.settings = {"original", "foggy"};
  try {
    o.Check();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "--settings");
  }
  EXPECT_THROW(ExperimentOptions::Preset("huge"), Error);
  o.ablation = "colour";
  EXPECT_THROW(o.ApplyAblation(), Error);
}

}  // namespace
}  // namespace autofocus

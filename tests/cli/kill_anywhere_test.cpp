// Kill anywhere: `autofocus run`, `export` and `train` are SIGKILLed at 20 seeded points each
// (right after the k-th line of their own JSON progress, so no sleep picks the point and the
// program is mid-work when the signal lands). Every time the project stays valid (`autofocus
// validate`), and the interrupted job resumes (run, train) or is redone (export) to exactly
// the result of an uninterrupted one: nothing finished is lost and no answered model call is
// asked again. The studio's edit session has its own kill test (tests/curation).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <sstream>

#include "core/base/json_io.h"
#include "core/exchange/exchange_cache.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {

namespace fs = std::filesystem;
using testing::RunCli;
using testing::TempDir;

constexpr int kPoints = 20;

// Kill points: `kPoints` seeded draws from [1, lines - 1] (the last line is the summary).
std::vector<int> KillPoints(int lines, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> pick(1, std::max(1, lines - 1));
  std::vector<int> points;
  for (int i = 0; i < kPoints; ++i) points.push_back(pick(rng));
  return points;
}

// A 3-episode sample project (16 frames of 96x64), generated once per process.
const fs::path& BaseProject() {
  static TempDir dir;
  static const fs::path p = [] {
    const fs::path out = dir / "base";
    const auto r = RunCli({"sim", "generate", "--out", out.string(), "--episodes", "3", "--frames",
                           "16", "--width", "96", "--height", "64", "--threads", "1"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
  }();
  return p;
}

fs::path CopyOf(const fs::path& project, const fs::path& to) {
  fs::copy(project, to, fs::copy_options::recursive);
  return to;
}

void ExpectValid(const fs::path& p) {
  const auto r = RunCli({"validate", p.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

// Every stage's output hash per episode: what a finished pipeline produced.
std::map<std::string, std::string> PipelineOutputs(const fs::path& p) {
  std::map<std::string, std::string> out;
  const Json project = LoadJsonFile(p / "project.json");  // (not a temporary: range-for)
  for (const auto& e : project.at("episodes")) {
    const std::string name = e.at("name");
    const Json status = LoadJsonFile(p / "episodes" / name / "status.json");
    for (const auto& [stage, s] : status.at("stages").items())
      out[name + "/" + stage] = s.value("output_hash", "");
  }
  return out;
}

// Answered exchanges per key (each key must be answered exactly once).
std::map<std::string, int> AnsweredKeys(const fs::path& p) {
  ExchangeCacheOptions ro;
  ro.mode = ExchangeOpenMode::kReadOnly;
  const ExchangeCache cache(ExchangeCache::ProjectFile(p), ro);
  std::map<std::string, int> n;
  for (const auto& e : cache.Entries())
    if (e.answered()) ++n[e.key];
  return n;
}

const std::vector<std::string> kRunArgs = {"--detector", "oracle", "--progress", "json"};

TEST(KillAnywhere, PipelineResumesToTheUninterruptedResultAt20Points) {
  TempDir dir;
  const fs::path ref = CopyOf(BaseProject(), dir / "ref");
  std::vector<std::string> args = {"run", ref.string()};
  args.insert(args.end(), kRunArgs.begin(), kRunArgs.end());
  const auto whole = testing::RunCliKilledAfterLine(args, 1 << 30);
  ASSERT_EQ(whole.exit_code, 0);
  const auto want = PipelineOutputs(ref);
  const auto want_calls = AnsweredKeys(ref);
  ASSERT_EQ(want.size(), 15u);
  int killed = 0;
  for (int point : KillPoints(static_cast<int>(whole.lines.size()), 101)) {
    SCOPED_TRACE("killed after progress line " + std::to_string(point));
    const fs::path p = CopyOf(BaseProject(), dir / ("k" + std::to_string(killed)));
    args[1] = p.string();
    const auto k = testing::RunCliKilledAfterLine(args, point);
    killed += k.killed;
    ExpectValid(p);
    const auto r = RunCli({"run", p.string(), "--detector", "oracle", "--progress", "none"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(PipelineOutputs(p), want);
    EXPECT_EQ(AnsweredKeys(p), want_calls) << "a call answered before the kill was asked again";
    fs::remove_all(p);
  }
  EXPECT_EQ(killed, kPoints);
}

TEST(KillAnywhere, ExportIsAllOrNothingAndRedoneIdenticallyAt20Points) {
  TempDir dir;
  const fs::path p = CopyOf(BaseProject(), dir / "p");
  ASSERT_EQ(RunCli({"run", p.string(), "--detector", "oracle", "--progress", "none"}).exit_code, 0);
  const auto args = [&](const fs::path& out) {
    return std::vector<std::string>{"export", p.string(),   "--format",   "folder",
                                    "--out",  out.string(), "--progress", "json"};
  };
  const auto whole = testing::RunCliKilledAfterLine(args(dir / "ref"), 1 << 30);
  ASSERT_EQ(whole.exit_code, 0);
  const Json want = LoadJsonFile(dir / "ref" / "manifest.json").at("sha256");
  int killed = 0, i = 0;
  for (int point : KillPoints(static_cast<int>(whole.lines.size()), 202)) {
    SCOPED_TRACE("killed after progress line " + std::to_string(point));
    const fs::path out = dir / ("out" + std::to_string(i++));
    const auto k = testing::RunCliKilledAfterLine(args(out), point);
    killed += k.killed;
    // Nothing half-written: the folder appears only complete (renamed into place at the end).
    if (fs::exists(out)) EXPECT_EQ(LoadJsonFile(out / "manifest.json").at("sha256"), want);
    ExpectValid(p);
    auto redo = args(out);
    redo.push_back("--force");
    const auto r = RunCli(redo);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(LoadJsonFile(out / "manifest.json").at("sha256"), want);
    fs::remove_all(out);
  }
  EXPECT_EQ(killed, kPoints);
}

// The epoch records of metrics.jsonl: the numbers a finished training produced.
std::vector<Json> EpochMetrics(const fs::path& run) {
  std::vector<Json> out;
  std::istringstream lines(testing::ReadText(run / "metrics.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    const Json j = Json::parse(line);
    if (j.value("type", "") != "epoch") continue;
    Json kept;  // the numbers, not the timings
    for (const char* k : {"epoch", "step", "loss", "bc", "reg", "val_bc", "lr"}) kept[k] = j.at(k);
    out.push_back(kept);
  }
  return out;
}

TEST(KillAnywhere, TrainingResumesToTheUninterruptedRunAt20Points) {
  if (!AUTOFOCUS_TEST_WITH_TORCH) GTEST_SKIP() << "this build has no LibTorch (no training)";
  TempDir dir;
  const fs::path p = CopyOf(BaseProject(), dir / "p");
  ASSERT_EQ(RunCli({"run", p.string(), "--detector", "oracle", "--progress", "none"}).exit_code, 0);
  const auto args = [&](const std::string& name) {
    return std::vector<std::string>{
        "train",  p.string(), "--target",  "vlm", "--epochs",     "3",     "--batch",    "8",
        "--name", name,       "--threads", "1",   "--input-size", "36x64", "--progress", "json"};
  };
  const auto whole = testing::RunCliKilledAfterLine(args("ref"), 1 << 30);
  ASSERT_EQ(whole.exit_code, 0);
  const auto want = EpochMetrics(p / "runs" / "ref");
  ASSERT_EQ(want.size(), 3u);
  int killed = 0, i = 0;
  for (int point : KillPoints(static_cast<int>(whole.lines.size()), 303)) {
    SCOPED_TRACE("killed after progress line " + std::to_string(point));
    const std::string name = "k" + std::to_string(i++);
    const auto k = testing::RunCliKilledAfterLine(args(name), point);
    killed += k.killed;
    ExpectValid(p);
    const fs::path run = p / "runs" / name;
    // Killed before run.json was written, the run is started again under its name.
    const auto r = fs::exists(run / "run.json")
                       ? RunCli({"train", p.string(), "--resume", name, "--progress", "none"})
                       : RunCli(args(name));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(LoadJsonFile(run / "run.json").at("status"), "completed");
    EXPECT_EQ(EpochMetrics(run), want);
    EXPECT_TRUE(fs::exists(run / "policy.pt"));
    fs::remove_all(run);
  }
  EXPECT_EQ(killed, kPoints);
}

}  // namespace
}  // namespace autofocus

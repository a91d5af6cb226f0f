// `autofocus experiment --out DIR`: the paper's table by one command (docs/evaluation.md). The
// work runs as child `autofocus` processes (sim generate, run, train, evaluate-policy,
// attention), so this binary never maps LibTorch and one failed child costs its cells only.
#include <filesystem>
#include <iostream>
#include <memory>

#include "app/autofocus/command.h"
#include "app/autofocus/console_progress.h"
#include "core/base/error.h"
#include "core/experiment/experiment.h"
#include "core/experiment/experiment_table.h"
#include "core/train/train_options.h"

namespace autofocus::cli {
namespace {

// The CLI's view: a preset plus the flags given, applied over it in Resolve().
struct ExperimentCli {
  ExperimentOptions o;           // parsed values (defaults from the quick preset)
  std::string progress = "bar";  // bar | json | none
  std::string input_size;        // HxW
  bool table_only = false;       // rebuild table/chart/strips from what exists
  CLI::App* sub = nullptr;       // to ask which flags were given
};

ExperimentOptions Resolve(const ExperimentCli& c) {
  ExperimentOptions o = ExperimentOptions::Preset(c.o.preset);
  auto given = [&c](const char* flag) { return c.sub->count(flag) > 0; };
  o.out = c.o.out;
  o.ablation = c.o.ablation;
  o.jobs = c.o.jobs;
  o.threads = c.o.threads;
  o.run_args = c.o.run_args;
  if (given("--seeds")) o.seeds = c.o.seeds;
  if (given("--episodes")) o.episodes = c.o.episodes;
  if (given("--frames")) o.frames = c.o.frames;
  if (given("--epochs")) o.epochs = c.o.epochs;
  if (given("--batch")) o.batch = c.o.batch;
  if (given("--routes-seen")) o.routes_seen = c.o.routes_seen;
  if (given("--routes-unseen")) o.routes_unseen = c.o.routes_unseen;
  if (given("--eval-seeds-seen")) o.eval_seeds_seen = c.o.eval_seeds_seen;
  if (given("--eval-seeds-unseen")) o.eval_seeds_unseen = c.o.eval_seeds_unseen;
  if (given("--episode-steps")) o.episode_steps = c.o.episode_steps;
  if (given("--route-length")) o.route_length = c.o.route_length;
  if (given("--settings")) o.settings = c.o.settings;
  if (given("--world-seed")) o.world_seed = c.o.world_seed;
  if (!c.input_size.empty() && !ParseInputSize(c.input_size, &o.input_height, &o.input_width))
    throw Error("", "--input-size", "expected HxW, got \"" + c.input_size + "\"");
  o.ApplyAblation();
  o.Check();
  return o;
}

int RunExperimentCommand(const ExperimentCli& c) {
  const ExperimentOptions o = Resolve(c);
  if (c.table_only) {
    WriteExperimentOutputs(o, BuildExperimentTable(o));
    std::cout << ExperimentTableMarkdown(LoadJsonFile(std::filesystem::path(o.out) / "table.json"));
    return kExitOk;
  }
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("/proc/self/exe", "experiment", "cannot find the autofocus executable");
  InstallStopSignals();
  ConsoleProgress bar;
  const ProgressCallback cb = ProgressForMode(c.progress, bar, stdout);
  ExperimentReport r;
  try {
    r = RunExperiment(o, self.string(), cb, [] { return StopRequested().load(); });
  } catch (const Cancelled&) {
    bar.Finish();
    std::cerr << "stopped: finished steps are kept; run the same command again to resume\n";
    return 130;
  }
  bar.Finish();
  if (c.progress != "json") {
    std::cout << ExperimentTableMarkdown(r.table) << "\n";
    std::cout << "Steps: " << r.steps << " (" << r.reused << " reused, " << r.ran << " run, "
              << r.failed.size() << " failed, " << r.skipped.size() << " skipped) in "
              << static_cast<int>(r.seconds) << " s\nWrote " << o.out << "/table.md, table.json, "
              << "chart.png, strips/\n";
  }
  for (const auto& f : r.failed) std::cerr << "failed: " << f << "\n";
  for (const auto& s : r.skipped) std::cerr << "skipped (a step it needs failed): " << s << "\n";
  return r.failed.empty() ? kExitOk : kExitFailure;
}

const bool kRegistered = RegisterCommand(78, [](CLI::App& root, Action& action) {
  auto c = std::make_shared<ExperimentCli>();
  c->o = ExperimentOptions::Preset("quick");
  CLI::App* sub = root.add_subcommand(
      "experiment",
      "The paper's table by one command: generate sample-world data (original and confounded), "
      "annotate it, train BC / GABRIL (simulated gaze) / AutoFocus-IL per seed, evaluate them "
      "in closed loop and write table.md, table.json, chart.png and attention strips");
  c->sub = sub;
  sub->add_option("--out", c->o.out, "Experiment folder (created; run again to resume)")
      ->required();
  sub->add_option("--preset", c->o.preset, "tiny (CI) | quick (< 30 min on 2 cores) | paper")
      ->check(CLI::IsMember({"tiny", "quick", "paper"}))
      ->capture_default_str();
  sub->add_option("--ablation", c->o.ablation,
                  "none | temporal (saliency window 4 vs 1) | fraction (0/10/25/50/75/100 %)")
      ->check(CLI::IsMember({"none", "temporal", "fraction"}))
      ->capture_default_str();
  sub->add_option("--seeds", c->o.seeds, "Training seeds per method and setting");
  sub->add_option("--jobs", c->o.jobs, "Child processes at once")->capture_default_str();
  sub->add_option("--threads", c->o.threads, "Cores shared by the jobs")->capture_default_str();
  sub->add_option("--settings", c->o.settings, "original and/or confounded")->delimiter(',');
  sub->add_option("--episodes", c->o.episodes, "Demonstrations per setting");
  sub->add_option("--frames", c->o.frames, "Frames per demonstration");
  sub->add_option("--world-seed", c->o.world_seed, "sim generate --seed");
  sub->add_option("--input-size", c->input_size, "Policy input HxW");
  sub->add_option("--epochs", c->o.epochs, "Training epochs");
  sub->add_option("--batch", c->o.batch, "Training batch");
  sub->add_option("--routes-seen", c->o.routes_seen, "Closed-loop routes on seen families");
  sub->add_option("--routes-unseen", c->o.routes_unseen, "Closed-loop routes on unseen families");
  sub->add_option("--eval-seeds-seen", c->o.eval_seeds_seen, "Seeds per seen route (0,1 or 0-3)");
  sub->add_option("--eval-seeds-unseen", c->o.eval_seeds_unseen, "Seeds per unseen route");
  sub->add_option("--episode-steps", c->o.episode_steps, "Closed-loop step cap");
  sub->add_option("--route-length", c->o.route_length, "Route length in metres");
  sub->add_option("--run-arg", c->o.run_args,
                  "An extra `autofocus run` argument for the annotation (repeat; e.g. "
                  "--run-arg=--vlm-url --run-arg=http://host:8000)");
  sub->add_flag("--table-only", c->table_only,
                "Only rebuild table.md/json, chart.png and strips from what the folder holds");
  sub->add_option("--progress", c->progress, "bar, json or none")
      ->check(CLI::IsMember({"bar", "json", "none"}))
      ->capture_default_str();
  sub->callback([c, &action] { action = [c] { return RunExperimentCommand(*c); }; });
});

}  // namespace
}  // namespace autofocus::cli

// `autofocus-train`: the LibTorch half of `autofocus train` (which execs this program so the
// `autofocus` binary itself never loads LibTorch). Same options as `autofocus train`.
#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "app/autofocus/console_progress.h"
#include "app/autofocus/man_page.h"
#include "core/base/error.h"
#include "core/base/json_io.h"
#include "core/train/train_options.h"
#include "core/train/trainer.h"

namespace {

// How a flag's text becomes the JSON value of its TrainOptions field.
enum class Kind { kString, kInt, kDouble, kStringList, kDoubleList, kSetTrue, kSetFalse };

// One command-line flag bound to a TrainOptions field (docs/training.md lists them all).
struct FlagSpec {
  const char* flag;   // e.g. "--lr"
  const char* field;  // TrainOptions JSON field, e.g. "lr"
  Kind kind;          // value conversion
  const char* help;   // --help text
  bool execution;     // changes how, not what, is trained: allowed next to --resume
};

const std::vector<FlagSpec>& Specs() {
  static const std::vector<FlagSpec> specs = {
      {"--name", "name", Kind::kString,
       "Run folder name under PROJECT/runs (default: run-<UTC time>)", false},
      {"--model", "model", Kind::kString, "gabril-cnn | resnet18 | resnet34", false},
      {"--method", "method", Kind::kString,
       "bc (BC + the regularizer) | visarl | gmd | agil (map-input baselines; need --target)",
       false},
      {"--regularizer", "regularizer", Kind::kString,
       "none | gabril_mse | l1_outside | kl | js | tv", false},
      {"--lambda", "lambda", Kind::kDouble, "Regulariser weight (default 10)", false},
      {"--beta", "beta", Kind::kDouble, "Spatial-softmax temperature (default 50)", false},
      {"--target", "target", Kind::kString, "Target maps: vlm | gaze | none", false},
      {"--gaze-sigma", "gaze_sigma", Kind::kDouble,
       "Gaze Gaussian sigma in px at 320 px width (default 30)", false},
      {"--gaze-window", "gaze_window", Kind::kInt, "Gaze points from frames t-W..t+W (default 160)",
       false},
      {"--fraction", "fraction", Kind::kDouble,
       "Share of frames the regulariser sees, 0..1 (default 1)", false},
      {"--fraction-unit", "fraction_unit", Kind::kString, "frame | episode (default frame)", false},
      {"--epochs", "epochs", Kind::kInt, "Epochs (default 500)", false},
      {"--total-steps", "total_steps", Kind::kInt,
       "Train exactly this many steps (overrides --epochs)", false},
      {"--batch", "batch", Kind::kInt, "Batch size (default 128)", false},
      {"--optimizer", "optimizer", Kind::kString, "adam | adamw (default adam)", false},
      {"--lr", "lr", Kind::kDouble, "Learning rate (default 5e-4)", false},
      {"--weight-decay", "weight_decay", Kind::kDouble,
       "Weight decay (default: adam 0, adamw 0.01)", false},
      {"--scheduler", "scheduler", Kind::kString, "step | cosine | constant (default step)", false},
      {"--lr-step", "lr_step", Kind::kInt, "StepLR step in epochs (default 50)", false},
      {"--lr-gamma", "lr_gamma", Kind::kDouble, "StepLR factor (default 0.5)", false},
      {"--warmup", "warmup", Kind::kDouble, "Share of steps with a linear warm-up (default 0)",
       false},
      {"--grad-clip", "grad_clip", Kind::kDouble, "Clip the gradient norm (default 0 = off)",
       false},
      {"--action-weights", "action_weights", Kind::kDoubleList,
       "Per-dimension BC weights, comma-separated", false},
      {"--normalize-actions", "normalize_actions", Kind::kSetTrue,
       "Standardise actions by training statistics", false},
      {"--state", "state_keys", Kind::kStringList, "State keys as extra input, comma-separated",
       false},
      {"--raw-state", "normalize_state", Kind::kSetFalse, "Do not standardise the state input",
       false},
      {"--seed", "seed", Kind::kInt, "Seed of init, split, order and fraction mask (default 1)",
       false},
      {"--stack", "stack", Kind::kInt, "Frames per observation (default 2)", false},
      {"--rgb", "grayscale", Kind::kSetFalse, "RGB frames instead of ITU-R 601 grayscale", false},
      {"--val-fraction", "val_fraction", Kind::kDouble, "Share of episodes held out (default 0.1)",
       false},
      {"--split", "split", Kind::kString, "seeded | hdf5 (the imported mask/train and mask/valid)",
       false},
      {"--filter", "filter", Kind::kString, "flagged | unflagged | mask:NAME (default: all frames)",
       false},
      {"--log-every", "log_every", Kind::kInt,
       "A metrics record every N steps (default 50; 0 = per epoch)", false},
      {"--checkpoint-every", "checkpoint_every", Kind::kInt,
       "Keep a checkpoint every N epochs (default 0)", false},
      {"--threads", "threads", Kind::kInt, "LibTorch threads (default 0 = library default)", true},
      {"--workers", "data_workers", Kind::kInt, "Background batch threads (default 1)", true},
      {"--max-steps", "max_steps", Kind::kInt, "Stop (resumable) after this many steps in total",
       true},
      {"--device", "device", Kind::kString, "cpu | cuda | cuda:N (default cpu)", true},
      {"--augment", "augment", Kind::kSetTrue,
       "Random resized crop + colour jitter per training sample (saturation and hue for RGB input)", false},
      {"--amp", "amp", Kind::kSetTrue, "bfloat16 autocast of the forward pass (AutoFocus-IL's AMP)",
       false},
  };
  return specs;
}

// The JSON value of a flag's text; Error naming the flag when it does not parse.
autofocus::Json FlagValue(const FlagSpec& spec, const std::string& text) {
  using autofocus::Error;
  using autofocus::Json;
  auto number = [&](const std::string& t, bool integer) -> Json {
    size_t used = 0;
    try {
      if (integer) {
        const long long v = std::stoll(t, &used);
        if (used == t.size()) return v;
      } else {
        const double v = std::stod(t, &used);
        if (used == t.size()) return v;
      }
    } catch (const std::exception&) {
    }
    throw Error(
        "", spec.flag,
        std::string("expected ") + (integer ? "an integer" : "a number") + ", got \"" + t + "\"");
  };
  auto split = [](const std::string& t) {
    std::vector<std::string> parts;
    std::string cur;
    for (char c : t) {
      if (c == ',') {
        parts.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!t.empty()) parts.push_back(cur);
    return parts;
  };
  switch (spec.kind) {
    case Kind::kString:
      return text;
    case Kind::kInt:
      return number(text, true);
    case Kind::kDouble:
      return number(text, false);
    case Kind::kStringList:
      return split(text);
    case Kind::kDoubleList: {
      Json a = Json::array();
      for (const auto& p : split(text)) a.push_back(number(p, false));
      return a;
    }
    case Kind::kSetTrue:
      return true;
    case Kind::kSetFalse:
      return false;
  }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace autofocus;
  std::string project, preset, config, resume, progress_mode = "bar", input_size;
  CLI::App app{
      "Train a saliency-regularised behaviour-cloning policy on a project (docs/training.md)"};
  app.name("autofocus train");
  app.add_option("PROJECT", project, "Project directory");
  bool benchmark = false;
  int bench_steps = 3;
  std::string bench_project;
  app.add_flag(
      "--benchmark", benchmark,
      "Time training steps (GABRIL CNN, --batch default 64, --input-size default 180x320) for each "
      "regulariser; one JSON line each");
  app.add_option("--benchmark-steps", bench_steps, "Steps timed per regulariser (default 3)");
  std::vector<std::string> bench_regs = {"none", "gabril_mse", "l1_outside", "l1_outside_naive"};
  app.add_option("--benchmark-regularizers", bench_regs,
                 "Regularisers to time, comma-separated (default none,gabril_mse,l1_outside,"
                 "l1_outside_naive; the studio's epoch-time probe times one)")
      ->delimiter(',');
  app.add_option(
      "--benchmark-project", bench_project,
      "Benchmark on this project's frames through the real loader (measures the data wait)");
  app.add_option("--preset", preset, "Start from a preset: paper-carla | paper-robot | quick");
  app.add_option("--config", config,
                 "JSON file with training options (after the preset, before flags)");
  app.add_option("--resume", resume,
                 "Continue run NAME from its last checkpoint (its stored options apply)");
  app.add_option("--input-size", input_size, "Model input HxW (default 180x320; e.g. 90x160)");
  std::vector<std::optional<std::string>> values(Specs().size());
  std::vector<bool> set_flags(Specs().size(), false);
  std::vector<CLI::Option*> flag_options(Specs().size(), nullptr);
  for (size_t i = 0; i < Specs().size(); ++i) {
    const FlagSpec& s = Specs()[i];
    if (s.kind == Kind::kSetTrue || s.kind == Kind::kSetFalse) {
      flag_options[i] = app.add_flag(s.flag, s.help);
    } else {
      app.add_option(s.flag, values[i], s.help);
    }
  }
  app.add_option("--progress", progress_mode, "bar | json | none")
      ->check(CLI::IsMember({"bar", "json", "none"}));
  // Not TrainOptions fields: how the processes of a run meet, not what is trained.
  std::optional<std::string> dist;
  std::optional<double> dist_timeout;
  app.add_option("--dist", dist,
                 "Multi-process run: auto (from torchrun/Slurm variables, the default) | off")
      ->check(CLI::IsMember({"auto", "off"}));
  app.add_option("--dist-timeout", dist_timeout,
                 "Seconds to wait for the other processes and each collective (default 600)")
      ->check(CLI::PositiveNumber);
  if (const int rc = cli::MaybeWriteManPages(app, argc, argv); rc >= 0) return rc;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  for (size_t i = 0; i < Specs().size(); ++i) {
    if (flag_options[i]) set_flags[i] = flag_options[i]->count() > 0;
  }
  auto given = [&](size_t i) { return values[i].has_value() || set_flags[i]; };
  if (!benchmark && project.empty()) {
    std::cerr << "error: PROJECT is required\nRun with --help for more information.\n";
    return 2;
  }

  return cli::RunReportingErrors([&]() -> int {
    // Flags as a JSON object of TrainOptions fields: the same names as --config files and the
    // studio use, so every front end fills the one struct the same way.
    Json overrides = Json::object();
    std::vector<std::string> refused;
    for (size_t i = 0; i < Specs().size(); ++i) {
      if (!given(i)) continue;
      const FlagSpec& s = Specs()[i];
      overrides[s.field] = FlagValue(s, values[i].value_or(""));
      if (!s.execution) refused.push_back(s.flag);
    }
    if (!input_size.empty()) {
      int h = 0, w = 0;
      if (!ParseInputSize(input_size, &h, &w)) {
        throw Error("", "--input-size", "expected HxW, e.g. 180x320, got \"" + input_size + "\"");
      }
      overrides["input_height"] = h;
      overrides["input_width"] = w;
    }
    if (benchmark) {
      const int h = overrides.value("input_height", 180), w = overrides.value("input_width", 320);
      for (const std::string& reg : bench_regs) {
        const Json j = BenchmarkTrainingStep(
            reg, overrides.value("batch", 64), h, w, bench_steps, overrides.value("threads", 0),
            bench_project, overrides.value("data_workers", 1), overrides.value("amp", false));
        std::printf("%s\n", j.dump().c_str());
        std::fflush(stdout);
      }
      return 0;
    }
    if (!resume.empty()) {
      // A resumed run continues with the options it was started with; a method flag given here
      // would be silently ignored, so say so instead.
      if (!preset.empty()) refused.insert(refused.begin(), "--preset");
      if (!config.empty()) refused.insert(refused.begin(), "--config");
      if (!input_size.empty()) refused.push_back("--input-size");
      if (!refused.empty()) {
        std::string list;
        for (const auto& g : refused) list += (list.empty() ? "" : ", ") + g;
        std::fprintf(
            stderr,
            "error: --resume continues run %s with the options it was started with; drop %s\n",
            resume.c_str(), list.c_str());
        return 2;
      }
    }
    // Order: preset, then config file, then flags (each FromJson starts from the previous).
    TrainOptions o;
    if (!preset.empty()) o = TrainOptions::Preset(preset);
    if (!config.empty()) {
      Json file = LoadJsonFile(config);
      if (file.is_object() && file.contains("lambda") && !file.contains("lambda_option")) {
        file["lambda_option"] = file["lambda"];  // a hand-written lambda is the raw setting
      }
      o = TrainOptions::FromJson(file, config, o);
    }
    if (overrides.contains("lambda")) overrides["lambda_option"] = overrides["lambda"];
    o = TrainOptions::FromJson(overrides, "", o);

    // The training library reads the multi-process settings from the environment (so a launcher,
    // the studio and tests configure it alike); the flags are shorthands that override it.
    if (dist) ::setenv("AUTOFOCUS_DIST", dist->c_str(), 1);
    if (dist_timeout) ::setenv("AUTOFOCUS_DIST_TIMEOUT", std::to_string(*dist_timeout).c_str(), 1);

    cli::InstallStopSignals();

    cli::ConsoleProgress bar;
    const ProgressCallback progress = cli::ProgressForMode(progress_mode, bar, stdout);
    MetricsCallback metrics = [&](const Json& rec) {
      if (progress_mode == "json") {
        std::printf("%s\n", Json({{"metrics", rec}}).dump().c_str());
        std::fflush(stdout);
      }
    };
    const TrainReport r =
        RunTraining(project, o, resume, progress, StopOnFlag(cli::StopRequested()), metrics);
    bar.Finish();
    if (progress_mode != "json") {
      std::printf("Run %s: %s after %d epochs, %lld steps in %.1f s; last loss %.6g",
                  r.run_dir.c_str(), r.status.c_str(), r.epochs_done,
                  static_cast<long long>(r.steps), r.seconds, r.last_loss);
      if (r.best_val_bc >= 0) std::printf(", best validation BC %.6g", r.best_val_bc);
      if (r.best_val_bc >= 0 && r.val_bc_mean_action > 0)
        std::printf(" (%.3f x the mean action's %.6g)", r.best_val_bc / r.val_bc_mean_action,
                    r.val_bc_mean_action);
      std::printf("\n");
      if (r.status == "stopped") {
        std::printf("Resume with: autofocus train %s --resume %s\n", project.c_str(),
                    r.run_dir.filename().c_str());
      }
    } else {
      std::printf("%s\n", Json({{"run", r.run_dir.string()},
                                {"status", r.status},
                                {"epochs_done", r.epochs_done},
                                {"steps", r.steps},
                                {"seconds", r.seconds},
                                {"last_loss", r.last_loss},
                                {"best_val_bc", r.best_val_bc}})
                              .dump()
                              .c_str());
    }
    if (r.status == "stopped" && cli::StopSignal() != 0) return 128 + cli::StopSignal();
    return 0;
  });
}

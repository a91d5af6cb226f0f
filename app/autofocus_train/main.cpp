// `autofocus-train`: the LibTorch half of `autofocus train` (which execs this program so the
// `autofocus` binary itself never loads LibTorch). Same options as `autofocus train`.
#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <optional>

#include "app/autofocus/console_progress.h"
#include "core/base/error.h"
#include "core/base/json_io.h"
#include "core/train/train_options.h"
#include "core/train/trainer.h"

namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

extern "C" void OnSignal(int sig) {
  // Only async-signal-safe work here: the loop polls the flag after each step.
  g_signal.store(sig);
  g_stop.store(true);
}

// Flags given on the command line (unset ones keep the preset / config value).
struct Flags {
  std::string project, preset, config, resume, progress = "bar", input_size;
  std::optional<std::string> name, model, regularizer, target, fraction_unit;
  std::optional<double> lambda, beta, fraction, lr, lr_gamma, grad_clip, val_fraction;
  std::optional<int> epochs, batch, lr_step, threads, stack, workers, max_steps;
  std::optional<uint64_t> seed;
  std::optional<std::string> dist;           // AUTOFOCUS_DIST: auto | off
  std::optional<double> dist_timeout;        // AUTOFOCUS_DIST_TIMEOUT in seconds
  bool rgb = false;
};

}  // namespace

int main(int argc, char** argv) {
  using namespace autofocus;
  Flags f;
  CLI::App app{"Train a saliency-regularised behaviour-cloning policy on a project (docs/training.md)"};
  app.name("autofocus train");
  app.add_option("PROJECT", f.project, "Project directory");
  bool benchmark = false;
  int bench_steps = 3;
  app.add_flag("--benchmark", benchmark,
               "Time training steps on random data (GABRIL CNN, --batch default 64, --input-size "
               "default 180x320) for each regulariser; one JSON line each");
  app.add_option("--benchmark-steps", bench_steps, "Steps timed per regulariser (default 3)");
  app.add_option("--preset", f.preset, "Start from a preset: paper-carla | quick");
  app.add_option("--config", f.config, "JSON file with training options (after the preset, before flags)");
  app.add_option("--resume", f.resume, "Continue run NAME from its last checkpoint (its stored options apply)");
  app.add_option("--name", f.name, "Run folder name under PROJECT/runs (default: run-<UTC time>)");
  app.add_option("--model", f.model, "Model: gabril-cnn");
  app.add_option("--regularizer", f.regularizer, "none | gabril_mse | l1_outside");
  app.add_option("--lambda", f.lambda, "Regulariser weight (default 10)");
  app.add_option("--beta", f.beta, "gabril_mse softmax temperature (default 50)");
  app.add_option("--target", f.target, "Target maps: vlm | none (gaze: not yet)");
  app.add_option("--fraction", f.fraction, "Share of frames the regulariser sees, 0..1 (default 1)");
  app.add_option("--fraction-unit", f.fraction_unit, "frame | episode (default frame)");
  app.add_option("--epochs", f.epochs, "Epochs (default 500)");
  app.add_option("--batch", f.batch, "Batch size (default 128)");
  app.add_option("--lr", f.lr, "Adam learning rate (default 5e-4)");
  app.add_option("--lr-step", f.lr_step, "StepLR step in epochs (default 50)");
  app.add_option("--lr-gamma", f.lr_gamma, "StepLR factor (default 0.5)");
  app.add_option("--grad-clip", f.grad_clip, "Clip the gradient norm (default 0 = off)");
  app.add_option("--seed", f.seed, "Seed of init, split, order and fraction mask (default 1)");
  app.add_option("--threads", f.threads, "LibTorch threads (default 0 = library default)");
  app.add_option("--input-size", f.input_size, "Model input HxW (default 180x320; e.g. 90x160)");
  app.add_option("--stack", f.stack, "Frames per observation (default 2)");
  app.add_flag("--rgb", f.rgb, "RGB frames instead of ITU-R 601 grayscale");
  app.add_option("--val-fraction", f.val_fraction, "Share of episodes held out (default 0.1)");
  app.add_option("--workers", f.workers, "Background batch threads (default 1)");
  app.add_option("--max-steps", f.max_steps, "Stop (resumable) after this many steps in total");
  app.add_option("--progress", f.progress, "bar | json | none")->check(CLI::IsMember({"bar", "json", "none"}));
  app.add_option("--dist", f.dist,
                 "Multi-process run: auto (from torchrun/Slurm variables, the default) | off (one process)")
      ->check(CLI::IsMember({"auto", "off"}));
  app.add_option("--dist-timeout", f.dist_timeout,
                 "Seconds to wait for the other processes and for each collective (default 600)")
      ->check(CLI::PositiveNumber);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (!benchmark && f.project.empty()) {
    std::cerr << "error: PROJECT is required\nRun with --help for more information.\n";
    return 2;
  }

  try {
    if (benchmark) {
      int h = 180, w = 320;
      if (!f.input_size.empty() && !ParseInputSize(f.input_size, &h, &w)) {
        throw Error("", "--input-size", "expected HxW, got \"" + f.input_size + "\"");
      }
      for (const char* reg : {"none", "gabril_mse", "l1_outside", "l1_outside_naive"}) {
        const Json j = BenchmarkTrainingStep(reg, f.batch.value_or(64), h, w, bench_steps, f.threads.value_or(0));
        std::printf("%s\n", j.dump().c_str());
        std::fflush(stdout);
      }
      return 0;
    }
    TrainOptions o;
    if (!f.preset.empty()) o = TrainOptions::Preset(f.preset);
    if (!f.config.empty()) {
      Json j = o.ToJson();
      j.erase("lambda");  // the preset's raw lambda_option stays unless the file sets lambda
      const Json file = LoadJsonFile(f.config);  // kept alive: items() only references it
      for (const auto& [k, v] : file.items()) {
        if (k == "lambda") j["lambda_option"] = v;
        j[k] = v;
      }
      o = TrainOptions::FromJson(j, f.config);
    }
    if (f.name) o.name = *f.name;
    if (f.model) o.model = *f.model;
    if (f.regularizer) o.regularizer = *f.regularizer;
    if (f.lambda) o.lambda = *f.lambda;
    if (f.beta) o.beta = *f.beta;
    if (f.target) o.target = *f.target;
    if (f.fraction) o.fraction = *f.fraction;
    if (f.fraction_unit) o.fraction_unit = *f.fraction_unit;
    if (f.epochs) o.epochs = *f.epochs;
    if (f.batch) o.batch = *f.batch;
    if (f.lr) o.lr = *f.lr;
    if (f.lr_step) o.lr_step = *f.lr_step;
    if (f.lr_gamma) o.lr_gamma = *f.lr_gamma;
    if (f.grad_clip) o.grad_clip = *f.grad_clip;
    if (f.seed) o.seed = *f.seed;
    if (f.threads) o.threads = *f.threads;
    if (f.stack) o.stack = *f.stack;
    if (f.rgb) o.grayscale = false;
    if (f.val_fraction) o.val_fraction = *f.val_fraction;
    if (f.workers) o.data_workers = *f.workers;
    if (f.max_steps) o.max_steps = *f.max_steps;
    if (!f.input_size.empty() && !ParseInputSize(f.input_size, &o.input_height, &o.input_width)) {
      throw Error("", "--input-size", "expected HxW, e.g. 180x320, got \"" + f.input_size + "\"");
    }
    if (f.resume.empty()) o.Check();
    if (!f.resume.empty()) {
      // A resumed run continues with the options it was started with; a method flag given here
      // would be silently ignored, so say so instead.
      std::vector<std::string> given;
      if (!f.preset.empty()) given.push_back("--preset");
      if (!f.config.empty()) given.push_back("--config");
      if (!f.input_size.empty()) given.push_back("--input-size");
      if (f.name) given.push_back("--name");
      if (f.model) given.push_back("--model");
      if (f.regularizer) given.push_back("--regularizer");
      if (f.lambda) given.push_back("--lambda");
      if (f.beta) given.push_back("--beta");
      if (f.target) given.push_back("--target");
      if (f.fraction) given.push_back("--fraction");
      if (f.fraction_unit) given.push_back("--fraction-unit");
      if (f.epochs) given.push_back("--epochs");
      if (f.batch) given.push_back("--batch");
      if (f.lr) given.push_back("--lr");
      if (f.lr_step) given.push_back("--lr-step");
      if (f.lr_gamma) given.push_back("--lr-gamma");
      if (f.grad_clip) given.push_back("--grad-clip");
      if (f.seed) given.push_back("--seed");
      if (f.stack) given.push_back("--stack");
      if (f.rgb) given.push_back("--rgb");
      if (f.val_fraction) given.push_back("--val-fraction");
      if (!given.empty()) {
        std::string list;
        for (const auto& g : given) list += (list.empty() ? "" : ", ") + g;
        std::fprintf(stderr, "error: --resume continues run %s with the options it was started with; drop %s\n",
                     f.resume.c_str(), list.c_str());
        return 2;
      }
    }

    // The training library reads the multi-process settings from the environment (so a launcher,
    // the studio and tests configure it alike); the flags are shorthands that override it.
    if (f.dist) ::setenv("AUTOFOCUS_DIST", f.dist->c_str(), 1);
    if (f.dist_timeout) ::setenv("AUTOFOCUS_DIST_TIMEOUT", std::to_string(*f.dist_timeout).c_str(), 1);

    struct sigaction sa {};
    sa.sa_handler = OnSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    cli::ConsoleProgress bar;
    ProgressCallback progress;
    if (f.progress == "bar") {
      progress = bar.Callback();
    } else if (f.progress == "json") {
      progress = [](const Progress& p) {
        std::printf("%s\n", Json({{"stage", p.stage}, {"item", p.item}, {"done", p.done}, {"total", p.total},
                                  {"eta_seconds", p.eta_seconds}}).dump().c_str());
        std::fflush(stdout);
      };
    }
    MetricsCallback metrics = [&](const Json& rec) {
      if (f.progress == "json") {
        std::printf("%s\n", Json({{"metrics", rec}}).dump().c_str());
        std::fflush(stdout);
      }
    };
    const TrainReport r = RunTraining(f.project, o, f.resume, progress, StopOnFlag(g_stop), metrics);
    bar.Finish();
    if (f.progress != "json") {
      std::printf("Run %s: %s after %d epochs, %lld steps in %.1f s; last loss %.6g", r.run_dir.c_str(),
                  r.status.c_str(), r.epochs_done, static_cast<long long>(r.steps), r.seconds, r.last_loss);
      if (r.best_val_bc >= 0) std::printf(", best validation BC %.6g", r.best_val_bc);
      std::printf("\n");
      if (r.status == "stopped") {
        std::printf("Resume with: autofocus train %s --resume %s\n", f.project.c_str(),
                    r.run_dir.filename().c_str());
      }
    } else {
      std::printf("%s\n", Json({{"run", r.run_dir.string()}, {"status", r.status}, {"epochs_done", r.epochs_done},
                                {"steps", r.steps}, {"seconds", r.seconds}, {"last_loss", r.last_loss},
                                {"best_val_bc", r.best_val_bc}}).dump().c_str());
    }
    if (r.status == "stopped" && g_signal.load() != 0) return 128 + g_signal.load();
    return 0;
  } catch (const Cancelled&) {
    std::cerr << "cancelled\n";
    return 130;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

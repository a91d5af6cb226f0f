// `autofocus-evaluate`: the LibTorch half of `autofocus evaluate-policy` (which execs this
// program so the `autofocus` binary itself never loads LibTorch). Closed-loop evaluation of a
// trained policy, the scripted expert or the mean training action in the sample world
// (docs/evaluation.md).
#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <tuple>
#include <vector>

#include "app/autofocus/console_progress.h"
#include "app/autofocus/man_page.h"
#include "core/attention/attention_maps.h"
#include "core/base/error.h"
#include "core/base/json_io.h"
#include "core/dataset/project_store.h"
#include "core/sim/closed_loop.h"
#include "core/train/policy_runner.h"

namespace {

using namespace autofocus;

// The mean training action in policy order: policy.json's action_normalisation.mean when the
// run normalised actions, else run.json's action_stats.mean (the training split's statistics).
sim::Action MeanTrainingAction(const PolicySpec& spec) {
  std::vector<double> mean;
  std::string from;
  const Json& norm =
      spec.raw.contains("action_normalisation") ? spec.raw["action_normalisation"] : Json(nullptr);
  if (norm.is_object() && norm.contains("mean") && norm["mean"].is_array()) {
    mean = norm["mean"].get<std::vector<double>>();
    from = spec.file.string();
  } else {
    const auto run_json = spec.file.parent_path() / "run.json";
    if (!std::filesystem::exists(run_json))
      throw Error(run_json.string(), "",
                  "--policy constant needs the mean training action: policy.json has no "
                  "action_normalisation and there is no run.json");
    const Json run = LoadJsonFile(run_json);
    if (!run.contains("action_stats") || !run["action_stats"].contains("mean") ||
        !run["action_stats"]["mean"].is_array())
      throw Error(run_json.string(), "action_stats.mean", "missing");
    mean = run["action_stats"]["mean"].get<std::vector<double>>();
    from = run_json.string();
  }
  if (mean.size() != spec.action_names.size())
    throw Error(from, "mean",
                "has " + std::to_string(mean.size()) + " values for " +
                    std::to_string(spec.action_names.size()) + " actions");
  int t = 0, s = 0, b = 0;
  SampleWorldActionIndices(spec.action_names, spec.file.string(), &t, &s, &b);
  sim::Action a;
  a.throttle = mean[static_cast<size_t>(t)];
  a.steer = mean[static_cast<size_t>(s)];
  a.brake = mean[static_cast<size_t>(b)];
  return a;
}

// The frame size of the run's training project (so the policy sees frames of the size it was
// trained on before its own resize); false when run.json or the project cannot be read.
bool ProjectFrameSize(const PolicySpec& spec, int* width, int* height) {
  const auto run_json = spec.file.parent_path() / "run.json";
  if (!std::filesystem::exists(run_json)) return false;
  try {
    const Json run = LoadJsonFile(run_json);
    const ProjectStore store = ProjectStore::Open(run.at("project").get<std::string>());
    const ProjectInfo& info = store.info();
    if (info.image_width <= 0 || info.image_height <= 0) return false;
    *width = info.image_width;
    *height = info.image_height;
    return true;
  } catch (const std::exception&) {
    return false;  // a moved project: the default size applies (printed)
  }
}

void PrintTable(const sim::ClosedLoopResult& r) {
  std::printf("Closed-loop evaluation: policy %s, split %s, %s, %zu runs (%d routes x %zu seeds)\n",
              r.policy.c_str(), r.options.split.c_str(),
              r.options.confounded ? "confounded" : "original", r.runs.size(), r.options.routes,
              r.options.seeds.size());
  std::printf("%5s %6s %-9s %5s %6s %4s %4s %4s %4s %4s %4s %6s\n", "route", "seed", "family",
              "steps", "compl%", "ped", "veh", "stat", "red", "stop", "tout", "score");
  for (const auto& run : r.runs) {
    const auto& c = run.infractions;
    std::printf("%5d %6llu %-9s %5d %6.1f %4d %4d %4d %4d %4d %4d %6.2f%s\n", run.route,
                static_cast<unsigned long long>(run.seed), run.family.c_str(), run.steps,
                run.completion, c.pedestrian_collisions, c.vehicle_collisions, c.static_collisions,
                c.red_lights, c.stop_signs, c.timeouts, run.score,
                run.deviated ? "  (left the route)" : "");
  }
  std::printf("Driving score: %.2f +- %.2f (mean +- standard error over %zu runs) in %.1f s\n",
              r.mean_score, r.stderr_score, r.runs.size(), r.seconds);
}

}  // namespace

namespace autofocus {

// The TorchScript driver plus the activation attention of each step's own observation (the
// same map `autofocus attention` computes), for --video-attention. One extra encoder pass per
// step, so only when videos are asked for.
class AttentionDriver : public TorchScriptDriver {
 public:
  explicit AttentionDriver(const std::filesystem::path& path)
      : TorchScriptDriver(path), computer_(path, [] {
          AttentionOptions o;
          o.threads = 1;  // parallelism is over rollouts
          return o;
        }()) {
    std::tie(h_, w_) = computer_.MapSize();
  }
  sim::Action Act(const cv::Mat& frame, const sim::WorldState& state,
                  const sim::Action& previous) override {
    const sim::Action a = TorchScriptDriver::Act(frame, state, previous);
    const std::vector<float> obs = LastObservation();
    map_.assign(static_cast<size_t>(h_) * w_, 0.f);
    computer_.ComputeBatch(obs.data(), 1, map_.data(), 0,
                           LastState().empty() ? nullptr : LastState().data());
    return a;
  }
  bool LastAttention(std::vector<float>* map, int* h, int* w) const override {
    if (map_.empty()) return false;
    *map = map_;
    *h = h_;
    *w = w_;
    return true;
  }

 private:
  AttentionComputer computer_;
  int h_ = 0, w_ = 0;
  std::vector<float> map_;
};

}  // namespace autofocus

int main(int argc, char** argv) {
  std::string policy_path, kind = "model", seeds = "0,1", progress_mode = "bar", video;
  bool video_attention = false;  // overlay the activation map in the videos
  std::string frame_size;
  bool json = false, no_save = false;
  sim::ClosedLoopOptions o;
  CLI::App app{
      "Closed-loop evaluation of a driving policy in the sample world, scored with the "
      "CARLA-style driving score (docs/evaluation.md)"};
  app.name("autofocus evaluate-policy");
  app.add_option("POLICY", policy_path,
                 "Run folder, policy.json or policy.pt (optional with --policy expert)");
  app.add_option("--policy", kind,
                 "What drives: model (POLICY, default) | expert (the ceiling) | constant (the "
                 "mean training action of POLICY's run, the floor)")
      ->check(CLI::IsMember({"model", "expert", "constant"}));
  app.add_option("--split", o.split, "Route families: seen | unseen")
      ->default_val(o.split)
      ->check(CLI::IsMember({"seen", "unseen"}));
  app.add_flag("--confounded", o.confounded,
               "Draw the icons of the policy's previous action into every frame");
  app.add_option("--routes", o.routes, "Routes 0..N-1")
      ->default_val(o.routes)
      ->check(CLI::Range(1, 10000));
  app.add_option("--seeds", seeds, "Seeds run on every route, e.g. 0,1 or 0-3")->default_val(seeds);
  app.add_option("--episode-steps", o.episode_steps, "Step cap (10 steps per second)")
      ->default_val(o.episode_steps)
      ->check(CLI::Range(1, 1000000));
  app.add_option("--noop-steps", o.noop_steps, "First steps that send a brake no-op")
      ->default_val(o.noop_steps)
      ->check(CLI::Range(0, 1000000));
  app.add_option("--route-length", o.route_length, "Metres to drive for 100 % completion")
      ->default_val(o.route_length);
  app.add_option("--density", o.object_density, "Object density factor (0.25..4)")
      ->default_val(o.object_density);
  app.add_option("--frame-size", frame_size,
                 "Rendered frame WxH (default: the run's project frame size, else 320x180)");
  app.add_option("--video", video, "Write one MP4 per route x seed run into this folder");
  app.add_flag("--video-attention", video_attention,
               "Overlay the policy's activation attention of every step on the --video frames");
  app.add_flag("--json", json, "Print the result as JSON on stdout");
  app.add_flag("--no-save", no_save, "Do not write RUN/evaluations/<split>-<setting>.json");
  app.add_option("--threads", o.threads, "Rollouts in parallel (results do not depend on it)")
      ->default_val(o.threads)
      ->check(CLI::Range(1, 256));
  app.add_option("--progress", progress_mode, "bar | json | none (on stderr)")
      ->check(CLI::IsMember({"bar", "json", "none"}));
  if (const int rc = cli::MaybeWriteManPages(app, argc, argv); rc >= 0) return rc;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (policy_path.empty() && kind != "expert") {
    std::cerr << "error: POLICY is required (a run folder, policy.json or policy.pt) unless "
                 "--policy expert\nRun with --help for more information.\n";
    return 2;
  }
  return cli::RunReportingErrors([&]() -> int {
    o.seeds = sim::ParseSeedList(seeds, "--seeds");
    o.video_dir = video;
    PolicySpec spec;
    if (!policy_path.empty()) spec = PolicySpec::Load(policy_path);
    if (!frame_size.empty()) {
      char x = 0, extra = 0;
      if (std::sscanf(frame_size.c_str(), "%d%c%d%c", &o.width, &x, &o.height, &extra) != 3 ||
          (x != 'x' && x != 'X'))
        throw Error("", "--frame-size", "expected WxH, e.g. 320x180, got \"" + frame_size + "\"");
    } else if (!policy_path.empty() && !ProjectFrameSize(spec, &o.width, &o.height)) {
      std::fprintf(stderr, "note: the run's project is not readable; rendering %dx%d frames\n",
                   o.width, o.height);
    }
    o.Check();

    sim::PolicyFactory factory;
    std::string name = kind;
    if (kind == "expert") {
      factory = [] { return std::make_unique<sim::ExpertPolicy>(); };
    } else if (kind == "constant") {
      const sim::Action mean = MeanTrainingAction(spec);
      name = "constant";
      factory = [mean] { return std::make_unique<sim::ConstantPolicy>(mean); };
    } else {
      UseSingleThreadedTorch();
      name = spec.module.string();
      const std::filesystem::path file = policy_path;
      if (video_attention) {
        if (video.empty()) throw Error("", "--video-attention", "needs --video DIR");
        factory = [file] { return std::make_unique<AttentionDriver>(file); };
      } else {
        factory = [file] { return std::make_unique<TorchScriptDriver>(file); };
      }
      factory();  // fail early, on this thread, with the loader's message
    }

    cli::InstallStopSignals();
    cli::ConsoleProgress bar;
    // JSON progress on stderr: with --json, stdout carries only the result document.
    const ProgressCallback progress = cli::ProgressForMode(progress_mode, bar, stderr);
    const sim::ClosedLoopResult r =
        sim::EvaluateClosedLoop(o, factory, name, progress, StopOnFlag(cli::StopRequested()));
    bar.Finish();
    Json doc = r.ToJson();
    if (kind == "constant") {
      const sim::Action mean = MeanTrainingAction(spec);
      doc["constant_action"] = {
          {"throttle", mean.throttle}, {"steer", mean.steer}, {"brake", mean.brake}};
    }
    // The run's own score is kept with the run (the studio's Runs table reads it); the expert
    // and constant rows are references, not the run's result.
    const auto run_dir = spec.file.parent_path();
    std::string saved;
    if (kind == "model" && !no_save && std::filesystem::exists(run_dir / "run.json")) {
      const auto file = run_dir / "evaluations" /
                        (o.split + "-" + (o.confounded ? "confounded" : "original") + ".json");
      std::filesystem::create_directories(file.parent_path());
      SaveJsonFile(file, doc);
      saved = file.string();
    }
    if (json) {
      std::printf("%s\n", doc.dump(2).c_str());
    } else {
      PrintTable(r);
      if (kind == "constant")
        std::printf("Constant action: throttle %.3f, steer %+.3f, brake %.3f\n",
                    doc["constant_action"]["throttle"].get<double>(),
                    doc["constant_action"]["steer"].get<double>(),
                    doc["constant_action"]["brake"].get<double>());
      if (!saved.empty()) std::printf("Saved %s\n", saved.c_str());
    }
    return 0;
  });
}

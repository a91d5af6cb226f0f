// `autofocus demo --out DIR`: a sample-world project annotated end to end by the scene oracle.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>

#include "app/autofocus/command.h"
#include "app/autofocus/console_progress.h"
#include "app/autofocus/pipeline_runner.h"
#include "core/exchange/exchange_cache.h"
#include "core/pipeline/evaluation.h"
#include "core/sim/sample_project.h"
#include "core/sim/scene_oracle.h"

namespace autofocus::cli {
namespace {

struct DemoOptions {
  std::string out;               // project directory to create
  int episodes = 12;             // episodes to generate
  int frames = 200;              // frames per episode
  uint64_t seed = 1;             // world seed
  bool confounded = false;       // draw action icons
  std::string split = "seen";    // route families
  std::string progress = "bar";  // bar | json | none
  std::string preset = "default";  // pipeline method settings: default | paper
  double oracle_noise = 1.0;     // scale of the oracle's detection miss rate and box jitter
};

int RunDemo(const DemoOptions& o) {
  sim::SampleWorldOptions world;
  world.episodes = o.episodes;
  world.frames = o.frames;
  world.seed = o.seed;
  world.confounded = o.confounded;
  world.split = o.split;
  world.Check();
  const bool bar = o.progress == "bar";
  {
    ConsoleProgress progress;
    const auto summary = sim::GenerateSampleProject(world, o.out, bar ? progress.Callback() : ProgressCallback{});
    progress.Finish();
    std::printf("Sample world: %d episodes, %lld frames generated in %.1f s\n", summary.episodes,
                static_cast<long long>(summary.frames), summary.seconds);
  }
  ProjectStore store = ProjectStore::Open(o.out);
  // Scene oracle for both the VLM and the detector.
  PipelineOptions options = PipelineOptions::Preset(o.preset, "--preset");
  if (o.oracle_noise != 1.0) {
    const sim::SceneOracleOptions base;
    // The miss rate and the pixel jitter scale; the size-relative cap (jitter_fraction) is the
    // detector's precision on small objects and stays.
    options.detector["oracle"] = {{"miss_rate", std::min(1.0, base.miss_rate * o.oracle_noise)},
                                  {"jitter_px", base.jitter_px * o.oracle_noise}};
  }
  const ProgressMode mode = o.progress == "json" ? ProgressMode::kJson
                            : o.progress == "none" ? ProgressMode::kNone : ProgressMode::kBar;
  const int rc = RunPipelineAndReport(store, options, {}, mode, ExchangeCache::ProjectFile(store.root()));
  const AnnotationEvaluation eval = EvaluateAnnotations(store);
  std::printf("Annotation quality against ground truth (scene oracle, noise x%.1f, preset %s):\n",
              o.oracle_noise, o.preset.c_str());
  std::printf("  key objects  precision %.3f  recall %.3f\n", eval.key_frames.Precision(), eval.key_frames.Recall());
  std::printf("  tracking     IDF1 %.3f\n", eval.idf1);
  std::printf("  VLM calls    %.2f per 100 frames (%ld calls, %.1f sub-sequences per episode)\n",
              eval.VlmCallsPer100Frames(), eval.vlm_calls, eval.SubsequencesPerEpisode());
  std::printf("\nResults: %s\n", store.root().c_str());
  std::printf("  autofocus info %s\n  autofocus evaluate-annotations %s\n  autofocus-studio %s\n",
              store.root().c_str(), store.root().c_str(), store.root().c_str());
  return rc;
}

const bool kRegistered = RegisterCommand(10, [](CLI::App& root, Action& action) {
  auto o = std::make_shared<DemoOptions>();
  CLI::App* sub = root.add_subcommand(
      "demo", "Generate a sample-world project and annotate it end to end with the scene oracle "
              "(ground truth standing in for the VLM and detector; no model involved)");
  sub->add_option("--out", o->out, "Project directory to create (must not exist)")->required();
  sub->add_option("--episodes", o->episodes, "Episodes to generate")->capture_default_str();
  sub->add_option("--frames", o->frames, "Frames per episode")->capture_default_str();
  sub->add_option("--seed", o->seed, "World seed (same seed, same project)")->capture_default_str();
  sub->add_flag("--confounded", o->confounded, "Draw action-conditioned icons into the frames (paper's confounded setting)");
  sub->add_option("--split", o->split, "Route families")->check(CLI::IsMember({"seen", "unseen"}))->capture_default_str();
  sub->add_option("--preset", o->preset, "Pipeline method settings: default or paper")
      ->check(CLI::IsMember({"default", "paper"}))
      ->capture_default_str();
  sub->add_option("--oracle-noise", o->oracle_noise,
                  "Scale the oracle detector's miss rate and pixel box jitter (1 = default noise)")
      ->check(CLI::Range(0.0, 20.0))
      ->capture_default_str();
  sub->add_option("--progress", o->progress, "bar, json or none")->check(CLI::IsMember({"bar", "json", "none"}));
  sub->callback([o, &action] { action = [o] { return RunDemo(*o); }; });
});

}  // namespace
}  // namespace autofocus::cli

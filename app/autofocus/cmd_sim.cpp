// `autofocus sim generate --out PROJECT ...`: writes a project from the built-in sample world
// (frames, expert actions, ground truth for the scene oracle).
#include <iostream>
#include <memory>

#include "app/autofocus/command.h"
#include "app/autofocus/console_progress.h"
#include "core/sim/sample_project.h"
#include "core/sim/scene_oracle.h"

namespace autofocus::cli {
namespace {

struct SimGenerateOptions {
  std::string out;             // project directory to create
  sim::SampleWorldOptions world;  // generator settings
  uint64_t seed = 1;           // mirrors world.seed (CLI11 parses into plain fields)
};

int RunSimGenerate(SimGenerateOptions o) {
  o.world.seed = o.seed;
  o.world.Check();
  ConsoleProgress console;
  const auto summary = sim::GenerateSampleProject(o.world, o.out, console.Callback());
  console.Finish();
  std::cout << "Wrote " << summary.episodes << " episodes, " << summary.frames << " frames ("
            << o.world.width << "x" << o.world.height << ", split " << o.world.split
            << (o.world.confounded ? ", confounded" : "")
            << (o.world.gaze ? ", simulated gaze" : "") << ") to " << o.out << " in "
            << static_cast<int>(summary.seconds * 1000) / 1000.0 << " s\n"
            << "Ground truth for the scene oracle: " << o.out
            << "/episodes/<name>/ground_truth.json\n";
  return kExitOk;
}

// Detector kind "oracle" for every CLI command that builds detectors from JSON configs; the
// registry is created on first use, so this does not depend on static initialisation order.
const bool kOracleKindRegistered = (sim::RegisterSceneOracleDetectorKind(), true);

const bool kRegistered = RegisterCommand(60, [](CLI::App& root, Action& action) {
  auto o = std::make_shared<SimGenerateOptions>();
  CLI::App* sim = root.add_subcommand(
      "sim", "Built-in sample driving world (procedural CARLA stand-in with ground truth for the "
             "scene oracle)");
  sim->require_subcommand(1);
  CLI::App* gen = sim->add_subcommand(
      "generate",
      "Generate a sample project: PNG frames, expert actions [throttle, steer, brake] and "
      "per-frame ground truth (object IDs, classes, boxes, relevance) that the scene oracle "
      "(an oracle, not a model) answers from");
  gen->add_option("--out", o->out, "Project directory to create (must not exist)")->required();
  gen->add_option("--episodes", o->world.episodes, "Number of episodes")
      ->default_val(o->world.episodes)->check(CLI::Range(1, 10000));
  gen->add_option("--frames", o->world.frames, "Frames per episode (10 per second)")
      ->default_val(o->world.frames)->check(CLI::Range(2, 100000));
  gen->add_option("--seed", o->seed, "World seed; the same seed gives identical frames")
      ->default_val(o->seed);
  gen->add_option("--split", o->world.split, "Route families: seen or unseen")
      ->default_val(o->world.split)->check(CLI::IsMember({"seen", "unseen"}));
  gen->add_flag("--confounded", o->world.confounded,
                "Draw the action icons (brake dot, steer/throttle arrows) into each frame");
  gen->add_option("--width", o->world.width, "Frame width in pixels")
      ->default_val(o->world.width)->check(CLI::Range(32, 4096));
  gen->add_option("--height", o->world.height, "Frame height in pixels")
      ->default_val(o->world.height)->check(CLI::Range(32, 4096));
  gen->add_option("--density", o->world.object_density, "Object density factor (0.25..4)")
      ->default_val(o->world.object_density)->check(CLI::Range(0.25, 4.0));
  gen->add_option("--threads", o->world.threads, "Rendering threads (0 = all cores)")
      ->default_val(o->world.threads)->check(CLI::Range(0, 256));
  gen->add_flag("--gaze,!--no-gaze", o->world.gaze,
                "Store simulated gaze as the episodes' gaze points (default on; "
                "docs/evaluation.md)");
  gen->add_option("--gaze-noise", o->world.gaze_model.noise_px,
                  "Simulated gaze noise std in px at 320 px width")
      ->default_val(o->world.gaze_model.noise_px)->check(CLI::Range(0.0, 100.0));
  gen->add_option("--gaze-relevant-share", o->world.gaze_model.relevant_share,
                  "Share of simulated-gaze fixations on relevant objects while there are any")
      ->default_val(o->world.gaze_model.relevant_share)->check(CLI::Range(0.0, 1.0));
  gen->callback([o, &action] { action = [o] { return RunSimGenerate(*o); }; });
});

}  // namespace
}  // namespace autofocus::cli

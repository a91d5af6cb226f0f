#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/base/json_io.h"
#include "core/base/progress.h"
#include "core/dataset/dataset.h"
#include "core/sim/expert.h"
#include "core/sim/gaze_model.h"
#include "core/sim/world.h"

namespace autofocus::sim {

// Settings of the built-in sample world generator (docs/sample-world.md).
struct SampleWorldOptions {
  uint64_t seed = 1;            // world seed: same seed, same frames/actions/ground truth
  int episodes = 4;             // number of episodes (1..10000)
  int frames = 200;             // frames per episode (2..100000), 10 frames per second
  int width = 320;              // frame width in pixels
  int height = 180;             // frame height in pixels
  std::string split = "seen";   // route families: "seen" or "unseen" (disjoint parameters)
  bool confounded = false;      // draw the action icons (REFERENCE.md section 2) into frames
  double object_density = 1.0;  // scales the number of traffic events and distractors (0.25..4)
  int threads = 0;              // rendering/encoding threads; 0 = hardware concurrency
  int png_compression = 1;      // PNG zlib level 0..9 (1: fast, small enough)
  bool gaze = true;             // store simulated gaze as the episodes' gaze points
  GazeModelOptions gaze_model;  // parameters of the simulated gaze (docs/evaluation.md)

  // Throws Error naming the field on a bad value.
  void Check() const;
  Json ToJson() const;
};

// The expert action spec of the sample world: throttle [0,1], steer [-1,1], brake [0,1].
ActionSpec SampleWorldActionSpec();

// What one episode is made of before simulation.
struct EpisodePlan {
  std::string name;      // episode name ("episode_000", ...)
  RouteFamily family;    // route family (round robin over the split's families)
  uint64_t seed = 0;     // episode seed derived from the world seed and the index
  Scenario scenario;     // generated scenario
};
// The plan of episode `index` (deterministic).
EpisodePlan PlanEpisode(const SampleWorldOptions& options, int index);

// An expert rollout: state and decision per frame (state i is what frame i shows; decision i
// is the action recorded for frame i).
struct SimulatedEpisode {
  EpisodePlan plan;                        // what was simulated
  std::vector<WorldState> states;          // one per frame
  std::vector<ExpertDecision> decisions;   // one per frame
  InfractionCounts infractions;            // totals at the end
  double route_completion = 0;             // [0, 1] at the end
};
// Runs the scripted expert on episode `index` for options.frames frames.
SimulatedEpisode SimulateEpisode(const SampleWorldOptions& options, int index);

// Result of GenerateSampleProject.
struct SampleProjectSummary {
  int episodes = 0;             // episodes written
  int64_t frames = 0;           // frames written
  int64_t bytes = 0;            // PNG bytes written
  double seconds = 0;           // wall time
};

// Writes a sample project to `out_dir` (which must not exist): frames as PNG inside the project
// (source_root "."), actions, action spec, metadata and episodes/<name>/ground_truth.json. Built
// in a staging directory and renamed at the end; rendering and encoding run on
// options.threads threads with results independent of the thread count. Throws Cancelled
// when `stop` fires (nothing is left behind).
SampleProjectSummary GenerateSampleProject(const SampleWorldOptions& options,
                                           const std::filesystem::path& out_dir,
                                           const ProgressCallback& progress = {},
                                           const StopCheck& stop = {});

}  // namespace autofocus::sim

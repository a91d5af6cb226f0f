#pragma once

// A simulated driver's gaze for the sample world (docs/evaluation.md, "Simulated gaze"): a
// stand-in for the human gaze GABRIL trains on. The driver fixates the objects the expert's
// decision depends on (ExpertDecision::relevant_ids), noticed after a reaction lag, glances at
// distractors and otherwise looks at the road ahead; saccades move the gaze between fixations
// and every sample carries Gaussian eye-tracker noise. Deterministic from the seed.

#include <cstdint>
#include <vector>

#include "core/base/json_io.h"
#include "core/dataset/dataset.h"
#include "core/sim/expert.h"
#include "core/sim/ground_truth.h"
#include "core/sim/renderer.h"
#include "core/sim/world.h"

namespace autofocus::sim {

// Parameters of the simulated gaze. Defaults look like recorded driving gaze: most time near
// the vanishing point and the lead/relevant object, fixations of a few hundred milliseconds,
// noisy.
struct GazeModelOptions {
  int samples_per_frame = 5;       // gaze samples per frame (1..5; 5 = 50 Hz at 10 fps)
  double fixation_mean_s = 0.4;    // mean fixation duration (s)
  double fixation_min_s = 0.1;     // shortest fixation (s); durations are min + Exp(mean - min)
  double saccade_s = 0.04;         // saccade duration (s): the gaze moves linearly meanwhile
  double reaction_lag_s = 0.3;     // an object is a gaze target this long after it is relevant
  double relevant_share = 0.6;     // share of fixations on relevant objects while there are any
  double distractor_share = 0.15;  // share of fixations on other visible objects (clouds aside)
  double road_ahead_m = 25.0;      // the road-ahead target: ego lane centre this far ahead (m)
  double noise_px = 6.0;           // Gaussian noise std per axis, pixels at 320 px image width
  bool capture = true;             // a newly relevant object interrupts the current fixation

  // Throws Error naming the field on a bad value.
  void Check() const;
  Json ToJson() const;
};

// What a gaze sample is directed at.
enum class GazeTarget { kRoadAhead, kRelevant, kDistractor, kSaccade };
// "road_ahead" | "relevant" | "distractor" | "saccade".
const char* GazeTargetName(GazeTarget t);

// One gaze sample.
struct GazeSample {
  int frame = 0;      // frame index
  GazePoint point{};  // normalised [0,1] x [0,1], noisy, clipped to the image
  GazePoint clean{};  // the same without noise (may lie outside the image)
  GazeTarget target = GazeTarget::kRoadAhead;  // what it is directed at
  int object_id = -1;  // fixated object (-1 for the road ahead and saccades)
};

// One fixation (a target held until its duration ends or the target leaves the image).
struct GazeFixation {
  int first_sample = 0;                        // index into SimulatedGaze::samples
  GazeTarget target = GazeTarget::kRoadAhead;  // kRoadAhead, kRelevant or kDistractor
  int object_id = -1;                          // fixated object
  bool relevant_available = false;  // some noticed relevant object was visible at its start
  bool captured = false;            // started by a newly relevant object (capture), not by choice
  double planned_s = 0;             // drawn duration (s)
};

// The simulated gaze of one episode.
struct SimulatedGaze {
  std::vector<GazeSample> samples;      // frame-major, samples_per_frame per frame
  std::vector<GazeFixation> fixations;  // in time order
  // The noisy points as an episode stores them: [T][samples_per_frame].
  std::vector<std::vector<GazePoint>> PerFrame(int frames) const;
};

// Simulates the gaze over an episode: `decisions[t]` is the expert's decision at frame t,
// `frames[t].objects` the visible objects with their boxes (Renderer::Render's output), `states`
// the world per frame (for the road-ahead point) and `camera` the renderer's settings. All
// three vectors have one entry per frame.
SimulatedGaze SimulateGaze(const std::vector<WorldState>& states,
                           const std::vector<ExpertDecision>& decisions,
                           const std::vector<FrameGroundTruth>& frames, const RenderOptions& camera,
                           const GazeModelOptions& options, uint64_t seed);

}  // namespace autofocus::sim

#pragma once

// Closed-loop evaluation of a driving policy in the sample world (docs/evaluation.md): the
// policy sees rendered frames, its action drives the simulator, and every route x seed run is
// scored with DrivingScore. Torch-free: a TorchScript policy is plugged in through
// ClosedLoopPolicy by the companion program `autofocus-evaluate`.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/base/json_io.h"
#include "core/base/progress.h"
#include "core/sim/expert.h"
#include "core/sim/world.h"

namespace autofocus::sim {

// Settings of a closed-loop evaluation. Defaults follow the paper's protocol scaled to the
// sample world's 10 Hz (TRAINING.md "Evaluation"): 10 no-op steps, a step cap, 2 seeds.
struct ClosedLoopOptions {
  std::string split = "seen";  // route families: "seen" | "unseen"
  bool confounded = false;     // draw the icons of the policy's previous action into frames
  int routes = 5;              // routes 0..N-1; route r uses family r mod (families of split)
  std::vector<uint64_t> seeds = {0, 1};  // evaluation seeds, each run on every route
  int episode_steps = 600;          // step cap (60 s at 10 Hz); reaching it unfinished = timeout
  int noop_steps = 10;              // first steps send a brake no-op whatever the policy says
  double route_length = 100.0;      // metres to drive for 100 % route completion
  double object_density = 1.0;      // scales traffic events and distractors (as the generator)
  double max_deviation = 8.0;       // |lateral offset| (m) beyond which the route ends (deviation)
  int width = 320, height = 180;    // rendered frame size (the training project's frame size)
  int threads = 1;                  // rollouts in parallel (results do not depend on it)
  std::filesystem::path video_dir;  // when set: one MP4 per route x seed run into this folder

  // Throws Error naming the field on a bad value.
  void Check() const;
  // The settings a result can be rerun with.
  Json ToJson() const;
};

// A driving policy in closed loop. One instance drives one rollout at a time; a factory makes
// one per rollout thread.
class ClosedLoopPolicy {
 public:
  virtual ~ClosedLoopPolicy() = default;
  // Starts a new episode (clears frame stacks and any memory).
  virtual void Reset() {}
  // The action for the current step. `frame` is the rendered BGR frame exactly as a generated
  // project stores it (icons included in confounded mode), `state` the world (only the expert
  // may look at it), `previous` the control applied at the previous step (no-op at step 0).
  virtual Action Act(const cv::Mat& frame, const WorldState& state, const Action& previous) = 0;
  // The attention map (h x w, row-major, any non-negative scale) behind the last Act, when the
  // policy offers one; videos overlay it. Default: none.
  virtual bool LastAttention(std::vector<float>* map, int* h, int* w) const {
    (void)map, (void)h, (void)w;
    return false;
  }
};
// Makes one policy per rollout thread.
using PolicyFactory = std::function<std::unique_ptr<ClosedLoopPolicy>()>;

// The scripted expert as a policy (the ceiling of the table).
class ExpertPolicy : public ClosedLoopPolicy {
 public:
  // Decides from the world state; ignores the frame.
  Action Act(const cv::Mat& frame, const WorldState& state, const Action& previous) override;

 private:
  ScriptedExpert expert_;
};

// Always the same action, e.g. the mean training action (the floor of the table).
class ConstantPolicy : public ClosedLoopPolicy {
 public:
  explicit ConstantPolicy(Action action) : action_(action) {}
  // Returns the fixed action.
  Action Act(const cv::Mat&, const WorldState&, const Action&) override { return action_; }

 private:
  Action action_;
};

// The no-op sent during the first steps: full brake, no throttle, no steer.
Action NoOpAction();

// One route x seed run.
struct ClosedLoopRun {
  int route = 0;                 // route index
  uint64_t seed = 0;             // evaluation seed
  std::string family;            // route family name
  uint64_t scenario_seed = 0;    // seed MakeScenario was called with
  int steps = 0;                 // steps simulated
  double completion = 0;         // route completion in percent [0, 100]
  bool finished = false;         // goal reached before the step cap
  bool deviated = false;         // ended by leaving the route (max_deviation)
  InfractionCounts infractions;  // totals, timeout included
  double score = 0;              // DrivingScore in [0, 100]
  std::string video;             // MP4 written for this run (empty when none)

  // {"route", "seed", "completion", "infractions": {...}, "score", ...}.
  Json ToJson() const;
};

// All runs of one evaluation with the summary.
struct ClosedLoopResult {
  ClosedLoopOptions options;        // what was run
  std::string policy;               // what drove ("expert", "constant", a policy file)
  std::vector<ClosedLoopRun> runs;  // route-major, then seed order
  double mean_score = 0;            // mean over runs
  double stderr_score = 0;  // standard error of the mean (sample std / sqrt(n)); 0 for 1 run
  double seconds = 0;       // wall time

  // {"runs": [...], "mean_score", "stderr", "split", "confounded", "policy", "options"}.
  Json ToJson() const;
};

// The scenario of (route, seed) for a split: deterministic, disjoint from the generator's
// training episodes (another seed stream).
Scenario EvaluationScenario(const ClosedLoopOptions& options, int route, uint64_t seed);

// Infraction counts by kind as JSON ({"pedestrian_collisions": n, ...}).
Json InfractionsToJson(const InfractionCounts& c);

// Runs one route x seed: `noop_steps` no-op steps, then the policy's action, until the goal,
// a route deviation or the step cap (a timeout). Frames are rendered like the sample project
// generator's; in confounded mode the icons show `previous`, the control applied one step
// earlier. `on_frame` (optional) sees every frame and the control applied.
ClosedLoopRun RunClosedLoop(const ClosedLoopOptions& options, int route, uint64_t seed,
                            ClosedLoopPolicy& policy,
                            const std::function<void(int step, const cv::Mat& frame,
                                                     const Action& applied)>& on_frame = {});

// Runs every route x seed on options.threads threads (one policy from `factory` per thread) and
// summarises. Progress: one unit per run. Throws Cancelled when `stop` fires.
ClosedLoopResult EvaluateClosedLoop(const ClosedLoopOptions& options, const PolicyFactory& factory,
                                    const std::string& policy_name,
                                    const ProgressCallback& progress = {},
                                    const StopCheck& stop = {});

// Parses "0,1,5" or "0-3" (inclusive) into seeds; throws Error naming `where` on bad text.
std::vector<uint64_t> ParseSeedList(const std::string& text, const std::string& where);

}  // namespace autofocus::sim

#pragma once

#include <string>
#include <vector>

#include "core/base/json_io.h"

namespace autofocus {

// One trained variant of the experiment table: a name plus the `autofocus train` flags that
// make it (regulariser, target, fraction) and the project variant it trains on.
struct ExperimentMethod {
  std::string name;         // table key: bc | gabril | autofocus | autofocus_l1 | ablation names
  std::string label;        // row label in table.md and the chart
  std::string regularizer;  // --regularizer
  std::string target;       // --target
  double fraction = 1.0;    // --fraction
  int saliency_window = 0;  // > 0: train on a copy of the project with settings.saliency.window
};

// Settings of `autofocus experiment` (docs/evaluation.md, "autofocus experiment"): data
// generation, annotation, training and closed-loop evaluation of every method x seed, then the
// table. Presets fill every field; the CLI overrides single ones.
struct ExperimentOptions {
  std::string out;                        // experiment folder (created; reused to resume)
  std::string preset = "quick";           // tiny (tests) | quick | paper
  std::string ablation = "none";          // none | temporal (window 4 vs 1) | fraction (0..100 %)
  std::vector<ExperimentMethod> methods;  // rows; filled from the ablation by ApplyAblation()
  std::vector<std::string> settings = {"original", "confounded"};  // data + evaluation settings
  int seeds = 3;    // training seeds per method and setting (>= 1)
  int jobs = 1;     // child processes at once (>= 1)
  int threads = 2;  // cores shared by the jobs (LibTorch threads = threads/jobs)
  // Data (autofocus sim generate, seen route families).
  int episodes = 10;                  // demonstrations per setting
  int frames = 150;                   // frames per demonstration (10 per second)
  uint64_t world_seed = 1;            // sim generate --seed (the same for both settings)
  std::vector<std::string> run_args;  // extra `autofocus run` flags (backend; oracle by default)
  // Training (autofocus train; other fields from its quick preset).
  int input_height = 72;  // --input-size height
  int input_width = 128;  // --input-size width
  int epochs = 3;         // --epochs
  int batch = 32;         // --batch
  // Closed-loop evaluation (autofocus evaluate-policy) per run and split.
  int routes_seen = 5;                    // --routes on seen families
  int routes_unseen = 5;                  // --routes on unseen families
  std::string eval_seeds_seen = "0,1";    // --seeds on seen routes
  std::string eval_seeds_unseen = "0,1";  // --seeds on unseen routes
  int episode_steps = 600;                // --episode-steps (step cap)
  double route_length = 100;              // --route-length in metres
  // Attention (autofocus attention, activation maps on each run's validation episodes).
  int strip_frames = 6;  // columns of the attention strips

  // Fills every field from a preset name (tiny | quick | paper); Error on an unknown name.
  static ExperimentOptions Preset(const std::string& name);
  // Replaces `methods` by the rows of `ablation` (none: bc, gabril, autofocus, autofocus_l1).
  void ApplyAblation();
  // Throws Error("", "--field", reason) naming the first bad field.
  void Check() const;
  // Every field, as written to DIR/experiment.json and the table header.
  Json ToJson() const;
};

}  // namespace autofocus

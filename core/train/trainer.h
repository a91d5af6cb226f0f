#pragma once

// Torch-free entry point of training (the implementation is in torch_train.cpp).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "core/base/json_io.h"
#include "core/base/progress.h"
#include "core/train/train_options.h"

namespace autofocus {

// What a call to RunTraining did.
struct TrainReport {
  std::filesystem::path run_dir;   // PROJECT/runs/NAME
  std::string status;              // "completed" or "stopped"
  int epochs_done = 0;             // epochs finished in total (including earlier sessions)
  int64_t steps = 0;               // optimiser steps in total
  double last_loss = 0;            // mean training loss of the last finished epoch
  double best_val_bc = -1;         // best validation BC loss (< 0 when there is no validation)
  double val_bc_mean_action = -1;  // validation BC of always predicting the mean training action
  double seconds = 0;              // wall time of this call
};

// Called with every metrics record ("type" "step" every log_every steps, "epoch" per epoch) as
// it is appended to metrics.jsonl.
using MetricsCallback = std::function<void(const Json&)>;

// Trains a policy on `project` into PROJECT/runs/<options.name> (a time-stamped name when
// empty). With a non-empty `resume`, continues that run from its last checkpoint (its stored
// options are used; of `options` only the execution settings threads, data_workers and device
// when they differ from their defaults, and max_steps, apply). Progress is reported per step; when
// `stop` fires the current step finishes, a checkpoint is written and the report says "stopped".
// Throws Error for bad options or data, and when the run folder exists (new run) or has no
// checkpoint.
TrainReport RunTraining(const std::filesystem::path& project, const TrainOptions& options,
                        const std::string& resume = "", const ProgressCallback& progress = {},
                        const StopCheck& stop = {}, const MetricsCallback& metrics = {});

// Times `steps` optimiser steps (after one warm-up) of the GABRIL CNN, 2 stacked frames:
// regularizer none | gabril_mse | l1_outside | l1_outside_naive (the paper's L1 computed at
// input resolution) | kl | js | tv. On random data (7 actions) when `project` is empty, else on
// the project's frames and VLM maps through the real loader with `workers` threads, measuring
// the share of the time spent waiting for batches; `amp` runs the forward pass under bfloat16
// autocast. Returns {"regularizer","amp","ms_per_step","data_wait",...}.
Json BenchmarkTrainingStep(const std::string& regularizer, int batch, int height, int width,
                           int steps, int threads, const std::filesystem::path& project = {},
                           int workers = 1, bool amp = false);

}  // namespace autofocus

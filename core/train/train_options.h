#pragma once

#include <cstdint>
#include <string>

#include "core/base/json_io.h"

namespace autofocus {

// Every setting of a behaviour-cloning run (docs/training.md). The CLI, the studio and the
// trainer share this one struct; defaults are the GABRIL CARLA reference (TRAINING.md).
struct TrainOptions {
  std::string model = "gabril-cnn";        // encoder + head; only "gabril-cnn" so far
  std::string regularizer = "none";        // none | gabril_mse (reference code) | l1_outside (Eq. 2)
  double lambda = -1;                      // regulariser weight; < 0 = default of the
                                           // regulariser (10 for gabril_mse and l1_outside)
  double beta = 50;                        // gabril_mse spatial-softmax temperature (> 0)
  std::string target = "vlm";              // target map source: vlm | gaze | none
  double fraction = 1.0;                   // share of frames the regulariser sees, [0, 1]
  std::string fraction_unit = "frame";     // the fraction is drawn per "frame" or per "episode"
  int epochs = 500;                        // passes over the training split (>= 1)
  int batch = 128;                         // samples per step (>= 1)
  double lr = 5e-4;                        // Adam learning rate (> 0)
  int lr_step = 50;                        // StepLR step in epochs (>= 1)
  double lr_gamma = 0.5;                   // StepLR factor (0, 1]
  double grad_clip = 0;                    // max global gradient L2 norm; 0 = no clipping
  uint64_t seed = 1;                       // initialisation, split, order and fraction mask
  int threads = 0;                         // LibTorch intra-op threads; 0 = library default
  int input_height = 180;                  // model input height in pixels (>= 36)
  int input_width = 320;                   // model input width in pixels (>= 64)
  int stack = 2;                           // frames stacked per observation (1..8)
  bool grayscale = true;                   // ITU-R 601 grayscale (else RGB, 3 channels/frame)
  double val_fraction = 0.1;               // share of episodes held out for validation [0, 0.9]
  int data_workers = 1;                    // background threads preparing batches (>= 1)
  int max_steps = 0;                       // stop after this many steps in total; 0 = no limit
  std::string name;                        // run folder name under PROJECT/runs; empty = time stamp

  // The regulariser weight actually used (resolves lambda < 0).
  double Lambda() const;
  // Channels of one observation: stack x (1 or 3).
  int Channels() const { return stack * (grayscale ? 1 : 3); }
  // Throws Error(file, "<field>", reason) naming the first bad field.
  void Check(const std::string& file = "") const;
  // Every field as JSON (lambda resolved as "lambda" plus the raw "lambda_option").
  Json ToJson() const;
  // Reads ToJson() output; missing fields keep defaults, unknown fields throw Error.
  static TrainOptions FromJson(const Json& j, const std::string& file);
  // Named presets: "paper-carla" (the reference settings, 500 epochs at 180x320, gabril_mse)
  // and "quick" (90x160 input, 3 epochs, batch 32, gabril_mse); Error on an unknown name.
  static TrainOptions Preset(const std::string& name);
};

// Parses "HxW" (e.g. "180x320") into height/width; false on a malformed value.
bool ParseInputSize(const std::string& text, int* height, int* width);

}  // namespace autofocus

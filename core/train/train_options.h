#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/json_io.h"

namespace autofocus {

// Every setting of a behaviour-cloning run (docs/training.md). The CLI, the studio and the
// trainer share this one struct; defaults are the GABRIL CARLA reference (TRAINING.md).
struct TrainOptions {
  std::string model = "gabril-cnn";     // encoder + head: gabril-cnn | resnet18 | resnet34
  std::string method = "bc";            // bc (BC + regularizer) | visarl | gmd | agil (map-input baselines)
  std::string regularizer = "none";     // none | gabril_mse (reference code) | l1_outside
                                        // (paper Eq. 2) | kl | js | tv (GABRIL distances)
  double lambda = -1;                   // regulariser weight; < 0 = default of the
                                        // regulariser (10 for every regulariser)
  double beta = 50;                     // spatial-softmax temperature of gabril_mse/kl/js/tv (> 0)
  std::string target = "vlm";           // target map source: vlm | gaze | none
  double gaze_sigma = 30;               // gaze Gaussian sigma in pixels at 320 px width (scaled)
  int gaze_window = 160;                // gaze points from frames t-window..t+window
  int gaze_stride = 2;                  // every gaze_stride-th frame of the window
  double gaze_decay = 0.8;              // weight decay^d of a point d frames away
  double gaze_spread = 0.99;            // its sigma is gaze_sigma / gaze_spread^d
  bool gaze_future = true;              // include future frames (GABRIL does)
  double fraction = 1.0;                // share of frames the regulariser sees, [0, 1]
  std::string fraction_unit = "frame";  // the fraction is drawn per "frame" or per "episode"
  int epochs = 500;                     // passes over the training split (>= 1)
  int64_t total_steps = 0;              // > 0: train exactly this many steps (epochs ignored)
  int batch = 128;                      // samples per step (>= 1)
  std::string optimizer = "adam";       // adam | adamw
  double lr = 5e-4;                     // learning rate (> 0)
  double weight_decay = -1;             // < 0 = optimiser default (adam 0, adamw 0.01)
  std::string scheduler = "step";       // step (StepLR) | cosine | constant
  int lr_step = 50;                     // StepLR step in epochs (>= 1)
  double lr_gamma = 0.5;                // StepLR factor (0, 1]
  double warmup = 0;                    // share of all steps with a linear warm-up [0, 0.5]
  double grad_clip = 0;                 // max global gradient L2 norm; 0 = no clipping
  std::vector<double> action_weights;   // per-dimension BC weights; empty = all 1
  bool normalize_actions = false;       // train on (a - mean) / std of the training split
  std::vector<std::string> state_keys;  // episode state keys concatenated as the state input
  bool normalize_state = true;          // standardise the state by training statistics
  uint64_t seed = 1;                    // initialisation, split, order and fraction mask
  int threads = 0;                      // LibTorch intra-op threads; 0 = library default
  std::string device = "cpu";           // cpu | cuda | cuda:N
  bool amp = false;                     // bfloat16 autocast of the forward pass (AutoFocus-IL
                                        // trains with AMP; GABRIL in float32)
  int input_height = 180;               // model input height in pixels (>= 36)
  int input_width = 320;                // model input width in pixels (>= 64)
  int stack = 2;                        // frames stacked per observation (1..8)
  bool grayscale = true;                // ITU-R 601 grayscale (else RGB, 3 channels/frame)
  double val_fraction = 0.1;            // share of episodes held out for validation [0, 0.9]
  std::string split = "seeded";         // seeded (by episode) | hdf5 (mask/train, mask/valid)
  std::string filter;                   // "" | flagged | unflagged | mask:NAME (HDF5 filter key)
  bool augment = false;  // per training sample, seeded: random resized crop (p 0.5, scale 0.8-1,
                         // ratio 0.9-1.1, the same crop on the map) and brightness/contrast
                         // jitter (p 0.5, factors 0.8-1.2; RGB input also saturation
                         // 0.8-1.2 and hue -0.05..0.05, torchvision's definitions)
  int data_workers = 1;  // background threads preparing batches (>= 1)
  int max_steps = 0;     // stop (resumably) after this many steps; 0 = no limit
  int log_every = 50;    // a metrics record every N steps; 0 = per epoch only
  int checkpoint_every = 0;  // keep epoch-NNNN.ckpt every N epochs; 0 = none
  std::string name;          // run folder name under PROJECT/runs; empty = time stamp

  // The regulariser weight actually used (resolves lambda < 0).
  double Lambda() const;
  // Channels of one observation: stack x (1 or 3).
  int Channels() const { return stack * (grayscale ? 1 : 3); }
  // Throws Error(file, "<field>", reason) naming the first bad field.
  void Check(const std::string& file = "") const;
  // Whether the regulariser is a GABRIL distance (kl, js, tv).
  bool DistanceRegularizer() const {
    return regularizer == "kl" || regularizer == "js" || regularizer == "tv";
  }
  // Every field as JSON (lambda resolved as "lambda" plus the raw "lambda_option").
  Json ToJson() const;
  // Reads ToJson() output onto `base`; missing fields keep base's values, unknown fields throw.
  static TrainOptions FromJson(const Json& j, const std::string& file, const TrainOptions& base);
  // FromJson onto the defaults.
  static TrainOptions FromJson(const Json& j, const std::string& file);
  // The names of every option field as ToJson writes them.
  static std::vector<std::string> FieldNames();
  // Named presets (docs/training.md): "paper-carla" (GABRIL CARLA reference), "paper-robot"
  // (the robot ResNet-34 settings) and "quick" (90x160, 3 epochs); Error on an unknown name.
  static TrainOptions Preset(const std::string& name);
};

// Parses "cpu", "cuda" or "cuda:N" into a device index (-1 = cpu, else the CUDA ordinal);
// false on anything else.
bool ParseDevice(const std::string& text, int* cuda_index);
// Parses "HxW" (e.g. "180x320") into height/width; false on a malformed value.
bool ParseInputSize(const std::string& text, int* height, int* width);

}  // namespace autofocus

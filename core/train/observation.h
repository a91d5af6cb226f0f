#pragma once

// Turning camera frames into a policy's input, shared by training (BatchReader), closed-loop
// evaluation and attention maps so that a policy always sees what it was trained on. Torch-free.

#include <deque>
#include <filesystem>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/base/json_io.h"

namespace autofocus {

// What policy.json says about a policy's input and output (the fields this code needs).
struct PolicySpec {
  std::filesystem::path file;                   // policy.json it was read from
  std::filesystem::path module;                 // policy.pt next to it
  int channels = 2, height = 180, width = 320;  // input_shape [C, H, W]
  int stack = 2;                                // frames per observation, oldest first
  bool grayscale = true;                        // ITU-R 601 luma per frame, else RGB planes
  int state_dim = 0;                            // length of the state input (0 = none)
  bool takes_map = false;  // forward(x, m[, state]): a map-input baseline (policy.json "map")
  std::vector<std::string> action_names;                // output order
  std::vector<int64_t> feature_shape;                   // [c, h, w] of z
  std::string model, method, regularizer, target, run;  // provenance
  double lambda = 0;                                    // regulariser weight it was trained with
  Json raw;                                             // the whole policy.json

  // Reads PATH/policy.json (PATH a run folder, a policy.json or a policy.pt next to one);
  // throws Error naming the file and field on a missing or malformed file.
  static PolicySpec Load(const std::filesystem::path& path);
  // Floats of one observation (channels x height x width).
  size_t ObservationSize() const {
    return static_cast<size_t>(channels) * static_cast<size_t>(height) * static_cast<size_t>(width);
  }
};

// One BGR 8-bit frame resized to width x height (INTER_AREA when shrinking, bilinear when
// enlarging), scaled to [0,1] and written as 1 (grayscale, BT.601 weights) or 3 (R, G, B) planes
// to out.
void PreprocessFrame(const cv::Mat& bgr, int width, int height, bool grayscale, float* out);

// Keeps the last `stack` preprocessed frames of a running episode and builds observations the
// way training stacks them (oldest first, the first frame repeated before the episode start).
class ObservationStacker {
 public:
  explicit ObservationStacker(const PolicySpec& spec);
  // Starts a new episode.
  void Reset() { frames_.clear(); }
  // Adds the newest frame (BGR 8-bit, any size).
  void Push(const cv::Mat& bgr);
  // The observation of the newest frame (channels x height x width); Error before any Push.
  std::vector<float> Observation() const;

 private:
  PolicySpec spec_;
  std::deque<std::vector<float>> frames_;
};

}  // namespace autofocus

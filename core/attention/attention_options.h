#pragma once

// What attention map to compute for a policy, and how to show it. Torch-free: the CLI, the
// studio and the cache read these; core/attention/attention_maps.h computes the maps.

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/json_io.h"

namespace autofocus {

// Settings of one attention computation (docs/attention.md).
struct AttentionOptions {
  std::string method = "activation";  // activation | gradcam | input-gradient
  std::string action;                 // action dimension (gradcam, input-gradient); "" = first
  double beta = 50;                   // activation: spatial-softmax temperature (> 0)
  int smoothgrad_samples = 0;         // input-gradient: SmoothGrad noisy copies (0 = off)
  double smoothgrad_sigma = 0.15;     // SmoothGrad noise std in input units ([0,1] images)
  uint64_t seed = 1;                  // SmoothGrad noise seed
  bool amp = false;                   // bfloat16 autocast of the convolutions (faster on
                                      // CPUs with bf16; less precise z)
  int batch = 32;                     // frames per forward pass (>= 1)
  int threads = 0;                    // LibTorch threads (0 = library default)

  // Throws Error("", field, reason) for an unknown method or an out-of-range value.
  void Check() const;
  // The fields that decide the map's values (what a cached map must match; not batch/threads).
  Json IdentityJson() const;
  // Whether the method's maps depend on an action dimension.
  bool UsesAction() const { return method != "activation"; }
};

// The methods AttentionOptions::method accepts.
const std::vector<std::string>& AttentionMethods();

// Index of `name` in `action_names` ("" = 0); Error naming the known actions otherwise.
int ActionIndex(const std::vector<std::string>& action_names, const std::string& name);

// The evidence a signed map shows once split (Grad-CAM of a regression output: ATTENTION.md).
enum class Evidence {
  kRaise,  // max(map, 0): what increases the action
  kLower,  // max(-map, 0): what decreases it
  kAbs,    // |map|
};
// Parses raise | lower | abs; false on anything else.
bool ParseEvidence(const std::string& text, Evidence* out);

// One evidence direction of a signed map (n values) as a non-negative map.
std::vector<float> SplitEvidence(const float* raw, size_t n, Evidence evidence);

// How a stored map is scaled for display; never applied to the stored map.
enum class DisplayNormalisation {
  kPerFrame,    // each frame's [min, max]
  kPerEpisode,  // [episode min, 98th percentile of the episode's values], shared by all frames
  kFixed,       // a given [lo, hi]
};

// A value range mapped to [0, 1] for display.
struct DisplayRange {
  float lo = 0, hi = 1;  // lo -> 0, hi -> 1 (values outside are clamped)
};

// The per-frame range of one map: [min, max].
DisplayRange FrameDisplayRange(const float* map, size_t n);
// The per-episode range of `frames` maps of `frame_size` values: [min, percentile], percentile
// in (0, 1] (0.98 by default).
DisplayRange EpisodeDisplayRange(const float* maps, size_t frames, size_t frame_size,
                                 double percentile = 0.98);
// (v - lo) / (hi - lo) clamped to [0, 1] (all 0 when hi <= lo), written to out.
void NormaliseForDisplay(const float* map, size_t n, DisplayRange range, float* out);

// Bilinear resampling of one h x w map to height x width with half-pixel centres (torch's
// interpolate(mode="bilinear", align_corners=False) and cv::INTER_LINEAR), written to out.
void ResizeBilinear(const float* map, int h, int w, int height, int width, float* out);

}  // namespace autofocus

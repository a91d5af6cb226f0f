#pragma once

// Attention maps of a trained policy (policy.pt, TorchScript with encode/head/forward). The
// header is torch-free; the implementation (attention_maps.cpp, in autofocus_attention_torch)
// is the only LibTorch code of core/attention. Methods (docs/attention.md):
// - activation: softmax over the h*w cells of sum_c |z| / beta (GABRIL; the training
//   regulariser's map before upsampling), one forward pass, stored at feature resolution.
// - gradcam: w_c = spatial mean of d a_k / d z_c, map = sum_c w_c z_c, signed (positive =
//   evidence raising action k, negative = lowering it), at feature resolution.
// - input-gradient: max over input channels of |d a_k / d x| (optionally SmoothGrad), at input
//   resolution.

#include <filesystem>
#include <memory>
#include <string>

#include "core/attention/attention_cache.h"
#include "core/attention/attention_options.h"
#include "core/base/progress.h"
#include "core/dataset/project_store.h"
#include "core/train/observation.h"

namespace autofocus {

// One loaded policy computing attention maps with fixed options. Not thread-safe.
class AttentionComputer {
 public:
  // Loads `policy` (a run folder, policy.json or policy.pt) and checks `options` against it
  // (action name, state input). Throws Error naming the file or option.
  AttentionComputer(const std::filesystem::path& policy, const AttentionOptions& options);
  ~AttentionComputer();
  AttentionComputer(const AttentionComputer&) = delete;
  AttentionComputer& operator=(const AttentionComputer&) = delete;

  // The policy's input/output description.
  const PolicySpec& spec() const;
  // The options (with `action` resolved to a name).
  const AttentionOptions& options() const;
  // Height and width of one stored map (feature or input resolution).
  std::pair<int, int> MapSize() const;

  // Maps of n observations (n x C x H x W floats in [0,1], C order) written to out (n x h x w);
  // `first_frame` is the episode index of the first one (seeds SmoothGrad's noise per frame).
  // `state` (n x state_dim raw values, stacked as in training) is required for a policy with a
  // state input and gradcam/input-gradient; activation does not use it.
  void ComputeBatch(const float* obs, int n, float* out, int64_t first_frame = 0,
                    const float* state = nullptr);

  // Maps of every frame of `episode`: frames read through the store, preprocessed and stacked
  // as in training (core/train/observation.h), run in batches of options().batch. Reports
  // progress per batch; throws Cancelled when `stop` fires.
  AttentionMaps ComputeEpisode(const ProjectStore& store, const std::string& episode,
                               const ProgressCallback& progress = {}, const StopCheck& stop = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The maps of run `run` (PROJECT/runs/RUN) on `episode`: from the project's attention cache
// when its identity matches (policy.pt, episode.json, options), else computed and cached.
// `from_cache` (may be null) tells which happened.
AttentionMaps RunAttention(const ProjectStore& store, const std::string& run,
                           const std::string& episode, const AttentionOptions& options,
                           const ProgressCallback& progress = {}, const StopCheck& stop = {},
                           bool* from_cache = nullptr);

}  // namespace autofocus

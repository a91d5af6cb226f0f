#pragma once

// A trained TorchScript policy (policy.pt + policy.json) as a closed-loop driver of the sample
// world. LibTorch half of core/train: linked only by `autofocus-evaluate` and its tests.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/sim/closed_loop.h"
#include "core/train/observation.h"

namespace autofocus {

// Sets LibTorch's intra-op and inter-op thread counts to 1 (call once, before the first
// forward): evaluation parallelises over rollouts, and one thread per forward keeps every
// result independent of how many rollouts run at once.
void UseSingleThreadedTorch();

// One loaded policy.pt with the spec of its policy.json. Not thread-safe: load one per thread.
class TorchScriptPolicyRunner {
 public:
  // Loads `path` (a run folder, policy.json or policy.pt); Error naming the file on failure.
  explicit TorchScriptPolicyRunner(const std::filesystem::path& path);
  ~TorchScriptPolicyRunner();
  const PolicySpec& spec() const { return spec_; }
  // forward(x [batch, C, H, W] in [0, 1] [, state [batch, S]]) without gradients; returns
  // the de-normalised actions, `batch` rows of spec().action_names.size().
  std::vector<std::vector<float>> Forward(const std::vector<float>& obs, int batch,
                                          const std::vector<float>& state = {});

 private:
  struct Impl;
  PolicySpec spec_;
  std::unique_ptr<Impl> impl_;
};

// A TorchScript policy driving the sample world: frames stacked and preprocessed by
// ObservationStacker exactly as in training, outputs mapped to throttle/steer/brake by name.
class TorchScriptDriver : public sim::ClosedLoopPolicy {
 public:
  // Loads the policy; Error when its actions are not the sample world's or its state input
  // needs keys other than "speed".
  explicit TorchScriptDriver(const std::filesystem::path& path);
  // Clears the frame (and speed) stack.
  void Reset() override;
  // Pushes the frame and runs the policy on the stacked observation.
  sim::Action Act(const cv::Mat& frame, const sim::WorldState& state,
                  const sim::Action& previous) override;
  // What the last Act fed the policy: the stacked observation and the stacked speeds (empty
  // without a state input), for attention maps of the same step.
  std::vector<float> LastObservation() const { return stacker_.Observation(); }
  const std::vector<float>& LastState() const { return speeds_; }

 private:
  TorchScriptPolicyRunner runner_;
  ObservationStacker stacker_;
  int throttle_ = -1, steer_ = -1, brake_ = -1;  // output indices
  std::vector<float> speeds_;                    // speed per stacked frame, oldest first
};

// The index of each sample-world action (throttle, steer, brake) in `names`; Error naming
// `file` and "action_names" when one is missing.
void SampleWorldActionIndices(const std::vector<std::string>& names, const std::string& file,
                              int* throttle, int* steer, int* brake);

}  // namespace autofocus

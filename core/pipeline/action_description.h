#pragma once

#include <string>
#include <vector>

#include "core/dataset/dataset.h"

namespace autofocus {

// Describes the expert's recent behaviour in words for the key-object prompt (the reference
// code's "preparing to stop", "executing left turn", "cruising"), from the actions of frames
// [t-window+1, t]. Driving actions are recognised by their names (throttle/steer/brake, as in
// CARLA and the sample world); other action spaces get a neutral numeric description.
std::string DescribeRecentActions(const std::vector<std::vector<float>>& actions, int t,
                                  const std::vector<std::string>& action_names, int window = 5);

// The longitudinal part of DescribeRecentActions (turns left out): "speeding up", "coasting",
// "preparing to stop" or "stopped or braking hard", by the same thresholds; "" for action spaces
// without throttle/steer/brake.
std::string DescribeLongitudinal(const std::vector<std::vector<float>>& actions, int t,
                                 const std::vector<std::string>& action_names, int window = 5);

// The expert's action regime at every frame, for sub-sequence boundaries (PipelineOptions
// action_regimes / action_jump / regime_lookahead): `mode` "none", "description"
// (DescribeRecentActions) or "longitudinal" (DescribeLongitudinal), the label of frame t taken
// over the window ending at t + lookahead (clamped to the last frame); generic action spaces
// get "" (their numeric description changes every frame). With jump > 0, every frame where an
// action dimension moves by more than jump x its range (the spec's, else the observed one)
// starts a new label ("#count" appended).
std::vector<std::string> ActionRegimeLabels(const std::vector<std::vector<float>>& actions,
                                            const ActionSpec& spec, const std::string& mode,
                                            double jump, int lookahead);

}  // namespace autofocus

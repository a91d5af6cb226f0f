#pragma once

#include <string>
#include <vector>

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

}  // namespace autofocus

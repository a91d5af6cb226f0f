#include "core/pipeline/action_description.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/base/strings.h"

namespace autofocus {
namespace {

int IndexOf(const std::vector<std::string>& names, const char* wanted) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (ToLower(names[i]) == wanted) return static_cast<int>(i);
  }
  return -1;
}

// The description, with or without the turn labels.
std::string Describe(const std::vector<std::vector<float>>& actions, int t,
                     const std::vector<std::string>& names, int window, bool turns) {
  if (actions.empty() || t < 0) return "no action recorded";
  t = std::min<int>(t, static_cast<int>(actions.size()) - 1);
  const int from = std::max(0, t - window + 1);
  const int throttle = IndexOf(names, "throttle");
  const int steer = IndexOf(names, "steer");
  const int brake = IndexOf(names, "brake");
  if (throttle >= 0 && steer >= 0 && brake >= 0) {
    // Averages over the window smooth single-frame noise of human drivers.
    double th = 0, st = 0, br = 0;
    for (int i = from; i <= t; ++i) {
      const auto& a = actions[static_cast<size_t>(i)];
      th += a.at(static_cast<size_t>(throttle));
      st += a.at(static_cast<size_t>(steer));
      br += a.at(static_cast<size_t>(brake));
    }
    const double n = t - from + 1;
    th /= n;
    st /= n;
    br /= n;
    const double last_brake = actions[static_cast<size_t>(t)].at(static_cast<size_t>(brake));
    if (br > 0.5 && th < 0.05) return "stopped or braking hard";
    if (last_brake > 0.1 || br > 0.1) return "preparing to stop";
    if (turns && st <= -0.05) return "executing left turn";
    if (turns && st >= 0.05) return "executing right turn";
    if (th > 0.1) return turns ? "cruising" : "speeding up";
    return "coasting";
  }
  // Generic action spaces: report the current action numerically.
  std::string out = "current action:";
  const auto& a = actions[static_cast<size_t>(t)];
  for (size_t i = 0; i < a.size(); ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " %s=%.3f", i < names.size() ? names[i].c_str() : "a", a[i]);
    out += buf;
  }
  return out;
}

}  // namespace

std::string DescribeRecentActions(const std::vector<std::vector<float>>& actions, int t,
                                  const std::vector<std::string>& names, int window) {
  return Describe(actions, t, names, window, /*turns=*/true);
}

std::string DescribeLongitudinal(const std::vector<std::vector<float>>& actions, int t,
                                 const std::vector<std::string>& names, int window) {
  const std::string d = Describe(actions, t, names, window, /*turns=*/false);
  return d.rfind("current action:", 0) == 0 || d == "no action recorded" ? "" : d;
}

std::vector<std::string> ActionRegimeLabels(const std::vector<std::vector<float>>& actions,
                                            const ActionSpec& spec, const std::string& mode,
                                            double jump, int lookahead) {
  std::vector<std::string> out;
  const auto names = spec.Names();
  const int n = static_cast<int>(actions.size());
  for (int t = 0; t < n; ++t) {
    if (mode == "none") {
      out.emplace_back();
    } else {
      const int at = std::min(t + lookahead, n - 1);
      out.push_back(mode == "longitudinal" ? DescribeLongitudinal(actions, at, names)
                                           : DescribeRecentActions(actions, at, names));
    }
  }
  // Generic action spaces are described numerically (a new label every frame): no regimes.
  if (!out.empty() && out.front().rfind("current action:", 0) == 0) {
    out.assign(out.size(), "");
  }
  if (jump > 0 && !actions.empty()) {
    // Each jump starts a new regime: the label gets a running count.
    const size_t dims = actions.front().size();
    std::vector<double> range(dims, 0.0);
    for (size_t d = 0; d < dims; ++d) {
      if (d < spec.dims.size() && spec.dims[d].has_range) {
        range[d] = spec.dims[d].max - spec.dims[d].min;
      } else {
        double lo = actions.front()[d], hi = lo;
        for (const auto& a : actions) {
          lo = std::min<double>(lo, a[d]);
          hi = std::max<double>(hi, a[d]);
        }
        range[d] = hi - lo;
      }
    }
    int jumps = 0;
    for (size_t t = 1; t < actions.size(); ++t) {
      for (size_t d = 0; d < dims && d < actions[t].size(); ++d) {
        if (range[d] > 0 && std::abs(actions[t][d] - actions[t - 1][d]) > jump * range[d]) {
          ++jumps;
          break;
        }
      }
      if (jumps > 0) out[t] += "#" + std::to_string(jumps);
    }
  }
  return out;
}

}  // namespace autofocus

#include "core/track/subsequences.h"

#include <map>

#include <algorithm>
#include <string>

#include "core/base/error.h"

namespace autofocus {

void SubsequenceOptions::Check() const {
  if (min_length < 1) throw Error("", "min_length", "must be >= 1, got " + std::to_string(min_length));
}

std::vector<int> ActiveIds(const std::vector<Detection>& frame) {
  std::vector<int> ids;
  for (const Detection& d : frame) {
    if (d.id >= 0) ids.push_back(d.id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::vector<Subsequence> SplitSubsequences(const std::vector<std::vector<Detection>>& frames,
                                           const SubsequenceOptions& options) {
  options.Check();
  // Lifetime of every track, for bridge_gaps.
  std::map<int, std::pair<int, int>> life;
  if (options.bridge_gaps) {
    for (int t = 0; t < static_cast<int>(frames.size()); ++t) {
      for (int id : ActiveIds(frames[static_cast<size_t>(t)])) {
        auto it = life.find(id);
        if (it == life.end()) {
          life.emplace(id, std::make_pair(t, t));
        } else {
          it->second.second = t;
        }
      }
    }
  }
  // Maximal runs of frames with the same active set.
  std::vector<Subsequence> raw;
  for (int t = 0; t < static_cast<int>(frames.size()); ++t) {
    std::vector<int> ids;
    if (options.bridge_gaps) {
      for (const auto& [id, span] : life) {
        if (span.first <= t && t <= span.second) ids.push_back(id);
      }
    } else {
      ids = ActiveIds(frames[static_cast<size_t>(t)]);
    }
    if (!raw.empty() && raw.back().ids == ids) {
      raw.back().end = t;
    } else {
      raw.push_back({t, t, std::move(ids)});
    }
  }
  if (options.min_length <= 1 || raw.empty()) return raw;

  auto length = [](const Subsequence& s) { return s.end - s.start + 1; };
  std::vector<Subsequence> kept;
  int pending_start = -1;  // first frame of short segments seen before any long one
  for (Subsequence& s : raw) {
    if (length(s) >= options.min_length) {
      if (pending_start >= 0) {
        s.start = pending_start;  // leading flicker joins the first long segment
        pending_start = -1;
      }
      if (!kept.empty() && kept.back().ids == s.ids) {
        kept.back().end = s.end;  // the flicker between two equal segments is gone: join them
      } else {
        kept.push_back(std::move(s));
      }
    } else if (!kept.empty()) {
      kept.back().end = s.end;
    } else if (pending_start < 0) {
      pending_start = s.start;
    }
  }
  if (kept.empty()) {
    // Everything is flicker: one segment with the ids of the longest raw segment (earliest on
    // ties), the same rule as absorption.
    const auto longest = std::max_element(raw.begin(), raw.end(), [&](const auto& a, const auto& b) {
      return length(a) < length(b);
    });
    return {{0, static_cast<int>(frames.size()) - 1, longest->ids}};
  }
  return kept;
}

}  // namespace autofocus

#include "core/track/subsequences.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "core/base/error.h"

namespace autofocus {

SubsequenceOptions SubsequenceOptions::Paper() {
  SubsequenceOptions o;
  o.min_length = 1;
  o.bridge_gaps = true;  // changes nothing without gaps (the paper's tracker has none)
  o.min_track_frames = 1;
  o.split_on_exit = true;
  o.split_on_regime = false;
  o.regime_min_frames = 1;
  o.max_length = 0;
  return o;
}

void SubsequenceOptions::Check() const {
  if (min_length < 1) throw Error("", "min_length", "must be >= 1, got " + std::to_string(min_length));
  if (min_track_frames < 1) {
    throw Error("", "min_track_frames", "must be >= 1, got " + std::to_string(min_track_frames));
  }
  if (max_length < 0) throw Error("", "max_length", "must be >= 0, got " + std::to_string(max_length));
  if (regime_min_frames < 1) {
    throw Error("", "regime_min_frames", "must be >= 1, got " + std::to_string(regime_min_frames));
  }
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

std::vector<std::string> StableRegimes(const std::vector<std::string>& labels, int min_frames) {
  std::vector<std::string> out = labels;
  if (min_frames <= 1) return out;
  size_t i = 0;
  std::string current;
  bool have = false;
  while (i < labels.size()) {
    size_t j = i;
    while (j < labels.size() && labels[j] == labels[i]) ++j;
    if (!have || static_cast<int>(j - i) >= min_frames) {
      current = labels[i];
      have = true;
    }
    for (size_t k = i; k < j; ++k) out[k] = current;
    i = j;
  }
  return out;
}

namespace {

std::vector<Subsequence> SplitByEvents(const std::vector<std::vector<Detection>>& frames,
                                       const SubsequenceOptions& options,
                                       const std::vector<std::string>& regimes_in,
                                       const std::vector<std::string>& quiet_labels) {
  options.Check();
  const int n = static_cast<int>(frames.size());
  if (!regimes_in.empty() && static_cast<int>(regimes_in.size()) != n) {
    throw Error("", "regimes", "has " + std::to_string(regimes_in.size()) + " labels for " +
                                   std::to_string(n) + " frames");
  }
  const bool use_regimes = options.split_on_regime && !regimes_in.empty();
  const std::vector<std::string> regimes =
      use_regimes ? StableRegimes(regimes_in, options.regime_min_frames) : std::vector<std::string>{};

  // Lifetime and detection count of every track (hysteresis and bridge_gaps).
  struct Life {
    int first = 0, last = 0, count = 0;
    bool quiet = false;
  };
  std::map<int, Life> life;
  for (int t = 0; t < n; ++t) {
    for (const Detection& d : frames[static_cast<size_t>(t)]) {
      if (d.id < 0) continue;
      auto it = life.find(d.id);
      if (it == life.end()) {
        const bool quiet = std::find(quiet_labels.begin(), quiet_labels.end(), d.label) != quiet_labels.end();
        life.emplace(d.id, Life{t, t, 1, quiet});
      } else if (it->second.last != t) {
        it->second.last = t;
        ++it->second.count;
      }
    }
  }
  auto eligible = [&](int id) { return life.at(id).count >= options.min_track_frames; };
  auto active_at = [&](int t) {
    std::vector<int> ids;
    if (options.bridge_gaps) {
      for (const auto& [id, span] : life) {
        if (span.first <= t && t <= span.last && eligible(id)) ids.push_back(id);
      }
    } else {
      for (int id : ActiveIds(frames[static_cast<size_t>(t)])) {
        if (eligible(id)) ids.push_back(id);
      }
    }
    return ids;
  };

  // Raw segments: a boundary where the active set changes (split_on_exit) or gains a track, or
  // where the regime changes. Without split_on_exit a segment's ids are the union over it.
  std::vector<Subsequence> raw;
  std::vector<int> prev;
  for (int t = 0; t < n; ++t) {
    std::vector<int> ids = active_at(t);
    bool split = raw.empty();
    if (!split) {
      if (options.split_on_exit) {
        split = ids != prev;
      } else {
        for (int id : ids) {
          if (!life.at(id).quiet && !std::binary_search(prev.begin(), prev.end(), id)) split = true;
        }
      }
      if (use_regimes && regimes[static_cast<size_t>(t)] != regimes[static_cast<size_t>(t - 1)]) split = true;
    }
    if (split) {
      raw.push_back({t, t, ids});
    } else {
      raw.back().end = t;
      if (!options.split_on_exit) {
        std::vector<int> u;
        std::set_union(raw.back().ids.begin(), raw.back().ids.end(), ids.begin(), ids.end(),
                       std::back_inserter(u));
        raw.back().ids = std::move(u);
      }
    }
    prev = std::move(ids);
  }
  if (options.min_length <= 1 || raw.empty()) return raw;

  auto length = [](const Subsequence& s) { return s.end - s.start + 1; };
  auto absorb = [&](Subsequence& into, const Subsequence& from) {
    // The paper's rule keeps the absorber's ids; with union ids every track active in the
    // absorbed frames stays a candidate.
    if (options.split_on_exit) return;
    std::vector<int> u;
    std::set_union(into.ids.begin(), into.ids.end(), from.ids.begin(), from.ids.end(), std::back_inserter(u));
    into.ids = std::move(u);
  };
  std::vector<Subsequence> kept;
  int pending_start = -1;  // first frame of short segments seen before any long one
  std::vector<Subsequence> pending;
  for (Subsequence& s : raw) {
    if (length(s) >= options.min_length) {
      if (pending_start >= 0) {
        s.start = pending_start;  // leading flicker joins the first long segment
        for (const auto& p : pending) absorb(s, p);
        pending_start = -1;
        pending.clear();
      }
      if (!kept.empty() && kept.back().ids == s.ids &&
          !(use_regimes && regimes[static_cast<size_t>(s.start)] != regimes[static_cast<size_t>(kept.back().end)])) {
        kept.back().end = s.end;  // the flicker between two equal segments is gone: join them
      } else {
        kept.push_back(std::move(s));
      }
    } else if (!kept.empty()) {
      kept.back().end = s.end;
      absorb(kept.back(), s);
    } else {
      if (pending_start < 0) pending_start = s.start;
      pending.push_back(s);
    }
  }
  if (kept.empty()) {
    // Everything is flicker: one segment with the ids of the longest raw segment (earliest on
    // ties), the same rule as absorption.
    const auto longest = std::max_element(raw.begin(), raw.end(), [&](const auto& a, const auto& b) {
      return length(a) < length(b);
    });
    Subsequence all{0, n - 1, longest->ids};
    for (const auto& r : raw) absorb(all, r);
    return {all};
  }
  return kept;
}

}  // namespace

std::vector<Subsequence> SplitSubsequences(const std::vector<std::vector<Detection>>& frames,
                                           const SubsequenceOptions& options,
                                           const std::vector<std::string>& regimes,
                                           const std::vector<std::string>& quiet_labels) {
  std::vector<Subsequence> segs = SplitByEvents(frames, options, regimes, quiet_labels);
  if (options.max_length <= 0) return segs;
  std::vector<Subsequence> out;
  for (const Subsequence& s : segs) {
    const int len = s.end - s.start + 1;
    const int parts = (len + options.max_length - 1) / options.max_length;
    for (int p = 0; p < parts; ++p) {
      Subsequence piece;
      piece.start = s.start + static_cast<int>(static_cast<long>(len) * p / parts);
      piece.end = s.start + static_cast<int>(static_cast<long>(len) * (p + 1) / parts) - 1;
      // With union ids a piece keeps the tracks active in it; the paper's constant sets stay.
      if (options.split_on_exit) {
        piece.ids = s.ids;
      } else {
        for (int id : s.ids) {
          for (int t = piece.start; t <= piece.end; ++t) {
            const auto& f = frames[static_cast<size_t>(t)];
            if (std::any_of(f.begin(), f.end(), [id](const Detection& d) { return d.id == id; })) {
              piece.ids.push_back(id);
              break;
            }
          }
        }
      }
      out.push_back(std::move(piece));
    }
  }
  return out;
}

}  // namespace autofocus

#include "core/track/track_eval.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <unordered_map>

#include "core/base/error.h"
#include "core/track/assignment.h"
#include "core/track/box_pairs.h"
#include "core/track/tracker.h"

namespace autofocus {
namespace {

// Validates one side and maps its IDs to dense indices (in ascending ID order).
std::map<int, int> IndexIds(const std::vector<std::vector<Detection>>& frames, const std::string& side) {
  std::map<int, int> index;
  for (size_t t = 0; t < frames.size(); ++t) {
    std::set<int> seen;
    for (size_t i = 0; i < frames[t].size(); ++i) {
      const std::string where =
          side + ".frames[" + std::to_string(t) + "].detections[" + std::to_string(i) + "]";
      const Detection& d = frames[t][i];
      CheckBox(d.box, "", where + ".box");
      if (d.id < 0) throw Error("", where + ".id", "missing track id (" + std::to_string(d.id) + ")");
      if (!seen.insert(d.id).second) {
        throw Error("", where + ".id", "id " + std::to_string(d.id) + " appears twice in the frame");
      }
      index.emplace(d.id, 0);
    }
  }
  int k = 0;
  for (auto& [id, idx] : index) idx = k++;
  return index;
}

double Ratio(double num, double den, double if_empty) { return den > 0 ? num / den : if_empty; }

}  // namespace

void TrackEvalOptions::Check() const {
  if (!(iou_threshold > 0.f && iou_threshold <= 1.f)) {
    throw Error("", "iou_threshold", "must be in (0, 1], got " + std::to_string(iou_threshold));
  }
}

TrackEvalResult EvaluateTracking(const std::vector<std::vector<Detection>>& predicted,
                                 const std::vector<std::vector<Detection>>& ground_truth,
                                 const TrackEvalOptions& options) {
  options.Check();
  if (predicted.size() != ground_truth.size()) {
    throw Error("", "frames",
                "predicted has " + std::to_string(predicted.size()) + " frames, ground truth has " +
                    std::to_string(ground_truth.size()));
  }
  const std::map<int, int> gt_index = IndexIds(ground_truth, "ground_truth");
  const std::map<int, int> pred_index = IndexIds(predicted, "predicted");
  const int n_gt_ids = static_cast<int>(gt_index.size());
  const int n_pred_ids = static_cast<int>(pred_index.size());

  TrackEvalResult r;
  // co[(g, p)] = frames in which GT ID g and predicted ID p overlap enough.
  std::unordered_map<long long, long> co;
  std::unordered_map<int, int> last_match;  // GT ID -> predicted ID it was last matched to
  double iou_sum = 0;
  for (size_t t = 0; t < ground_truth.size(); ++t) {
    const auto& gt = ground_truth[t];
    const auto& pr = predicted[t];
    r.num_gt += static_cast<long>(gt.size());
    r.num_pred += static_cast<long>(pr.size());
    std::vector<Box> gb, pb;
    for (const auto& d : gt) gb.push_back(d.box);
    for (const auto& d : pr) pb.push_back(d.box);
    const std::vector<BoxPair> pairs = OverlappingPairs(gb, pb, options.iou_threshold);
    std::vector<SparseEdge> edges;
    for (const BoxPair& p : pairs) {
      ++co[static_cast<long long>(gt_index.at(gt[p.a].id)) * n_pred_ids + pred_index.at(pr[p.b].id)];
      edges.push_back({p.a, p.b, 1.0 - static_cast<double>(p.iou)});
    }
    const Assignment m =
        SolveSparseAssignment(static_cast<int>(gt.size()), static_cast<int>(pr.size()), edges);
    r.tp += m.matched;
    iou_sum += static_cast<double>(m.matched) - m.cost;
    for (size_t i = 0; i < gt.size(); ++i) {
      const int j = m.row_to_col[i];
      if (j < 0) continue;
      auto it = last_match.find(gt[i].id);
      if (it != last_match.end() && it->second != pr[j].id) ++r.id_switches;
      last_match[gt[i].id] = pr[j].id;
    }
  }
  r.fp = r.num_pred - r.tp;
  r.fn = r.num_gt - r.tp;
  r.mota = r.num_gt > 0 ? 1.0 - static_cast<double>(r.fn + r.fp + r.id_switches) / r.num_gt
                        : (r.fp == 0 ? 1.0 : 0.0);
  r.motp = r.tp > 0 ? iou_sum / static_cast<double>(r.tp) : 0.0;

  // Global one-to-one ID matching maximising IDTP: a maximum-weight matching on the
  // co-occurrence counts (unlisted pairs cost 0, so they never displace a real overlap).
  std::vector<SparseEdge> id_edges;
  id_edges.reserve(co.size());
  for (const auto& [key, count] : co) {
    id_edges.push_back({static_cast<int>(key / n_pred_ids), static_cast<int>(key % n_pred_ids),
                        -static_cast<double>(count)});
  }
  // The hash map's order is unspecified; sort so the (tie-breaking) result is deterministic.
  std::sort(id_edges.begin(), id_edges.end(), [](const SparseEdge& a, const SparseEdge& b) {
    return a.row < b.row || (a.row == b.row && a.col < b.col);
  });
  const Assignment ids = SolveSparseAssignment(n_gt_ids, n_pred_ids, id_edges, 0.0);
  r.idtp = static_cast<long>(std::llround(-ids.cost));
  r.idfp = r.num_pred - r.idtp;
  r.idfn = r.num_gt - r.idtp;
  r.idf1 = Ratio(2.0 * r.idtp, 2.0 * r.idtp + r.idfp + r.idfn, 1.0);
  r.idp = Ratio(r.idtp, r.idtp + r.idfp, 1.0);
  r.idr = Ratio(r.idtp, r.idtp + r.idfn, 1.0);
  return r;
}

}  // namespace autofocus

#include "core/track/box_pairs.h"

#include <algorithm>
#include <numeric>

namespace autofocus {

std::vector<BoxPair> OverlappingPairs(const std::vector<Box>& a, const std::vector<Box>& b,
                                      float min_iou, const std::vector<int>& group_a,
                                      const std::vector<int>& group_b) {
  std::vector<BoxPair> pairs;
  if (a.empty() || b.empty()) return pairs;
  const bool grouped = !group_a.empty();

  // Sort b by x1; a box of b can only intersect box A if A.x1 - max_width < x1 < A.x2, so each
  // box of a scans only the boxes of b in that x window.
  std::vector<int> order(b.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int i, int j) {
    return b[i].x1 < b[j].x1 || (b[i].x1 == b[j].x1 && i < j);
  });
  std::vector<float> xs(b.size());
  float max_width = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    xs[k] = b[order[k]].x1;
    max_width = std::max(max_width, b[order[k]].Width());
  }

  for (int i = 0; i < static_cast<int>(a.size()); ++i) {
    const Box& A = a[i];
    const size_t first = static_cast<size_t>(
        std::upper_bound(xs.begin(), xs.end(), A.x1 - max_width) - xs.begin());
    const size_t start = pairs.size();
    for (size_t k = first; k < xs.size() && xs[k] < A.x2; ++k) {
      const int j = order[k];
      if (grouped && group_a[i] != group_b[j]) continue;
      const Box& B = b[j];
      if (B.x2 <= A.x1 || B.y2 <= A.y1 || B.y1 >= A.y2) continue;
      const float iou = IoU(A, B);
      if (iou >= min_iou) pairs.push_back({i, j, iou});
    }
    std::sort(pairs.begin() + static_cast<std::ptrdiff_t>(start), pairs.end(),
              [](const BoxPair& p, const BoxPair& q) { return p.b < q.b; });
  }
  return pairs;
}

}  // namespace autofocus

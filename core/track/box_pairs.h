#pragma once

#include <vector>

#include "core/base/geometry.h"

namespace autofocus {

// Two boxes, one from each of two lists, that overlap enough.
struct BoxPair {
  int a = 0;      // index into the first list
  int b = 0;      // index into the second list
  float iou = 0;  // IoU of the two boxes
};

// All pairs (i, j) with IoU(a[i], b[j]) >= min_iou (min_iou must be > 0) and, when the group
// vectors are non-empty, group_a[i] == group_b[j] (e.g. label indices for label gating). Uses a
// sweep over x so scattered boxes cost near-linear time instead of |a| * |b| IoUs. The result is
// sorted by (a, b).
std::vector<BoxPair> OverlappingPairs(const std::vector<Box>& a, const std::vector<Box>& b,
                                      float min_iou, const std::vector<int>& group_a = {},
                                      const std::vector<int>& group_b = {});

}  // namespace autofocus

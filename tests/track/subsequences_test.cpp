#include "core/track/subsequences.h"

#include <gtest/gtest.h>

#include "core/base/error.h"

namespace autofocus {
namespace {

using Frames = std::vector<std::vector<Detection>>;

// A frame whose detections carry these ids (boxes do not matter here).
std::vector<Detection> WithIds(std::vector<int> ids) {
  std::vector<Detection> frame;
  for (int id : ids) {
    Detection d;
    d.id = id;
    frame.push_back(d);
  }
  return frame;
}

// One frame per id set.
Frames Sequence(const std::vector<std::vector<int>>& sets) {
  Frames f;
  for (const auto& s : sets) f.push_back(WithIds(s));
  return f;
}

TEST(Subsequences, ActiveIdsAreSortedDistinctAndSkipUntracked) {
  EXPECT_EQ(ActiveIds(WithIds({3, -1, 1, 3})), (std::vector<int>{1, 3}));
  EXPECT_TRUE(ActiveIds({}).empty());
}

TEST(Subsequences, SplitsWhereTheActiveSetChanges) {
  // Order and duplicates inside a frame do not matter; an empty frame is its own segment.
  const Frames f = Sequence({{0}, {0}, {1, 0}, {0, 1, 1}, {}, {1}, {1}, {-1, 1}});
  SubsequenceOptions per_frame;
  per_frame.bridge_gaps = false;
  const std::vector<Subsequence> expected = {
      {0, 1, {0}}, {2, 3, {0, 1}}, {4, 4, {}}, {5, 7, {1}}};
  EXPECT_EQ(SplitSubsequences(f, per_frame), expected);
  // Bridged (default): track 1 lives from frame 2 to 7, so its gap at frame 4 does not split.
  const std::vector<Subsequence> bridged = {{0, 1, {0}}, {2, 3, {0, 1}}, {4, 7, {1}}};
  EXPECT_EQ(SplitSubsequences(f), bridged);
}

TEST(Subsequences, EdgeCases) {
  EXPECT_TRUE(SplitSubsequences({}).empty());
  EXPECT_EQ(SplitSubsequences(Frames(3)), (std::vector<Subsequence>{{0, 2, {}}}));
  EXPECT_EQ(SplitSubsequences(Sequence({{4}})), (std::vector<Subsequence>{{0, 0, {4}}}));
}

TEST(Subsequences, MinLengthAbsorbsFlickerIntoThePreviousSegment) {
  // A A A B A A C C C D with A = {0}, B = {0, 1} (a one-frame false detection), C = {2}, D = {}.
  const Frames f = Sequence({{0}, {0}, {0}, {0, 1}, {0}, {0}, {2}, {2}, {2}, {}});
  EXPECT_EQ(SplitSubsequences(f),
            (std::vector<Subsequence>{{0, 2, {0}}, {3, 3, {0, 1}}, {4, 5, {0}}, {6, 8, {2}}, {9, 9, {}}}));
  SubsequenceOptions o;
  o.min_length = 2;
  // B joins the first A, which then equals the second A: one segment 0-5. D joins C.
  EXPECT_EQ(SplitSubsequences(f, o), (std::vector<Subsequence>{{0, 5, {0}}, {6, 9, {2}}}));
  o.min_length = 3;
  // The second A (2 frames) is flicker now too and joins the first A as well.
  EXPECT_EQ(SplitSubsequences(f, o), (std::vector<Subsequence>{{0, 5, {0}}, {6, 9, {2}}}));
  o.min_length = 4;
  // No raw segment reaches 4 frames: everything becomes one segment with the ids of the longest
  // raw segment (A and C have 3 frames each; the earlier one, A, wins).
  EXPECT_EQ(SplitSubsequences(f, o), (std::vector<Subsequence>{{0, 9, {0}}}));
}

TEST(Subsequences, MinLengthLeadingFlickerJoinsTheNextSegment) {
  // B A A A C: B is at the start, so it joins the first long segment after it.
  const Frames f = Sequence({{1}, {5}, {5}, {5}, {6}, {6}});
  SubsequenceOptions o;
  o.min_length = 2;
  EXPECT_EQ(SplitSubsequences(f, o), (std::vector<Subsequence>{{0, 3, {5}}, {4, 5, {6}}}));
  // Two short leading segments: both go to the first long one.
  const Frames g = Sequence({{1}, {2}, {5}, {5}});
  EXPECT_EQ(SplitSubsequences(g, o), (std::vector<Subsequence>{{0, 3, {5}}}));
}

TEST(Subsequences, MinLengthIsChecked) {
  SubsequenceOptions o;
  o.min_length = 0;
  EXPECT_THROW(o.Check(), Error);
  EXPECT_THROW(SplitSubsequences(Frames(2), o), Error);
}

}  // namespace
}  // namespace autofocus

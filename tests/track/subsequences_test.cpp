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
  SubsequenceOptions per_frame = SubsequenceOptions::Paper();
  per_frame.bridge_gaps = false;
  const std::vector<Subsequence> expected = {
      {0, 1, {0}}, {2, 3, {0, 1}}, {4, 4, {}}, {5, 7, {1}}};
  EXPECT_EQ(SplitSubsequences(f, per_frame), expected);
  // Bridged (default): track 1 lives from frame 2 to 7, so its gap at frame 4 does not split.
  const std::vector<Subsequence> bridged = {{0, 1, {0}}, {2, 3, {0, 1}}, {4, 7, {1}}};
  EXPECT_EQ(SplitSubsequences(f, SubsequenceOptions::Paper()), bridged);
}

TEST(Subsequences, EdgeCases) {
  EXPECT_TRUE(SplitSubsequences({}, SubsequenceOptions::Paper()).empty());
  EXPECT_EQ(SplitSubsequences(Frames(3), SubsequenceOptions::Paper()), (std::vector<Subsequence>{{0, 2, {}}}));
  EXPECT_EQ(SplitSubsequences(Sequence({{4}}), SubsequenceOptions::Paper()), (std::vector<Subsequence>{{0, 0, {4}}}));
}

TEST(Subsequences, MinLengthAbsorbsFlickerIntoThePreviousSegment) {
  // A A A B A A C C C D with A = {0}, B = {0, 1} (a one-frame false detection), C = {2}, D = {}.
  const Frames f = Sequence({{0}, {0}, {0}, {0, 1}, {0}, {0}, {2}, {2}, {2}, {}});
  EXPECT_EQ(SplitSubsequences(f, SubsequenceOptions::Paper()),
            (std::vector<Subsequence>{{0, 2, {0}}, {3, 3, {0, 1}}, {4, 5, {0}}, {6, 8, {2}}, {9, 9, {}}}));
  SubsequenceOptions o = SubsequenceOptions::Paper();
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
  SubsequenceOptions o = SubsequenceOptions::Paper();
  o.min_length = 2;
  EXPECT_EQ(SplitSubsequences(f, o), (std::vector<Subsequence>{{0, 3, {5}}, {4, 5, {6}}}));
  // Two short leading segments: both go to the first long one.
  const Frames g = Sequence({{1}, {2}, {5}, {5}});
  EXPECT_EQ(SplitSubsequences(g, o), (std::vector<Subsequence>{{0, 3, {5}}}));
}

TEST(Subsequences, MinLengthIsChecked) {
  SubsequenceOptions o = SubsequenceOptions::Paper();
  o.min_length = 0;
  EXPECT_THROW(o.Check(), Error);
  EXPECT_THROW(SplitSubsequences(Frames(2), o), Error);
}


// One frame per id set, every detection labelled `label`.
Frames Labelled(const std::vector<std::vector<int>>& sets, const std::string& label) {
  Frames f = Sequence(sets);
  for (auto& frame : f) {
    for (auto& d : frame) d.label = label;
  }
  return f;
}

TEST(Subsequences, EnterHysteresisIgnoresShortTracks) {
  // Track 1 is a two-frame flicker; track 2 a real newcomer at frame 6.
  const Frames f = Sequence({{0}, {0, 1}, {0, 1}, {0}, {0}, {0}, {0, 2}, {0, 2}, {0, 2}, {0, 2}});
  SubsequenceOptions o = SubsequenceOptions::Paper();
  o.min_track_frames = 3;
  EXPECT_EQ(SplitSubsequences(f, o), (std::vector<Subsequence>{{0, 5, {0}}, {6, 9, {0, 2}}}));
  o.min_track_frames = 1;
  EXPECT_EQ(SplitSubsequences(f, o).size(), 4u);
}

TEST(Subsequences, OnlyEntriesSplitWhenExitsDoNot) {
  // 0 and 1 at the start, 1 leaves at frame 3, 2 enters at frame 6: the paper splits twice,
  // entries-only once, and the first sub-sequence keeps track 1 as a candidate.
  const Frames f = Sequence({{0, 1}, {0, 1}, {0, 1}, {0}, {0}, {0}, {0, 2}, {0, 2}});
  SubsequenceOptions o = SubsequenceOptions::Paper();
  EXPECT_EQ(SplitSubsequences(f, o), (std::vector<Subsequence>{{0, 2, {0, 1}}, {3, 5, {0}}, {6, 7, {0, 2}}}));
  o.split_on_exit = false;
  EXPECT_EQ(SplitSubsequences(f, o), (std::vector<Subsequence>{{0, 5, {0, 1}}, {6, 7, {0, 2}}}));
}

TEST(Subsequences, BridgedAbsenceCarriesTheSetOver) {
  // Track 1 missed in frames 2-3 but detected again at 4: one sub-sequence when bridged.
  const Frames f = Sequence({{0, 1}, {0, 1}, {0}, {0}, {0, 1}, {0, 1}});
  SubsequenceOptions o = SubsequenceOptions::Paper();
  EXPECT_EQ(SplitSubsequences(f, o), (std::vector<Subsequence>{{0, 5, {0, 1}}}));
  o.bridge_gaps = false;
  EXPECT_EQ(SplitSubsequences(f, o).size(), 3u);
}

TEST(Subsequences, QuietLabelsJoinWithoutSplitting) {
  Frames f = Sequence({{0}, {0}, {0}, {0, 1}, {0, 1}, {0, 1}});
  for (size_t t = 3; t < f.size(); ++t) f[t][1].label = "billboard";
  SubsequenceOptions o = SubsequenceOptions::Paper();
  o.split_on_exit = false;
  EXPECT_EQ(SplitSubsequences(f, o).size(), 2u);
  EXPECT_EQ(SplitSubsequences(f, o, {}, {"billboard"}), (std::vector<Subsequence>{{0, 5, {0, 1}}}));
}

TEST(Subsequences, RegimeChangesSplitOnlyWhenTheyHold) {
  const Frames f = Labelled({{0}, {0}, {0}, {0}, {0}, {0}, {0}, {0}, {0}, {0}}, "car");
  const std::vector<std::string> regimes = {"cruise", "cruise", "brake", "cruise", "cruise",
                                            "cruise", "brake",  "brake", "brake",  "brake"};
  SubsequenceOptions o = SubsequenceOptions::Paper();
  o.split_on_regime = true;
  o.regime_min_frames = 3;
  // The one-frame brake at 2 does not hold; the one from 6 on does.
  EXPECT_EQ(SplitSubsequences(f, o, regimes), (std::vector<Subsequence>{{0, 5, {0}}, {6, 9, {0}}}));
  o.regime_min_frames = 1;
  EXPECT_EQ(SplitSubsequences(f, o, regimes).size(), 4u);
  o.split_on_regime = false;
  EXPECT_EQ(SplitSubsequences(f, o, regimes).size(), 1u);
  EXPECT_THROW(SplitSubsequences(f, o, {"a"}), Error);
  EXPECT_EQ(StableRegimes({"a", "b", "a", "a", "c", "c"}, 2),
            (std::vector<std::string>{"a", "a", "a", "a", "c", "c"}));
}

TEST(Subsequences, MaxLengthCutsLongOnesIntoEqualParts) {
  const Frames f = Sequence(std::vector<std::vector<int>>(10, {0}));
  SubsequenceOptions o = SubsequenceOptions::Paper();
  o.max_length = 4;
  EXPECT_EQ(SplitSubsequences(f, o), (std::vector<Subsequence>{{0, 2, {0}}, {3, 5, {0}}, {6, 9, {0}}}));
  o.max_length = -1;
  EXPECT_THROW(o.Check(), Error);
}

TEST(Subsequences, DefaultsAreTheMeasuredOnes) {
  const SubsequenceOptions d;
  EXPECT_FALSE(d.split_on_exit);
  EXPECT_TRUE(d.split_on_regime);
  EXPECT_GT(d.min_length, 1);
  EXPECT_GT(d.min_track_frames, 1);
  const SubsequenceOptions p = SubsequenceOptions::Paper();
  EXPECT_TRUE(p.split_on_exit);
  EXPECT_FALSE(p.split_on_regime);
  EXPECT_EQ(p.min_length, 1);
  EXPECT_EQ(p.min_track_frames, 1);
  EXPECT_EQ(p.max_length, 0);
}

}  // namespace
}  // namespace autofocus

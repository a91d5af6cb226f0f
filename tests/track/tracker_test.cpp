#include "core/track/tracker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

#include "core/base/error.h"

namespace autofocus {
namespace {

using Frames = std::vector<std::vector<Detection>>;

Detection Det(float x1, float y1, float x2, float y2, const std::string& label = "person") {
  Detection d;
  d.box = {x1, y1, x2, y2};
  d.label = label;
  return d;
}

// The ids of every frame, in detection order.
std::vector<std::vector<int>> Ids(const TrackResult& r) {
  std::vector<std::vector<int>> ids;
  for (const auto& f : r.frames) {
    ids.emplace_back();
    for (const auto& d : f) ids.back().push_back(d.id);
  }
  return ids;
}

TrackerOptions Greedy() {
  TrackerOptions o = TrackerOptions::Paper();
  o.mode = TrackerMode::kGreedy;
  return o;
}

// Two pedestrians, a short one (A) in front of a tall one (B), moving so that in frame 1 the
// box of A grows and B's shifts. IoUs frame 0 -> frame 1: A-d1 0.5, B-d1 0.8, A-d2 0.3,
// B-d2 0.75. Greedy takes the single best pair B-d1 first and then A-d2: both IDs swap.
// The optimal assignment keeps A-d1 + B-d2 (total IoU 1.25 > 1.1).
Frames CrossingScene() {
  return {{Det(10, 7, 16, 11), Det(10, 7, 16, 17)},   // A, B
          {Det(10, 7, 16, 15), Det(9, 7, 17, 17)}};  // d1 (A), d2 (B)
}

TEST(Tracker, CrossingScenePairsHaveTheDesignedIoUs) {
  const Frames f = CrossingScene();
  EXPECT_FLOAT_EQ(IoU(f[0][0].box, f[1][0].box), 0.5f);
  EXPECT_FLOAT_EQ(IoU(f[0][1].box, f[1][0].box), 0.8f);
  EXPECT_FLOAT_EQ(IoU(f[0][0].box, f[1][1].box), 0.3f);
  EXPECT_FLOAT_EQ(IoU(f[0][1].box, f[1][1].box), 0.75f);
}

TEST(Tracker, HungarianKeepsIdentitiesThatGreedySwaps) {
  // Same threshold for both, so the difference is the algorithm alone.
  TrackerOptions hungarian = TrackerOptions::Paper();
  hungarian.iou_threshold = 0.25f;
  TrackerOptions greedy = Greedy();
  greedy.iou_threshold = 0.25f;
  EXPECT_EQ(Ids(Track(CrossingScene(), hungarian)), (std::vector<std::vector<int>>{{0, 1}, {0, 1}}));
  EXPECT_EQ(Ids(Track(CrossingScene(), greedy)), (std::vector<std::vector<int>>{{0, 1}, {1, 0}}));
  // And with each mode's defaults (0.3 / 0.2).
  EXPECT_EQ(Ids(Track(CrossingScene(), TrackerOptions::Paper())),
            (std::vector<std::vector<int>>{{0, 1}, {0, 1}}));
  EXPECT_EQ(Ids(Track(CrossingScene(), Greedy())), (std::vector<std::vector<int>>{{0, 1}, {1, 0}}));
}

TEST(Tracker, DefaultThresholdDependsOnMode) {
  EXPECT_FLOAT_EQ(TrackerOptions::Paper().IouThreshold(), 0.3f);
  EXPECT_FLOAT_EQ(Greedy().IouThreshold(), 0.2f);
  TrackerOptions o = Greedy();
  o.iou_threshold = 0.6f;
  EXPECT_FLOAT_EQ(o.IouThreshold(), 0.6f);
  // IoU 0.25 (100 / 400): continued by greedy (0.2), a new track for hungarian (0.3).
  const Frames f = {{Det(0, 0, 10, 25)}, {Det(0, 15, 10, 40)}};
  ASSERT_FLOAT_EQ(IoU(f[0][0].box, f[1][0].box), 0.25f);
  EXPECT_EQ(Ids(Track(f, Greedy())), (std::vector<std::vector<int>>{{0}, {0}}));
  EXPECT_EQ(Ids(Track(f, TrackerOptions::Paper())), (std::vector<std::vector<int>>{{0}, {1}}));
}

TEST(Tracker, MaxGapBridgesMissedDetections) {
  // One object, missed in frame 2 (one frame) and in frames 5-6 (two frames); a second object
  // appears in frame 3.
  const Frames f = {{Det(0, 0, 10, 10)}, {Det(1, 0, 11, 10)}, {},
                    {Det(2, 0, 12, 10), Det(50, 50, 60, 60)}, {Det(3, 0, 13, 10)}, {}, {},
                    {Det(4, 0, 14, 10)}};
  TrackerOptions o = TrackerOptions::Paper();
  EXPECT_EQ(Ids(Track(f, o)), (std::vector<std::vector<int>>{{0}, {0}, {}, {1, 2}, {1}, {}, {}, {3}}));
  o.max_gap = 1;
  const TrackResult one = Track(f, o);
  EXPECT_EQ(Ids(one), (std::vector<std::vector<int>>{{0}, {0}, {}, {0, 1}, {0}, {}, {}, {2}}));
  ASSERT_EQ(one.tracks.size(), 3u);
  EXPECT_EQ(one.tracks[0].first_frame, 0);
  EXPECT_EQ(one.tracks[0].last_frame, 4);
  EXPECT_EQ(one.tracks[0].length, 4);
  o.max_gap = 2;
  EXPECT_EQ(Ids(Track(f, o)), (std::vector<std::vector<int>>{{0}, {0}, {}, {0, 1}, {0}, {}, {}, {0}}));
  // Greedy honours max_gap too (its default 0 is the reference behaviour).
  TrackerOptions g = Greedy();
  g.max_gap = 1;
  EXPECT_EQ(Ids(Track(f, g)), (std::vector<std::vector<int>>{{0}, {0}, {}, {0, 1}, {0}, {}, {}, {2}}));
}

TEST(Tracker, LabelGating) {
  const Frames f = {{Det(0, 0, 10, 10, "car")}, {Det(0, 0, 10, 10, "pedestrian")},
                    {Det(0, 0, 10, 10, "pedestrian")}};
  for (TrackerMode mode : {TrackerMode::kHungarian, TrackerMode::kGreedy}) {
    TrackerOptions o = TrackerOptions::Paper();
    o.mode = mode;
    const TrackResult gated = Track(f, o);
    EXPECT_EQ(Ids(gated), (std::vector<std::vector<int>>{{0}, {1}, {1}}));
    ASSERT_EQ(gated.tracks.size(), 2u);
    EXPECT_EQ(gated.tracks[1].label, "pedestrian");
    o.label_gating = false;
    const TrackResult open = Track(f, o);
    EXPECT_EQ(Ids(open), (std::vector<std::vector<int>>{{0}, {0}, {0}}));
    ASSERT_EQ(open.tracks.size(), 1u);
    EXPECT_EQ(open.tracks[0].label, "car");  // the first detection's label
  }
}

TEST(Tracker, GatedLabelsDoNotCompete) {
  // A car and a person at the same place in both frames: each continues its own track even
  // though the cross-label IoU is higher.
  const Frames f = {{Det(0, 0, 10, 10, "car"), Det(2, 0, 12, 10, "person")},
                    {Det(2, 0, 12, 10, "car"), Det(0, 0, 10, 10, "person")}};
  EXPECT_EQ(Ids(Track(f, TrackerOptions::Paper())), (std::vector<std::vector<int>>{{0, 1}, {0, 1}}));
  TrackerOptions open = TrackerOptions::Paper();
  open.label_gating = false;
  EXPECT_EQ(Ids(Track(f, open)), (std::vector<std::vector<int>>{{0, 1}, {1, 0}}));
}

TEST(Tracker, ZeroDetections) {
  EXPECT_TRUE(Track({}, TrackerOptions::Paper()).frames.empty());
  const TrackResult r = Track(Frames(4), TrackerOptions::Paper());
  EXPECT_EQ(r.frames.size(), 4u);
  EXPECT_TRUE(r.tracks.empty());
  for (const auto& frame : r.frames) EXPECT_TRUE(frame.empty());
  // Empty frames in between end tracks (max_gap 0).
  const Frames f = {{Det(0, 0, 10, 10)}, {}, {Det(0, 0, 10, 10)}};
  EXPECT_EQ(Ids(Track(f, TrackerOptions::Paper())), (std::vector<std::vector<int>>{{0}, {}, {1}}));
}

TEST(Tracker, MinTrackLengthRemovesShortTracksAndRenumbers) {
  // Track a: frames 0-2 (length 3), b: frame 0 only (1), c: frames 1-2 (2).
  const Frames f = {{Det(100, 0, 110, 10), Det(0, 0, 10, 10)},
                    {Det(50, 0, 60, 10), Det(100, 0, 110, 10)},
                    {Det(100, 0, 110, 10), Det(50, 0, 60, 10)}};
  TrackerOptions o = TrackerOptions::Paper();
  EXPECT_EQ(Ids(Track(f, o)), (std::vector<std::vector<int>>{{0, 1}, {2, 0}, {0, 2}}));
  o.min_track_length = 2;
  const TrackResult r = Track(f, o);
  EXPECT_EQ(Ids(r), (std::vector<std::vector<int>>{{0}, {1, 0}, {0, 1}}));
  EXPECT_EQ(r.source_index, (std::vector<std::vector<int>>{{0}, {0, 1}, {0, 1}}));
  ASSERT_EQ(r.tracks.size(), 2u);
  EXPECT_EQ(r.tracks[1].id, 1);
  EXPECT_EQ(r.tracks[1].first_frame, 1);
  EXPECT_EQ(r.tracks[1].length, 2);
  EXPECT_EQ(r.frames[1][0].box, (Box{50, 0, 60, 10}));
  o.min_track_length = 4;
  const TrackResult none = Track(f, o);
  EXPECT_TRUE(none.tracks.empty());
  EXPECT_EQ(Ids(none), (std::vector<std::vector<int>>{{}, {}, {}}));
}

TEST(Tracker, OptionsAreChecked) {
  TrackerOptions o = TrackerOptions::Paper();
  EXPECT_NO_THROW(o.Check());
  o.iou_threshold = 0.f;
  EXPECT_THROW(o.Check(), Error);
  o.iou_threshold = 1.5f;
  EXPECT_THROW(o.Check(), Error);
  o = TrackerOptions::Paper();
  o.max_gap = -1;
  EXPECT_THROW(o.Check(), Error);
  o = TrackerOptions::Paper();
  o.min_track_length = 0;
  EXPECT_THROW(Track({}, o), Error);
  EXPECT_EQ(ParseTrackerMode("greedy"), TrackerMode::kGreedy);
  EXPECT_EQ(TrackerModeName(TrackerMode::kHungarian), "hungarian");
  EXPECT_THROW(ParseTrackerMode("sort"), Error);
}

TEST(Tracker, RejectsInvalidBoxesNamingTheField) {
  const Frames inverted = {{Det(0, 0, 10, 10)}, {Det(0, 0, 10, 10), Det(10, 0, 5, 10)}};
  try {
    Track(inverted, TrackerOptions::Paper());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "frames[1].detections[1].box");
    EXPECT_EQ(e.reason(), "negative width (x2 < x1)");
  }
  const Frames nan = {{Det(0, std::nanf(""), 10, 10)}};
  EXPECT_THROW(Track(nan, TrackerOptions::Paper()), Error);
}

TEST(Tracker, ReportsProgressAndStops) {
  const Frames f(5, std::vector<Detection>{Det(0, 0, 10, 10)});
  std::vector<int64_t> done;
  Track(f, TrackerOptions::Paper(), [&](const Progress& p) { done.push_back(p.done); });
  EXPECT_EQ(done, (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_THROW(Track(f, TrackerOptions::Paper(), {}, [] { return true; }), Cancelled);
}

// 1000 objects on a 40 x 25 grid, three labels, drifting 2 px per frame, listed in a different
// random order every frame. Every object must keep the ID it got in frame 0 (= its position in
// frame 0's list).
TEST(Tracker, ThousandDetectionsPerFrameAreCorrectAndFast) {
  const int kObjects = 1000, kFrames = 60;
  std::mt19937 rng(99);
  Frames frames(kFrames);
  std::vector<std::vector<int>> object_of(kFrames);  // object index of each detection
  for (int t = 0; t < kFrames; ++t) {
    std::vector<int> order(kObjects);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    for (int k : order) {
      const float x = 30.f * (k % 40) + 2.f * t, y = 30.f * (k / 40) + 1.f * t;
      frames[t].push_back(Det(x, y, x + 20, y + 20, k % 3 == 0 ? "car" : k % 3 == 1 ? "person" : "sign"));
    }
    object_of[t] = order;
  }
  std::vector<int> id_of_object(kObjects);
  for (int i = 0; i < kObjects; ++i) id_of_object[object_of[0][i]] = i;

  for (TrackerMode mode : {TrackerMode::kHungarian, TrackerMode::kGreedy}) {
    TrackerOptions o = TrackerOptions::Paper();
    o.mode = mode;
    const auto start = std::chrono::steady_clock::now();
    const TrackResult r = Track(frames, o);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_EQ(r.tracks.size(), static_cast<size_t>(kObjects)) << TrackerModeName(mode);
    for (int t = 0; t < kFrames; ++t) {
      ASSERT_EQ(r.frames[t].size(), static_cast<size_t>(kObjects));
      for (int i = 0; i < kObjects; ++i) {
        ASSERT_EQ(r.frames[t][i].id, id_of_object[object_of[t][i]]) << "frame " << t << " det " << i;
      }
    }
    EXPECT_EQ(r.tracks[5].length, kFrames);
    // 60k detections; measured 0.085 s (hungarian) / 0.046 s (greedy) in RelWithDebInfo. The
    // generous bound only catches an accidental O(n^2) or O(n^3) per frame.
    EXPECT_LT(seconds, 3.0) << TrackerModeName(mode);
    RecordProperty(TrackerModeName(mode) + "_seconds", std::to_string(seconds));
  }
}

// 60 boxes 1 px apart all chain into one connected group (each overlaps its neighbours with
// IoU >= 0.3), so the frame is one dense 60 x 60 problem. Every object moves 0.5 px and the
// detections come in reverse order; the unique optimum is the identity.
TEST(Tracker, OverlappingClusterIsSolvedExactly) {
  Frames f(2);
  for (int k = 0; k < 60; ++k) f[0].push_back(Det(static_cast<float>(k), 0, k + 20.f, 20));
  for (int k = 59; k >= 0; --k) f[1].push_back(Det(k + 0.5f, 0, k + 20.5f, 20));
  const TrackResult r = Track(f, TrackerOptions::Paper());
  for (int i = 0; i < 60; ++i) EXPECT_EQ(r.frames[1][i].id, 59 - i);
}


// A 10 x 10 box moving 4 px per frame (IoU 0.43 between neighbouring frames, 0.11 across a
// one-frame gap), missed in frames 3, 6 and 7.
Frames FastFlickeringObject() {
  Frames f(12);
  for (int t = 0; t < 12; ++t) {
    if (t == 3 || t == 6 || t == 7) continue;
    f[t].push_back(Det(4.f * t, 0, 4.f * t + 10, 10));
  }
  return f;
}

TEST(Tracker, DefaultKeepsAFlickeringFastObjectInOneTrack) {
  const Frames f = FastFlickeringObject();
  const TrackResult r = Track(f, TrackerOptions{});
  ASSERT_EQ(r.tracks.size(), 1u);
  EXPECT_EQ(r.tracks[0].first_frame, 0);
  EXPECT_EQ(r.tracks[0].last_frame, 11);
  EXPECT_EQ(r.tracks[0].length, 9);
  // Without motion the gap-bridged last box no longer overlaps enough: three tracks.
  TrackerOptions still = TrackerOptions::Paper();
  still.max_gap = 3;
  EXPECT_EQ(Ids(Track(f, still)),
            (std::vector<std::vector<int>>{{0}, {0}, {0}, {}, {1}, {1}, {}, {}, {2}, {2}, {2}, {2}}));
  // The paper (no gaps) splits at every miss as well.
  EXPECT_EQ(Track(f, TrackerOptions::Paper()).tracks.size(), 3u);
}

// Two same-label 20 x 20 boxes moving towards each other at 4 px per frame; they cross between
// frames 6 and 9 (IoU 1.0 with the other's last box at frame 8).
Frames CrossingBoxes() {
  Frames f(16);
  for (int t = 0; t < 16; ++t) {
    f[t].push_back(Det(4.f * t, 0, 4.f * t + 20, 20, "car"));         // A, left to right
    f[t].push_back(Det(60 - 4.f * t, 0, 80 - 4.f * t, 20, "car"));    // B, right to left
  }
  return f;
}

TEST(Tracker, ConstantVelocityKeepsIdentitiesOfCrossingBoxes) {
  const Frames f = CrossingBoxes();
  const auto ids = Ids(Track(f, TrackerOptions{}));
  for (int t = 0; t < 16; ++t) EXPECT_EQ(ids[t], (std::vector<int>{0, 1})) << "frame " << t;
  // Matching against the last box swaps them when they overlap most.
  const auto paper = Ids(Track(f, TrackerOptions::Paper()));
  EXPECT_EQ(paper[7], (std::vector<int>{0, 1}));
  EXPECT_EQ(paper[8], (std::vector<int>{1, 0}));
}

TEST(Tracker, LowScoreDetectionsContinueTracksButNeverStartThem) {
  Frames f = {{Det(0, 0, 10, 10)}, {Det(1, 0, 11, 10), Det(50, 50, 60, 60)}, {Det(2, 0, 12, 10)},
              {Det(3, 0, 13, 10)}};
  f[1][1].score = 0.3f;  // a lone low-score box: no track
  f[2][0].score = 0.3f;  // the object, blurred: continues its track in the second stage
  TrackerOptions o;
  o.min_track_length = 1;
  EXPECT_EQ(Ids(Track(f, o)), (std::vector<std::vector<int>>{{0}, {0}, {0}, {0}}));
  // One stage: the lone box is a track of its own.
  o.high_score = 0;
  EXPECT_EQ(Ids(Track(f, o)), (std::vector<std::vector<int>>{{0}, {0, 1}, {0}, {0}}));
}

TEST(Tracker, TentativeTracksDoNotBridgeGaps) {
  const Frames f = {{Det(0, 0, 10, 10)}, {}, {Det(0, 0, 10, 10)}, {Det(0, 0, 10, 10)}, {},
                    {Det(0, 0, 10, 10)}};
  TrackerOptions o;
  o.min_track_length = 1;
  // One hit is not a confirmed track: the frame-2 box starts a new one, which is confirmed by
  // frame 3 and then bridges the gap at frame 4.
  EXPECT_EQ(Ids(Track(f, o)), (std::vector<std::vector<int>>{{0}, {}, {1}, {1}, {}, {1}}));
  o.confirm_hits = 1;
  EXPECT_EQ(Ids(Track(f, o)), (std::vector<std::vector<int>>{{0}, {}, {0}, {0}, {}, {0}}));
  // min_track_length (default 2) then drops the one-hit track.
  TrackerOptions d;
  EXPECT_EQ(Ids(Track(f, d)), (std::vector<std::vector<int>>{{}, {}, {0}, {0}, {}, {0}}));
}

TEST(Tracker, PaperPresetAndNewOptionsAreChecked) {
  const TrackerOptions p = TrackerOptions::Paper();
  EXPECT_EQ(p.mode, TrackerMode::kHungarian);
  EXPECT_EQ(p.max_gap, 0);
  EXPECT_EQ(p.min_track_length, 1);
  EXPECT_EQ(p.motion, MotionModel::kNone);
  EXPECT_EQ(p.high_score, 0.f);
  EXPECT_EQ(p.confirm_hits, 1);
  EXPECT_EQ(ParseMotionModel("constant_velocity"), MotionModel::kConstantVelocity);
  EXPECT_EQ(MotionModelName(MotionModel::kNone), "none");
  EXPECT_THROW(ParseMotionModel("kalman"), Error);
  TrackerOptions o;
  o.velocity_smoothing = 0;
  EXPECT_THROW(o.Check(), Error);
  o = TrackerOptions{};
  o.high_score = 1.5f;
  EXPECT_THROW(o.Check(), Error);
  o = TrackerOptions{};
  o.confirm_hits = 0;
  EXPECT_THROW(o.Check(), Error);
}

}  // namespace
}  // namespace autofocus

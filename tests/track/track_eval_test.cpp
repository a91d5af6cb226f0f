#include "core/track/track_eval.h"

#include <gtest/gtest.h>

#include "core/base/error.h"

namespace autofocus {
namespace {

using Frames = std::vector<std::vector<Detection>>;

Detection Det(float x, int id) {
  Detection d;
  d.box = {x, 0, x + 10, 10};
  d.label = "car";
  d.id = id;
  return d;
}

// Ground truth: objects 10 (at x=0) and 20 (at x=100) in frames 0-2, object 10 alone in frame 3.
// Prediction: the tracker swaps its IDs 0 and 1 in frame 2 and adds a false positive (id 5,
// far away) in frame 3.
TEST(TrackEval, SmallExampleExactCounts) {
  const Frames gt = {{Det(0, 10), Det(100, 20)},
                     {Det(0, 10), Det(100, 20)},
                     {Det(0, 10), Det(100, 20)},
                     {Det(0, 10)}};
  const Frames pred = {{Det(0, 0), Det(100, 1)},
                       {Det(100, 1), Det(0, 0)},
                       {Det(0, 1), Det(100, 0)},
                       {Det(0, 1), Det(500, 5)}};
  const TrackEvalResult r = EvaluateTracking(pred, gt);
  // Co-occurrences: (10,0) 2, (10,1) 2, (20,1) 2, (20,0) 1. Best one-to-one ID matching:
  // 10-0 and 20-1, IDTP 4 (the other, 10-1 and 20-0, gives 3).
  EXPECT_EQ(r.idtp, 4);
  EXPECT_EQ(r.idfp, 4);  // 8 predictions
  EXPECT_EQ(r.idfn, 3);  // 7 ground-truth boxes
  EXPECT_DOUBLE_EQ(r.idf1, 8.0 / 15.0);
  EXPECT_DOUBLE_EQ(r.idp, 0.5);
  EXPECT_DOUBLE_EQ(r.idr, 4.0 / 7.0);
  EXPECT_EQ(r.num_gt, 7);
  EXPECT_EQ(r.num_pred, 8);
  EXPECT_EQ(r.tp, 7);
  EXPECT_EQ(r.fp, 1);
  EXPECT_EQ(r.fn, 0);
  EXPECT_EQ(r.id_switches, 2);  // both objects switch in frame 2
  EXPECT_DOUBLE_EQ(r.mota, 1.0 - 3.0 / 7.0);
  EXPECT_DOUBLE_EQ(r.motp, 1.0);
}

TEST(TrackEval, PerfectTrackingScoresOne) {
  const Frames gt = {{Det(0, 3), Det(50, 4)}, {Det(1, 3)}};
  const Frames pred = {{Det(50, 9), Det(0, 8)}, {Det(1, 8)}};
  const TrackEvalResult r = EvaluateTracking(pred, gt);
  EXPECT_EQ(r.idtp, 3);
  EXPECT_DOUBLE_EQ(r.idf1, 1.0);
  EXPECT_DOUBLE_EQ(r.mota, 1.0);
  EXPECT_EQ(r.id_switches, 0);
}

TEST(TrackEval, OverlapBelowThresholdIsAMiss) {
  // IoU of [0,10] and [5,15] is 50 / 150 = 1/3 < 0.5.
  const Frames gt = {{Det(0, 1)}};
  const Frames pred = {{Det(5, 1)}};
  const TrackEvalResult r = EvaluateTracking(pred, gt);
  EXPECT_EQ(r.tp, 0);
  EXPECT_EQ(r.fp, 1);
  EXPECT_EQ(r.fn, 1);
  EXPECT_EQ(r.idtp, 0);
  EXPECT_DOUBLE_EQ(r.idf1, 0.0);
  EXPECT_DOUBLE_EQ(r.mota, -1.0);
  TrackEvalOptions loose;
  loose.iou_threshold = 0.3f;
  const TrackEvalResult l = EvaluateTracking(pred, gt, loose);
  EXPECT_EQ(l.tp, 1);
  EXPECT_DOUBLE_EQ(l.idf1, 1.0);
  EXPECT_NEAR(l.motp, 1.0 / 3.0, 1e-6);
}

TEST(TrackEval, EmptyInputs) {
  const TrackEvalResult r = EvaluateTracking(Frames(2), Frames(2));
  EXPECT_EQ(r.num_gt, 0);
  EXPECT_DOUBLE_EQ(r.idf1, 1.0);
  EXPECT_DOUBLE_EQ(r.mota, 1.0);
}

TEST(TrackEval, RejectsInconsistentInput) {
  EXPECT_THROW(EvaluateTracking(Frames(2), Frames(3)), Error);
  try {
    EvaluateTracking({{Det(0, 1), Det(50, 1)}}, {{}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "predicted.frames[0].detections[1].id");
  }
  EXPECT_THROW(EvaluateTracking({{}}, {{Det(0, -1)}}), Error);
  TrackEvalOptions bad;
  bad.iou_threshold = 0;
  EXPECT_THROW(bad.Check(), Error);
}

}  // namespace
}  // namespace autofocus

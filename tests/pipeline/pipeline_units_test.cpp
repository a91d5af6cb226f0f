#include <gtest/gtest.h>

#include "core/base/error.h"
#include "core/pipeline/action_description.h"
#include "core/pipeline/pipeline.h"
#include "core/pipeline/pipeline_options.h"
#include "core/pipeline/thread_pool.h"

namespace autofocus {
namespace {

TEST(SampleFrameIndices, MatchesNumpyLinspaceTruncation) {
  // numpy: np.linspace(0, 199, 25).astype(int)
  EXPECT_EQ(SampleFrameIndices(200, 25, 0),
            (std::vector<int>{0, 8, 16, 24, 33, 41, 49, 58, 66, 74, 82, 91, 99, 107, 116, 124,
                              132, 140, 149, 157, 165, 174, 182, 190, 199}));
  // np.linspace(0, 9, 4).astype(int) = [0, 3, 6, 9]
  EXPECT_EQ(SampleFrameIndices(10, 4, 0), (std::vector<int>{0, 3, 6, 9}));
  EXPECT_EQ(SampleFrameIndices(3, 25, 0), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(SampleFrameIndices(10, 1, 0), (std::vector<int>{0}));
  EXPECT_EQ(SampleFrameIndices(10, 25, 4), (std::vector<int>{0, 4, 8}));
  EXPECT_TRUE(SampleFrameIndices(0, 25, 0).empty());
}

TEST(DescribeRecentActions, DrivingPhrases) {
  const std::vector<std::string> names = {"throttle", "steer", "brake"};
  std::vector<std::vector<float>> a(10, {0.5f, 0.f, 0.f});
  EXPECT_EQ(DescribeRecentActions(a, 9, names), "cruising");
  a[9] = {0.f, 0.f, 0.3f};
  EXPECT_EQ(DescribeRecentActions(a, 9, names), "preparing to stop");
  for (auto& x : a) x = {0.f, 0.f, 1.f};
  EXPECT_EQ(DescribeRecentActions(a, 9, names), "stopped or braking hard");
  for (auto& x : a) x = {0.4f, -0.3f, 0.f};
  EXPECT_EQ(DescribeRecentActions(a, 9, names), "executing left turn");
  for (auto& x : a) x = {0.4f, 0.3f, 0.f};
  EXPECT_EQ(DescribeRecentActions(a, 9, names), "executing right turn");
  EXPECT_EQ(DescribeRecentActions({{1.f, 2.5f}}, 0, {"x", "y"}), "current action: x=1.000 y=2.500");
}

// Ten frames of full braking (standstill), then throttle 0.5: the trailing 5-frame window says
// "speeding up" only once the brake frames have left it (frame 14); looking ahead moves that
// label forward by the lookahead, to frame 10 at lookahead 4.
TEST(ActionRegimeLabels, LookaheadMovesTheChangeToWhereTheActionChanged) {
  ActionSpec spec;
  for (const char* n : {"throttle", "steer", "brake"}) {
    ActionDim d;
    d.name = n;
    d.has_range = true;
    d.max = 1.0;
    spec.dims.push_back(d);
  }
  std::vector<std::vector<float>> a(10, {0.f, 0.f, 1.f});
  a.resize(20, {0.5f, 0.f, 0.f});
  auto first_speeding_up = [&](int lookahead) {
    const auto labels = ActionRegimeLabels(a, spec, "longitudinal", 0.0, lookahead);
    EXPECT_EQ(labels.size(), a.size());
    EXPECT_EQ(labels.front(), "stopped or braking hard");
    EXPECT_EQ(labels.back(), "speeding up");
    for (size_t t = 0; t < labels.size(); ++t) {
      if (labels[t] == "speeding up") return static_cast<int>(t);
    }
    return -1;
  };
  EXPECT_EQ(first_speeding_up(0), 14);
  EXPECT_EQ(first_speeding_up(3), 11);
  EXPECT_EQ(first_speeding_up(4), 10);
  // The jump (brake 1 -> 0, throttle 0 -> 0.5) starts a new label at frame 10 whatever the window.
  const auto jumps = ActionRegimeLabels(a, spec, "longitudinal", 0.05, 0);
  EXPECT_EQ(jumps[9], "stopped or braking hard");
  EXPECT_EQ(jumps[10], "preparing to stop#1");
  EXPECT_EQ(jumps[19], "speeding up#1");
  EXPECT_EQ(ActionRegimeLabels(a, spec, "none", 0.0, 3), std::vector<std::string>(20, ""));
}

TEST(PipelineOptions, JsonRoundTripAndValidation) {
  PipelineOptions o;
  o.sample_frames = 16;
  o.context_scope = PipelineOptions::ContextScope::kPerGroup;
  o.tracker.max_gap = 2;
  o.saliency.window = 3;
  const PipelineOptions back = PipelineOptions::FromJson(o.ToJson(), "opts.json");
  EXPECT_EQ(back.ToJson(), o.ToJson());

  try {
    PipelineOptions::FromJson({{"sample_frame", 3}}, "opts.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "opts.json: sample_frame: unknown option");
  }
  try {
    PipelineOptions::FromJson({{"missing_rerun_cap", -1}}, "opts.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "opts.json: missing_rerun_cap: must be >= 0");
  }
  EXPECT_THROW(PipelineOptions::FromJson({{"context_scope", "per_task"}}, "o.json"), Error);
  EXPECT_THROW(PipelineOptions::FromJson({{"regime_lookahead", 5}}, "o.json"), Error);
  EXPECT_EQ(PipelineOptions::Paper().regime_lookahead, 0);
  EXPECT_THROW(PipelineOptions::FromJson({{"tracker", {{"mode", "fancy"}}}}, "o.json"), Error);
}

TEST(ThreadPool, ParallelForRunsEverythingAndRethrows) {
  ThreadPool pool(3);
  std::vector<int> out(100, 0);
  ParallelFor(pool, out.size(), [&](size_t i) { out[i] = static_cast<int>(i * i); });
  for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i], static_cast<int>(i * i));
  std::atomic<int> ran{0};
  EXPECT_THROW(ParallelFor(pool, 10,
                           [&](size_t i) {
                             ++ran;
                             if (i == 3) throw Error("", "", "boom");
                           }),
               Error);
  EXPECT_EQ(ran.load(), 10);  // every task ran before the error surfaced
}

}  // namespace
}  // namespace autofocus

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

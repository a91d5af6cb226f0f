#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "core/base/error.h"
#include "core/dataset/frame_source.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {
using testing::TempDir;

cv::Mat Solid(int v) { return cv::Mat(18, 32, CV_8UC3, cv::Scalar(v, v / 2, 255 - v)); }

TEST(FrameSource, ImageFilesReadLazilyAndReportBadFiles) {
  TempDir dir;
  cv::imwrite((dir / "0.png").string(), Solid(10));
  testing::WriteText(dir / "1.png", "not a png");
  FrameSourceRef ref;
  ref.files = {"0.png", "1.png", "2.png"};
  auto src = OpenFrameSource(ref, dir.path());
  EXPECT_EQ(src->NumFrames(), 3);
  EXPECT_EQ(src->Read(0).at<cv::Vec3b>(0, 0), cv::Vec3b(10, 5, 245));
  try {
    src->Read(1);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.reason(), "image does not decode");
    EXPECT_NE(e.file().find("1.png"), std::string::npos);
  }
  try {
    src->Read(2);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.reason(), "no such file");
  }
}

TEST(FrameSource, VideoReadsForwardAndBackward) {
  TempDir dir;
  const auto path = dir / "v.avi";
  cv::VideoWriter w(path.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10, cv::Size(32, 18));
  ASSERT_TRUE(w.isOpened());
  for (int i = 0; i < 5; ++i) w.write(Solid(40 * i));
  w.release();
  EXPECT_EQ(ProbeVideo(path).frames, 5);
  FrameSourceRef ref;
  ref.kind = FrameSourceRef::Kind::kVideo;
  ref.file = "v.avi";
  auto src = OpenFrameSource(ref, dir.path());
  ASSERT_EQ(src->NumFrames(), 5);
  // MJPG is lossy: compare with a tolerance.
  EXPECT_NEAR(src->Read(3).at<cv::Vec3b>(9, 16)[0], 120, 6);
  EXPECT_NEAR(src->Read(1).at<cv::Vec3b>(9, 16)[0], 40, 6);
  EXPECT_THROW(src->Read(5), Error);
}

TEST(FrameCache, EvictsLeastRecentlyUsedWithinBudget) {
  const size_t frame_bytes = 18 * 32 * 3;
  FrameCache cache(frame_bytes * 2);
  int loads = 0;
  auto loader = [&](int v) { return [&, v] { ++loads; return Solid(v); }; };
  cache.Get("e", 0, loader(0));
  cache.Get("e", 1, loader(1));
  cache.Get("e", 0, loader(0));  // hit; 1 is now least recent
  cache.Get("e", 2, loader(2));  // evicts 1
  EXPECT_EQ(loads, 3);
  EXPECT_LE(cache.bytes(), frame_bytes * 2);
  cache.Get("e", 0, loader(0));
  EXPECT_EQ(loads, 3);
  cache.Get("e", 1, loader(1));
  EXPECT_EQ(loads, 4);
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 4u);
}

}  // namespace
}  // namespace autofocus

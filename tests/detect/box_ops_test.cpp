#include "core/detect/box_ops.h"

#include <gtest/gtest.h>

#include "core/base/error.h"

namespace autofocus {
namespace {

Detection Det(float x1, float y1, float x2, float y2, const std::string& label, float score) {
  Detection d;
  d.box = {x1, y1, x2, y2};
  d.label = label;
  d.score = score;
  return d;
}

TEST(BoxOps, FixInvertedSwapsEachAxisIndependently) {
  EXPECT_EQ(FixInvertedBox({10, 20, 5, 8}), (Box{5, 8, 10, 20}));
  EXPECT_EQ(FixInvertedBox({10, 2, 5, 8}), (Box{5, 2, 10, 8}));
  EXPECT_EQ(FixInvertedBox({1, 2, 3, 4}), (Box{1, 2, 3, 4}));
}

TEST(BoxOps, ClampToImageCorners) {
  EXPECT_EQ(ClampBox({-5, -3, 120, 50}, 100, 40), (Box{0, 0, 100, 40}));
  EXPECT_EQ(ClampBox({10, 5, 20, 15}, 100, 40), (Box{10, 5, 20, 15}));
  // Entirely outside collapses to an empty box on the border.
  EXPECT_EQ(ClampBox({110, 50, 130, 60}, 100, 40), (Box{100, 40, 100, 40}));
}

TEST(BoxOps, NmsClassWiseAndAgnostic) {
  // B overlaps A with IoU 90/110 = 0.818; C is B's box with another label; D is separate.
  std::vector<Detection> dets = {Det(0, 0, 10, 10, "car", 0.9f), Det(1, 0, 11, 10, "car", 0.8f),
                                 Det(1, 0, 11, 10, "person", 0.85f),
                                 Det(20, 20, 30, 30, "car", 0.95f)};
  EXPECT_EQ(NmsIndices(dets, 0.7f, false), (std::vector<int>{3, 0, 2}));
  EXPECT_EQ(NmsIndices(dets, 0.7f, true), (std::vector<int>{3, 0}));
  // Above A/B's overlap only the identical box B (IoU 1 with C) is suppressed.
  EXPECT_EQ(NmsIndices(dets, 0.82f, true), (std::vector<int>{3, 0, 2}));
  EXPECT_EQ(NmsIndices(dets, 0.82f, false), (std::vector<int>{3, 0, 2, 1}));
  EXPECT_EQ(NmsIndices(dets, 0.7f, false, 1), (std::vector<int>{3}));
  const auto kept = Nms(dets, 0.7f, false);
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[2].label, "person");
  EXPECT_EQ(kept[2].box, (Box{1, 0, 11, 10}));
}

TEST(BoxOps, NmsKeepsIoUEqualToThresholdAndTiesInInputOrder) {
  // IoU exactly 0.5: suppression needs IoU > threshold.
  std::vector<Detection> dets = {Det(0, 0, 10, 5, "a", 0.5f), Det(0, 0, 10, 10, "a", 0.5f)};
  EXPECT_EQ(NmsIndices(dets, 0.5f, false), (std::vector<int>{0, 1}));
  EXPECT_EQ(NmsIndices(dets, 0.49f, false), (std::vector<int>{0}));
  EXPECT_TRUE(NmsIndices({}, 0.5f, false).empty());
}

TEST(BoxOps, LetterboxLandscapeIntoSquare) {
  const auto g = LetterboxGeometry::Compute(640, 480, 640, 640);
  EXPECT_FLOAT_EQ(g.scale, 1.f);
  EXPECT_EQ(g.resized_width, 640);
  EXPECT_EQ(g.resized_height, 480);
  EXPECT_EQ(g.pad_left, 0);
  EXPECT_EQ(g.pad_top, 80);
  EXPECT_EQ(g.ToSource({0, 80, 640, 560}), (Box{0, 0, 640, 480}));
}

TEST(BoxOps, LetterboxPortraitDownscale) {
  // 128x256 into 64x64: scale 0.25, 32x64 image, 16 columns of padding on each side.
  const auto g = LetterboxGeometry::Compute(128, 256, 64, 64);
  EXPECT_FLOAT_EQ(g.scale, 0.25f);
  EXPECT_EQ(g.resized_width, 32);
  EXPECT_EQ(g.resized_height, 64);
  EXPECT_EQ(g.pad_left, 16);
  EXPECT_EQ(g.pad_top, 0);
  EXPECT_EQ(g.ToSource({16, 0, 48, 64}), (Box{0, 0, 128, 256}));
  EXPECT_EQ(g.ToSource({20, 8, 24, 16}), (Box{16, 32, 32, 64}));
  EXPECT_EQ(g.ToInput({16, 32, 32, 64}), (Box{20, 8, 24, 16}));
}

TEST(BoxOps, LetterboxOddPaddingGoesBottom) {
  // 100x49 into 64: scale 0.64, height round(31.36) = 31, padding 33 = 16 top + 17 bottom.
  const auto g = LetterboxGeometry::Compute(100, 49, 64, 64);
  EXPECT_EQ(g.resized_width, 64);
  EXPECT_EQ(g.resized_height, 31);
  EXPECT_EQ(g.pad_top, 16);
  EXPECT_EQ(g.pad_left, 0);
  cv::Mat img(49, 100, CV_8UC3, cv::Scalar(10, 20, 30));
  cv::Mat out = ApplyLetterbox(img, g, 114);
  ASSERT_EQ(out.rows, 64);
  ASSERT_EQ(out.cols, 64);
  EXPECT_EQ(out.at<cv::Vec3b>(15, 5), cv::Vec3b(114, 114, 114));
  EXPECT_EQ(out.at<cv::Vec3b>(16, 5), cv::Vec3b(10, 20, 30));
  EXPECT_EQ(out.at<cv::Vec3b>(46, 63), cv::Vec3b(10, 20, 30));
  EXPECT_EQ(out.at<cv::Vec3b>(47, 63), cv::Vec3b(114, 114, 114));
  EXPECT_EQ(out.at<cv::Vec3b>(63, 0), cv::Vec3b(114, 114, 114));
}

TEST(BoxOps, LetterboxRejectsBadSizes) {
  EXPECT_THROW(LetterboxGeometry::Compute(0, 10, 64, 64), Error);
  EXPECT_THROW(LetterboxGeometry::Compute(10, 10, 64, -1), Error);
  const auto g = LetterboxGeometry::Compute(10, 10, 64, 64);
  EXPECT_THROW(ApplyLetterbox(cv::Mat(11, 10, CV_8UC3), g), Error);
}

TEST(BoxOps, NormalizeVocabulary) {
  EXPECT_EQ(NormalizeVocabulary({" Car", "car", "Traffic Light", "", "  "}),
            (std::vector<std::string>{"car", "traffic light"}));
}

}  // namespace
}  // namespace autofocus

// The image-I/O interface through the real plugin: the same encoders and decoders as before
// the plugin boundary, and OpenCV failures reported as values, never as exceptions.
#include "core/imageio/image_io.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/test_support.h"

namespace autofocus {
namespace {

cv::Mat Gradient(int width, int height) {
  cv::Mat img(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) img.at<cv::Vec3b>(y, x) = cv::Vec3b(x * 4, y * 4, 128);
  }
  return img;
}

TEST(ImageIo, PluginLoads) {
  std::string error;
  EXPECT_TRUE(ImageIoAvailable(&error)) << error;
  EXPECT_NO_THROW(RequireImageIo());
}

TEST(ImageIo, PngRoundTripIsLossless) {
  const cv::Mat img = Gradient(40, 30);
  std::vector<uint8_t> png;
  ASSERT_TRUE(EncodeImage(".png", img, &png, {kPngCompression, 9}));
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png[1], 'P');
  const cv::Mat back = DecodeImage(png);
  ASSERT_EQ(back.size(), img.size());
  ASSERT_EQ(back.type(), CV_8UC3);
  EXPECT_EQ(cv::norm(back, img, cv::NORM_INF), 0.0);
}

TEST(ImageIo, JpegQualityIsPassedThrough) {
  const cv::Mat img = Gradient(64, 64);
  std::vector<uint8_t> low, high;
  ASSERT_TRUE(EncodeImage(".jpg", img, &low, {kJpegQuality, 10}));
  ASSERT_TRUE(EncodeImage(".jpg", img, &high, {kJpegQuality, 100}));
  EXPECT_LT(low.size(), high.size());
  EXPECT_EQ(low[0], 0xFF);
  EXPECT_EQ(low[1], 0xD8);
}

TEST(ImageIo, UnchangedKeepsDepthAndChannels) {
  testing::TempDir dir;
  cv::Mat gray16(8, 8, CV_16UC1, cv::Scalar(1000));
  const std::string path = (dir / "g16.png").string();
  ASSERT_TRUE(WriteImageFile(path, gray16));
  const cv::Mat back = ReadImageFile(path);
  EXPECT_EQ(back.type(), CV_16UC1);
  EXPECT_EQ(back.at<uint16_t>(3, 3), 1000);
}

TEST(ImageIo, FailuresAreValuesNotExceptions) {
  testing::TempDir dir;
  EXPECT_TRUE(ReadImageFile((dir / "missing.png").string()).empty());
  testing::WriteText(dir / "bad.png", "not an image");
  EXPECT_TRUE(ReadImageFile((dir / "bad.png").string()).empty());
  const std::vector<uint8_t> garbage = {1, 2, 3, 4, 5};
  EXPECT_TRUE(DecodeImage(garbage).empty());
  EXPECT_TRUE(DecodeImage(nullptr, 0).empty());
  // OpenCV throws for an unknown extension; the plugin reports it as false + message.
  std::vector<uint8_t> out;
  std::string error;
  EXPECT_FALSE(EncodeImage(".nosuchformat", Gradient(4, 4), &out, {}, &error));
  EXPECT_FALSE(error.empty());
  error.clear();
  EXPECT_FALSE(WriteImageFile((dir / "x.nosuchformat").string(), Gradient(4, 4), {}, &error));
  EXPECT_FALSE(error.empty());
}

TEST(ImageIo, VideoWriteThenReadSequentiallyAndSeek) {
  testing::TempDir dir;
  const std::string path = (dir / "v.avi").string();
  {
    VideoWriter writer;
    ASSERT_TRUE(writer.Open(path, "MJPG", 10, cv::Size(32, 16)));
    for (int i = 0; i < 6; ++i) {
      ASSERT_TRUE(writer.Write(cv::Mat(16, 32, CV_8UC3, cv::Scalar(i * 40, 0, 0))));
    }
  }  // the destructor finishes the file
  VideoReader reader;
  EXPECT_FALSE(reader.IsOpen());
  ASSERT_TRUE(reader.Open(path));
  EXPECT_EQ(reader.FrameCountEstimate(), 6);
  cv::Mat frame;
  int frames = 0;
  while (reader.Read(&frame)) {
    EXPECT_EQ(frame.size(), cv::Size(32, 16));
    EXPECT_NEAR(frame.at<cv::Vec3b>(8, 16)[0], frames * 40, 8) << "frame " << frames;
    ++frames;
  }
  EXPECT_EQ(frames, 6);
  // MJPG is intra-only, so seeking is exact here.
  ASSERT_TRUE(reader.Seek(4));
  ASSERT_TRUE(reader.Read(&frame));
  EXPECT_NEAR(frame.at<cv::Vec3b>(8, 16)[0], 160, 8);
  reader.Close();
  EXPECT_FALSE(reader.IsOpen());
  EXPECT_FALSE(reader.Read(&frame));
}

TEST(ImageIo, VideoOpenFailuresAreFalse) {
  testing::TempDir dir;
  VideoReader reader;
  EXPECT_FALSE(reader.Open((dir / "missing.avi").string()));
  EXPECT_FALSE(reader.IsOpen());
  EXPECT_EQ(reader.FrameCountEstimate(), -1);
  VideoWriter writer;
  EXPECT_FALSE(writer.Open((dir / "v.avi").string(), "TOOLONG", 10, cv::Size(8, 8)));
  std::string error;
  EXPECT_FALSE(writer.Write(cv::Mat(8, 8, CV_8UC3), &error));
  EXPECT_EQ(error, "no video open");
}

}  // namespace
}  // namespace autofocus

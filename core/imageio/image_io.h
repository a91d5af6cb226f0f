#pragma once

// Image and video file I/O for core. The OpenCV imgcodecs/videoio calls live in
// autofocus_imageio_plugin.so (see image_io_plugin_api.h), loaded with dlopen on the first call,
// so programs that link core start without GDAL and the codec libraries. Every function throws
// Error naming the plugin file and the directories searched when the plugin cannot be loaded;
// otherwise failures are reported as OpenCV reports them (empty Mat / false).

#include <cstddef>
#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace autofocus {

// Encoder parameters as OpenCV takes them: key, value, key, value... The keys are OpenCV's
// IMWRITE_* values, repeated here so callers need no imgcodecs header.
using ImageEncodeParams = std::vector<int>;
constexpr int kJpegQuality = 1;      // cv::IMWRITE_JPEG_QUALITY: 0..100 (OpenCV default 95)
constexpr int kPngCompression = 16;  // cv::IMWRITE_PNG_COMPRESSION: 0..9 (OpenCV default 1)

// Reads an image file as stored (cv::IMREAD_UNCHANGED: depth and channels kept). Returns an
// empty Mat when the file is missing or does not decode.
cv::Mat ReadImageFile(const std::string& path);

// Decodes image bytes (cv::IMREAD_UNCHANGED). Returns an empty Mat when they do not decode
// (including inputs OpenCV rejects with an exception).
cv::Mat DecodeImage(const uint8_t* data, size_t size);
// Same, for a byte vector.
cv::Mat DecodeImage(const std::vector<uint8_t>& bytes);

// Encodes `image` in the format named by `ext` (".png", ".jpg", ...) into *out. Returns false,
// with OpenCV's message in *error when given, when OpenCV cannot encode it.
bool EncodeImage(const std::string& ext, const cv::Mat& image, std::vector<uint8_t>* out,
                 const ImageEncodeParams& params = {}, std::string* error = nullptr);

// Writes an image file whose format follows its extension (not atomic: callers that need that
// encode and use WriteFileAtomic). Returns false, with OpenCV's message when given, on failure.
bool WriteImageFile(const std::string& path, const cv::Mat& image,
                    const ImageEncodeParams& params = {}, std::string* error = nullptr);

// Reads the frames of a video file in order (cv::VideoCapture in the plugin). Not thread-safe:
// one reader per thread.
class VideoReader {
 public:
  // A reader with no file open.
  VideoReader() = default;
  // Closes the file.
  ~VideoReader();
  VideoReader(const VideoReader&) = delete;
  VideoReader& operator=(const VideoReader&) = delete;

  // Opens `path` (closing any open file); false when it cannot be opened.
  bool Open(const std::string& path);
  // True when a file is open.
  bool IsOpen() const { return handle_ != nullptr; }
  // Decodes the next frame into *frame; false at the end or on a decode error.
  bool Read(cv::Mat* frame);
  // Positions the reader at frame `index` (the backend's seek, imprecise for many codecs);
  // false when refused.
  bool Seek(int index);
  // The container's frame count, an estimate for many formats; -1 when unknown.
  int FrameCountEstimate() const;
  // Closes the file (no-op when none is open).
  void Close();

 private:
  void* handle_ = nullptr;  // the plugin's cv::VideoCapture
};

// Writes a video file frame by frame (cv::VideoWriter in the plugin).
class VideoWriter {
 public:
  // A writer with no file open.
  VideoWriter() = default;
  // Finishes the file.
  ~VideoWriter();
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  // Creates `path` with the 4-character codec `fourcc` (e.g. "MJPG"); false when the codec or
  // container is unavailable.
  bool Open(const std::string& path, const std::string& fourcc, double fps, cv::Size size);
  // True when a file is open.
  bool IsOpen() const { return handle_ != nullptr; }
  // Appends a frame of the opened size; false (with OpenCV's message) on failure.
  bool Write(const cv::Mat& frame, std::string* error = nullptr);
  // Finishes the file (no-op when none is open).
  void Close();

 private:
  void* handle_ = nullptr;  // the plugin's cv::VideoWriter
};

// Loads the image-I/O plugin now; throws its Error (naming the plugin file and the directories
// searched) when it cannot. For callers that otherwise turn per-file Errors into reports.
void RequireImageIo();

// True when the image-I/O plugin can be loaded; otherwise false with the reason in *error.
bool ImageIoAvailable(std::string* error = nullptr);

}  // namespace autofocus

#pragma once

// MP4 (H.264 or AV1, yuv420p) encoding for core. The FFmpeg calls live in
// autofocus_mp4_plugin.so (see mp4_writer_plugin_api.h), loaded with dlopen on the first Open(),
// so programs that link core start without libavcodec. Errors are autofocus::Error naming the
// file, the codec and FFmpeg's reason (or the plugin file and the directories searched).

#include <cstdint>
#include <filesystem>
#include <opencv2/core.hpp>
#include <string>

namespace autofocus {

// How an MP4 is encoded.
struct Mp4Options {
  std::string codec = "h264";  // h264 (libx264) | av1 (libsvtav1, else libaom-av1)
  int fps = 10;                // frames per second; timestamps are frame / fps
  int gop = 2;                 // keyframe interval (LeRobot's default: 2, for fast seeks)
  int crf = 23;                // constant rate factor (lower = better quality)
};

// Writes one MP4 file frame by frame. Not thread-safe.
class Mp4Writer {
 public:
  // A writer with no file open.
  Mp4Writer() = default;
  // Discards an unfinished file's encoder (the partial file stays; callers stage it).
  ~Mp4Writer();
  Mp4Writer(const Mp4Writer&) = delete;
  Mp4Writer& operator=(const Mp4Writer&) = delete;

  // Creates `path` for `width` x `height` frames (both even: yuv420p halves the chroma).
  void Open(const std::filesystem::path& path, int width, int height, const Mp4Options& options);
  // Appends a frame: CV_8UC3 RGB or CV_8UC1 gray, of the opened size.
  void Write(const cv::Mat& frame);
  // Flushes the encoder and writes the trailer; the file is complete afterwards.
  void Finish();
  // True between Open() and Finish().
  bool IsOpen() const { return handle_ != nullptr; }
  // Frames written since Open().
  int64_t frames() const { return frames_; }
  // Bytes of the file written so far.
  int64_t BytesWritten() const;
  // The FFmpeg encoder in use (libx264, libsvtav1, ...).
  const std::string& encoder() const { return encoder_; }

 private:
  void* handle_ = nullptr;  // the plugin's writer
  std::string path_;
  std::string codec_;
  std::string encoder_;
  int64_t frames_ = 0;
};

}  // namespace autofocus

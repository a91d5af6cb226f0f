#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <opencv2/core.hpp>
#include <string>
#include <unordered_map>

#include "core/dataset/dataset.h"

namespace autofocus {

// Random access to the frames of one episode. Frames are decoded on demand; implementations
// keep no frame data beyond what one read needs. Not thread-safe: one reader per instance.
class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // Number of frames T.
  virtual int NumFrames() const = 0;
  // Frame `index` (0-based) as 8-bit BGR; throws Error naming the file on a decode failure.
  virtual cv::Mat Read(int index) = 0;
};

// Opens the frame source described by `ref`, with relative paths resolved against `root`.
std::unique_ptr<FrameSource> OpenFrameSource(const FrameSourceRef& ref,
                                             const std::filesystem::path& root);

// Serialises every HDF5 library call in the process (the Debian build is not thread-safe).
std::mutex& Hdf5Mutex();

// Probes a video file: frame count (decoded, not the container's estimate) and size.
struct VideoInfo {
  int frames = 0;  // number of decodable frames
  int width = 0;   // frame width in pixels
  int height = 0;  // frame height in pixels
};
// Throws Error naming the file when it cannot be opened or decoded.
VideoInfo ProbeVideo(const std::filesystem::path& path);

// A bounded, thread-safe LRU cache of decoded frames keyed by (episode, frame index), shared by
// every view so scrubbing back and forth does not decode twice. The budget is in bytes.
class FrameCache {
 public:
  // Decodes a frame on a miss.
  using Loader = std::function<cv::Mat()>;
  // `max_bytes`: upper bound of the pixel memory kept (default 256 MiB).
  explicit FrameCache(size_t max_bytes = 256u << 20);

  // Returns the cached frame or calls `load`, caches and returns its result.
  cv::Mat Get(const std::string& episode, int index, const Loader& load);
  // Drops every cached frame.
  void Clear();
  // Bytes currently held.
  size_t bytes() const;
  // Number of cache hits and misses since construction.
  size_t hits() const;
  size_t misses() const;

 private:
  struct Entry {
    std::string key;
    cv::Mat image;
  };
  mutable std::mutex mu_;
  size_t max_bytes_;
  size_t bytes_ = 0;
  size_t hits_ = 0;
  size_t misses_ = 0;
  std::list<Entry> lru_;  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace autofocus

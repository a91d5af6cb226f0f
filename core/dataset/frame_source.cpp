#include "core/dataset/frame_source.h"

#include <dlfcn.h>
#include <hdf5.h>

#include <opencv2/imgproc.hpp>

#include "core/base/error.h"
#include "core/imageio/image_io.h"

namespace autofocus {
namespace fs = std::filesystem;

std::mutex& Hdf5Mutex() {
  static std::mutex mu;
  // Debian's hdf5-plugin-lzf is not linked against liblzf, so HDF5 fails to load it
  // ("undefined symbol: lzf_decompress"). Making liblzf's symbols global before the first HDF5
  // call lets lzf-compressed datasets (common in robomimic/h5py files) decode. Every HDF5 call
  // goes through this mutex, so this runs first.
  static const bool lzf_loaded = dlopen("liblzf.so.1", RTLD_NOW | RTLD_GLOBAL) != nullptr;
  (void)lzf_loaded;
  return mu;
}

namespace {

cv::Mat ToBgr8(const cv::Mat& in) {
  cv::Mat out;
  if (in.channels() == 1) {
    cv::cvtColor(in, out, cv::COLOR_GRAY2BGR);
  } else if (in.channels() == 4) {
    cv::cvtColor(in, out, cv::COLOR_BGRA2BGR);
  } else {
    out = in;
  }
  if (out.depth() != CV_8U) {
    double scale = out.depth() == CV_16U ? 1.0 / 257.0 : 1.0;
    out.convertTo(out, CV_8U, scale);
  }
  return out;
}

class ImageFilesSource : public FrameSource {
 public:
  ImageFilesSource(std::vector<std::string> files, fs::path root)
      : files_(std::move(files)), root_(std::move(root)) {}
  int NumFrames() const override { return static_cast<int>(files_.size()); }
  cv::Mat Read(int index) override {
    if (index < 0 || index >= NumFrames()) {
      throw Error("", "frame " + std::to_string(index), "index out of range");
    }
    const fs::path p = root_ / files_[static_cast<size_t>(index)];
    cv::Mat img = ReadImageFile(p.string());
    if (img.empty()) {
      std::error_code ec;
      throw Error(p.string(), "", fs::exists(p, ec) ? "image does not decode" : "no such file");
    }
    return ToBgr8(img);
  }

 private:
  std::vector<std::string> files_;
  fs::path root_;
};

class VideoSource : public FrameSource {
 public:
  explicit VideoSource(fs::path path) : path_(std::move(path)) {
    frames_ = ProbeVideo(path_).frames;
  }
  int NumFrames() const override { return frames_; }
  cv::Mat Read(int index) override {
    if (index < 0 || index >= frames_) {
      throw Error(path_.string(), "frame " + std::to_string(index), "index out of range");
    }
    if (!cap_.IsOpen()) {
      next_ = 0;
      if (!cap_.Open(path_.string())) throw Error(path_.string(), "", "video cannot be opened");
    }
    // Seeking is imprecise in many codecs; decode forward from the last position when the
    // target is ahead (the common playback case), and re-open to rewind otherwise.
    if (index < next_) {
      next_ = 0;
      if (!cap_.Open(path_.string())) throw Error(path_.string(), "", "video cannot be opened");
    }
    cv::Mat frame;
    while (next_ <= index) {
      if (!cap_.Read(&frame)) {
        throw Error(path_.string(), "frame " + std::to_string(next_), "video frame does not decode");
      }
      ++next_;
    }
    return ToBgr8(frame);
  }

 private:
  fs::path path_;
  int frames_ = 0;
  VideoReader cap_;
  int next_ = 0;
};

class Hdf5Source : public FrameSource {
 public:
  Hdf5Source(fs::path file, std::string dataset) : file_(std::move(file)), dataset_(std::move(dataset)) {
    std::lock_guard<std::mutex> lock(Hdf5Mutex());
    H5E_auto2_t old_func;
    void* old_data;
    H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    fid_ = H5Fopen(file_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (fid_ >= 0) did_ = H5Dopen2(fid_, dataset_.c_str(), H5P_DEFAULT);
    H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
    if (fid_ < 0) throw Error(file_.string(), "", "HDF5 file cannot be opened");
    if (did_ < 0) {
      Close();
      throw Error(file_.string(), dataset_, "dataset not found");
    }
    hid_t space = H5Dget_space(did_);
    const int rank = H5Sget_simple_extent_ndims(space);
    hsize_t dims[4] = {0, 0, 0, 0};
    if (rank == 4 || rank == 3) H5Sget_simple_extent_dims(space, dims, nullptr);
    H5Sclose(space);
    if (rank != 4 && rank != 3) {
      Close();
      throw Error(file_.string(), dataset_, "expected an image dataset [T,H,W,C] or [T,H,W]");
    }
    t_ = static_cast<int>(dims[0]);
    h_ = static_cast<int>(dims[1]);
    w_ = static_cast<int>(dims[2]);
    c_ = rank == 4 ? static_cast<int>(dims[3]) : 1;
  }
  ~Hdf5Source() override {
    std::lock_guard<std::mutex> lock(Hdf5Mutex());
    Close();
  }
  int NumFrames() const override { return t_; }
  cv::Mat Read(int index) override {
    if (index < 0 || index >= t_) {
      throw Error(file_.string(), dataset_ + "[" + std::to_string(index) + "]", "index out of range");
    }
    cv::Mat img(h_, w_, CV_8UC(c_));
    {
      std::lock_guard<std::mutex> lock(Hdf5Mutex());
      hid_t fspace = H5Dget_space(did_);
      hsize_t start[4] = {static_cast<hsize_t>(index), 0, 0, 0};
      hsize_t count[4] = {1, static_cast<hsize_t>(h_), static_cast<hsize_t>(w_),
                          static_cast<hsize_t>(c_)};
      const int rank = c_ == 1 && H5Sget_simple_extent_ndims(fspace) == 3 ? 3 : 4;
      H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, nullptr, count, nullptr);
      hid_t mspace = H5Screate_simple(rank, count, nullptr);
      H5E_auto2_t old_func;
      void* old_data;
      H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
      H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
      const herr_t st = H5Dread(did_, H5T_NATIVE_UINT8, mspace, fspace, H5P_DEFAULT, img.data);
      H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
      H5Sclose(mspace);
      H5Sclose(fspace);
      if (st < 0) {
        throw Error(file_.string(), dataset_ + "[" + std::to_string(index) + "]",
                    "frame cannot be read (truncated file or missing compression filter)");
      }
    }
    // robomimic stores RGB; everything in core works in OpenCV's BGR order.
    if (c_ == 3) cv::cvtColor(img, img, cv::COLOR_RGB2BGR);
    return ToBgr8(img);
  }

 private:
  void Close() {
    if (did_ >= 0) H5Dclose(did_);
    if (fid_ >= 0) H5Fclose(fid_);
    did_ = fid_ = -1;
  }
  fs::path file_;
  std::string dataset_;
  hid_t fid_ = -1;
  hid_t did_ = -1;
  int t_ = 0, h_ = 0, w_ = 0, c_ = 0;
};

}  // namespace

VideoInfo ProbeVideo(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error(path.string(), "", "no such file");
  VideoReader cap;
  if (!cap.Open(path.string())) throw Error(path.string(), "", "video cannot be opened");
  VideoInfo info;
  cv::Mat frame;
  // Container frame counts are estimates for many formats; count what actually decodes.
  while (cap.Read(&frame)) {
    if (info.frames == 0) {
      info.width = frame.cols;
      info.height = frame.rows;
    }
    ++info.frames;
  }
  if (info.frames == 0) throw Error(path.string(), "", "video has no decodable frames");
  return info;
}

std::unique_ptr<FrameSource> OpenFrameSource(const FrameSourceRef& ref, const fs::path& root) {
  switch (ref.kind) {
    case FrameSourceRef::Kind::kImages:
      return std::make_unique<ImageFilesSource>(ref.files, root);
    case FrameSourceRef::Kind::kVideo:
      return std::make_unique<VideoSource>(root / ref.file);
    case FrameSourceRef::Kind::kHdf5:
      return std::make_unique<Hdf5Source>(root / ref.file, ref.dataset);
  }
  return nullptr;
}

FrameCache::FrameCache(size_t max_bytes) : max_bytes_(max_bytes) {}

cv::Mat FrameCache::Get(const std::string& episode, int index, const Loader& load) {
  const std::string key = episode + '\n' + std::to_string(index);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(key);
    if (it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      ++hits_;
      return it->second->image;
    }
    ++misses_;
  }
  // Decode outside the lock so other views are not blocked by a slow read.
  cv::Mat img = load();
  const size_t sz = img.total() * img.elemSize();
  std::lock_guard<std::mutex> lock(mu_);
  if (index_.count(key) || sz > max_bytes_) return img;
  lru_.push_front({key, img});
  index_[key] = lru_.begin();
  bytes_ += sz;
  while (bytes_ > max_bytes_ && !lru_.empty()) {
    const Entry& last = lru_.back();
    bytes_ -= last.image.total() * last.image.elemSize();
    index_.erase(last.key);
    lru_.pop_back();
  }
  return img;
}

void FrameCache::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  lru_.clear();
  index_.clear();
  bytes_ = 0;
}

size_t FrameCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}
size_t FrameCache::hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}
size_t FrameCache::misses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return misses_;
}

}  // namespace autofocus

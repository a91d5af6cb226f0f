#include "core/imageio/image_io.h"

#include <atomic>
#include <mutex>

#include "core/base/error.h"
#include "core/base/plugin_loader.h"
#include "core/imageio/image_io_plugin_api.h"

namespace autofocus {
namespace {

using imageio_plugin::ImageIoApi;

// The plugin's table, loaded on the first call. A failed load is not cached, so a process that
// fixes AUTOFOCUS_PLUGIN_DIR (or a test that builds the plugin later) can retry.
const ImageIoApi& Api() {
  static std::atomic<const ImageIoApi*> api{nullptr};
  // Fast path without the lock: frame decoding calls this once per frame from many threads.
  if (const ImageIoApi* loaded = api.load(std::memory_order_acquire)) return *loaded;
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  if (const ImageIoApi* loaded = api.load(std::memory_order_acquire)) return *loaded;
  using Entry = const ImageIoApi* (*)();
  auto entry = reinterpret_cast<Entry>(
      LoadPluginSymbol(imageio_plugin::kImageIoPluginFile, imageio_plugin::kImageIoPluginSymbol));
  const ImageIoApi* table = entry();
  if (!table || table->abi_version != imageio_plugin::kImageIoAbiVersion) {
    throw Error(imageio_plugin::kImageIoPluginFile, "",
                "plugin built for another version of autofocus (interface " +
                    std::to_string(table ? table->abi_version : -1) + ", expected " +
                    std::to_string(imageio_plugin::kImageIoAbiVersion) + ")");
  }
  api.store(table, std::memory_order_release);
  return *table;
}

}  // namespace

cv::Mat ReadImageFile(const std::string& path) {
  cv::Mat out;
  Api().read_file(path, &out, nullptr);
  return out;
}

cv::Mat DecodeImage(const uint8_t* data, size_t size) {
  cv::Mat out;
  if (size > 0) Api().decode(data, size, &out, nullptr);
  return out;
}

cv::Mat DecodeImage(const std::vector<uint8_t>& bytes) {
  return DecodeImage(bytes.data(), bytes.size());
}

bool EncodeImage(const std::string& ext, const cv::Mat& image, std::vector<uint8_t>* out,
                 const ImageEncodeParams& params, std::string* error) {
  return Api().encode(ext, image, params, out, error);
}

bool WriteImageFile(const std::string& path, const cv::Mat& image, const ImageEncodeParams& params,
                    std::string* error) {
  return Api().write_file(path, image, params, error);
}

VideoReader::~VideoReader() {
  Close();
}

bool VideoReader::Open(const std::string& path) {
  Close();
  handle_ = Api().video_open(path, nullptr);
  return handle_ != nullptr;
}

bool VideoReader::Read(cv::Mat* frame) {
  return handle_ && Api().video_read(handle_, frame);
}

bool VideoReader::Seek(int index) {
  return handle_ && Api().video_seek(handle_, index);
}

int VideoReader::FrameCountEstimate() const {
  return handle_ ? Api().video_frame_count(handle_) : -1;
}

void VideoReader::Close() {
  // A handle exists only if the plugin loaded, so Api() cannot throw here (destructor-safe).
  if (handle_) Api().video_close(handle_);
  handle_ = nullptr;
}

VideoWriter::~VideoWriter() {
  Close();
}

bool VideoWriter::Open(const std::string& path, const std::string& fourcc, double fps,
                       cv::Size size) {
  Close();
  handle_ = Api().writer_open(path, fourcc, fps, size.width, size.height, nullptr);
  return handle_ != nullptr;
}

bool VideoWriter::Write(const cv::Mat& frame, std::string* error) {
  if (!handle_) {
    if (error) *error = "no video open";
    return false;
  }
  return Api().writer_write(handle_, frame, error);
}

void VideoWriter::Close() {
  if (handle_) Api().writer_close(handle_);
  handle_ = nullptr;
}

void RequireImageIo() {
  Api();
}

bool ImageIoAvailable(std::string* error) {
  try {
    Api();
    return true;
  } catch (const Error& e) {
    if (error) *error = e.what();
    return false;
  }
}

}  // namespace autofocus

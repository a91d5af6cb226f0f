#include "core/imageio/mp4_writer.h"

#include <mutex>

#include "core/base/error.h"
#include "core/base/plugin_loader.h"
#include "core/imageio/mp4_writer_plugin_api.h"

namespace autofocus {
namespace {

using mp4_plugin::Mp4Api;

// Loaded on the first Open(); a failed load is not cached (as the image-I/O plugin's).
const Mp4Api& Api() {
  using Entry = const Mp4Api* (*)();
  static std::mutex mutex;
  static const Mp4Api* api = nullptr;
  std::lock_guard<std::mutex> lock(mutex);
  if (api) return *api;
  auto entry = reinterpret_cast<Entry>(
      LoadPluginSymbol(mp4_plugin::kMp4PluginFile, mp4_plugin::kMp4PluginSymbol));
  const Mp4Api* table = entry();
  if (!table || table->abi_version != mp4_plugin::kMp4AbiVersion) {
    throw Error(mp4_plugin::kMp4PluginFile, "", "plugin built for another version of autofocus");
  }
  api = table;
  return *api;
}

}  // namespace

Mp4Writer::~Mp4Writer() {
  if (handle_) Api().discard(handle_);
}

void Mp4Writer::Open(const std::filesystem::path& path, int width, int height,
                     const Mp4Options& options) {
  if (handle_) throw Error(path.string(), "", "the MP4 writer is already open");
  if (width <= 0 || height <= 0 || width % 2 || height % 2) {
    throw Error(path.string(), "frame size",
                std::to_string(width) + "x" + std::to_string(height) +
                    ": yuv420p needs an even width and height");
  }
  if (options.fps <= 0 || options.gop <= 0)
    throw Error(path.string(), "fps", "fps and gop must be positive");
  mp4_plugin::Mp4Settings s{options.codec, width, height, options.fps, options.gop, options.crf};
  std::string error;
  handle_ = Api().open(path.string(), s, &encoder_, &error);
  if (!handle_) throw Error(path.string(), options.codec, error);
  path_ = path.string();
  codec_ = options.codec;
  frames_ = 0;
}

void Mp4Writer::Write(const cv::Mat& frame) {
  if (!handle_) throw Error(path_, "", "the MP4 writer is not open");
  std::string error;
  const cv::Mat f = frame.isContinuous() ? frame : frame.clone();
  if (!Api().write(handle_, f, &error))
    throw Error(path_, "frame " + std::to_string(frames_), error);
  ++frames_;
}

void Mp4Writer::Finish() {
  if (!handle_) return;
  std::string error;
  void* h = handle_;
  handle_ = nullptr;  // finish frees the handle, also on failure
  if (!Api().finish(h, &error)) throw Error(path_, codec_, error);
}

int64_t Mp4Writer::BytesWritten() const {
  return handle_ ? Api().bytes(handle_) : 0;
}

}  // namespace autofocus

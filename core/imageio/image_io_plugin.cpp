// autofocus_imageio_plugin.so: the only code that calls OpenCV's imgcodecs and videoio, which
// pull in GDAL and the codec libraries (~180 ms of start-up). Loaded by core/imageio/image_io.cpp
// on the first image or video read/write. Links no autofocus library (no duplicated globals) and
// lets no exception escape: every entry point catches and reports a string.
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "core/imageio/image_io_plugin_api.h"

namespace autofocus::imageio_plugin {
namespace {

// The public header repeats these OpenCV constants so callers need no imgcodecs header.
static_assert(cv::IMWRITE_JPEG_QUALITY == 1, "kJpegQuality in image_io.h");
static_assert(cv::IMWRITE_PNG_COMPRESSION == 16, "kPngCompression in image_io.h");

void SetError(std::string* error, const std::string& message) {
  if (error) *error = message;
}

// Runs `body`, turning any exception into false + message (exceptions must not unwind through
// the dlopen boundary into code that does not expect them).
template <typename Body>
bool Guarded(std::string* error, Body body) {
  try {
    return body();
  } catch (const cv::Exception& e) {
    SetError(error, e.err.empty() ? e.what() : e.err);
  } catch (const std::exception& e) {
    SetError(error, e.what());
  } catch (...) {
    SetError(error, "unknown exception");
  }
  return false;
}

bool ReadFile(const std::string& path, cv::Mat* out, std::string* error) {
  return Guarded(error, [&] {
    *out = cv::imread(path, cv::IMREAD_UNCHANGED);
    return !out->empty();
  });
}

bool Decode(const uint8_t* data, size_t size, cv::Mat* out, std::string* error) {
  return Guarded(error, [&] {
    out->release();
    if (size == 0) return false;
    // A header over the caller's bytes: imdecode reads them without a copy.
    const cv::Mat buf(1, static_cast<int>(size), CV_8U, const_cast<uint8_t*>(data));
    *out = cv::imdecode(buf, cv::IMREAD_UNCHANGED);
    return !out->empty();
  });
}

bool Encode(const std::string& ext, const cv::Mat& image, const std::vector<int>& params,
            std::vector<uint8_t>* out, std::string* error) {
  return Guarded(error, [&] { return cv::imencode(ext, image, *out, params); });
}

bool WriteFile(const std::string& path, const cv::Mat& image, const std::vector<int>& params,
               std::string* error) {
  return Guarded(error, [&] { return cv::imwrite(path, image, params); });
}

void* VideoOpen(const std::string& path, std::string* error) {
  void* result = nullptr;
  Guarded(error, [&] {
    auto cap = std::make_unique<cv::VideoCapture>(path);
    if (!cap->isOpened()) return false;
    result = cap.release();
    return true;
  });
  return result;
}

bool VideoRead(void* video, cv::Mat* frame) {
  return Guarded(nullptr, [&] { return static_cast<cv::VideoCapture*>(video)->read(*frame); });
}

bool VideoSeek(void* video, int index) {
  return Guarded(nullptr, [&] {
    return static_cast<cv::VideoCapture*>(video)->set(cv::CAP_PROP_POS_FRAMES, index);
  });
}

int VideoFrameCount(void* video) {
  int count = -1;
  Guarded(nullptr, [&] {
    const double n = static_cast<cv::VideoCapture*>(video)->get(cv::CAP_PROP_FRAME_COUNT);
    count = n > 0 ? static_cast<int>(n) : -1;
    return true;
  });
  return count;
}

void VideoClose(void* video) {
  Guarded(nullptr, [&] {
    delete static_cast<cv::VideoCapture*>(video);
    return true;
  });
}

void* WriterOpen(const std::string& path, const std::string& fourcc, double fps, int width,
                 int height, std::string* error) {
  void* result = nullptr;
  Guarded(error, [&] {
    if (fourcc.size() != 4) {
      SetError(error, "fourcc must have 4 characters");
      return false;
    }
    const int code = cv::VideoWriter::fourcc(fourcc[0], fourcc[1], fourcc[2], fourcc[3]);
    auto writer = std::make_unique<cv::VideoWriter>(path, code, fps, cv::Size(width, height));
    if (!writer->isOpened()) return false;
    result = writer.release();
    return true;
  });
  return result;
}

bool WriterWrite(void* writer, const cv::Mat& frame, std::string* error) {
  return Guarded(error, [&] {
    static_cast<cv::VideoWriter*>(writer)->write(frame);
    return true;
  });
}

void WriterClose(void* writer) {
  Guarded(nullptr, [&] {
    delete static_cast<cv::VideoWriter*>(writer);
    return true;
  });
}

const ImageIoApi kApi = {kImageIoAbiVersion, ReadFile,    Decode,     Encode,          WriteFile,
                         VideoOpen,          VideoRead,   VideoSeek,  VideoFrameCount, VideoClose,
                         WriterOpen,         WriterWrite, WriterClose};

}  // namespace
}  // namespace autofocus::imageio_plugin

extern "C" __attribute__((visibility("default"))) const autofocus::imageio_plugin::ImageIoApi*
autofocus_imageio_plugin_api() {
  return &autofocus::imageio_plugin::kApi;
}

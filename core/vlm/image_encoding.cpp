#include "core/vlm/image_encoding.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "core/base/error.h"
#include "core/base/hash.h"
#include "core/imageio/image_io.h"

namespace autofocus {
namespace {

// Python's round() rounds half to even; std::nearbyint does the same in the default rounding
// mode, which matters for sides such as 182 px (6.5 * 28 -> 168, not 196).
int RoundByFactor(double v, int f) { return static_cast<int>(std::nearbyint(v / f)) * f; }
int FloorByFactor(double v, int f) { return static_cast<int>(std::floor(v / f)) * f; }
int CeilByFactor(double v, int f) { return static_cast<int>(std::ceil(v / f)) * f; }

}  // namespace

cv::Size SmartResize(int width, int height, int factor, int min_pixels, int max_pixels) {
  if (width <= 0 || height <= 0) {
    throw Error("", "image", "size " + std::to_string(width) + "x" + std::to_string(height) +
                                 " is empty");
  }
  if (factor <= 0 || min_pixels < 0 || max_pixels < factor * factor) {
    throw Error("", "smart_resize", "factor/min_pixels/max_pixels are inconsistent");
  }
  if (std::max(width, height) > 200.0 * std::min(width, height)) {
    throw Error("", "image", "aspect ratio above 200 cannot be sent to the VLM");
  }
  int h = std::max(factor, RoundByFactor(height, factor));
  int w = std::max(factor, RoundByFactor(width, factor));
  double area = static_cast<double>(width) * height;
  if (static_cast<double>(h) * w > max_pixels) {
    double beta = std::sqrt(area / max_pixels);
    h = std::max(factor, FloorByFactor(height / beta, factor));
    w = std::max(factor, FloorByFactor(width / beta, factor));
  } else if (static_cast<double>(h) * w < min_pixels) {
    double beta = std::sqrt(min_pixels / area);
    h = CeilByFactor(height * beta, factor);
    w = CeilByFactor(width * beta, factor);
  }
  return {w, h};
}

std::string EncodedImage::DataUrl() const { return "data:image/jpeg;base64," + Base64Encode(jpeg); }

EncodedImage EncodeImageForVlm(const cv::Mat& frame, int max_pixels, int jpeg_quality,
                               int min_pixels) {
  if (frame.empty()) throw Error("", "image", "empty frame cannot be sent to the VLM");
  EncodedImage out;
  out.original_width = frame.cols;
  out.original_height = frame.rows;
  cv::Size size = SmartResize(frame.cols, frame.rows, 28, min_pixels, max_pixels);
  out.width = size.width;
  out.height = size.height;
  cv::Mat resized;
  if (size == frame.size()) {
    resized = frame;
  } else {
    // INTER_AREA avoids aliasing when shrinking; it degrades to bilinear when enlarging.
    cv::resize(frame, resized, size, 0, 0,
               size.area() < frame.size().area() ? cv::INTER_AREA : cv::INTER_LINEAR);
  }
  std::vector<uint8_t> buf;
  if (!EncodeImage(".jpg", resized, &buf, {kJpegQuality, jpeg_quality})) {
    throw Error("", "image", "JPEG encoding failed");
  }
  out.jpeg.assign(buf.begin(), buf.end());
  out.sha256 = Sha256Hex(out.jpeg);
  return out;
}

}  // namespace autofocus

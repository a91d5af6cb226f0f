#pragma once

// Client-side image preparation for VLMs: Qwen2.5-VL `smart_resize` sizing and JPEG data URLs.

#include <opencv2/core.hpp>
#include <string>

namespace autofocus {

// Qwen2.5-VL's smart_resize: both sides become multiples of `factor`, each rounded to the
// nearest multiple (ties to even, as Python's round), at least `factor`; when the area exceeds
// `max_pixels` both sides are scaled down by one factor and floored, when it is below
// `min_pixels` scaled up and ceiled. Aspect ratios above 200 throw Error.
// Returns {width, height}.
cv::Size SmartResize(int width, int height, int factor = 28, int min_pixels = 56 * 56,
                     int max_pixels = 1280 * 28 * 28);

// An image as sent to a VLM.
struct EncodedImage {
  std::string jpeg;         // JPEG bytes
  std::string sha256;       // SHA-256 of `jpeg` (what records keep instead of the bytes)
  int width = 0;            // sent width (multiple of 28)
  int height = 0;           // sent height (multiple of 28)
  int original_width = 0;   // width of the frame given
  int original_height = 0;  // height of the frame given

  // "data:image/jpeg;base64,..." (the full MIME type: Ollama rejects "data:image;base64").
  std::string DataUrl() const;
  // Maps an x coordinate in sent-image pixels back to the original frame.
  double ToOriginalX(double x) const { return x * original_width / width; }
  // Maps a y coordinate in sent-image pixels back to the original frame.
  double ToOriginalY(double y) const { return y * original_height / height; }
};

// Resizes a BGR (or gray) frame with SmartResize and encodes it as JPEG at `jpeg_quality`.
// Throws Error for an empty frame.
EncodedImage EncodeImageForVlm(const cv::Mat& frame, int max_pixels = 1280 * 28 * 28,
                               int jpeg_quality = 90, int min_pixels = 56 * 56);

}  // namespace autofocus

#include "core/detect/box_ops.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <opencv2/imgproc.hpp>
#include <set>

#include "core/base/error.h"
#include "core/base/strings.h"

namespace autofocus {

Box FixInvertedBox(Box box) {
  if (box.x1 > box.x2) std::swap(box.x1, box.x2);
  if (box.y1 > box.y2) std::swap(box.y1, box.y2);
  return box;
}

Box ClampBox(Box box, int width, int height) {
  const float w = static_cast<float>(std::max(0, width));
  const float h = static_cast<float>(std::max(0, height));
  box.x1 = std::clamp(box.x1, 0.f, w);
  box.x2 = std::clamp(box.x2, 0.f, w);
  box.y1 = std::clamp(box.y1, 0.f, h);
  box.y2 = std::clamp(box.y2, 0.f, h);
  return box;
}

std::vector<int> NmsIndices(const std::vector<Detection>& detections, float iou_threshold,
                            bool class_agnostic, int max_detections) {
  std::vector<int> order(detections.size());
  std::iota(order.begin(), order.end(), 0);
  // Stable so equal scores keep the input order: results do not depend on the sort algorithm.
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return detections[a].score > detections[b].score; });
  std::vector<int> kept;
  for (int i : order) {
    if (max_detections > 0 && static_cast<int>(kept.size()) >= max_detections) break;
    bool suppressed = false;
    for (int k : kept) {
      if (!class_agnostic && detections[k].label != detections[i].label) continue;
      if (IoU(detections[k].box, detections[i].box) > iou_threshold) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) kept.push_back(i);
  }
  return kept;
}

std::vector<Detection> Nms(const std::vector<Detection>& detections, float iou_threshold,
                           bool class_agnostic, int max_detections) {
  std::vector<Detection> out;
  for (int i : NmsIndices(detections, iou_threshold, class_agnostic, max_detections)) {
    out.push_back(detections[i]);
  }
  return out;
}

LetterboxGeometry LetterboxGeometry::Compute(int source_w, int source_h, int input_w, int input_h) {
  if (source_w <= 0 || source_h <= 0) {
    throw Error("", "letterbox",
                "image size must be positive, got " + std::to_string(source_w) + "x" +
                    std::to_string(source_h));
  }
  if (input_w <= 0 || input_h <= 0) {
    throw Error("", "letterbox",
                "input size must be positive, got " + std::to_string(input_w) + "x" +
                    std::to_string(input_h));
  }
  LetterboxGeometry g;
  g.source_width = source_w;
  g.source_height = source_h;
  g.input_width = input_w;
  g.input_height = input_h;
  // Computed in double like Ultralytics (Python floats) so the rounding matches its boxes.
  const double r =
      std::min(static_cast<double>(input_h) / source_h, static_cast<double>(input_w) / source_w);
  g.scale = static_cast<float>(r);
  g.resized_width = std::min(input_w, static_cast<int>(std::lround(source_w * r)));
  g.resized_height = std::min(input_h, static_cast<int>(std::lround(source_h * r)));
  const double dw = (input_w - g.resized_width) / 2.0;
  const double dh = (input_h - g.resized_height) / 2.0;
  // Ultralytics puts the odd padding pixel right/bottom: left = round(dw - 0.1).
  g.pad_left = static_cast<int>(std::lround(dw - 0.1));
  g.pad_top = static_cast<int>(std::lround(dh - 0.1));
  return g;
}

Box LetterboxGeometry::ToSource(const Box& b) const {
  return {(b.x1 - pad_left) / scale, (b.y1 - pad_top) / scale, (b.x2 - pad_left) / scale,
          (b.y2 - pad_top) / scale};
}

Box LetterboxGeometry::ToInput(const Box& b) const {
  return {b.x1 * scale + pad_left, b.y1 * scale + pad_top, b.x2 * scale + pad_left,
          b.y2 * scale + pad_top};
}

cv::Mat ApplyLetterbox(const cv::Mat& image, const LetterboxGeometry& g, int pad_value) {
  if (image.cols != g.source_width || image.rows != g.source_height) {
    throw Error("", "letterbox",
                "image is " + std::to_string(image.cols) + "x" + std::to_string(image.rows) +
                    " but the geometry was computed for " + std::to_string(g.source_width) + "x" +
                    std::to_string(g.source_height));
  }
  cv::Mat resized;
  if (image.cols == g.resized_width && image.rows == g.resized_height) {
    resized = image;
  } else {
    cv::resize(image, resized, cv::Size(g.resized_width, g.resized_height), 0, 0, cv::INTER_LINEAR);
  }
  cv::Mat out;
  const int bottom = g.input_height - g.resized_height - g.pad_top;
  const int right = g.input_width - g.resized_width - g.pad_left;
  cv::copyMakeBorder(resized, out, g.pad_top, bottom, g.pad_left, right, cv::BORDER_CONSTANT,
                     cv::Scalar::all(pad_value));
  return out;
}

std::vector<std::string> NormalizeVocabulary(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& n : names) {
    std::string v = ToLower(Trim(n));
    if (!v.empty() && seen.insert(v).second) out.push_back(v);
  }
  return out;
}

}  // namespace autofocus

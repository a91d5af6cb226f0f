#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/base/geometry.h"

namespace autofocus {

// Swaps x1/x2 and y1/y2 where they are inverted, so x1 <= x2 and y1 <= y2.
Box FixInvertedBox(Box box);

// Clamps a box to the image rectangle [0,width] x [0,height] (corners, not pixel indices).
Box ClampBox(Box box, int width, int height);

// Indices of the detections kept by greedy non-maximum suppression, best score first (ties keep
// the input order). A box is suppressed when its IoU with a kept box is strictly greater than
// `iou_threshold`; with `class_agnostic` false only boxes of the same label suppress each other.
// `max_detections` <= 0 means no limit.
std::vector<int> NmsIndices(const std::vector<Detection>& detections, float iou_threshold,
                            bool class_agnostic, int max_detections = 0);

// The detections kept by NmsIndices, in that order.
std::vector<Detection> Nms(const std::vector<Detection>& detections, float iou_threshold,
                           bool class_agnostic, int max_detections = 0);

// Geometry of a YOLO-style letterbox: the image is scaled by one factor to fit the input and
// centred with padding (Ultralytics `LetterBox` rounding, so boxes map back exactly like
// Ultralytics' `scale_boxes`).
struct LetterboxGeometry {
  int source_width = 0;    // original image width in pixels
  int source_height = 0;   // original image height in pixels
  int input_width = 0;     // network input width
  int input_height = 0;    // network input height
  float scale = 1.f;       // input pixels per source pixel
  int resized_width = 0;   // width of the scaled image inside the input
  int resized_height = 0;  // height of the scaled image inside the input
  int pad_left = 0;        // padding columns left of the image
  int pad_top = 0;         // padding rows above the image

  // Geometry for fitting a source_w x source_h image into input_w x input_h; throws Error for
  // non-positive sizes.
  static LetterboxGeometry Compute(int source_w, int source_h, int input_w, int input_h);
  // A box in input (letterboxed) pixels -> source pixels (not clamped).
  Box ToSource(const Box& input_box) const;
  // A box in source pixels -> input pixels.
  Box ToInput(const Box& source_box) const;
};

// Scales `image` (any type) with bilinear interpolation and pads it to the input size with
// `pad_value` in every channel, following `geometry`.
cv::Mat ApplyLetterbox(const cv::Mat& image, const LetterboxGeometry& geometry,
                       int pad_value = 114);

// Lower-cased, trimmed, de-duplicated class names in their first-seen order; empty names dropped.
std::vector<std::string> NormalizeVocabulary(const std::vector<std::string>& names);

}  // namespace autofocus

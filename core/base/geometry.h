#pragma once

#include <algorithm>
#include <string>

namespace autofocus {

// An axis-aligned box in image pixels, corners (x1,y1) top-left and (x2,y2) bottom-right.
struct Box {
  float x1 = 0, y1 = 0, x2 = 0, y2 = 0;  // corners in pixels

  float Width() const { return x2 - x1; }
  float Height() const { return y2 - y1; }
  float Area() const { return std::max(0.f, Width()) * std::max(0.f, Height()); }
  float CenterX() const { return 0.5f * (x1 + x2); }
  float CenterY() const { return 0.5f * (y1 + y2); }
  bool operator==(const Box& o) const { return x1 == o.x1 && y1 == o.y1 && x2 == o.x2 && y2 == o.y2; }
};

// Intersection over union of two boxes (0 when either is empty).
inline float IoU(const Box& a, const Box& b) {
  const float iw = std::min(a.x2, b.x2) - std::max(a.x1, b.x1);
  const float ih = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
  if (iw <= 0 || ih <= 0) return 0.f;
  const float inter = iw * ih;
  const float uni = a.Area() + b.Area() - inter;
  return uni > 0 ? inter / uni : 0.f;
}

// One detected object in one frame. `id` is assigned by the tracker (-1 before tracking).
struct Detection {
  Box box;            // in image pixels
  std::string label;  // class name, lower case (e.g. "car", "traffic light")
  float score = 1.f;  // detector confidence in [0,1]
  int id = -1;        // persistent track ID, or -1 when untracked
};

}  // namespace autofocus

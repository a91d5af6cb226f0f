#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/sim/ground_truth.h"
#include "core/sim/world.h"

namespace autofocus::sim {

// Camera and output settings of the ego-camera renderer.
struct RenderOptions {
  int width = 320;             // image width in pixels
  int height = 180;            // image height in pixels
  bool confounded = false;     // draw the action icons at the top centre
  double hfov_deg = 80.0;      // horizontal field of view
  double camera_height = 1.4;  // metres above the road
  double max_distance = 110;   // objects farther than this are not drawn (m)
  bool draw_objects = true;    // false renders only road and sky (benchmark baseline)

  // Throws Error naming the field on a bad value.
  void Check() const;
};

// Where the confounding icons go for an image size (REFERENCE.md section 2, scaled from
// 320x180 by min(width/320, height/180)).
struct IconGeometry {
  double scale = 1;          // size factor relative to 320x180
  cv::Point dot_center;      // brake dot centre
  int dot_radius = 7;        // brake dot radius
  int arrow_y = 30;          // row of the left/right arrow
  int up_top = 20;           // up arrow tip row
  int up_bottom = 42;        // up arrow tail row
  int thickness = 2;         // arrow line thickness
  // Horizontal arrow length for a steer value (|steer| >= 0.05): 32 px x 0.5..2.
  int ArrowLength(double steer) const;
};
// Icon layout for an image size.
IconGeometry ConfoundIconGeometry(int width, int height);
// Draws the action-conditioned icons for `action` onto `image` (BGR): red dot when
// brake > 0.1; white left/right arrow when |steer| >= 0.05; white up arrow when |steer| < 0.05
// and throttle > 0.1.
void DrawConfoundIcons(cv::Mat& image, const Action& action);

// Pixel position of the Frenet point (s, d) at height z in the ego camera of `w` for
// options' image size and field of view (the renderer's camera); false when the point is not in
// front of the camera.
bool ProjectFrenetPoint(const WorldState& w, const RenderOptions& options, double s, double d,
                        double z, cv::Point2d* pixel);

// Renders the ego-camera view with OpenCV fills and reports per-object ground truth. Keeps a
// cached sky/ground background and scratch buffers: use one instance per thread.
class Renderer {
 public:
  explicit Renderer(RenderOptions options = {});
  const RenderOptions& options() const { return options_; }
  // Draws `w` into `image` (reallocated to height x width, CV_8UC3 BGR). `action` drives the
  // confounding icons; `relevant_ids`/`reasons` (parallel) flag causally relevant objects.
  // `objects` (optional) receives the visible objects with boxes clipped to the image.
  void Render(const WorldState& w, const Action& action, const std::vector<int>& relevant_ids,
              const std::vector<std::string>& reasons, cv::Mat* image,
              std::vector<GtObject>* objects);

 private:
  RenderOptions options_;
  cv::Mat background_;  // sky gradient + grass, drawn once
  double f_ = 1, cx_ = 0, cy_ = 0;
};

}  // namespace autofocus::sim

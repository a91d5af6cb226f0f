#include "core/sim/renderer.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "core/base/error.h"

namespace autofocus::sim {
namespace {

constexpr double kNear = 0.3;      // near clipping plane for road polygons (m)
constexpr double kNearObject = 1.5;  // objects closer than this are not drawn (m)
constexpr int kShift = 4;          // fixed-point bits for sub-pixel OpenCV drawing
constexpr double kSub = 16.0;      // 2^kShift

// A point in camera coordinates: x forward, y left, z up from the road.
struct Vec3 {
  double x, y, z;
};

struct Camera {
  double ex = 0, ey = 0, c = 1, s = 0;  // ego position and yaw (cos, sin)
  double f = 1, cx = 0, cy = 0, h = 1.4;

  Vec3 FromWorld(double wx, double wy, double z) const {
    const double dx = wx - ex, dy = wy - ey;
    return {dx * c + dy * s, -dx * s + dy * c, z};
  }
  Vec3 FromFrenet(const Route& r, double s_, double d, double z) const {
    double wx, wy;
    r.ToWorld(s_, d, &wx, &wy);
    return FromWorld(wx, wy, z);
  }
  cv::Point2d Project(const Vec3& p) const {
    return {cx - f * p.y / p.x, cy + f * (h - p.z) / p.x};
  }
};

cv::Point Fixed(double x, double y) {
  return {static_cast<int>(std::lround(x * kSub)), static_cast<int>(std::lround(y * kSub))};
}

// Clips a polygon against the near plane (Sutherland-Hodgman, one plane) and projects it to
// fixed-point pixels. Needed because a car that turned away from the road can have road
// points beside or behind the camera.
void ClipProject(const Camera& cam, const Vec3* pts, int n, std::vector<cv::Point>* out,
                 std::vector<cv::Point2d>* pixels = nullptr) {
  out->clear();
  if (pixels) pixels->clear();
  auto emit = [&](const Vec3& v) {
    const cv::Point2d p = cam.Project(v);
    out->push_back(Fixed(p.x, p.y));
    if (pixels) pixels->push_back(p);
  };
  for (int i = 0; i < n; ++i) {
    const Vec3& a = pts[i];
    const Vec3& b = pts[(i + 1) % n];
    const bool ain = a.x >= kNear, bin = b.x >= kNear;
    if (ain) emit(a);
    if (ain != bin) {
      const double t = (kNear - a.x) / (b.x - a.x);
      emit({kNear, a.y + t * (b.y - a.y), a.z + t * (b.z - a.z)});
    }
  }
}

void FillPoly(cv::Mat& img, const std::vector<cv::Point>& pts, const cv::Scalar& color) {
  if (pts.size() < 3) return;
  const cv::Point* p = pts.data();
  const int n = static_cast<int>(pts.size());
  cv::fillPoly(img, &p, &n, 1, color, cv::LINE_8, kShift);
}

void FillRect(cv::Mat& img, double x1, double y1, double x2, double y2, const cv::Scalar& c) {
  cv::rectangle(img, Fixed(x1, y1), Fixed(x2, y2), c, cv::FILLED, cv::LINE_8, kShift);
}

void FillCircle(cv::Mat& img, double x, double y, double r, const cv::Scalar& c) {
  cv::circle(img, Fixed(x, y), std::max(1, static_cast<int>(std::lround(r * kSub))), c,
             cv::FILLED, cv::LINE_8, kShift);
}

const cv::Scalar kCarColors[6] = {{40, 40, 190},  {190, 90, 30},  {215, 215, 215},
                                  {45, 45, 45},   {30, 150, 220}, {60, 140, 60}};
const cv::Scalar kShirtColors[6] = {{30, 30, 200}, {200, 120, 40}, {40, 180, 230},
                                    {150, 60, 150}, {60, 160, 60}, {230, 230, 230}};
const cv::Scalar kBuildingColors[5] = {{150, 170, 190}, {120, 120, 135}, {170, 150, 130},
                                       {90, 100, 160},  {185, 185, 180}};
const cv::Scalar kTreeColors[3] = {{40, 120, 40}, {50, 140, 70}, {30, 100, 55}};
const cv::Scalar kBoardColors[4] = {{0, 140, 255}, {170, 60, 150}, {40, 200, 240}, {200, 170, 40}};

// One object prepared for drawing.
struct Item {
  const WorldObject* obj;
  int layer;     // 0 sky, 1 facades/billboards, 2 everything else
  double depth;  // metres ahead (sorting far to near)
};

// Bounding box of projected pixel points.
Box Bounds(const std::vector<cv::Point2d>& pix) {
  Box b{1e9f, 1e9f, -1e9f, -1e9f};
  for (const auto& p : pix) {
    b.x1 = std::min(b.x1, static_cast<float>(p.x));
    b.y1 = std::min(b.y1, static_cast<float>(p.y));
    b.x2 = std::max(b.x2, static_cast<float>(p.x));
    b.y2 = std::max(b.y2, static_cast<float>(p.y));
  }
  return b;
}

bool BoxContains(const Box& outer, const Box& inner) {
  return inner.x1 >= outer.x1 && inner.y1 >= outer.y1 && inner.x2 <= outer.x2 &&
         inner.y2 <= outer.y2;
}

}  // namespace

void RenderOptions::Check() const {
  if (width < 32 || width > 4096) throw Error("", "render.width", "must be in 32..4096");
  if (height < 32 || height > 4096) throw Error("", "render.height", "must be in 32..4096");
  if (!(hfov_deg > 10 && hfov_deg < 170)) throw Error("", "render.hfov_deg", "must be in 10..170");
  if (!(camera_height > 0)) throw Error("", "render.camera_height", "must be positive");
  if (!(max_distance > 5)) throw Error("", "render.max_distance", "must be > 5");
}

// ---------------------------------------------------------------------------------------------
// Confounding icons

int IconGeometry::ArrowLength(double steer) const {
  // |steer| 0.05..1 maps linearly onto 0.5..2 x the 32 px base length.
  const double m = std::min(1.0, std::max(0.05, std::abs(steer)));
  const double factor = 0.5 + 1.5 * (m - 0.05) / 0.95;
  return static_cast<int>(std::lround(32.0 * factor * scale));
}

IconGeometry ConfoundIconGeometry(int width, int height) {
  IconGeometry g;
  g.scale = std::min(width / 320.0, height / 180.0);
  auto px = [&](double v) { return static_cast<int>(std::lround(v * g.scale)); };
  g.dot_center = {width / 2, px(11)};
  g.dot_radius = std::max(1, px(7));
  g.arrow_y = px(30);
  g.up_top = px(20);
  g.up_bottom = px(42);
  g.thickness = std::max(1, px(2));
  return g;
}

void DrawConfoundIcons(cv::Mat& image, const Action& raw) {
  const Action a = ClampAction(raw);
  const IconGeometry g = ConfoundIconGeometry(image.cols, image.rows);
  const cv::Scalar white(255, 255, 255);
  const int cx = image.cols / 2;
  if (a.brake > 0.1) cv::circle(image, g.dot_center, g.dot_radius, {0, 0, 255}, cv::FILLED, cv::LINE_8);
  if (std::abs(a.steer) >= 0.05) {
    const int half = g.ArrowLength(a.steer) / 2;
    // Positive steer turns left: the arrow points left.
    const cv::Point tail(a.steer > 0 ? cx + half : cx - half, g.arrow_y);
    const cv::Point tip(a.steer > 0 ? cx - half : cx + half, g.arrow_y);
    cv::arrowedLine(image, tail, tip, white, g.thickness, cv::LINE_8, 0, 0.35);
  } else if (a.throttle > 0.1) {
    cv::arrowedLine(image, {cx, g.up_bottom}, {cx, g.up_top}, white, g.thickness, cv::LINE_8, 0,
                    0.35);
  }
}

bool ProjectFrenetPoint(const WorldState& w, const RenderOptions& o, double s, double d, double z,
                        cv::Point2d* pixel) {
  // The same camera as Renderer::Render builds (focal length from the field of view, horizon at
  // 40 % of the height), so a point lands where the renderer draws it.
  const Route& route = *w.route;
  Camera cam;
  route.ToWorld(w.ego_s, w.ego_d, &cam.ex, &cam.ey);
  const double yaw = route.PoseAt(w.ego_s).heading + w.ego_heading_error;
  cam.c = std::cos(yaw);
  cam.s = std::sin(yaw);
  cam.f = (o.width / 2.0) / std::tan(o.hfov_deg * M_PI / 360.0);
  cam.cx = o.width / 2.0;
  cam.cy = std::round(o.height * 0.40);
  cam.h = o.camera_height;
  const Vec3 p = cam.FromFrenet(route, s, d, z);
  if (p.x < kNear) return false;
  *pixel = cam.Project(p);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Renderer

Renderer::Renderer(RenderOptions options) : options_(options) {
  options_.Check();
  const int w = options_.width, h = options_.height;
  f_ = (w / 2.0) / std::tan(options_.hfov_deg * M_PI / 360.0);
  cx_ = w / 2.0;
  cy_ = std::round(h * 0.40);
  // Static background (sky gradient above the horizon, grass below) is built once; each frame
  // starts from a copy of it.
  background_.create(h, w, CV_8UC3);
  const int horizon = static_cast<int>(cy_);
  for (int y = 0; y < h; ++y) {
    cv::Vec3b c;
    if (y < horizon) {
      const double t = static_cast<double>(y) / std::max(1, horizon);
      c = cv::Vec3b(static_cast<uchar>(225 + 25 * t), static_cast<uchar>(170 + 55 * t),
                    static_cast<uchar>(110 + 90 * t));
    } else {
      const double t = static_cast<double>(y - horizon) / std::max(1, h - horizon);
      c = cv::Vec3b(static_cast<uchar>(70 + 10 * t), static_cast<uchar>(125 + 25 * t),
                    static_cast<uchar>(85 + 10 * t));
    }
    background_.row(y).setTo(cv::Scalar(c[0], c[1], c[2]));
  }
}

void Renderer::Render(const WorldState& w, const Action& action,
                      const std::vector<int>& relevant_ids, const std::vector<std::string>& reasons,
                      cv::Mat* image_out, std::vector<GtObject>* objects_out) {
  cv::Mat& img = *image_out;
  if (img.rows != options_.height || img.cols != options_.width || img.type() != CV_8UC3) {
    img.create(options_.height, options_.width, CV_8UC3);
  }
  background_.copyTo(img);
  const Route& route = *w.route;
  const RoutePose ego_pose = route.PoseAt(w.ego_s);
  Camera cam;
  route.ToWorld(w.ego_s, w.ego_d, &cam.ex, &cam.ey);
  const double yaw = ego_pose.heading + w.ego_heading_error;
  cam.c = std::cos(yaw);
  cam.s = std::sin(yaw);
  cam.f = f_;
  cam.cx = cx_;
  cam.cy = cy_;
  cam.h = options_.camera_height;
  const double W = options_.width, H = options_.height;

  // --- Road: sample the centreline ahead once, then fill whole strips as polygons. ---
  std::vector<RoutePose> poses;
  for (double s = w.ego_s - 3.0; s < w.ego_s + options_.max_distance;
       s += 0.8 + 0.05 * std::max(0.0, s - w.ego_s)) {
    const RoutePose p = route.PoseAt(s);
    // Past ~75 degrees of turn the road would fold back over itself on screen.
    if (std::abs(std::remainder(p.heading - yaw, 2 * M_PI)) > 1.3) break;
    poses.push_back(p);
  }
  std::vector<Vec3> poly;
  std::vector<cv::Point> pts;
  auto strip = [&](double d_lo, double d_hi, const cv::Scalar& color) {
    poly.clear();
    for (const auto& p : poses) {
      const double sn = std::sin(p.heading), cs = std::cos(p.heading);
      poly.push_back(cam.FromWorld(p.x - d_lo * sn, p.y + d_lo * cs, 0));
    }
    for (auto it = poses.rbegin(); it != poses.rend(); ++it) {
      const double sn = std::sin(it->heading), cs = std::cos(it->heading);
      poly.push_back(cam.FromWorld(it->x - d_hi * sn, it->y + d_hi * cs, 0));
    }
    ClipProject(cam, poly.data(), static_cast<int>(poly.size()), &pts);
    FillPoly(img, pts, color);
  };
  if (poses.size() >= 2) {
    const cv::Scalar sidewalk(165, 170, 172), asphalt(92, 92, 92), shoulder(80, 80, 82);
    const cv::Scalar line(235, 235, 235);
    strip(kShoulderRightD - kSidewalkWidth, kShoulderRightD, sidewalk);
    strip(kShoulderRightD, kRoadRightEdgeD, shoulder);
    strip(kRoadRightEdgeD, kRoadLeftEdgeD, asphalt);
    strip(kRoadLeftEdgeD, kRoadLeftEdgeD + kSidewalkWidth, sidewalk);
    strip(kRoadRightEdgeD - 0.1, kRoadRightEdgeD + 0.1, line);
    strip(kRoadLeftEdgeD - 0.15, kRoadLeftEdgeD + 0.05, line);
  }
  Vec3 quad[4];
  auto ground_quad = [&](double s0, double s1, double d0, double d1, const cv::Scalar& color) {
    quad[0] = cam.FromFrenet(route, s0, d0, 0);
    quad[1] = cam.FromFrenet(route, s1, d0, 0);
    quad[2] = cam.FromFrenet(route, s1, d1, 0);
    quad[3] = cam.FromFrenet(route, s0, d1, 0);
    if (std::max({quad[0].x, quad[1].x, quad[2].x, quad[3].x}) < kNear) return;
    ClipProject(cam, quad, 4, &pts);
    FillPoly(img, pts, color);
  };
  // Dashed centre line (3 m dash, 3 m gap), anchored to the route so it moves with the car.
  const double far_s = w.ego_s + std::min(options_.max_distance, 80.0);
  for (double s = std::floor((w.ego_s - 3.0) / 6.0) * 6.0; s < far_s; s += 6.0) {
    ground_quad(s, s + 3.0, kLaneWidth / 2 - 0.1, kLaneWidth / 2 + 0.1, {200, 230, 240});
  }
  for (const auto& o : w.objects) {
    const double ahead = o.s - w.ego_s;
    if (ahead < -10 || ahead > far_s - w.ego_s) continue;
    if (o.cls == ObjectClass::kTrafficLight || o.cls == ObjectClass::kStopSign) {
      ground_quad(o.stop_line_s - 0.45, o.stop_line_s, kRoadRightEdgeD, kLaneWidth / 2,
                  {240, 240, 240});
    } else if (o.role == Role::kCrossingPedestrian) {
      for (double d = kRoadRightEdgeD + 0.3; d < kRoadLeftEdgeD - 0.3; d += 1.0) {
        ground_quad(o.s - 2.0, o.s + 2.0, d, d + 0.5, {225, 225, 225});
      }
    }
  }

  // --- Objects: depth-sorted painter's algorithm. ---
  std::vector<Item> items;
  items.reserve(w.objects.size());
  for (const auto& o : w.objects) {
    if (!options_.draw_objects) break;
    if (o.role == Role::kSkyObject) {
      items.push_back({&o, 0, 1e9});
      continue;
    }
    const Vec3 c = cam.FromFrenet(route, o.s, o.d, 0);
    const double reach = o.cls == ObjectClass::kBuilding ? o.length / 2 + 2 : 1.0;
    if (c.x + reach < kNearObject || c.x - reach > options_.max_distance) continue;
    const int layer = (o.cls == ObjectClass::kBuilding || o.cls == ObjectClass::kBillboard) ? 1 : 2;
    items.push_back({&o, layer, c.x});
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    if (a.layer != b.layer) return a.layer < b.layer;
    if (a.depth != b.depth) return a.depth > b.depth;
    return a.obj->id < b.obj->id;
  });

  struct Drawn {
    const WorldObject* obj;
    Box box;                          // unclipped extent in pixels
    double depth;
    bool occluder;                    // hides what is drawn before it
    std::vector<cv::Point2d> outline;  // occluder outline (buildings); empty = the box
  };
  std::vector<Drawn> drawn;
  drawn.reserve(items.size());
  std::vector<cv::Point2d> pix;
  for (const Item& it : items) {
    const WorldObject& o = *it.obj;
    Drawn dr{&o, {}, it.depth, false, {}};
    if (o.cls == ObjectClass::kCloud) {
      const double rel = std::remainder(o.azimuth - yaw, 2 * M_PI);
      if (std::abs(rel) > 1.2) continue;
      const double u = cx_ - f_ * std::tan(rel);
      const double v = cy_ - f_ * std::tan(o.elevation);
      const double cw = f_ * o.angular_w, ch = f_ * o.angular_h;
      dr.box = {static_cast<float>(u - cw / 2), static_cast<float>(v - ch / 2),
                static_cast<float>(u + cw / 2), static_cast<float>(v + ch / 2)};
      if (dr.box.x2 < 0 || dr.box.x1 > W || dr.box.y2 < 0 || dr.box.y1 > cy_) continue;
      const cv::Scalar white(250, 250, 250), shade(235, 232, 230);
      cv::ellipse(img, Fixed(u, v + 0.2 * ch), cv::Size(Fixed(cw / 2, 0.3 * ch)), 0, 0, 360, shade,
                  cv::FILLED, cv::LINE_8, kShift);
      cv::ellipse(img, Fixed(u - 0.05 * cw, v - 0.1 * ch), cv::Size(Fixed(0.28 * cw, 0.4 * ch)), 0,
                  0, 360, white, cv::FILLED, cv::LINE_8, kShift);
      cv::ellipse(img, Fixed(u + 0.22 * cw, v + 0.05 * ch), cv::Size(Fixed(0.2 * cw, 0.3 * ch)), 0,
                  0, 360, white, cv::FILLED, cv::LINE_8, kShift);
      drawn.push_back(std::move(dr));
      continue;
    }
    if (o.cls == ObjectClass::kBuilding) {
      const double s0 = o.s - o.length / 2, s1 = o.s + o.length / 2;
      Vec3 facade[4] = {cam.FromFrenet(route, s0, o.d, 0), cam.FromFrenet(route, s1, o.d, 0),
                        cam.FromFrenet(route, s1, o.d, o.height),
                        cam.FromFrenet(route, s0, o.d, o.height)};
      ClipProject(cam, facade, 4, &pts, &pix);
      if (pts.size() < 3) continue;
      dr.box = Bounds(pix);
      const float x1 = dr.box.x1, y1 = dr.box.y1, x2 = dr.box.x2, y2 = dr.box.y2;
      const cv::Scalar& col = kBuildingColors[o.variant % 5];
      FillPoly(img, pts, col);
      dr.occluder = true;
      dr.outline = pix;
      // Windows only when the facade is big enough on screen to show them.
      if (x2 - x1 > 24 && y2 - y1 > 12) {
        const int rows = std::max(1, std::min(4, static_cast<int>(o.height / 3.5)));
        const int cols = std::max(1, std::min(5, static_cast<int>(o.length / 4.0)));
        const cv::Scalar glass(col[0] * 0.55 + 40, col[1] * 0.5 + 20, col[2] * 0.45);
        for (int r = 0; r < rows; ++r) {
          for (int c = 0; c < cols; ++c) {
            const double ws0 = s0 + (c + 0.3) * o.length / cols, ws1 = s0 + (c + 0.7) * o.length / cols;
            const double z0 = (r + 0.35) * o.height / rows, z1 = (r + 0.75) * o.height / rows;
            Vec3 win[4] = {cam.FromFrenet(route, ws0, o.d, z0), cam.FromFrenet(route, ws1, o.d, z0),
                           cam.FromFrenet(route, ws1, o.d, z1), cam.FromFrenet(route, ws0, o.d, z1)};
            ClipProject(cam, win, 4, &pts);
            FillPoly(img, pts, glass);
          }
        }
      }
      drawn.push_back(std::move(dr));
      continue;
    }
    if (it.depth < kNearObject) continue;
    const Vec3 c = cam.FromFrenet(route, o.s, o.d, 0);
    const double k = f_ / c.x;  // pixels per metre at this depth
    const double u0 = cx_ - f_ * c.y / c.x;
    const double vg = cy_ + f_ * cam.h / c.x;  // ground row
    switch (o.cls) {
      case ObjectClass::kCar:
      case ObjectClass::kParkedCar: {
        const double bw = o.width * k, bh = o.height * k;
        const double x1 = u0 - bw / 2, x2 = u0 + bw / 2, y1 = vg - bh, y2 = vg;
        dr.box = {static_cast<float>(x1), static_cast<float>(y1), static_cast<float>(x2),
                  static_cast<float>(y2)};
        const cv::Scalar& col = kCarColors[o.variant % 6];
        const cv::Scalar cabin(col[0] * 0.7, col[1] * 0.7, col[2] * 0.7);
        FillRect(img, x1 + 0.12 * bw, y1, x2 - 0.12 * bw, y1 + 0.38 * bh, cabin);
        FillRect(img, x1 + 0.18 * bw, y1 + 0.06 * bh, x2 - 0.18 * bw, y1 + 0.33 * bh, {95, 75, 55});
        FillRect(img, x1, y1 + 0.35 * bh, x2, y2 - 0.1 * bh, col);
        FillRect(img, x1 + 0.05 * bw, y2 - 0.16 * bh, x1 + 0.3 * bw, y2, {20, 20, 20});
        FillRect(img, x2 - 0.3 * bw, y2 - 0.16 * bh, x2 - 0.05 * bw, y2, {20, 20, 20});
        cv::Scalar lamp = o.role == Role::kOncoming ? cv::Scalar(200, 240, 255)
                          : o.accel < -0.5          ? cv::Scalar(0, 0, 255)
                                                    : cv::Scalar(20, 20, 140);
        FillRect(img, x1 + 0.04 * bw, y1 + 0.45 * bh, x1 + 0.2 * bw, y1 + 0.58 * bh, lamp);
        FillRect(img, x2 - 0.2 * bw, y1 + 0.45 * bh, x2 - 0.04 * bw, y1 + 0.58 * bh, lamp);
        dr.occluder = true;
        break;
      }
      case ObjectClass::kPedestrian: {
        const double bw = o.width * k, bh = o.height * k;
        dr.box = {static_cast<float>(u0 - bw / 2), static_cast<float>(vg - bh),
                  static_cast<float>(u0 + bw / 2), static_cast<float>(vg)};
        FillRect(img, u0 - 0.32 * bw, vg - 0.46 * bh, u0 + 0.32 * bw, vg, {70, 50, 40});
        FillRect(img, u0 - 0.5 * bw, vg - 0.85 * bh, u0 + 0.5 * bw, vg - 0.45 * bh,
                 kShirtColors[o.variant % 6]);
        FillCircle(img, u0, vg - 0.92 * bh, 0.08 * bh, {120, 160, 215});
        break;
      }
      case ObjectClass::kTrafficLight: {
        const double top = vg - 4.4 * k, bottom = vg - 3.2 * k;
        FillRect(img, u0 - 0.07 * k, bottom, u0 + 0.07 * k, vg, {70, 70, 70});
        dr.box = {static_cast<float>(u0 - 0.25 * k), static_cast<float>(top),
                  static_cast<float>(u0 + 0.25 * k), static_cast<float>(bottom)};
        FillRect(img, u0 - 0.25 * k, top, u0 + 0.25 * k, bottom, {30, 30, 30});
        const LightState st = LightStateAt(o, w.time);
        const double r = 0.14 * k;
        FillCircle(img, u0, top + 0.2 * k, r,
                   st == LightState::kRed ? cv::Scalar(0, 0, 255) : cv::Scalar(30, 30, 70));
        FillCircle(img, u0, top + 0.6 * k, r,
                   st == LightState::kYellow ? cv::Scalar(0, 215, 255) : cv::Scalar(30, 60, 70));
        FillCircle(img, u0, top + 1.0 * k, r,
                   st == LightState::kGreen ? cv::Scalar(80, 255, 40) : cv::Scalar(30, 70, 30));
        break;
      }
      case ObjectClass::kStopSign: {
        const double r = 0.375 * k, yc = vg - 2.2 * k;
        FillRect(img, u0 - 0.04 * k, yc, u0 + 0.04 * k, vg, {110, 110, 110});
        dr.box = {static_cast<float>(u0 - r), static_cast<float>(yc - r), static_cast<float>(u0 + r),
                  static_cast<float>(yc + r)};
        for (int pass = 0; pass < 2; ++pass) {
          const double rr = pass == 0 ? r : 0.82 * r;
          std::vector<cv::Point> oct;
          for (int i = 0; i < 8; ++i) {
            const double a = (i + 0.5) * M_PI / 4;
            // Vertices at 22.5 + k*45 degrees: the flat sides touch the box of half-size rr.
            oct.push_back(Fixed(u0 + rr * std::cos(a) / std::cos(M_PI / 8),
                                yc + rr * std::sin(a) / std::cos(M_PI / 8)));
          }
          cv::fillConvexPoly(img, oct.data(), 8, pass == 0 ? cv::Scalar(245, 245, 245)
                                                           : cv::Scalar(20, 20, 200),
                             cv::LINE_8, kShift);
        }
        break;
      }
      case ObjectClass::kTree: {
        const double R = std::min(o.width / 2, o.height * 0.35) * k;
        const double top = vg - o.height * k;
        FillRect(img, u0 - 0.15 * k, top + R, u0 + 0.15 * k, vg, {40, 70, 110});
        FillCircle(img, u0, top + R, R, kTreeColors[o.variant % 3]);
        dr.box = {static_cast<float>(u0 - R), static_cast<float>(top), static_cast<float>(u0 + R),
                  static_cast<float>(vg)};
        break;
      }
      case ObjectClass::kBillboard: {
        const double z0 = 3.0, z1 = 3.0 + o.height;
        const double dl = o.d - o.width / 2, dh = o.d + o.width / 2;
        for (const double pd : {dl + 0.5, dh - 0.7}) {
          Vec3 pole[4] = {cam.FromFrenet(route, o.s, pd, 0), cam.FromFrenet(route, o.s, pd + 0.2, 0),
                          cam.FromFrenet(route, o.s, pd + 0.2, z0),
                          cam.FromFrenet(route, o.s, pd, z0)};
          ClipProject(cam, pole, 4, &pts);
          FillPoly(img, pts, {90, 90, 90});
        }
        Vec3 board[4] = {cam.FromFrenet(route, o.s, dl, z0), cam.FromFrenet(route, o.s, dh, z0),
                         cam.FromFrenet(route, o.s, dh, z1), cam.FromFrenet(route, o.s, dl, z1)};
        ClipProject(cam, board, 4, &pts, &pix);
        if (pts.size() < 3) continue;
        FillPoly(img, pts, kBoardColors[o.variant % 4]);
        dr.box = Bounds(pix);
        Vec3 text[4] = {cam.FromFrenet(route, o.s, dl + 0.6, z0 + 0.9),
                        cam.FromFrenet(route, o.s, dh - 0.6, z0 + 0.9),
                        cam.FromFrenet(route, o.s, dh - 0.6, z0 + 1.5),
                        cam.FromFrenet(route, o.s, dl + 0.6, z0 + 1.5)};
        ClipProject(cam, text, 4, &pts);
        FillPoly(img, pts, {250, 250, 250});
        break;
      }
      default: continue;
    }
    drawn.push_back(std::move(dr));
  }

  // --- Ground truth: clipped boxes of visible objects. An object counts as hidden when a
  // vehicle or facade drawn after it covers its whole clipped box. ---
  if (objects_out) {
    objects_out->clear();
    for (size_t i = 0; i < drawn.size(); ++i) {
      const Drawn& d = drawn[i];
      Box b{std::max(0.f, d.box.x1), std::max(0.f, d.box.y1), std::min(static_cast<float>(W), d.box.x2),
            std::min(static_cast<float>(H), d.box.y2)};
      if (b.Width() < 2 || b.Height() < 2) continue;
      bool hidden = false;
      for (size_t j = i + 1; j < drawn.size() && !hidden; ++j) {
        const Drawn& occ = drawn[j];
        if (!occ.occluder || !BoxContains(occ.box, b)) continue;
        if (occ.outline.empty()) {
          hidden = true;
        } else {
          std::vector<cv::Point2f> contour(occ.outline.begin(), occ.outline.end());
          hidden = cv::pointPolygonTest(contour, {b.x1, b.y1}, false) >= 0 &&
                   cv::pointPolygonTest(contour, {b.x2, b.y1}, false) >= 0 &&
                   cv::pointPolygonTest(contour, {b.x1, b.y2}, false) >= 0 &&
                   cv::pointPolygonTest(contour, {b.x2, b.y2}, false) >= 0;
        }
      }
      if (hidden) continue;
      GtObject g;
      g.id = d.obj->id;
      g.cls = ClassName(d.obj->cls);
      g.box = b;
      g.distance = static_cast<float>(d.obj->role == Role::kSkyObject ? 1000.0 : d.depth);
      for (size_t r = 0; r < relevant_ids.size(); ++r) {
        if (relevant_ids[r] == g.id) {
          g.relevant = true;
          if (r < reasons.size()) g.reason = reasons[r];
        }
      }
      objects_out->push_back(std::move(g));
    }
  }
  if (options_.confounded) DrawConfoundIcons(img, action);
}

}  // namespace autofocus::sim

#include "core/sim/world.h"

#include <algorithm>
#include <cmath>

#include "core/base/error.h"
#include "core/sim/expert.h"
#include "core/sim/rng.h"

namespace autofocus::sim {
namespace {

constexpr double kRouteStep = 0.5;  // sampling step of the centreline (m)

bool Contains(const std::vector<int>& v, int id) {
  return std::find(v.begin(), v.end(), id) != v.end();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Route

Route::Route(std::vector<RouteSegment> segments) : segments_(std::move(segments)) {
  for (const auto& seg : segments_) {
    if (!(seg.length > 0)) throw Error("", "route.segments", "segment length must be positive");
    length_ += seg.length;
  }
  // Integrates the centreline exactly per sample so lookups are a cheap interpolation.
  const int n = static_cast<int>(std::ceil(length_ / kRouteStep)) + 1;
  samples_.reserve(static_cast<size_t>(n));
  RoutePose p;
  size_t seg = 0;
  double seg_start = 0;
  for (int i = 0; i < n; ++i) {
    const double s = i * kRouteStep;
    while (seg + 1 < segments_.size() && s >= seg_start + segments_[seg].length) {
      seg_start += segments_[seg].length;
      ++seg;
    }
    p.curvature = segments_.empty() ? 0.0 : segments_[seg].curvature;
    samples_.push_back(p);
    // Advances by one step along an arc of constant curvature.
    const double k = p.curvature;
    const double h0 = p.heading;
    if (std::abs(k) < 1e-9) {
      p.x += kRouteStep * std::cos(h0);
      p.y += kRouteStep * std::sin(h0);
    } else {
      const double h1 = h0 + k * kRouteStep;
      p.x += (std::sin(h1) - std::sin(h0)) / k;
      p.y += (std::cos(h0) - std::cos(h1)) / k;
      p.heading = h1;
    }
  }
}

RoutePose Route::PoseAt(double s) const {
  if (samples_.empty()) return {};
  if (s <= 0) {
    RoutePose p = samples_.front();
    p.x += s * std::cos(p.heading);
    p.y += s * std::sin(p.heading);
    return p;
  }
  const double last_s = (static_cast<double>(samples_.size()) - 1) * kRouteStep;
  if (s >= last_s) {
    RoutePose p = samples_.back();
    p.x += (s - last_s) * std::cos(p.heading);
    p.y += (s - last_s) * std::sin(p.heading);
    return p;
  }
  const size_t i = static_cast<size_t>(s / kRouteStep);
  const double f = s / kRouteStep - static_cast<double>(i);
  const RoutePose& a = samples_[i];
  const RoutePose& b = samples_[i + 1];
  RoutePose p;
  p.x = a.x + f * (b.x - a.x);
  p.y = a.y + f * (b.y - a.y);
  p.heading = a.heading + f * (b.heading - a.heading);
  p.curvature = a.curvature;
  return p;
}

void Route::ToWorld(double s, double d, double* x, double* y) const {
  const RoutePose p = PoseAt(s);
  *x = p.x - d * std::sin(p.heading);
  *y = p.y + d * std::cos(p.heading);
}

// ---------------------------------------------------------------------------------------------
// Classes, lights

const char* ClassName(ObjectClass c) {
  switch (c) {
    case ObjectClass::kCar: return "car";
    case ObjectClass::kPedestrian: return "pedestrian";
    case ObjectClass::kTrafficLight: return "traffic light";
    case ObjectClass::kStopSign: return "stop sign";
    case ObjectClass::kCloud: return "cloud";
    case ObjectClass::kBuilding: return "building";
    case ObjectClass::kTree: return "tree";
    case ObjectClass::kBillboard: return "billboard";
    case ObjectClass::kParkedCar: return "parked car";
  }
  return "unknown";
}

std::vector<ObjectClass> AllClasses() {
  return {ObjectClass::kCar,      ObjectClass::kPedestrian, ObjectClass::kTrafficLight,
          ObjectClass::kStopSign, ObjectClass::kCloud,      ObjectClass::kBuilding,
          ObjectClass::kTree,     ObjectClass::kBillboard,  ObjectClass::kParkedCar};
}

const char* LightName(LightState s) {
  switch (s) {
    case LightState::kGreen: return "green";
    case LightState::kYellow: return "yellow";
    case LightState::kRed: return "red";
  }
  return "green";
}

LightState LightStateAt(const WorldObject& light, double t) {
  const double period = kGreenTime + kYellowTime + kRedTime;
  double phase = std::fmod(t + light.cycle_offset, period);
  if (phase < 0) phase += period;
  if (phase < kGreenTime) return LightState::kGreen;
  if (phase < kGreenTime + kYellowTime) return LightState::kYellow;
  return LightState::kRed;
}

// ---------------------------------------------------------------------------------------------
// Route families and scenarios

std::vector<RouteFamily> RouteFamilies(const std::string& split) {
  std::vector<RouteFamily> f;
  auto add = [&f](std::string name, std::string desc, std::vector<double> curv, bool alternate,
                  double light, double stop, double cross, double lead, double oncoming,
                  double cruise) {
    RouteFamily r;
    r.name = std::move(name);
    r.description = std::move(desc);
    r.curvatures = std::move(curv);
    r.alternate_sign = alternate;
    r.light_weight = light;
    r.stop_weight = stop;
    r.crossing_weight = cross;
    r.lead_weight = lead;
    r.oncoming_weight = oncoming;
    r.cruise_speed = cruise;
    f.push_back(std::move(r));
  };
  // Seen families: straight pieces and gentle curves (radius >= 80 m). Unseen families: only
  // sharp curves (radius 40..70 m) and event mixes no seen family has, so the pools are
  // disjoint.
  if (split == "seen") {
    add("seen-0", "a suburban road with gentle curves and signalised junctions",
        {0.0, 0.0, 1.0 / 150}, false, 3, 0.5, 1, 2, 1, 9.0);
    add("seen-1", "a town street with stop signs and pedestrians", {0.0, 1.0 / 100}, false, 0.5,
        3, 2, 1, 1, 8.0);
    add("seen-2", "an arterial road with traffic ahead and oncoming cars", {0.0, 1.0 / 200},
        false, 2, 0.5, 0.5, 3, 3, 10.0);
    add("seen-3", "a mixed urban road", {0.0, 1.0 / 120}, false, 1, 1, 1, 1, 1, 9.0);
    add("seen-4", "a shopping street with crossings and curves", {0.0, 1.0 / 80}, false, 1, 1, 3,
        1, 0.5, 8.0);
  } else if (split == "unseen") {
    add("unseen-0", "a winding road with sharp bends and traffic lights", {1.0 / 45, 1.0 / 60},
        false, 2, 0, 1, 2, 1, 8.5);
    add("unseen-1", "S-curves with stop signs and crossing pedestrians", {1.0 / 55}, true, 0, 2.5,
        2.5, 0.5, 1, 8.0);
    add("unseen-2", "a busy curved road with dense oncoming traffic", {1.0 / 70, 1.0 / 50}, false,
        1, 1, 1, 2.5, 4, 9.5);
  } else {
    throw Error("", "split", "unknown route split '" + split + "' (expected seen or unseen)");
  }
  return f;
}

WorldObject MakeVehicle(int id, Role role, double s, double d, double speed, int variant) {
  WorldObject o;
  o.id = id;
  o.cls = ObjectClass::kCar;
  o.role = role;
  o.s = s;
  o.d = d;
  o.speed = speed;
  o.desired_speed = std::abs(speed);
  o.length = 4.4;
  o.width = 1.9;
  o.height = 1.5;
  o.variant = variant;
  return o;
}

Scenario MakeScenario(const RouteFamily& family, const std::string& split, uint64_t seed,
                      double goal_length, double density) {
  if (!(goal_length > 0)) throw Error("", "goal_length", "must be positive");
  if (!(density > 0)) throw Error("", "density", "must be positive");
  SimRng rng(MixSeed(seed, HashName(family.name)));
  Scenario sc;
  sc.family = family.name;
  sc.split = split;
  sc.description = family.description;
  sc.seed = seed;
  sc.goal_s = goal_length;
  sc.cruise_speed = family.cruise_speed;
  sc.ego_start_speed = rng.Uniform(3.0, 7.0);

  // Route: segments from the family's curvature pool until well past the goal, so the road is
  // drawn to the horizon even at the end.
  std::vector<RouteSegment> segs;
  double total = 0;
  double sign = rng.Sign();
  while (total < goal_length + 150.0) {
    RouteSegment seg;
    seg.length = rng.Uniform(family.min_segment, family.max_segment);
    const double k = family.curvatures[static_cast<size_t>(rng.Int(static_cast<int>(family.curvatures.size())))];
    sign = family.alternate_sign ? -sign : rng.Sign();
    seg.curvature = k * sign;
    segs.push_back(seg);
    total += seg.length;
  }
  sc.route = std::make_shared<Route>(std::move(segs));

  int next_id = 1;
  std::vector<double> keep_clear;  // stop lines and crossings: no parked cars there
  // Traffic events along the route.
  const double wsum = family.light_weight + family.stop_weight + family.crossing_weight +
                      family.lead_weight + family.oncoming_weight;
  if (rng.Chance(0.6)) {
    sc.objects.push_back(MakeVehicle(next_id++, Role::kLeadVehicle, rng.Uniform(18, 30), 0,
                                     rng.Uniform(5.0, 7.5), rng.Int(6)));
  }
  for (double s = rng.Uniform(30, 45); s < goal_length - 5; s += rng.Uniform(30, 55) / density) {
    double pick = rng.Uniform(0, wsum);
    if ((pick -= family.light_weight) < 0) {
      WorldObject o;
      o.id = next_id++;
      o.cls = ObjectClass::kTrafficLight;
      o.s = s + 1.0;
      o.d = -4.7;
      o.length = 0.3;
      o.width = 0.5;
      o.height = 1.2;
      o.stop_line_s = s;
      o.cycle_offset = rng.Uniform(0, kGreenTime + kYellowTime + kRedTime);
      sc.objects.push_back(o);
      keep_clear.push_back(s);
    } else if ((pick -= family.stop_weight) < 0) {
      WorldObject o;
      o.id = next_id++;
      o.cls = ObjectClass::kStopSign;
      o.s = s + 0.5;
      o.d = -4.6;
      o.length = 0.1;
      o.width = 0.75;
      o.height = 0.75;
      o.stop_line_s = s;
      sc.objects.push_back(o);
      keep_clear.push_back(s);
    } else if ((pick -= family.crossing_weight) < 0) {
      WorldObject o;
      o.id = next_id++;
      o.cls = ObjectClass::kPedestrian;
      o.role = Role::kCrossingPedestrian;
      o.s = s;
      const bool from_right = rng.Chance(0.7);
      o.start_d = from_right ? -5.3 : 6.5;
      o.end_d = from_right ? 6.5 : -5.3;
      o.d = o.start_d;
      o.walk_speed = rng.Uniform(1.1, 1.6);
      o.trigger_s = s - rng.Uniform(15, 30);
      o.length = 0.4;
      o.width = 0.55;
      o.height = 1.75;
      o.variant = rng.Int(6);
      sc.objects.push_back(o);
      keep_clear.push_back(s);
    } else if ((pick -= family.lead_weight) < 0) {
      sc.objects.push_back(MakeVehicle(next_id++, Role::kLeadVehicle, s, 0, rng.Uniform(4.5, 7.0),
                                       rng.Int(6)));
    } else {
      sc.objects.push_back(MakeVehicle(next_id++, Role::kOncoming, s + rng.Uniform(20, 60),
                                       kOncomingLaneD, -rng.Uniform(6, 10), rng.Int(6)));
    }
  }
  // Pedestrians walking along the sidewalks (never relevant).
  const int walkers = static_cast<int>(std::round(goal_length / 40.0 * density));
  for (int i = 0; i < walkers; ++i) {
    WorldObject o;
    o.id = next_id++;
    o.cls = ObjectClass::kPedestrian;
    o.role = Role::kSidewalkPedestrian;
    o.s = rng.Uniform(10, goal_length + 40);
    o.d = rng.Chance(0.5) ? -5.3 : 6.5;
    o.speed = rng.Sign() * rng.Uniform(0.7, 1.5);
    o.length = 0.4;
    o.width = 0.55;
    o.height = 1.75;
    o.variant = rng.Int(6);
    sc.objects.push_back(o);
  }
  // Parked cars on the right shoulder, away from stop lines and crossings.
  const int parked = static_cast<int>(std::round(goal_length / 35.0 * density));
  for (int i = 0; i < parked; ++i) {
    const double s = rng.Uniform(15, goal_length + 60);
    bool clear = true;
    for (double k : keep_clear) clear = clear && std::abs(s - k) > 10;
    const int variant = rng.Int(6);
    if (!clear) continue;
    WorldObject o = MakeVehicle(next_id++, Role::kStatic, s, -2.9, 0, variant);
    o.cls = ObjectClass::kParkedCar;
    sc.objects.push_back(o);
  }
  // Buildings: facades parallel to the road on both sides.
  for (int side = 0; side < 2; ++side) {
    for (double s = rng.Uniform(-15, 0); s < goal_length + 110;) {
      WorldObject o;
      o.id = next_id++;
      o.cls = ObjectClass::kBuilding;
      o.length = rng.Uniform(8, 22);
      o.s = s + o.length / 2;
      o.d = side == 0 ? -8.0 - rng.Uniform(0, 2) : 9.0 + rng.Uniform(0, 2);
      o.width = 0.1;
      o.height = rng.Uniform(6, 16);
      o.variant = rng.Int(5);
      sc.objects.push_back(o);
      s += o.length + rng.Uniform(3, 12) / density;
    }
  }
  // Trees between the sidewalk and the buildings.
  for (double s = rng.Uniform(0, 10); s < goal_length + 110; s += rng.Uniform(10, 25) / density) {
    WorldObject o;
    o.id = next_id++;
    o.cls = ObjectClass::kTree;
    o.s = s;
    o.d = rng.Chance(0.5) ? -7.0 : 8.3;
    o.width = rng.Uniform(2.6, 3.6);
    o.length = 0.5;
    o.height = rng.Uniform(4.5, 6.5);
    o.variant = rng.Int(3);
    sc.objects.push_back(o);
  }
  // Billboards facing the traffic, set back from the right sidewalk.
  for (double s = rng.Uniform(20, 60); s < goal_length + 110; s += rng.Uniform(60, 120) / density) {
    WorldObject o;
    o.id = next_id++;
    o.cls = ObjectClass::kBillboard;
    o.s = s;
    o.d = rng.Chance(0.7) ? -9.5 : 10.5;
    o.width = 5.0;
    o.length = 0.2;
    o.height = 2.5;
    o.variant = rng.Int(4);
    sc.objects.push_back(o);
  }
  // Clouds: directions in the sky around the initial heading.
  const int clouds = 3 + static_cast<int>(std::round(rng.Uniform(0, 4) * std::min(density, 2.0)));
  for (int i = 0; i < clouds; ++i) {
    WorldObject o;
    o.id = next_id++;
    o.cls = ObjectClass::kCloud;
    o.role = Role::kSkyObject;
    o.azimuth = rng.Uniform(-0.9, 0.9);
    o.elevation = rng.Uniform(0.06, 0.28);
    o.angular_w = rng.Uniform(0.12, 0.3);
    o.angular_h = o.angular_w * rng.Uniform(0.3, 0.5);
    o.drift = rng.Uniform(-0.01, 0.01);
    o.variant = rng.Int(3);
    sc.objects.push_back(o);
  }
  return sc;
}

Action ClampAction(const Action& a) {
  auto clamp = [](double v, double lo, double hi) {
    if (!(v == v)) return 0.0;  // NaN
    return std::min(hi, std::max(lo, v));
  };
  return {clamp(a.throttle, 0, 1), clamp(a.steer, -1, 1), clamp(a.brake, 0, 1)};
}

// ---------------------------------------------------------------------------------------------
// World state and simulator

double WorldState::RouteCompletion() const {
  if (goal_s <= 0) return 0;
  return std::min(1.0, std::max(0.0, ego_s / goal_s));
}

const WorldObject* WorldState::Find(int id) const {
  for (const auto& o : objects) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

Simulator::Simulator(SimConfig config) : config_(config) {
  if (!(config_.dt > 0)) throw Error("", "sim.dt", "must be positive");
}

void Simulator::Reset(const Scenario& scenario) {
  if (!scenario.route) throw Error("", "scenario.route", "scenario has no route");
  state_ = WorldState{};
  state_.route = scenario.route;
  state_.goal_s = scenario.goal_s;
  state_.cruise_speed = scenario.cruise_speed;
  state_.ego_speed = scenario.ego_start_speed;
  state_.objects = scenario.objects;
}

void Simulator::Reset(uint64_t seed, const RouteFamily& family, const std::string& split,
                      double goal_length, double density) {
  Reset(MakeScenario(family, split, seed, goal_length, density));
}

void Simulator::StepObjects() {
  const double dt = config_.dt;
  WorldState& w = state_;
  // NPC accelerations are computed from one snapshot first, so the update does not depend on
  // the order of the object list.
  std::vector<double> accel(w.objects.size(), 0.0);
  for (size_t i = 0; i < w.objects.size(); ++i) {
    const WorldObject& o = w.objects[i];
    if (o.role != Role::kLeadVehicle) continue;
    const auto obs = FindObligations(w, o.s + o.length / 2, o.speed, o.id);
    int binding = -1;
    accel[i] = IdmAccel(o.speed, o.desired_speed, obs, &binding);
  }
  for (size_t i = 0; i < w.objects.size(); ++i) {
    WorldObject& o = w.objects[i];
    switch (o.role) {
      case Role::kLeadVehicle: {
        o.accel = accel[i];
        const double v0 = o.speed;
        o.speed = std::max(0.0, o.speed + accel[i] * dt);
        o.s += 0.5 * (v0 + o.speed) * dt;
        // Stop-sign bookkeeping: wait 1 s at the line, then the sign is cleared.
        for (const auto& sign : w.objects) {
          if (sign.cls != ObjectClass::kStopSign || sign.id == o.cleared_sign) continue;
          const double gap = sign.stop_line_s - (o.s + o.length / 2);
          if (gap > -0.5 && gap < 4.0 && o.speed < 0.1) {
            o.sign_wait += dt;
            if (o.sign_wait >= 1.0) {
              o.cleared_sign = sign.id;
              o.sign_wait = 0;
            }
          }
        }
        break;
      }
      case Role::kOncoming:
      case Role::kSidewalkPedestrian: o.s += o.speed * dt; break;
      case Role::kCrossingPedestrian: {
        if (!o.walking && w.ego_s >= o.trigger_s) o.walking = true;
        if (o.walking) {
          const double dir = o.end_d > o.start_d ? 1.0 : -1.0;
          o.d += dir * o.walk_speed * dt;
          if ((o.d - o.end_d) * dir >= 0) o.d = o.end_d;
        }
        break;
      }
      case Role::kSkyObject: o.azimuth += o.drift * dt; break;
      case Role::kStatic: break;
    }
  }
}

StepInfo Simulator::Step(const Action& raw) {
  const Action a = ClampAction(raw);
  const double dt = config_.dt;
  WorldState& w = state_;
  const InfractionCounts before = w.infractions;

  // Ego longitudinal: the speed model the expert inverts (AccelToPedals).
  const double v = w.ego_speed;
  const double acc = a.throttle * kMaxAccel * (1.0 - v / kTopSpeed) - a.brake * kMaxBrake -
                     kDrag * v - (v > 0 ? kRolling : 0.0);
  const double v_new = std::max(0.0, v + acc * dt);
  const double v_avg = 0.5 * (v + v_new);
  // Ego lateral: kinematic bicycle in Frenet coordinates of the route.
  const double kappa = w.route->PoseAt(w.ego_s).curvature;
  const double delta = a.steer * kMaxSteerAngle;
  const double denom = std::max(0.2, 1.0 - w.ego_d * kappa);
  const double s_dot = v_avg * std::cos(w.ego_heading_error) / denom;
  const double prev_front = w.ego_s + kEgoLength / 2;
  w.ego_s += s_dot * dt;
  w.ego_d += v_avg * std::sin(w.ego_heading_error) * dt;
  w.ego_heading_error += (v_avg * std::tan(delta) / kWheelbase - kappa * s_dot) * dt;
  w.ego_heading_error = std::remainder(w.ego_heading_error, 2 * M_PI);
  w.ego_speed = v_new;
  const double front = w.ego_s + kEgoLength / 2;

  StepObjects();
  w.time += dt;
  w.step += 1;

  StepInfo info;
  for (const auto& o : w.objects) {
    // Red lights: the stop line was crossed during this step while red.
    if (o.cls == ObjectClass::kTrafficLight && prev_front < o.stop_line_s &&
        front >= o.stop_line_s && LightStateAt(o, w.time) == LightState::kRed) {
      w.infractions.red_lights++;
    }
    if (o.cls == ObjectClass::kStopSign) {
      const double gap = o.stop_line_s - front;
      if (v_new < 0.5 && gap > -0.5 && gap < 8.0 && !Contains(w.ego_stopped_signs, o.id)) {
        w.ego_stopped_signs.push_back(o.id);
      }
      if (v_new < 0.1 && gap > -0.5 && gap < 4.0 && !Contains(w.ego_cleared_signs, o.id)) {
        w.ego_sign_wait += dt;
        if (w.ego_sign_wait >= 1.0 - 1e-9) {
          w.ego_cleared_signs.push_back(o.id);
          w.ego_sign_wait = 0;
        }
      }
      if (prev_front < o.stop_line_s && front >= o.stop_line_s) {
        if (!Contains(w.ego_stopped_signs, o.id)) w.infractions.stop_signs++;
        w.ego_sign_wait = 0;
      }
    }
    // Collisions: footprint overlap in Frenet coordinates, counted once per object.
    const bool vehicle = o.cls == ObjectClass::kCar || o.cls == ObjectClass::kParkedCar;
    if ((vehicle || o.cls == ObjectClass::kPedestrian) &&
        std::abs(o.s - w.ego_s) < (o.length + kEgoLength) / 2 &&
        std::abs(o.d - w.ego_d) < (o.width + kEgoWidth) / 2 && !Contains(w.collided_ids, o.id)) {
      w.collided_ids.push_back(o.id);
      info.collided_with.push_back(o.id);
      if (vehicle) {
        w.infractions.vehicle_collisions++;
      } else {
        w.infractions.pedestrian_collisions++;
      }
    }
  }
  // Leaving the road (kerb of either sidewalk): one static collision per excursion.
  const bool off = w.ego_d - kEgoWidth / 2 < kShoulderRightD || w.ego_d + kEgoWidth / 2 > kRoadLeftEdgeD;
  if (off && !w.off_road) w.infractions.static_collisions++;
  w.off_road = off;

  info.new_infractions.pedestrian_collisions =
      w.infractions.pedestrian_collisions - before.pedestrian_collisions;
  info.new_infractions.vehicle_collisions = w.infractions.vehicle_collisions - before.vehicle_collisions;
  info.new_infractions.static_collisions = w.infractions.static_collisions - before.static_collisions;
  info.new_infractions.red_lights = w.infractions.red_lights - before.red_lights;
  info.new_infractions.stop_signs = w.infractions.stop_signs - before.stop_signs;
  info.route_completion = w.RouteCompletion();
  info.route_done = w.ego_s >= w.goal_s;
  return info;
}

// ---------------------------------------------------------------------------------------------
// Driving score

double DrivingScore::Penalty(const InfractionCounts& c) {
  return std::pow(0.5, c.pedestrian_collisions) * std::pow(0.6, c.vehicle_collisions) *
         std::pow(0.65, c.static_collisions) * std::pow(0.7, c.red_lights) *
         std::pow(0.8, c.stop_signs) * std::pow(0.7, c.timeouts);
}

double DrivingScore::Score(double route_completion, const InfractionCounts& c) {
  const double rc = std::min(1.0, std::max(0.0, route_completion));
  return 100.0 * rc * Penalty(c);
}

}  // namespace autofocus::sim

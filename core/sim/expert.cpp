#include "core/sim/expert.h"

#include <algorithm>
#include <cmath>

namespace autofocus::sim {
namespace {

constexpr double kIdmAccel = 2.0;     // IDM maximum acceleration
constexpr double kIdmComfort = 3.0;   // IDM comfortable deceleration
constexpr double kLightHorizon = 45;  // lights farther than this are ignored (m)
constexpr double kSignHorizon = 40;   // stop signs farther than this are ignored (m)
constexpr double kCrossHorizon = 35;  // crossing pedestrians farther than this are ignored (m)
// Lateral band in which a crossing pedestrian blocks the ego lane: from just off the right kerb
// to a metre into the oncoming lane.
constexpr double kCrossBandLo = -4.3;
constexpr double kCrossBandHi = 2.6;

bool Contains(const std::vector<int>& v, int id) {
  return std::find(v.begin(), v.end(), id) != v.end();
}

}  // namespace

std::vector<Obligation> FindObligations(const WorldState& w, double s_front, double speed,
                                        int self_id) {
  std::vector<Obligation> out;
  // Nearest vehicle ahead in the ego lane.
  const WorldObject* lead = nullptr;
  double lead_gap = 1e9;
  const WorldObject* light = nullptr;
  double light_gap = 1e9;
  const WorldObject* sign = nullptr;
  double sign_gap = 1e9;
  const WorldObject* self = nullptr;
  if (self_id >= 0) {
    for (const auto& o : w.objects) {
      if (o.id == self_id) self = &o;
    }
  }
  for (const auto& o : w.objects) {
    if (o.id == self_id) continue;
    if (o.role == Role::kLeadVehicle && std::abs(o.d) < 1.6) {
      const double gap = (o.s - o.length / 2) - s_front;
      if (gap > -1.0 && gap < lead_gap) {
        lead_gap = gap;
        lead = &o;
      }
    } else if (o.cls == ObjectClass::kTrafficLight) {
      const double gap = o.stop_line_s - s_front;
      if (gap > -0.2 && gap < light_gap) {
        light_gap = gap;
        light = &o;
      }
    } else if (o.cls == ObjectClass::kStopSign) {
      const bool cleared = self ? self->cleared_sign == o.id : Contains(w.ego_cleared_signs, o.id);
      const double gap = o.stop_line_s - s_front;
      if (!cleared && gap > -0.2 && gap < sign_gap) {
        sign_gap = gap;
        sign = &o;
      }
    } else if (o.role == Role::kCrossingPedestrian && o.walking && o.d > kCrossBandLo &&
               o.d < kCrossBandHi) {
      // Stop line 3.5 m before the pedestrian's path; once the car is on the crossing it is too
      // late to yield and the pedestrian stops being an obligation.
      const double gap = o.s - 3.5 - s_front;
      if (gap > -1.0 && gap < kCrossHorizon) {
        Obligation ob;
        ob.object_id = o.id;
        ob.gap = std::max(gap, 0.05);
        ob.min_gap = 0.8;
        ob.headway = 0.8;
        ob.relevant = true;
        ob.reason = "pedestrian crossing ahead";
        out.push_back(ob);
      }
    }
  }
  if (lead && lead_gap < 60) {
    Obligation ob;
    ob.object_id = lead->id;
    ob.gap = std::max(lead_gap, 0.05);
    ob.leader_speed = lead->speed;
    ob.min_gap = 4.0;
    ob.headway = 1.4;
    ob.relevant = lead_gap < std::max(12.0, 2.0 * speed + 8.0);
    ob.reason = "vehicle ahead within following distance";
    out.push_back(ob);
  }
  if (light && light_gap < kLightHorizon) {
    const LightState st = LightStateAt(*light, w.time);
    // Yellow: stop only when a comfortable stop is still possible; red: always stop.
    const bool can_stop = speed * speed / (2 * kIdmComfort) <= light_gap + 1.0;
    if (st == LightState::kRed || (st == LightState::kYellow && can_stop)) {
      Obligation ob;
      ob.object_id = light->id;
      ob.gap = std::max(light_gap, 0.05);
      ob.min_gap = 1.0;
      ob.headway = 1.0;
      ob.relevant = true;
      ob.reason = std::string(LightName(st)) + " traffic light ahead";
      out.push_back(ob);
    }
  }
  if (sign && sign_gap < kSignHorizon) {
    Obligation ob;
    ob.object_id = sign->id;
    ob.gap = std::max(sign_gap, 0.05);
    ob.min_gap = 0.8;
    ob.headway = 1.0;
    ob.relevant = true;
    ob.reason = "stop sign ahead: must stop and wait";
    out.push_back(ob);
  }
  return out;
}

double IdmAccel(double speed, double desired_speed, const std::vector<Obligation>& obligations,
                int* binding) {
  const double v0 = std::max(0.1, desired_speed);
  double best = kIdmAccel * (1.0 - std::pow(speed / v0, 4));
  *binding = -1;
  for (size_t i = 0; i < obligations.size(); ++i) {
    const Obligation& ob = obligations[i];
    const double dv = speed - ob.leader_speed;
    const double s_star =
        ob.min_gap + std::max(0.0, speed * ob.headway + speed * dv / (2 * std::sqrt(kIdmAccel * kIdmComfort)));
    const double a = kIdmAccel * (1.0 - std::pow(speed / v0, 4) - std::pow(s_star / ob.gap, 2));
    if (a < best) {
      best = a;
      *binding = static_cast<int>(i);
    }
  }
  return std::max(-kMaxBrake, std::min(kIdmAccel, best));
}

void AccelToPedals(double accel, double speed, double* throttle, double* brake) {
  // Coasting deceleration of the speed model (drag + rolling resistance).
  const double coast = -(kDrag * speed + (speed > 0 ? kRolling : 0.0));
  *throttle = 0;
  *brake = 0;
  if (accel >= coast) {
    const double gain = kMaxAccel * std::max(0.05, 1.0 - speed / kTopSpeed);
    *throttle = std::min(1.0, (accel - coast) / gain);
  } else {
    *brake = std::min(1.0, (coast - accel) / kMaxBrake);
  }
}

ExpertDecision ScriptedExpert::Decide(const WorldState& w) const {
  ExpertDecision d;
  const double v = w.ego_speed;
  // Longitudinal: IDM over all obligations.
  const auto obligations = FindObligations(w, w.ego_s + kEgoLength / 2, v, -1);
  int binding = -1;
  const double a = IdmAccel(v, w.cruise_speed, obligations, &binding);
  d.target_accel = a;
  AccelToPedals(a, v, &d.action.throttle, &d.action.brake);
  // Holding still in front of an obligation: a firm brake instead of tiny pedal jitter.
  if (v < 0.2 && a <= 0.0 && binding >= 0) {
    d.action.throttle = 0;
    d.action.brake = 1.0;
  }
  for (const auto& ob : obligations) {
    if (!ob.relevant) continue;
    d.relevant_ids.push_back(ob.object_id);
    d.reasons.push_back(ob.reason);
  }
  if (binding >= 0 && a < 0.5) {
    const Obligation& ob = obligations[static_cast<size_t>(binding)];
    d.description = (v < 0.2 ? "waiting: " : "slowing: ") + ob.reason;
  } else {
    d.description = v < w.cruise_speed - 0.5 ? "accelerating" : "cruising";
  }

  // Lateral: pure pursuit on the lane centre with speed-dependent look-ahead, so curves are
  // anticipated.
  const Route& route = *w.route;
  const double look = std::min(15.0, std::max(5.0, 4.0 + 0.6 * v));
  const RoutePose here = route.PoseAt(w.ego_s);
  double ex, ey, tx, ty;
  route.ToWorld(w.ego_s, w.ego_d, &ex, &ey);
  route.ToWorld(w.ego_s + look, 0.0, &tx, &ty);
  const double yaw = here.heading + w.ego_heading_error;
  const double dx = tx - ex, dy = ty - ey;
  const double fx = dx * std::cos(yaw) + dy * std::sin(yaw);
  const double ly = -dx * std::sin(yaw) + dy * std::cos(yaw);
  const double dist2 = std::max(1.0, fx * fx + ly * ly);
  const double angle = std::atan(2.0 * kWheelbase * ly / dist2);
  d.action.steer = std::max(-1.0, std::min(1.0, angle / kMaxSteerAngle));
  return d;
}

}  // namespace autofocus::sim

#pragma once

#include <string>
#include <vector>

#include "core/sim/world.h"

namespace autofocus::sim {

// Something a vehicle driving in the ego lane has to respect: a vehicle ahead, a red/yellow
// light, a stop sign not yet waited at, or a crossing pedestrian.
struct Obligation {
  int object_id = -1;         // the object causing it
  double gap = 0;             // metres from the vehicle's front to where it must stay behind
  double leader_speed = 0;    // speed of that point (0 for stop lines)
  double min_gap = 1.0;       // standstill distance to keep (IDM s0)
  double headway = 1.0;       // time headway (IDM T)
  bool relevant = false;      // whether the expert counts it as causally relevant right now
  std::string reason;         // e.g. "red traffic light ahead"
};

// Obligations for a vehicle whose front bumper is at `s_front` in the ego lane moving at
// `speed`. `self_id` is -1 for the ego (uses the ego's stop-sign bookkeeping) or an NPC's ID.
std::vector<Obligation> FindObligations(const WorldState& w, double s_front, double speed,
                                        int self_id);

// Intelligent-driver-model acceleration towards `desired_speed`, limited by `obligations`.
// Returns the binding obligation's index in `*binding` (-1 when free driving).
double IdmAccel(double speed, double desired_speed, const std::vector<Obligation>& obligations,
                int* binding);

// The expert's choice at one state.
struct ExpertDecision {
  Action action;                         // throttle / steer / brake
  std::vector<int> relevant_ids;         // objects causally relevant to this action
  std::vector<std::string> reasons;      // one per relevant ID
  std::string description;               // e.g. "stopping for red traffic light 7"
  double target_accel = 0;               // desired acceleration (m/s^2)
};

// A scripted driver: pure-pursuit lane keeping with speed-dependent look-ahead, IDM car
// following, stopping for red/yellow lights, crossing pedestrians and stop signs (stop, wait
// 1 s, go). Stateless: the decision is a function of the world state only.
class ScriptedExpert {
 public:
  // Decides the action for the current state.
  ExpertDecision Decide(const WorldState& w) const;
};

// Speed model inverse: the throttle/brake pair that yields acceleration `accel` at `speed`.
void AccelToPedals(double accel, double speed, double* throttle, double* brake);

}  // namespace autofocus::sim

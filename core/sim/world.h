#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace autofocus::sim {

// Fixed world constants (metres, seconds). The ego lane centre is lateral offset d = 0; d grows
// to the left. Oncoming lane centre d = +3.5; right shoulder (parking) down to d = -4.0; right
// sidewalk -4.0..-6.5; left sidewalk +5.25..+7.75.
constexpr double kLaneWidth = 3.5;            // width of one lane
constexpr double kOncomingLaneD = 3.5;        // lateral offset of the oncoming lane centre
constexpr double kRoadRightEdgeD = -1.75;     // right edge of the ego lane
constexpr double kShoulderRightD = -4.0;      // outer edge of the right parking shoulder
constexpr double kRoadLeftEdgeD = 5.25;       // left edge of the oncoming lane
constexpr double kSidewalkWidth = 2.5;        // both sidewalks
constexpr double kEgoLength = 4.5;            // ego car length
constexpr double kEgoWidth = 1.9;             // ego car width
constexpr double kWheelbase = 2.7;            // bicycle-model wheelbase
constexpr double kMaxSteerAngle = 0.5;        // rad at |steer| = 1
constexpr double kMaxAccel = 4.0;             // m/s^2 at throttle 1 from standstill
constexpr double kTopSpeed = 20.0;            // m/s where throttle stops accelerating
constexpr double kMaxBrake = 8.0;             // m/s^2 at brake 1
constexpr double kDrag = 0.02;                // 1/s, linear drag
constexpr double kRolling = 0.1;              // m/s^2 rolling resistance while moving

// One piece of the route centreline with constant curvature (1/m, positive = left turn).
struct RouteSegment {
  double length = 0;     // metres
  double curvature = 0;  // 1/radius, signed
};

// A 2-D pose on the route centreline.
struct RoutePose {
  double x = 0, y = 0;    // world position (metres)
  double heading = 0;     // radians, counter-clockwise from +x
  double curvature = 0;   // of the centreline here
};

// The ego lane centreline as a sequence of segments, sampled for fast lookup.
class Route {
 public:
  // Builds the route; segments must have positive length.
  explicit Route(std::vector<RouteSegment> segments);
  // Total centreline length.
  double Length() const { return length_; }
  const std::vector<RouteSegment>& segments() const { return segments_; }
  // Pose at arc length s (extrapolated straight beyond both ends).
  RoutePose PoseAt(double s) const;
  // World position of the Frenet point (s, d).
  void ToWorld(double s, double d, double* x, double* y) const;

 private:
  std::vector<RouteSegment> segments_;
  std::vector<RoutePose> samples_;  // every kStep metres
  double length_ = 0;
};

// Object classes of the sample world; names are the detector vocabulary.
enum class ObjectClass { kCar, kPedestrian, kTrafficLight, kStopSign, kCloud, kBuilding, kTree,
                         kBillboard, kParkedCar };
// Lower-case class name ("car", "traffic light", "parked car", ...).
const char* ClassName(ObjectClass c);
// All classes, in enum order.
std::vector<ObjectClass> AllClasses();

// Traffic-light phases.
enum class LightState { kGreen, kYellow, kRed };
// "green" | "yellow" | "red".
const char* LightName(LightState s);

// What an object does over time.
enum class Role { kStatic, kLeadVehicle, kOncoming, kCrossingPedestrian, kSidewalkPedestrian,
                  kSkyObject };

// One world object with a stable ground-truth ID. Positions are Frenet coordinates of the
// footprint centre: s along the route, d lateral (left positive).
struct WorldObject {
  int id = 0;                        // stable ground-truth ID (unique per episode)
  ObjectClass cls = ObjectClass::kCar;  // class
  Role role = Role::kStatic;         // behaviour
  double s = 0, d = 0;               // position
  double speed = 0;                  // along-route speed (negative = oncoming)
  double accel = 0;                  // last longitudinal acceleration (brake lights)
  double length = 1, width = 1, height = 1;  // size: along road, across, up (metres)
  double desired_speed = 0;          // vehicles: cruise speed
  double trigger_s = 0;              // crossing pedestrians: start walking when ego passes
  double start_d = 0, end_d = 0;     // crossing pedestrians: lateral start and end
  double walk_speed = 0;             // crossing pedestrians: m/s across the road
  bool walking = false;              // crossing pedestrians: crossing has started
  double stop_line_s = 0;            // lights and stop signs: where vehicles stop
  double cycle_offset = 0;           // lights: seconds into the cycle at t = 0
  double azimuth = 0, elevation = 0; // clouds: world direction (radians)
  double angular_w = 0, angular_h = 0;  // clouds: angular size (radians)
  double drift = 0;                  // clouds: azimuth drift (rad/s)
  int variant = 0;                   // colour / shape variant for drawing
  double sign_wait = 0;              // NPC vehicles: time waited at the current stop sign
  int cleared_sign = -1;             // NPC vehicles: last stop sign they waited at
};

// Traffic-light cycle (seconds): green, then yellow, then red.
constexpr double kGreenTime = 8.0;   // green phase
constexpr double kYellowTime = 2.0;  // yellow phase
constexpr double kRedTime = 12.0;    // red phase
// The state of a light at simulation time t.
LightState LightStateAt(const WorldObject& light, double t);

// A named family of routes: the parameter pools episodes are drawn from. Seen and unseen
// families use disjoint curvature pools and different event mixes (docs/sample-world.md).
struct RouteFamily {
  std::string name;                  // e.g. "seen-2"
  std::string description;           // in words, for summaries
  std::vector<double> curvatures;    // |curvature| pool (1/m), sign drawn per segment
  double min_segment = 30, max_segment = 70;  // segment length range (m)
  bool alternate_sign = false;       // S-curves: curvature sign alternates
  double light_weight = 1, stop_weight = 1, crossing_weight = 1, lead_weight = 1,
         oncoming_weight = 1;        // relative event frequencies
  double cruise_speed = 9.0;         // expert's desired speed (m/s)
};
// The built-in families of a split ("seen" or "unseen"); throws Error on another split.
std::vector<RouteFamily> RouteFamilies(const std::string& split);

// Everything needed to start an episode: route, objects, ego start.
struct Scenario {
  std::string family;                 // route family name
  std::string split;                  // "seen" | "unseen"
  std::string description;            // family description
  uint64_t seed = 0;                  // the seed it was generated from
  std::shared_ptr<const Route> route; // centreline (longer than goal_s, for rendering)
  double goal_s = 0;                  // route completion is measured to here
  double ego_start_speed = 0;         // m/s
  double cruise_speed = 9.0;          // expert's desired speed
  std::vector<WorldObject> objects;   // initial objects
};
// A car (4.4 x 1.9 x 1.5 m) with role, Frenet position, along-route speed and colour variant.
WorldObject MakeVehicle(int id, Role role, double s, double d, double speed, int variant);

// Generates a scenario of `family` deterministically from `seed`. `goal_length` is the route
// length to complete (m); `density` scales how many objects are placed (1 = default).
Scenario MakeScenario(const RouteFamily& family, const std::string& split, uint64_t seed,
                      double goal_length, double density);

// The ego's control input: throttle [0,1], steer [-1,1] (positive = left), brake [0,1].
struct Action {
  double throttle = 0;  // [0, 1]
  double steer = 0;     // [-1, 1], positive turns left
  double brake = 0;     // [0, 1]
};
// Clamps each component to its range (NaN becomes 0).
Action ClampAction(const Action& a);

// Cumulative infraction counts (CARLA leaderboard categories).
struct InfractionCounts {
  int pedestrian_collisions = 0;  // collisions with pedestrians
  int vehicle_collisions = 0;     // collisions with cars and parked cars
  int static_collisions = 0;      // leaving the road onto sidewalk/buildings
  int red_lights = 0;             // stop line crossed on red
  int stop_signs = 0;             // stop line passed without stopping
  int timeouts = 0;               // route not completed in time (set by the caller)
};

// The full world state at one instant.
struct WorldState {
  std::shared_ptr<const Route> route;  // the route
  double goal_s = 0;                   // completion target
  double cruise_speed = 9.0;           // expert's desired speed
  double time = 0;                     // seconds since Reset
  int step = 0;                        // steps since Reset
  double ego_s = 0, ego_d = 0;         // ego Frenet position (rear-axle-free: centre)
  double ego_heading_error = 0;        // ego heading minus road heading (rad)
  double ego_speed = 0;                // m/s, >= 0
  std::vector<WorldObject> objects;    // everything else
  std::vector<int> ego_stopped_signs;  // stop signs the ego came to a stop for
  std::vector<int> ego_cleared_signs;  // stop signs the ego has waited at long enough
  double ego_sign_wait = 0;            // seconds waited at the current stop sign
  std::vector<int> collided_ids;       // objects the ego already collided with
  bool off_road = false;               // currently off the road (static collision ongoing)
  InfractionCounts infractions;        // totals so far

  // Route progress in [0, 1].
  double RouteCompletion() const;
  // Finds an object by ID (nullptr when absent).
  const WorldObject* Find(int id) const;
};

// What happened in one step.
struct StepInfo {
  InfractionCounts new_infractions;  // infractions during this step only
  std::vector<int> collided_with;    // object IDs hit during this step
  double route_completion = 0;       // [0, 1] after the step
  bool route_done = false;           // goal reached
};

// Simulator constants.
struct SimConfig {
  double dt = 0.1;  // seconds per step (10 Hz)
};

// A deterministic stepping simulator: state + action -> next state. No randomness is drawn
// while stepping; everything random is fixed by the scenario, so a closed-loop rollout of a
// policy is reproducible.
class Simulator {
 public:
  explicit Simulator(SimConfig config = {});
  // Starts an episode from a scenario.
  void Reset(const Scenario& scenario);
  // Starts an episode on a scenario generated from (family, seed).
  void Reset(uint64_t seed, const RouteFamily& family, const std::string& split,
             double goal_length = 150.0, double density = 1.0);
  // Applies `action` for one step (clamped to the ranges) and advances every object.
  StepInfo Step(const Action& action);
  // The current state.
  const WorldState& state() const { return state_; }
  // Replaces the state (tests construct situations this way).
  WorldState& mutable_state() { return state_; }
  const SimConfig& config() const { return config_; }

 private:
  void StepObjects();
  SimConfig config_;
  WorldState state_;
};

// CARLA Leaderboard 2.0 style driving score: route completion (%) x product of per-infraction
// penalties (pedestrian 0.5, vehicle 0.6, static 0.65, red light 0.7, stop sign 0.8,
// timeout 0.7), each raised to the number of occurrences.
struct DrivingScore {
  // The penalty factor in (0, 1].
  static double Penalty(const InfractionCounts& counts);
  // Score in [0, 100] from completion in [0, 1].
  static double Score(double route_completion, const InfractionCounts& counts);
};

}  // namespace autofocus::sim

// Simulator, expert, renderer and driving-score behaviour of the sample world.
#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/core.hpp>

#include "core/base/error.h"
#include "core/base/hash.h"
#include "core/sim/expert.h"
#include "core/sim/renderer.h"
#include "core/sim/sample_project.h"

namespace autofocus::sim {
namespace {

// A straight route with no objects; tests add what they need.
Scenario StraightScenario(double goal = 200) {
  Scenario sc;
  sc.family = "test";
  sc.split = "seen";
  sc.route = std::make_shared<Route>(std::vector<RouteSegment>{{goal + 200, 0.0}});
  sc.goal_s = goal;
  sc.cruise_speed = 9.0;
  sc.ego_start_speed = 8.0;
  return sc;
}

WorldObject Light(int id, double stop_line, double offset) {
  WorldObject o;
  o.id = id;
  o.cls = ObjectClass::kTrafficLight;
  o.s = stop_line + 1.0;
  o.d = -4.7;
  o.length = 0.3;
  o.width = 0.5;
  o.height = 1.2;
  o.stop_line_s = stop_line;
  o.cycle_offset = offset;
  return o;
}

WorldObject Car(int id, ObjectClass cls, Role role, double s, double d, double speed) {
  WorldObject o = MakeVehicle(id, role, s, d, speed, 0);  // variant 0: red body (BGR 40,40,190)
  o.cls = cls;
  return o;
}

WorldObject Pedestrian(int id, Role role, double s, double d) {
  WorldObject o;
  o.id = id;
  o.cls = ObjectClass::kPedestrian;
  o.role = role;
  o.s = s;
  o.d = d;
  o.length = 0.4;
  o.width = 0.55;
  o.height = 1.75;
  return o;
}

std::string HashEpisode(const SimulatedEpisode& ep, const SampleWorldOptions& o) {
  Sha256 h;
  Renderer r(RenderOptions{o.width, o.height, o.confounded});
  cv::Mat img;
  std::vector<GtObject> gt;
  for (size_t t = 0; t < ep.states.size(); ++t) {
    const auto& d = ep.decisions[t];
    r.Render(ep.states[t], d.action, d.relevant_ids, d.reasons, &img, &gt);
    h.Update(std::string_view(reinterpret_cast<const char*>(img.data), img.total() * 3));
    const double a[3] = {d.action.throttle, d.action.steer, d.action.brake};
    h.Update(std::string_view(reinterpret_cast<const char*>(a), sizeof a));
    for (const auto& g : gt) {
      h.UpdateField(g.cls + std::to_string(g.id) + (g.relevant ? "R" : "-"));
      const float b[4] = {g.box.x1, g.box.y1, g.box.x2, g.box.y2};
      h.Update(std::string_view(reinterpret_cast<const char*>(b), sizeof b));
    }
  }
  return h.FinalHex();
}

TEST(SimWorld, SameSeedSameBytesDifferentSeedDiffers) {
  SampleWorldOptions o;
  o.frames = 40;
  o.seed = 7;
  const std::string a = HashEpisode(SimulateEpisode(o, 0), o);
  const std::string b = HashEpisode(SimulateEpisode(o, 0), o);
  EXPECT_EQ(a, b);
  o.seed = 8;
  EXPECT_NE(a, HashEpisode(SimulateEpisode(o, 0), o));
  o.seed = 7;
  EXPECT_NE(a, HashEpisode(SimulateEpisode(o, 1), o));  // another episode of the same world
}

TEST(SimWorld, SeenAndUnseenFamiliesUseDisjointCurvatures) {
  const auto seen = RouteFamilies("seen");
  const auto unseen = RouteFamilies("unseen");
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(unseen.size(), 3u);
  for (const auto& s : seen) {
    for (const auto& u : unseen) {
      for (double ks : s.curvatures) {
        for (double ku : u.curvatures) EXPECT_NE(ks, ku) << s.name << " vs " << u.name;
      }
    }
  }
  EXPECT_THROW(RouteFamilies("other"), Error);
}

TEST(SimWorld, ExpertStopsAtRedLightAndResumesOnGreen) {
  Scenario sc = StraightScenario();
  sc.ego_start_speed = 6.0;
  // Stop line 30 m ahead of the ego front; red from t = 0 for kRedTime seconds.
  const double line = 32.25;
  sc.objects.push_back(Light(1, line, kGreenTime + kYellowTime));
  Simulator sim;
  sim.Reset(sc);
  ScriptedExpert expert;
  double stop_time = -1, front_at_stop = 0, cross_time = -1;
  bool relevant_while_red = false;
  for (int t = 0; t < 300 && cross_time < 0; ++t) {
    const auto d = expert.Decide(sim.state());
    const bool red = LightStateAt(sc.objects[0], sim.state().time) == LightState::kRed;
    if (red && d.relevant_ids == std::vector<int>({1})) relevant_while_red = true;
    const double prev_front = sim.state().ego_s + kEgoLength / 2;
    sim.Step(d.action);
    const WorldState& w = sim.state();
    const double front = w.ego_s + kEgoLength / 2;
    if (stop_time < 0 && w.ego_speed < 0.05) {
      stop_time = w.time;
      front_at_stop = front;
    }
    if (prev_front < line && front >= line) cross_time = w.time;
  }
  ASSERT_GT(stop_time, 0);
  EXPECT_LT(stop_time, kRedTime);        // came to a stop while red
  EXPECT_LT(front_at_stop, line);        // before the line
  EXPECT_GT(front_at_stop, line - 4.0);  // and close to it
  EXPECT_GE(cross_time, kRedTime);       // crossed only after the light turned green
  EXPECT_TRUE(relevant_while_red);
  EXPECT_EQ(sim.state().infractions.red_lights, 0);
}

TEST(SimWorld, RunningARedLightIsAnInfraction) {
  Scenario sc = StraightScenario();
  sc.objects.push_back(Light(1, 20, kGreenTime + kYellowTime));
  Simulator sim;
  sim.Reset(sc);
  for (int t = 0; t < 40; ++t) sim.Step({0.5, 0, 0});
  EXPECT_EQ(sim.state().infractions.red_lights, 1);
}

TEST(SimWorld, StopSignMeansStopWaitGo) {
  Scenario sc = StraightScenario();
  WorldObject sign;
  sign.id = 3;
  sign.cls = ObjectClass::kStopSign;
  sign.s = 30.5;
  sign.d = -4.6;
  sign.stop_line_s = 30;
  sc.objects.push_back(sign);
  Simulator sim;
  sim.Reset(sc);
  ScriptedExpert expert;
  int stopped_steps = 0;
  for (int t = 0; t < 150; ++t) {
    sim.Step(expert.Decide(sim.state()).action);
    if (sim.state().ego_speed < 0.1) ++stopped_steps;
  }
  EXPECT_GE(stopped_steps, 10);  // waited at least 1 s
  EXPECT_GT(sim.state().ego_s, 40);  // and went on
  EXPECT_EQ(sim.state().infractions.stop_signs, 0);
  // Driving through without stopping is an infraction.
  sim.Reset(sc);
  for (int t = 0; t < 60; ++t) sim.Step({0.4, 0, 0});
  EXPECT_EQ(sim.state().infractions.stop_signs, 1);
}

TEST(SimWorld, ExpertFollowsLeadCarWithoutCollision) {
  Scenario sc = StraightScenario(400);
  sc.objects.push_back(Car(5, ObjectClass::kCar, Role::kLeadVehicle, 25, 0, 4.0));
  Simulator sim;
  sim.Reset(sc);
  ScriptedExpert expert;
  bool relevant = false;
  for (int t = 0; t < 300; ++t) {
    const auto d = expert.Decide(sim.state());
    for (int id : d.relevant_ids) relevant = relevant || id == 5;
    sim.Step(d.action);
  }
  EXPECT_TRUE(relevant);
  EXPECT_EQ(sim.state().infractions.vehicle_collisions, 0);
  const double gap = sim.state().Find(5)->s - sim.state().ego_s;
  EXPECT_GT(gap, 6.0);
  EXPECT_LT(gap, 25.0);
  EXPECT_NEAR(sim.state().ego_speed, 4.0, 0.5);
}

TEST(SimWorld, ExpertKeepsLaneOnCurvedRoutes) {
  for (const std::string split : {"seen", "unseen"}) {
    for (const auto& fam : RouteFamilies(split)) {
      Simulator sim;
      Scenario sc = MakeScenario(fam, split, 11, 150, 1.0);
      sc.objects.clear();  // lane keeping only
      sim.Reset(sc);
      ScriptedExpert expert;
      double max_d = 0;
      for (int t = 0; t < 250; ++t) {
        sim.Step(expert.Decide(sim.state()).action);
        max_d = std::max(max_d, std::abs(sim.state().ego_d));
      }
      EXPECT_LT(max_d, 0.5) << fam.name;
      EXPECT_EQ(sim.state().infractions.static_collisions, 0) << fam.name;
      EXPECT_GT(sim.state().ego_s, 150) << fam.name;
    }
  }
}

TEST(SimWorld, CrossingPedestrianIsRelevantSidewalkPedestrianIsNot) {
  Scenario sc = StraightScenario();
  WorldObject cross = Pedestrian(10, Role::kCrossingPedestrian, 30, -3.0);
  cross.walking = true;
  cross.start_d = -5.3;
  cross.end_d = 6.5;
  cross.walk_speed = 1.3;
  sc.objects.push_back(cross);
  sc.objects.push_back(Pedestrian(11, Role::kSidewalkPedestrian, 25, -5.3));
  sc.ego_start_speed = 6.0;
  Simulator sim;
  sim.Reset(sc);
  const auto d = ScriptedExpert().Decide(sim.state());
  ASSERT_EQ(d.relevant_ids, std::vector<int>({10}));
  Renderer r;
  cv::Mat img;
  std::vector<GtObject> gt;
  r.Render(sim.state(), d.action, d.relevant_ids, d.reasons, &img, &gt);
  ASSERT_EQ(gt.size(), 2u);
  for (const auto& g : gt) {
    EXPECT_EQ(g.cls, "pedestrian");
    EXPECT_EQ(g.relevant, g.id == 10) << g.id;
  }
  // Expert yields (slows to a crawl before the crossing) without hitting the pedestrian.
  double min_speed = 1e9;
  for (int t = 0; t < 150; ++t) {
    sim.Step(ScriptedExpert().Decide(sim.state()).action);
    if (sim.state().ego_s + kEgoLength / 2 < 30 - 2) min_speed = std::min(min_speed, sim.state().ego_speed);
  }
  EXPECT_LT(min_speed, 3.0);  // from 6 m/s: yielded until the pedestrian left the lane
  EXPECT_EQ(sim.state().infractions.pedestrian_collisions, 0);
  EXPECT_GT(sim.state().ego_s, 40);
}

TEST(SimWorld, GroundTruthBoxesAreInsideTheImageAndWhereTheRendererDrew) {
  Scenario sc = StraightScenario();
  sc.objects.push_back(Car(2, ObjectClass::kCar, Role::kLeadVehicle, 20, 0, 0));
  sc.objects.push_back(Car(3, ObjectClass::kParkedCar, Role::kStatic, 30, -2.9, 0));
  sc.objects.push_back(Light(4, 14, 0));  // green at t = 0
  Simulator sim;
  sim.Reset(sc);
  Renderer r;
  cv::Mat img;
  std::vector<GtObject> gt;
  r.Render(sim.state(), {}, {2}, {"test"}, &img, &gt);
  ASSERT_EQ(img.cols, 320);
  ASSERT_EQ(img.rows, 180);
  ASSERT_EQ(gt.size(), 3u);
  for (const auto& g : gt) {
    EXPECT_GE(g.box.x1, 0);
    EXPECT_GE(g.box.y1, 0);
    EXPECT_LE(g.box.x2, 320);
    EXPECT_LE(g.box.y2, 180);
    EXPECT_GT(g.box.Area(), 4);
  }
  const GtObject* car = nullptr;
  const GtObject* light = nullptr;
  for (const auto& g : gt) {
    if (g.id == 2) car = &g;
    if (g.id == 4) light = &g;
  }
  ASSERT_NE(car, nullptr);
  EXPECT_EQ(car->cls, "car");
  EXPECT_TRUE(car->relevant);
  // Body colour (variant 0: BGR 40,40,190) in the lower middle of the car's box.
  const cv::Vec3b body = img.at<cv::Vec3b>(static_cast<int>(car->box.y1 + 0.65 * car->box.Height()),
                                           static_cast<int>(car->box.CenterX()));
  EXPECT_EQ(body, cv::Vec3b(40, 40, 190));
  // Centred in the ego lane straight ahead.
  EXPECT_NEAR(car->box.CenterX(), 160, 1.0);
  // Green lamp lit at the bottom of the traffic-light housing.
  ASSERT_NE(light, nullptr);
  EXPECT_EQ(light->cls, "traffic light");
  const cv::Vec3b lamp = img.at<cv::Vec3b>(static_cast<int>(light->box.y2 - 0.2 / 1.2 * light->box.Height()),
                                           static_cast<int>(light->box.CenterX()));
  EXPECT_EQ(lamp, cv::Vec3b(80, 255, 40));
}

TEST(SimWorld, PedestrianHiddenBehindACarIsNotVisible) {
  Scenario sc = StraightScenario();
  // Hidden when its head is below the car roof on screen: 0.35/40 < 0.1/8.
  sc.objects.push_back(Car(2, ObjectClass::kCar, Role::kLeadVehicle, 8, 0, 0));
  sc.objects.push_back(Pedestrian(3, Role::kStatic, 40, 0));
  Simulator sim;
  sim.Reset(sc);
  Renderer r;
  cv::Mat img;
  std::vector<GtObject> gt;
  r.Render(sim.state(), {}, {}, {}, &img, &gt);
  ASSERT_EQ(gt.size(), 1u);
  EXPECT_EQ(gt[0].id, 2);
}

TEST(SimWorld, ConfoundIconsFollowTheAction) {
  Scenario sc = StraightScenario();
  Simulator sim;
  sim.Reset(sc);
  RenderOptions plain_opts;
  RenderOptions conf_opts;
  conf_opts.confounded = true;
  Renderer plain(plain_opts), conf(conf_opts);
  cv::Mat base, img;
  plain.Render(sim.state(), {}, {}, {}, &base, nullptr);
  const IconGeometry g = ConfoundIconGeometry(320, 180);
  EXPECT_EQ(g.dot_radius, 7);
  EXPECT_EQ(g.ArrowLength(0.05), 16);
  EXPECT_EQ(g.ArrowLength(1.0), 64);

  // No icon: coasting straight.
  conf.Render(sim.state(), {0.05, 0.0, 0.05}, {}, {}, &img, nullptr);
  EXPECT_EQ(cv::norm(img, base, cv::NORM_INF), 0);
  // Brake -> red dot only.
  conf.Render(sim.state(), {0, 0, 0.5}, {}, {}, &img, nullptr);
  EXPECT_EQ(img.at<cv::Vec3b>(g.dot_center), cv::Vec3b(0, 0, 255));
  EXPECT_EQ(img.at<cv::Vec3b>(g.dot_center + cv::Point(0, 6)), cv::Vec3b(0, 0, 255));
  EXPECT_EQ(img.at<cv::Vec3b>(g.dot_center + cv::Point(0, 9)), base.at<cv::Vec3b>(g.dot_center + cv::Point(0, 9)));
  // Throttle straight -> up arrow, no dot.
  conf.Render(sim.state(), {0.6, 0.0, 0}, {}, {}, &img, nullptr);
  EXPECT_EQ(img.at<cv::Vec3b>(31, 160), cv::Vec3b(255, 255, 255));
  EXPECT_EQ(img.at<cv::Vec3b>(g.dot_center), base.at<cv::Vec3b>(g.dot_center));
  // Steer left strongly -> long horizontal arrow, pointing left, no up arrow.
  conf.Render(sim.state(), {0.6, 1.0, 0}, {}, {}, &img, nullptr);
  EXPECT_EQ(img.at<cv::Vec3b>(g.arrow_y, 160 - 30), cv::Vec3b(255, 255, 255));
  EXPECT_EQ(img.at<cv::Vec3b>(g.arrow_y, 160 + 30), cv::Vec3b(255, 255, 255));
  EXPECT_EQ(img.at<cv::Vec3b>(40, 160), base.at<cv::Vec3b>(40, 160));
  // Weak steer -> short arrow (16 px): 30 px off centre stays background.
  conf.Render(sim.state(), {0.0, -0.05, 0}, {}, {}, &img, nullptr);
  EXPECT_EQ(img.at<cv::Vec3b>(g.arrow_y, 160 + 5), cv::Vec3b(255, 255, 255));
  EXPECT_EQ(img.at<cv::Vec3b>(g.arrow_y, 160 + 30), base.at<cv::Vec3b>(g.arrow_y, 160 + 30));
  // Scales with the image: 640x360 doubles the dot.
  EXPECT_EQ(ConfoundIconGeometry(640, 360).dot_radius, 14);
}

TEST(SimWorld, DrivingScoreUsesLeaderboardPenalties) {
  InfractionCounts c;
  EXPECT_DOUBLE_EQ(DrivingScore::Score(1.0, c), 100.0);
  EXPECT_DOUBLE_EQ(DrivingScore::Score(0.5, c), 50.0);
  c.pedestrian_collisions = 1;
  EXPECT_DOUBLE_EQ(DrivingScore::Penalty(c), 0.5);
  c = {};
  c.vehicle_collisions = 2;
  EXPECT_DOUBLE_EQ(DrivingScore::Penalty(c), 0.36);
  c = {};
  c.static_collisions = 1;
  c.red_lights = 1;
  c.stop_signs = 1;
  c.timeouts = 1;
  EXPECT_NEAR(DrivingScore::Penalty(c), 0.65 * 0.7 * 0.8 * 0.7, 1e-12);
  EXPECT_NEAR(DrivingScore::Score(0.8, c), 80 * 0.2548, 1e-9);
  EXPECT_DOUBLE_EQ(DrivingScore::Score(1.7, {}), 100.0);  // completion is clamped
}

TEST(SimWorld, OptionsCheckNamesTheField) {
  SampleWorldOptions o;
  EXPECT_NO_THROW(o.Check());
  o.split = "train";
  try {
    o.Check();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "sample_world.split");
  }
  o = {};
  o.frames = 1;
  EXPECT_THROW(o.Check(), Error);
  o = {};
  o.object_density = 0;
  EXPECT_THROW(o.Check(), Error);
}

}  // namespace
}  // namespace autofocus::sim

// Closed-loop evaluation in the sample world (protocol, icons, scores, determinism) and the
// simulated gaze model's statistics. Torch-free.
#include "core/sim/closed_loop.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/base/error.h"
#include "core/dataset/project_store.h"
#include "core/sim/gaze_model.h"
#include "core/sim/renderer.h"
#include "core/sim/sample_project.h"
#include "tests/support/test_support.h"

namespace autofocus::sim {
namespace {

// Small frames: the expert and constant policies ignore them, and rendering dominates.
ClosedLoopOptions SmallOptions() {
  ClosedLoopOptions o;
  o.width = 160;
  o.height = 90;
  o.threads = 2;
  return o;
}

// Returns a scripted sequence of actions and records what it was shown.
class RecordingPolicy : public ClosedLoopPolicy {
 public:
  explicit RecordingPolicy(std::vector<Action> script) : script_(std::move(script)) {}
  void Reset() override { ++resets; }
  Action Act(const cv::Mat& frame, const WorldState&, const Action& previous) override {
    frames.push_back(frame.clone());
    previous_seen.push_back(previous);
    const Action a = script_[std::min(frames.size() - 1, script_.size() - 1)];
    return a;
  }
  std::vector<cv::Mat> frames;        // every frame shown
  std::vector<Action> previous_seen;  // the `previous` argument per step
  int resets = 0;                     // Reset() calls

 private:
  std::vector<Action> script_;
};

Action Throttle(double t, double steer = 0) {
  Action a;
  a.throttle = t;
  a.steer = steer;
  return a;
}

TEST(ClosedLoop, NoOpStartAndStepCap) {
  ClosedLoopOptions o = SmallOptions();
  o.noop_steps = 5;
  o.episode_steps = 20;
  RecordingPolicy policy({Throttle(1.0)});
  std::vector<Action> applied;
  const ClosedLoopRun run = RunClosedLoop(
      o, 0, 0, policy, [&](int, const cv::Mat&, const Action& a) { applied.push_back(a); });
  EXPECT_EQ(policy.resets, 1);
  ASSERT_EQ(run.steps, 20);  // the cap ends the route: 20 steps cannot drive 100 m
  ASSERT_EQ(applied.size(), 20u);
  EXPECT_EQ(policy.frames.size(), 20u);  // the policy sees the no-op steps' frames too
  for (int t = 0; t < 5; ++t) {
    EXPECT_EQ(applied[t].brake, 1.0) << t;
    EXPECT_EQ(applied[t].throttle, 0.0) << t;
  }
  for (int t = 5; t < 20; ++t) EXPECT_EQ(applied[t].throttle, 1.0) << t;
  EXPECT_FALSE(run.finished);
  EXPECT_EQ(run.infractions.timeouts, 1);
  EXPECT_LT(run.completion, 50.0);
  EXPECT_NEAR(run.score, DrivingScore::Score(run.completion / 100.0, run.infractions), 1e-9);
  EXPECT_EQ(run.ToJson()["infractions"]["timeouts"], 1);

  o.noop_steps = 20;  // must leave at least one step to the policy
  EXPECT_THROW(o.Check(), Error);
}

TEST(ClosedLoop, ConfoundedIconsShowThePolicysPreviousAction) {
  ClosedLoopOptions o = SmallOptions();
  o.confounded = true;
  o.noop_steps = 2;
  o.episode_steps = 12;
  // Alternates brake and straight throttle: the icon of frame t must follow step t-1.
  std::vector<Action> script;
  for (int t = 0; t < 12; ++t) {
    Action a;
    if (t % 2 == 0) {
      a.brake = 0.8;
    } else {
      a.throttle = 0.6;
    }
    script.push_back(a);
  }
  RecordingPolicy policy(script);
  std::vector<Action> applied;
  RunClosedLoop(o, 1, 3, policy,
                [&](int, const cv::Mat&, const Action& a) { applied.push_back(a); });
  ASSERT_EQ(policy.frames.size(), 12u);
  const IconGeometry g = ConfoundIconGeometry(o.width, o.height);
  auto red_dot = [&](const cv::Mat& f) {
    const cv::Vec3b p = f.at<cv::Vec3b>(g.dot_center);
    return p == cv::Vec3b(0, 0, 255);
  };
  auto up_arrow = [&](const cv::Mat& f) {
    const cv::Vec3b p = f.at<cv::Vec3b>((g.up_top + g.up_bottom) / 2 + 2, o.width / 2);
    return p == cv::Vec3b(255, 255, 255);
  };
  for (size_t t = 0; t < 12; ++t) {
    const Action prev = t == 0 ? NoOpAction() : applied[t - 1];
    EXPECT_EQ(policy.previous_seen[t].brake, prev.brake) << t;
    EXPECT_EQ(red_dot(policy.frames[t]), prev.brake > 0.1) << "frame " << t;
    EXPECT_EQ(up_arrow(policy.frames[t]), prev.throttle > 0.1) << "frame " << t;
  }
  // Frames 3, 5, ...: the policy's own throttle step before; frames 1, 2: the no-op's dot.
  EXPECT_TRUE(red_dot(policy.frames[1]) && red_dot(policy.frames[2]));
  EXPECT_TRUE(up_arrow(policy.frames[4]));

  // The same frame rendered without the confound has no icon.
  o.confounded = false;
  RecordingPolicy plain(script);
  RunClosedLoop(o, 1, 3, plain);
  EXPECT_FALSE(red_dot(plain.frames[1]));
}

// Mean expert action over a generated episode: the constant floor's action.
Action MeanExpertAction() {
  SampleWorldOptions w;
  w.frames = 300;
  double t = 0, s = 0, b = 0;
  int n = 0;
  for (int e = 0; e < 3; ++e) {
    for (const auto& d : SimulateEpisode(w, e).decisions) {
      t += d.action.throttle;
      s += d.action.steer;
      b += d.action.brake;
      ++n;
    }
  }
  Action a;
  a.throttle = t / n;
  a.steer = s / n;
  a.brake = b / n;
  return a;
}

TEST(ClosedLoop, ExpertScoresHighAndTheConstantPolicyFarLower) {
  ClosedLoopOptions o = SmallOptions();
  const ClosedLoopResult expert = EvaluateClosedLoop(
      o, [] { return std::make_unique<ExpertPolicy>(); }, "expert");
  ASSERT_EQ(expert.runs.size(), 10u);  // 5 routes x 2 seeds
  EXPECT_GE(expert.mean_score, 80.0) << expert.ToJson().dump(1);
  const Action mean = MeanExpertAction();
  const ClosedLoopResult constant = EvaluateClosedLoop(
      o, [mean] { return std::make_unique<ConstantPolicy>(mean); }, "constant");
  EXPECT_LT(constant.mean_score, expert.mean_score / 2) << constant.ToJson().dump(1);
  // The documented JSON shape.
  const Json j = constant.ToJson();
  ASSERT_TRUE(j["runs"].is_array());
  for (const char* k : {"route", "seed", "completion", "infractions", "score"})
    EXPECT_TRUE(j["runs"][0].contains(k)) << k;
  EXPECT_TRUE(j["mean_score"].is_number());
  EXPECT_TRUE(j["stderr"].is_number());
  EXPECT_GT(j["stderr"].get<double>(), 0.0);
}

TEST(ClosedLoop, SameSeedSameScoreWhateverTheThreadCount) {
  ClosedLoopOptions o = SmallOptions();
  o.routes = 3;
  o.seeds = {4, 9};
  o.split = "unseen";
  const Action mean = MeanExpertAction();
  auto factory = [mean] { return std::make_unique<ConstantPolicy>(mean); };
  o.threads = 1;
  const Json one = EvaluateClosedLoop(o, factory, "c").ToJson()["runs"];
  o.threads = 2;
  const Json two = EvaluateClosedLoop(o, factory, "c").ToJson()["runs"];
  const Json again = EvaluateClosedLoop(o, factory, "c").ToJson()["runs"];
  EXPECT_EQ(one, two);
  EXPECT_EQ(two, again);
  // Another seed is another scenario.
  EXPECT_NE(EvaluationScenario(o, 0, 4).seed, EvaluationScenario(o, 0, 5).seed);
  EXPECT_EQ(EvaluationScenario(o, 2, 4).family, "unseen-2");
}

TEST(ClosedLoop, SeedListsParseAndBadOnesNameTheFlag) {
  EXPECT_EQ(ParseSeedList("0,1,5", "--seeds"), (std::vector<uint64_t>{0, 1, 5}));
  EXPECT_EQ(ParseSeedList("2-4,9", "--seeds"), (std::vector<uint64_t>{2, 3, 4, 9}));
  for (const char* bad : {"", "a", "1,,2", "5-3", "-1"}) {
    try {
      ParseSeedList(bad, "--seeds");
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.where(), "--seeds");
    }
  }
}

// The visible-object ground truth of an expert episode, as the generator renders it.
struct RenderedEpisode {
  SimulatedEpisode sim;
  std::vector<FrameGroundTruth> frames;
};
RenderedEpisode Render(const SampleWorldOptions& w, int index, const RenderOptions& ro) {
  RenderedEpisode r{SimulateEpisode(w, index), {}};
  Renderer renderer(ro);
  cv::Mat image;
  r.frames.resize(r.sim.states.size());
  for (size_t t = 0; t < r.sim.states.size(); ++t) {
    const auto& d = r.sim.decisions[t];
    renderer.Render(r.sim.states[t], d.action, d.relevant_ids, d.reasons, &image,
                    &r.frames[t].objects);
  }
  return r;
}

TEST(SimulatedGaze, StatisticsMatchTheDocumentedParameters) {
  SampleWorldOptions w;
  w.frames = 300;
  RenderOptions ro;
  ro.width = 320;
  ro.height = 180;
  const GazeModelOptions g;  // the defaults are what the docs state
  int relevant_choices = 0, relevant_hits = 0, free_choices = 0, distractor_hits = 0;
  double planned = 0, sq = 0;
  int fixations = 0, residuals = 0;
  for (int e = 0; e < 6; ++e) {
    const RenderedEpisode r = Render(w, e, ro);
    const SimulatedGaze gaze =
        SimulateGaze(r.sim.states, r.sim.decisions, r.frames, ro, g, r.sim.plan.seed);
    ASSERT_EQ(gaze.samples.size(), static_cast<size_t>(w.frames * g.samples_per_frame));
    const auto again =
        SimulateGaze(r.sim.states, r.sim.decisions, r.frames, ro, g, r.sim.plan.seed);
    EXPECT_EQ(again.samples.back().point, gaze.samples.back().point);  // deterministic
    for (const auto& f : gaze.fixations) {
      planned += f.planned_s;
      ++fixations;
      if (f.captured) continue;
      if (f.relevant_available) {
        ++relevant_choices;
        relevant_hits += f.target == GazeTarget::kRelevant;
      } else {
        ++free_choices;
        distractor_hits += f.target == GazeTarget::kDistractor;
        EXPECT_NE(f.target, GazeTarget::kRelevant);
      }
    }
    for (const auto& s : gaze.samples) {
      const double cx = s.clean[0] * ro.width, cy = s.clean[1] * ro.height;
      // Clipped samples are not Gaussian: use those well inside the image.
      if (cx < 40 || cx > ro.width - 40 || cy < 40 || cy > ro.height - 40) continue;
      const double dx = s.point[0] * ro.width - cx, dy = s.point[1] * ro.height - cy;
      sq += dx * dx + dy * dy;
      residuals += 2;
      if (s.target == GazeTarget::kRelevant) {
        // A relevant fixation aims at the centre of a relevant object of that frame.
        bool found = false;
        for (const auto& obj : r.frames[static_cast<size_t>(s.frame)].objects)
          found = found ||
                  (obj.id == s.object_id && std::abs(obj.box.CenterX() - cx) < 1e-3 * ro.width);
        EXPECT_TRUE(found);
      }
    }
  }
  ASSERT_GT(relevant_choices, 80);
  ASSERT_GT(free_choices, 80);
  const double share = static_cast<double>(relevant_hits) / relevant_choices;
  EXPECT_NEAR(share, g.relevant_share, 0.1) << relevant_hits << "/" << relevant_choices;
  EXPECT_NEAR(static_cast<double>(distractor_hits) / free_choices, g.distractor_share, 0.07);
  EXPECT_NEAR(planned / fixations, g.fixation_mean_s, 0.05);
  EXPECT_NEAR(std::sqrt(sq / residuals), g.noise_px, 0.1 * g.noise_px);
  GazeModelOptions bad;
  bad.samples_per_frame = 6;
  EXPECT_THROW(bad.Check(), Error);
  bad = {};
  bad.relevant_share = 0.9;  // + distractor_share > 1
  EXPECT_THROW(bad.Check(), Error);
}

TEST(SimulatedGaze, GeneratedProjectsStoreItAsEpisodeGaze) {
  testing::TempDir dir;
  SampleWorldOptions o;
  o.episodes = 2;
  o.frames = 10;
  o.width = 160;
  o.height = 90;
  GenerateSampleProject(o, dir / "p");
  const ProjectStore store = ProjectStore::Open(dir / "p");
  const Episode e = store.LoadEpisode("episode_001");
  ASSERT_EQ(e.gaze.size(), 10u);
  for (const auto& frame : e.gaze) {
    ASSERT_EQ(frame.size(), 5u);
    for (const auto& p : frame) {
      EXPECT_TRUE(p[0] >= 0 && p[0] <= 1 && p[1] >= 0 && p[1] <= 1);
    }
  }
  EXPECT_EQ(e.metadata["gaze"], "simulated gaze");
  EXPECT_EQ(store.info().settings["sample_world"]["simulated_gaze"]["model"], "simulated gaze");
  o.gaze = false;
  GenerateSampleProject(o, dir / "q");
  EXPECT_TRUE(ProjectStore::Open(dir / "q").LoadEpisode("episode_001").gaze.empty());
}

}  // namespace
}  // namespace autofocus::sim

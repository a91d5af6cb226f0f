#include "core/sim/gaze_model.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/base/error.h"
#include "core/sim/rng.h"

namespace autofocus::sim {
namespace {

constexpr double kFrameSeconds = 0.1;  // the sample world's frame interval (10 fps)

bool Contains(const std::vector<int>& v, int id) {
  return std::find(v.begin(), v.end(), id) != v.end();
}

// Standard normal from the platform-independent generator (Box-Muller), so the same seed gives
// the same gaze with every compiler.
double Normal(SimRng& rng) {
  const double u1 = std::max(1e-300, rng.Uniform());
  const double u2 = rng.Uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

}  // namespace

void GazeModelOptions::Check() const {
  if (samples_per_frame < 1 || samples_per_frame > 5)
    throw Error("", "gaze.samples_per_frame", "must be in 1..5 (episodes store up to 5 points)");
  if (!(fixation_min_s > 0 && fixation_min_s <= fixation_mean_s && fixation_mean_s <= 10))
    throw Error("", "gaze.fixation_mean_s", "needs 0 < fixation_min_s <= fixation_mean_s <= 10");
  if (!(saccade_s >= 0 && saccade_s < fixation_min_s))
    throw Error("", "gaze.saccade_s", "must be in 0..fixation_min_s");
  if (!(reaction_lag_s >= 0 && reaction_lag_s <= 5))
    throw Error("", "gaze.reaction_lag_s", "must be in 0..5");
  if (!(relevant_share >= 0 && distractor_share >= 0 && relevant_share + distractor_share <= 1))
    throw Error("", "gaze.relevant_share",
                "relevant_share and distractor_share must be >= 0 and sum to at most 1");
  if (!(road_ahead_m > 1)) throw Error("", "gaze.road_ahead_m", "must be > 1");
  if (!(noise_px >= 0 && noise_px <= 100)) throw Error("", "gaze.noise_px", "must be in 0..100");
}

Json GazeModelOptions::ToJson() const {
  return {{"model", "simulated gaze"},
          {"samples_per_frame", samples_per_frame},
          {"fixation_mean_s", fixation_mean_s},
          {"fixation_min_s", fixation_min_s},
          {"saccade_s", saccade_s},
          {"reaction_lag_s", reaction_lag_s},
          {"relevant_share", relevant_share},
          {"distractor_share", distractor_share},
          {"road_ahead_m", road_ahead_m},
          {"noise_px", noise_px},
          {"capture", capture}};
}

const char* GazeTargetName(GazeTarget t) {
  switch (t) {
    case GazeTarget::kRoadAhead:
      return "road_ahead";
    case GazeTarget::kRelevant:
      return "relevant";
    case GazeTarget::kDistractor:
      return "distractor";
    case GazeTarget::kSaccade:
      return "saccade";
  }
  return "?";
}

std::vector<std::vector<GazePoint>> SimulatedGaze::PerFrame(int frames) const {
  std::vector<std::vector<GazePoint>> out(static_cast<size_t>(frames));
  for (const auto& s : samples) {
    if (s.frame >= 0 && s.frame < frames) out[static_cast<size_t>(s.frame)].push_back(s.point);
  }
  return out;
}

SimulatedGaze SimulateGaze(const std::vector<WorldState>& states,
                           const std::vector<ExpertDecision>& decisions,
                           const std::vector<FrameGroundTruth>& frames, const RenderOptions& camera,
                           const GazeModelOptions& o, uint64_t seed) {
  o.Check();
  if (states.size() != decisions.size() || states.size() != frames.size())
    throw Error("", "gaze", "states, decisions and frames must have one entry per frame");
  SimulatedGaze out;
  SimRng rng(MixSeed(seed, HashName("simulated gaze")));
  const int T = static_cast<int>(frames.size());
  const double W = camera.width, H = camera.height;
  const double sigma = o.noise_px * W / 320.0;
  const double dt = kFrameSeconds / o.samples_per_frame;
  const int lag_frames = static_cast<int>(std::lround(o.reaction_lag_s / kFrameSeconds));

  // Current fixation and the saccade into it.
  GazeTarget target = GazeTarget::kRoadAhead;
  int target_id = -1;
  double fixation_end = -1;  // seconds; < now forces a new choice
  double saccade_start = -1e9;
  cv::Point2d from(W / 2, H * 0.4), last(W / 2, H * 0.4);
  std::vector<int> noticed;  // relevant objects already noticed (for capture)

  for (int f = 0; f < T; ++f) {
    std::map<int, const GtObject*> visible;
    for (const auto& obj : frames[static_cast<size_t>(f)].objects) visible[obj.id] = &obj;
    // The driver reacts to what was relevant `lag` ago, among what is visible now.
    const auto& lagged = decisions[static_cast<size_t>(std::max(0, f - lag_frames))].relevant_ids;
    std::vector<int> relevant, distractors;
    for (const auto& [id, obj] : visible) {
      if (Contains(lagged, id)) {
        relevant.push_back(id);
      } else if (obj->cls != "cloud") {
        distractors.push_back(id);  // the sky is no place drivers glance at
      }
    }
    cv::Point2d road(W / 2, std::round(H * 0.4));
    const WorldState& w = states[static_cast<size_t>(f)];
    cv::Point2d projected;
    if (ProjectFrenetPoint(w, camera, w.ego_s + o.road_ahead_m, 0.0, 0.0, &projected))
      road = projected;

    for (int k = 0; k < o.samples_per_frame; ++k) {
      const double now = (f * o.samples_per_frame + k) * dt;
      bool start = now >= fixation_end ||
                   (target != GazeTarget::kRoadAhead && visible.count(target_id) == 0);
      bool captured = false;
      int capture_id = -1;
      if (o.capture) {
        for (int id : relevant) {
          if (!Contains(noticed, id)) {
            noticed.push_back(id);
            if (capture_id < 0) capture_id = id;
          }
        }
        if (capture_id >= 0 && !(target == GazeTarget::kRelevant && visible.count(target_id))) {
          start = captured = true;
        }
      }
      if (start) {
        GazeFixation fx;
        fx.first_sample = static_cast<int>(out.samples.size());
        fx.relevant_available = !relevant.empty();
        fx.captured = captured;
        if (captured) {
          fx.target = GazeTarget::kRelevant;
          fx.object_id = capture_id;
        } else {
          const double u = rng.Uniform();
          const double p_rel = relevant.empty() ? 0.0 : o.relevant_share;
          if (u < p_rel) {
            fx.target = GazeTarget::kRelevant;
            fx.object_id =
                relevant[static_cast<size_t>(rng.Int(static_cast<int>(relevant.size())))];
          } else if (u < p_rel + o.distractor_share && !distractors.empty()) {
            fx.target = GazeTarget::kDistractor;
            fx.object_id =
                distractors[static_cast<size_t>(rng.Int(static_cast<int>(distractors.size())))];
          }
        }
        // Shifted exponential: a minimum fixation plus a memoryless rest, mean fixation_mean_s.
        const double rest = o.fixation_mean_s - o.fixation_min_s;
        fx.planned_s = o.fixation_min_s - rest * std::log(std::max(1e-12, 1.0 - rng.Uniform()));
        target = fx.target;
        target_id = fx.object_id;
        fixation_end = now + fx.planned_s;
        saccade_start = now;
        from = last;
        out.fixations.push_back(fx);
      }
      cv::Point2d aim = road;
      if (target != GazeTarget::kRoadAhead) {
        const Box& b = visible.at(target_id)->box;
        aim = {b.CenterX(), b.CenterY()};
      }
      GazeSample s;
      s.frame = f;
      // Smooth pursuit: the fixation follows its target as it moves; a saccade is a straight
      // move towards it of saccade_s.
      cv::Point2d clean = aim;
      s.target = target;
      s.object_id = target == GazeTarget::kRoadAhead ? -1 : target_id;
      if (now - saccade_start < o.saccade_s) {
        const double a = (now - saccade_start) / o.saccade_s;
        clean = from + a * (aim - from);
        s.target = GazeTarget::kSaccade;
        s.object_id = -1;
      }
      last = clean;
      const double nx = clean.x + sigma * Normal(rng), ny = clean.y + sigma * Normal(rng);
      s.clean = {static_cast<float>(clean.x / W), static_cast<float>(clean.y / H)};
      s.point = {static_cast<float>(std::clamp(nx, 0.0, W - 1) / W),
                 static_cast<float>(std::clamp(ny, 0.0, H - 1) / H)};
      out.samples.push_back(s);
    }
  }
  return out;
}

}  // namespace autofocus::sim

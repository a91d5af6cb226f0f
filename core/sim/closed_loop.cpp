#include "core/sim/closed_loop.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <opencv2/imgproc.hpp>
#include <thread>

#include "core/base/error.h"
#include "core/imageio/mp4_writer.h"
#include "core/sim/renderer.h"
#include "core/sim/rng.h"

namespace autofocus::sim {
namespace {

constexpr double kDt = 0.1;  // the sample world's step (10 Hz), as the generator uses

// Writes the frame the policy saw with the applied control printed below it.
class RunVideo {
 public:
  RunVideo(const std::filesystem::path& file, int width, int height) {
    Mp4Options mo;
    mo.fps = static_cast<int>(std::lround(1.0 / kDt));
    mo.gop = 10;  // a player seeks fine; LeRobot's 2 would only make the file larger
    // yuv420p needs even sizes; a caption strip goes below the frame.
    width_ = width + (width % 2);
    height_ = height + kCaption + (height % 2);
    writer_.Open(file, width_, height_, mo);
  }
  // `attention` (h x w, optional): overlaid min-max per frame on the turbo colormap, alpha
  // growing with the value so the frame stays visible where the policy does not look.
  void Write(int step, const cv::Mat& bgr, const Action& a,
             const std::vector<float>* attention = nullptr, int h = 0, int w = 0) {
    canvas_.create(height_, width_, CV_8UC3);
    canvas_.setTo(cv::Scalar(0, 0, 0));
    bgr.copyTo(canvas_(cv::Rect(0, 0, bgr.cols, bgr.rows)));
    if (attention && h > 0 && w > 0 && attention->size() == static_cast<size_t>(h) * w) {
      cv::Mat m(h, w, CV_32F, const_cast<float*>(attention->data())), up, u8, colour;
      cv::resize(m, up, bgr.size(), 0, 0, cv::INTER_LINEAR);
      double lo = 0, hi = 0;
      cv::minMaxLoc(up, &lo, &hi);
      up.convertTo(u8, CV_8U, hi > lo ? 255.0 / (hi - lo) : 0.0,
                   hi > lo ? -255.0 * lo / (hi - lo) : 0.0);
      cv::applyColorMap(u8, colour, cv::COLORMAP_TURBO);
      cv::Mat region = canvas_(cv::Rect(0, 0, bgr.cols, bgr.rows));
      for (int y = 0; y < bgr.rows; ++y) {
        for (int x = 0; x < bgr.cols; ++x) {
          const float alpha = 0.6f * u8.at<uint8_t>(y, x) / 255.f;
          cv::Vec3b& p = region.at<cv::Vec3b>(y, x);
          const cv::Vec3b c = colour.at<cv::Vec3b>(y, x);
          for (int k = 0; k < 3; ++k)
            p[k] = static_cast<uint8_t>(std::lround((1 - alpha) * p[k] + alpha * c[k]));
        }
      }
    }
    char text[96];
    std::snprintf(text, sizeof text, "t=%d thr %.2f steer %+.2f brake %.2f", step, a.throttle,
                  a.steer, a.brake);
    cv::putText(canvas_, text, {4, bgr.rows + kCaption - 6}, cv::FONT_HERSHEY_SIMPLEX, 0.4,
                {255, 255, 255}, 1, cv::LINE_AA);
    cv::cvtColor(canvas_, rgb_, cv::COLOR_BGR2RGB);
    writer_.Write(rgb_);
  }
  void Finish() { writer_.Finish(); }

 private:
  static constexpr int kCaption = 18;  // caption strip height (px)
  Mp4Writer writer_;
  int width_ = 0, height_ = 0;
  cv::Mat canvas_, rgb_;
};

}  // namespace

void ClosedLoopOptions::Check() const {
  RouteFamilies(split);  // throws on an unknown split
  if (routes < 1 || routes > 10000) throw Error("", "evaluate.routes", "must be in 1..10000");
  if (seeds.empty()) throw Error("", "evaluate.seeds", "needs at least one seed");
  if (episode_steps < 1 || episode_steps > 1000000)
    throw Error("", "evaluate.episode_steps", "must be in 1..1000000");
  if (noop_steps < 0 || noop_steps >= episode_steps)
    throw Error("", "evaluate.noop_steps", "must be in 0..episode_steps-1");
  if (!(route_length >= 20 && route_length <= 100000))
    throw Error("", "evaluate.route_length", "must be in 20..100000 m");
  if (!(object_density >= 0.25 && object_density <= 4.0))
    throw Error("", "evaluate.object_density", "must be in 0.25..4");
  if (!(max_deviation > kLaneWidth)) throw Error("", "evaluate.max_deviation", "must be > 3.5 m");
  if (width < 32 || width > 4096) throw Error("", "evaluate.width", "must be in 32..4096");
  if (height < 32 || height > 4096) throw Error("", "evaluate.height", "must be in 32..4096");
  if (threads < 1 || threads > 256) throw Error("", "evaluate.threads", "must be in 1..256");
}

Json ClosedLoopOptions::ToJson() const {
  return {{"split", split},
          {"confounded", confounded},
          {"routes", routes},
          {"seeds", seeds},
          {"episode_steps", episode_steps},
          {"noop_steps", noop_steps},
          {"route_length", route_length},
          {"object_density", object_density},
          {"max_deviation", max_deviation},
          {"width", width},
          {"height", height},
          {"fps", 1.0 / kDt}};
}

Action ExpertPolicy::Act(const cv::Mat&, const WorldState& state, const Action&) {
  return expert_.Decide(state).action;
}

Action NoOpAction() {
  Action a;
  a.brake = 1.0;
  return a;
}

Json InfractionsToJson(const InfractionCounts& c) {
  return {{"pedestrian_collisions", c.pedestrian_collisions},
          {"vehicle_collisions", c.vehicle_collisions},
          {"static_collisions", c.static_collisions},
          {"red_lights", c.red_lights},
          {"stop_signs", c.stop_signs},
          {"timeouts", c.timeouts}};
}

Json ClosedLoopRun::ToJson() const {
  Json j = {{"route", route},
            {"seed", seed},
            {"family", family},
            {"scenario_seed", scenario_seed},
            {"steps", steps},
            {"completion", completion},
            {"finished", finished},
            {"deviated", deviated},
            {"infractions", InfractionsToJson(infractions)},
            {"score", score}};
  if (!video.empty()) j["video"] = video;
  return j;
}

Json ClosedLoopResult::ToJson() const {
  Json runs_json = Json::array();
  for (const auto& r : runs) runs_json.push_back(r.ToJson());
  return {{"runs", runs_json},
          {"mean_score", mean_score},
          {"stderr", stderr_score},
          {"split", options.split},
          {"setting", options.confounded ? "confounded" : "original"},
          {"confounded", options.confounded},
          {"policy", policy},
          {"options", options.ToJson()},
          {"seconds", seconds}};
}

Scenario EvaluationScenario(const ClosedLoopOptions& o, int route, uint64_t seed) {
  const auto families = RouteFamilies(o.split);
  const RouteFamily& family = families[static_cast<size_t>(route) % families.size()];
  // A seed stream of its own: the generator's episodes use MixSeed(world seed, index), so an
  // evaluation scenario is never a training episode replayed.
  const uint64_t stream =
      MixSeed(HashName("autofocus-evaluate/" + o.split), static_cast<uint64_t>(route));
  return MakeScenario(family, o.split, MixSeed(stream, seed), o.route_length, o.object_density);
}

ClosedLoopRun RunClosedLoop(
    const ClosedLoopOptions& o, int route, uint64_t seed, ClosedLoopPolicy& policy,
    const std::function<void(int, const cv::Mat&, const Action&)>& on_frame) {
  const Scenario scenario = EvaluationScenario(o, route, seed);
  ClosedLoopRun run;
  run.route = route;
  run.seed = seed;
  run.family = scenario.family;
  run.scenario_seed = scenario.seed;
  SimConfig cfg;
  cfg.dt = kDt;
  Simulator sim(cfg);
  sim.Reset(scenario);
  // The generator's renderer settings, so the policy sees what a generated project stores.
  RenderOptions ro;
  ro.width = o.width;
  ro.height = o.height;
  ro.confounded = o.confounded;
  Renderer renderer(ro);
  std::unique_ptr<RunVideo> video;
  if (!o.video_dir.empty()) {
    char name[64];
    std::snprintf(name, sizeof name, "route-%03d-seed-%llu.mp4", route,
                  static_cast<unsigned long long>(seed));
    run.video = (o.video_dir / name).string();
    video = std::make_unique<RunVideo>(run.video, o.width, o.height);
  }
  policy.Reset();
  cv::Mat frame;
  // The paper's evaluation draws the previous control, a no-op before the first step.
  Action previous = NoOpAction();
  for (int t = 0; t < o.episode_steps; ++t) {
    renderer.Render(sim.state(), previous, {}, {}, &frame, nullptr);
    // The policy acts on every frame, the no-op steps included, so its frame stack and any
    // memory are warm when its actions start to count.
    const Action proposed = policy.Act(frame, sim.state(), previous);
    const Action applied = ClampAction(t < o.noop_steps ? NoOpAction() : proposed);
    if (on_frame) on_frame(t, frame, applied);
    if (video) {
      std::vector<float> attention;
      int ah = 0, aw = 0;
      if (policy.LastAttention(&attention, &ah, &aw))
        video->Write(t, frame, applied, &attention, ah, aw);
      else
        video->Write(t, frame, applied);
    }
    const StepInfo info = sim.Step(applied);
    previous = applied;
    run.steps = t + 1;
    if (info.route_done) {
      run.finished = true;
      break;
    }
    if (std::abs(sim.state().ego_d) > o.max_deviation) {
      // CARLA ends a route when the agent leaves it; here: beyond the sidewalks.
      run.deviated = true;
      break;
    }
  }
  if (video) video->Finish();
  run.infractions = sim.state().infractions;
  // Reaching the step cap unfinished is a timeout; a deviation ends the route without one
  // (its completion stops where the car left).
  if (!run.finished && !run.deviated) run.infractions.timeouts = 1;
  const double completion = sim.state().RouteCompletion();
  run.completion = 100.0 * completion;
  run.score = DrivingScore::Score(completion, run.infractions);
  return run;
}

ClosedLoopResult EvaluateClosedLoop(const ClosedLoopOptions& o, const PolicyFactory& factory,
                                    const std::string& policy_name,
                                    const ProgressCallback& progress, const StopCheck& stop) {
  o.Check();
  const auto t0 = std::chrono::steady_clock::now();
  if (!o.video_dir.empty()) std::filesystem::create_directories(o.video_dir);
  ClosedLoopResult result;
  result.options = o;
  result.policy = policy_name;
  const int total = o.routes * static_cast<int>(o.seeds.size());
  result.runs.resize(static_cast<size_t>(total));
  // Workers take run indices from a shared counter and fill per-run slots; every run starts
  // from a fresh simulator and Reset() policy, so the result does not depend on scheduling.
  std::atomic<int> next{0}, done{0};
  std::atomic<bool> stopped{false};
  std::exception_ptr failure;
  std::mutex mu;
  auto worker = [&]() {
    try {
      std::unique_ptr<ClosedLoopPolicy> policy = factory();
      for (int i = next++; i < total; i = next++) {
        if (stopped.load() || (stop && stop())) {
          stopped = true;
          return;
        }
        const int route = i / static_cast<int>(o.seeds.size());
        const uint64_t seed = o.seeds[static_cast<size_t>(i) % o.seeds.size()];
        result.runs[static_cast<size_t>(i)] = RunClosedLoop(o, route, seed, *policy);
        const int d = ++done;
        if (progress) {
          const double el =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          Progress p;
          p.stage = "evaluate";
          p.item = "route " + std::to_string(route) + " seed " + std::to_string(seed);
          p.done = d;
          p.total = total;
          p.eta_seconds = el * (total - d) / d;
          std::lock_guard<std::mutex> lock(mu);
          progress(p);
        }
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu);
      if (!failure) failure = std::current_exception();
      stopped = true;
    }
  };
  std::vector<std::thread> pool;
  const int threads = std::min(o.threads, total);
  for (int i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
  if (stopped) throw Cancelled();

  double sum = 0;
  for (const auto& r : result.runs) sum += r.score;
  const double n = static_cast<double>(result.runs.size());
  result.mean_score = sum / n;
  if (result.runs.size() > 1) {
    double sq = 0;
    for (const auto& r : result.runs)
      sq += (r.score - result.mean_score) * (r.score - result.mean_score);
    result.stderr_score = std::sqrt(sq / (n - 1)) / std::sqrt(n);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

std::vector<uint64_t> ParseSeedList(const std::string& text, const std::string& where) {
  std::vector<uint64_t> out;
  auto bad = [&](const std::string& why) {
    return Error("", where, why + " in \"" + text + "\" (expected e.g. 0,1,2 or 0-3)");
  };
  auto number = [&](const std::string& s) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
      throw bad("\"" + s + "\" is not a non-negative integer");
    try {
      return static_cast<uint64_t>(std::stoull(s));
    } catch (const std::exception&) {
      throw bad("\"" + s + "\" is out of range");
    }
  };
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string part =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const size_t dash = part.find('-');
    if (dash == std::string::npos) {
      out.push_back(number(part));
    } else {
      const uint64_t lo = number(part.substr(0, dash)), hi = number(part.substr(dash + 1));
      if (hi < lo || hi - lo >= 10000) throw bad("bad range \"" + part + "\"");
      for (uint64_t s = lo; s <= hi; ++s) out.push_back(s);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (out.empty()) throw bad("no seed");
  return out;
}

}  // namespace autofocus::sim

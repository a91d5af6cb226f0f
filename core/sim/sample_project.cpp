#include "core/sim/sample_project.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/dataset/project_store.h"
#include "core/imageio/image_io.h"
#include "core/sim/ground_truth.h"
#include "core/sim/renderer.h"
#include "core/sim/rng.h"

namespace autofocus::sim {
namespace fs = std::filesystem;

namespace {

constexpr double kDt = 0.1;              // simulator step = frame interval (10 FPS)
constexpr double kMeanSpeedGuess = 6.0;  // m/s, sizes the route so the expert nearly ends it

std::string EpisodeName(const SampleWorldOptions& o, int index) {
  const int digits = std::max(3, static_cast<int>(std::to_string(std::max(0, o.episodes - 1)).size()));
  char buf[32];
  std::snprintf(buf, sizeof buf, "episode_%0*d", digits, index);
  return buf;
}

std::vector<float> ActionVector(const Action& a) {
  return {static_cast<float>(a.throttle), static_cast<float>(a.steer), static_cast<float>(a.brake)};
}

void WriteBytes(const fs::path& path, const std::vector<uchar>& bytes) {
  // Frames go into the staging directory, which is renamed as a whole at the end: a per-file
  // fsync (WriteFileAtomic) would cost more than encoding and buys nothing here.
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw Error(path.string(), "", "cannot write frame");
}

}  // namespace

void SampleWorldOptions::Check() const {
  if (episodes < 1 || episodes > 10000) throw Error("", "sample_world.episodes", "must be in 1..10000");
  if (frames < 2 || frames > 100000) throw Error("", "sample_world.frames", "must be in 2..100000");
  if (width < 32 || width > 4096) throw Error("", "sample_world.width", "must be in 32..4096");
  if (height < 32 || height > 4096) throw Error("", "sample_world.height", "must be in 32..4096");
  if (split != "seen" && split != "unseen") {
    throw Error("", "sample_world.split", "must be \"seen\" or \"unseen\", got \"" + split + "\"");
  }
  if (!(object_density >= 0.25 && object_density <= 4.0)) {
    throw Error("", "sample_world.object_density", "must be in 0.25..4");
  }
  if (threads < 0 || threads > 256) throw Error("", "sample_world.threads", "must be in 0..256");
  if (png_compression < 0 || png_compression > 9) {
    throw Error("", "sample_world.png_compression", "must be in 0..9");
  }
  if (gaze) gaze_model.Check();
}

Json SampleWorldOptions::ToJson() const {
  return {{"seed", seed},
          {"episodes", episodes},
          {"frames", frames},
          {"width", width},
          {"height", height},
          {"split", split},
          {"confounded", confounded},
          {"object_density", object_density},
          {"simulated_gaze", gaze ? gaze_model.ToJson() : Json(nullptr)},
          {"fps", 1.0 / kDt}};
}

ActionSpec SampleWorldActionSpec() {
  ActionSpec spec;
  spec.kind = ActionSpec::Kind::kContinuous;
  spec.dims = {{"throttle", 0.0, 1.0, true, {}}, {"steer", -1.0, 1.0, true, {}},
               {"brake", 0.0, 1.0, true, {}}};
  return spec;
}

EpisodePlan PlanEpisode(const SampleWorldOptions& o, int index) {
  EpisodePlan plan;
  plan.name = EpisodeName(o, index);
  const auto families = RouteFamilies(o.split);
  plan.family = families[static_cast<size_t>(index) % families.size()];
  plan.seed = MixSeed(o.seed, static_cast<uint64_t>(index));
  const double goal = std::max(60.0, o.frames * kDt * kMeanSpeedGuess);
  plan.scenario = MakeScenario(plan.family, o.split, plan.seed, goal, o.object_density);
  return plan;
}

SimulatedEpisode SimulateEpisode(const SampleWorldOptions& o, int index) {
  SimulatedEpisode ep;
  ep.plan = PlanEpisode(o, index);
  SimConfig cfg;
  cfg.dt = kDt;
  Simulator sim(cfg);
  sim.Reset(ep.plan.scenario);
  ScriptedExpert expert;
  ep.states.reserve(static_cast<size_t>(o.frames));
  ep.decisions.reserve(static_cast<size_t>(o.frames));
  for (int t = 0; t < o.frames; ++t) {
    ep.states.push_back(sim.state());
    ep.decisions.push_back(expert.Decide(sim.state()));
    if (t + 1 < o.frames) sim.Step(ep.decisions.back().action);
  }
  ep.infractions = sim.state().infractions;
  ep.route_completion = sim.state().RouteCompletion();
  return ep;
}

SampleProjectSummary GenerateSampleProject(const SampleWorldOptions& o, const fs::path& out_dir,
                                           const ProgressCallback& progress,
                                           const StopCheck& stop) {
  o.Check();
  const auto t0 = std::chrono::steady_clock::now();
  StagingDirectory staging(out_dir);
  ProjectInfo info;
  info.name = out_dir.filename().string();
  if (info.name.empty()) info.name = out_dir.parent_path().filename().string();
  info.importer = "sample";
  info.source_root = ".";
  info.image_width = o.width;
  info.image_height = o.height;
  info.action_spec = SampleWorldActionSpec();
  info.settings["sample_world"] = o.ToJson();
  ProjectStore store = ProjectStore::Create(staging.path(), info);

  const int threads = o.threads > 0 ? o.threads
                                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int64_t total = static_cast<int64_t>(o.episodes) * o.frames;
  std::atomic<int64_t> done{0};
  std::atomic<int64_t> bytes{0};
  std::atomic<bool> stopped{false};
  std::mutex progress_mu;
  auto report = [&](const std::string& item) {
    if (!progress) return;
    const int64_t d = done.load();
    const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    Progress p;
    p.stage = "generate";
    p.item = item;
    p.done = d;
    p.total = total;
    p.eta_seconds = d > 0 ? el * static_cast<double>(total - d) / static_cast<double>(d) : -1;
    std::lock_guard<std::mutex> lock(progress_mu);
    progress(p);
  };
  RenderOptions ro;
  ro.width = o.width;
  ro.height = o.height;
  ro.confounded = o.confounded;

  for (int e = 0; e < o.episodes; ++e) {
    ThrowIfStopped(stop);
    const SimulatedEpisode sim = SimulateEpisode(o, e);
    const std::string& name = sim.plan.name;
    const std::string folder = "episodes/" + EpisodeFolderName(name);
    fs::create_directories(staging.path() / folder / "frames");

    Episode episode;
    episode.name = name;
    episode.num_frames = o.frames;
    episode.width = o.width;
    episode.height = o.height;
    episode.source.kind = FrameSourceRef::Kind::kImages;
    EpisodeGroundTruth gt;
    gt.episode = name;
    gt.width = o.width;
    gt.height = o.height;
    gt.split = o.split;
    gt.route_family = sim.plan.family.name;
    gt.description = sim.plan.family.description;
    gt.seed = sim.plan.seed;
    gt.confounded = o.confounded;
    for (const auto& obj : sim.plan.scenario.objects) gt.object_counts[ClassName(obj.cls)]++;
    gt.frames.resize(static_cast<size_t>(o.frames));
    std::vector<float> speed(static_cast<size_t>(o.frames));
    for (int t = 0; t < o.frames; ++t) {
      char file[32];
      std::snprintf(file, sizeof file, "/frames/%06d.png", t);
      episode.source.files.push_back(folder + file);
      episode.actions.push_back(ActionVector(sim.decisions[static_cast<size_t>(t)].action));
      episode.state["speed"].push_back({static_cast<float>(sim.states[static_cast<size_t>(t)].ego_speed)});
    }

    // Frames are independent given the simulated states, so workers take frame indices from a
    // shared counter and write into per-frame slots: the output does not depend on scheduling.
    std::atomic<int> next{0};
    std::exception_ptr failure;
    std::mutex failure_mu;
    auto worker = [&]() {
      try {
        Renderer renderer(ro);
        cv::Mat image;
        std::vector<uint8_t> png;
        const ImageEncodeParams params = {kPngCompression, o.png_compression};
        for (int t = next++; t < o.frames; t = next++) {
          if (stopped.load() || (stop && stop())) {
            stopped = true;
            return;
          }
          const auto& d = sim.decisions[static_cast<size_t>(t)];
          FrameGroundTruth& f = gt.frames[static_cast<size_t>(t)];
          renderer.Render(sim.states[static_cast<size_t>(t)], d.action, d.relevant_ids, d.reasons,
                          &image, &f.objects);
          f.index = t;
          f.action = ActionVector(d.action);
          f.speed = static_cast<float>(sim.states[static_cast<size_t>(t)].ego_speed);
          f.expert = d.description;
          if (!EncodeImage(".png", image, &png, params)) {
            throw Error(episode.source.files[static_cast<size_t>(t)], "", "PNG encoding failed");
          }
          WriteBytes(staging.path() / episode.source.files[static_cast<size_t>(t)], png);
          bytes += static_cast<int64_t>(png.size());
          const int64_t d_now = ++done;
          if (d_now % 25 == 0) report(name);
        }
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mu);
        if (!failure) failure = std::current_exception();
        stopped = true;
      }
    };
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back(worker);
    worker();
    for (auto& th : pool) th.join();
    if (failure) std::rethrow_exception(failure);
    if (stopped) throw Cancelled();
    if (o.gaze) {
      // Gaze is a process over time (fixations span frames), so it runs after the frames are
      // rendered, from their visible-object boxes, on this thread: deterministic per episode.
      episode.gaze = SimulateGaze(sim.states, sim.decisions, gt.frames, ro, o.gaze_model,
                                  sim.plan.seed)
                         .PerFrame(o.frames);
    }

    episode.metadata = {{"generator", "autofocus sample world"},
                        {"split", o.split},
                        {"route_family", sim.plan.family.name},
                        {"route_description", sim.plan.family.description},
                        {"seed", sim.plan.seed},
                        {"world_seed", o.seed},
                        {"confounded", o.confounded},
                        {"fps", 1.0 / kDt},
                        {"ground_truth", kGroundTruthArtifact},
                        {"gaze", o.gaze ? Json("simulated gaze") : Json(nullptr)},
                        {"task", "drive along the route, following the lane and obeying traffic"},
                        {"expert_route_completion", sim.route_completion},
                        {"expert_driving_score",
                         DrivingScore::Score(sim.route_completion, sim.infractions)}};
    store.SaveEpisode(episode);
    store.SaveArtifact(name, kGroundTruthArtifact, gt.ToJson());
    report(name);
  }
  store.Save();
  staging.Commit();
  SampleProjectSummary s;
  s.episodes = o.episodes;
  s.frames = total;
  s.bytes = bytes.load();
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

}  // namespace autofocus::sim

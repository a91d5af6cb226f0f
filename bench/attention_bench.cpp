// Attention benchmark: `attention_bench [FRAMES] [THREADS] [METHOD] [amp]` (defaults 1000, 2,
// activation, float32). Makes a one-episode sample project with `autofocus sim generate` (320x180
// frames) and an untrained GABRIL CNN policy at 180x320 (the weights do not change the cost),
// then times AttentionComputer::ComputeEpisode (read, preprocess, stack, batches of 32, maps)
// against a same-run baseline that only reads and preprocesses every frame. Target for
// activation: <= 10 s for 1,000 frames on 2 threads.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/attention/attention_maps.h"
#include "core/base/json_io.h"
#include "core/train/models.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  using namespace autofocus;
  const int frames = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  const std::string method = argc > 3 ? argv[3] : "activation";
  const bool amp = argc > 4 && std::string(argv[4]) == "amp";
  const fs::path tmp =
      fs::temp_directory_path() / ("autofocus-attention-bench-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  const fs::path project = tmp / "P";
  const std::string cmd = std::string(AUTOFOCUS_CLI_PATH) + " sim generate --out " +
                          project.string() + " --episodes 1 --frames " + std::to_string(frames) +
                          " > /dev/null";
  if (std::system(cmd.c_str()) != 0) {
    std::fprintf(stderr, "attention_bench: %s failed\n", cmd.c_str());
    return 1;
  }
  torch::set_num_threads(threads);
  const fs::path run = tmp / "policy";
  fs::create_directories(run);
  GabrilCnnImpl net(2, 180, 320, 3);
  net.Initialise();
  ExportTorchScript(net).save((run / "policy.pt").string());
  SaveJsonFile(run / "policy.json", Json{{"input_shape", {2, 180, 320}},
                                         {"stack", 2},
                                         {"grayscale", true},
                                         {"action_names", {"throttle", "steer", "brake"}},
                                         {"feature_shape", net.FeatureShape()},
                                         {"model", "gabril-cnn"}});
  const ProjectStore store = ProjectStore::Open(project);
  const std::string episode = store.info().episodes.front().name;
  AttentionOptions o;
  o.method = method;
  o.threads = threads;
  o.amp = amp;
  AttentionComputer computer(run, o);

  // Baseline: what any method has to do per frame (read, preprocess, stack).
  auto t0 = Clock::now();
  {
    const Episode ep = store.LoadEpisode(episode);
    auto src = store.OpenFrames(ep);
    ObservationStacker stacker(computer.spec());
    double checksum = 0;
    for (int t = 0; t < ep.num_frames; ++t) {
      stacker.Push(src->Read(t));
      checksum += stacker.Observation()[0];
    }
    std::printf("attention_bench: checksum %.3f\n", checksum);
  }
  const double base = std::chrono::duration<double>(Clock::now() - t0).count();
  t0 = Clock::now();
  const AttentionMaps maps = computer.ComputeEpisode(store, episode);
  const double total = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf(
      "attention_bench: %s%s, %lld frames 320x180 -> input 180x320, maps %lldx%lld, %d threads\n"
      "  baseline (read + preprocess): %.2f s\n  ComputeEpisode: %.2f s (%.1f ms/frame; "
      "target <= 10 s per 1,000 frames)\n",
      method.c_str(), amp ? " (bf16 autocast)" : "", static_cast<long long>(maps.frames),
      static_cast<long long>(maps.height), static_cast<long long>(maps.width), threads, base, total,
      1000 * total / maps.frames);
  fs::remove_all(tmp);
  return 0;
}

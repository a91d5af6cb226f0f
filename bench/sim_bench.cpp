// Sample-world renderer benchmark: renders the frames of expert episodes at 320x180 on one core
// and prints frames/s, plus two baselines measured in the same run: a plain cv::Mat fill + copy
// of the same size, and the renderer with objects switched off (road and sky only). Also times
// PNG encoding, which dominates project generation.
//   bench_sim [--frames N] [--repeats R] [--width W --height H] [--save DIR]
// --save DIR also writes two example frames (docs/images): a seen-route frame and a confounded
// unseen-route frame, each the frame with the most relevant objects in its episode.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <opencv2/imgcodecs.hpp>
#include <string>

#include "core/sim/renderer.h"
#include "core/sim/sample_project.h"

namespace {

using namespace autofocus::sim;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  int frames = 400, repeats = 5, width = 320, height = 180;
  std::string save_dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--frames")) frames = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--repeats")) repeats = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--width")) width = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--height")) height = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--save")) save_dir = argv[i + 1];
  }
  if (!save_dir.empty()) {
    for (const bool confounded : {false, true}) {
      SampleWorldOptions so;
      so.frames = frames;
      so.split = confounded ? "unseen" : "seen";
      so.confounded = confounded;
      const SimulatedEpisode ep = SimulateEpisode(so, confounded ? 0 : 2);
      Renderer r(RenderOptions{width, height, confounded});
      cv::Mat img, best;
      std::vector<GtObject> gt;
      size_t best_n = 0;
      for (size_t t = 0; t < ep.states.size(); ++t) {
        const auto& d = ep.decisions[t];
        r.Render(ep.states[t], d.action, d.relevant_ids, d.reasons, &img, &gt);
        size_t n = 0;
        for (const auto& g : gt) n += g.relevant ? 1 : 0;
        if (n > best_n) {
          best_n = n;
          best = img.clone();
        }
      }
      if (best.empty()) best = img;
      const std::string file =
          save_dir + (confounded ? "/sample-world-confounded.png" : "/sample-world-seen.png");
      cv::imwrite(file, best);
      std::printf("wrote %s (%zu relevant objects)\n", file.c_str(), best_n);
    }
  }
  SampleWorldOptions o;
  o.frames = frames;
  o.width = width;
  o.height = height;
  o.confounded = true;
  // Two episodes from different families so the scene mix is representative.
  std::vector<SimulatedEpisode> eps = {SimulateEpisode(o, 0), SimulateEpisode(o, 3)};
  const int per_pass = 2 * frames;

  RenderOptions full;
  full.width = width;
  full.height = height;
  full.confounded = true;
  RenderOptions bare = full;
  bare.draw_objects = false;
  bare.confounded = false;
  Renderer renderer(full), road_only(bare);
  cv::Mat img;
  std::vector<GtObject> gt;
  size_t objects = 0;

  auto best_of = [&](auto&& body) {
    double best = 1e9;
    for (int r = 0; r < repeats; ++r) {
      const auto t0 = Clock::now();
      body();
      best = std::min(best, Seconds(t0, Clock::now()));
    }
    return best;
  };
  const double t_full = best_of([&] {
    objects = 0;
    for (const auto& ep : eps) {
      for (size_t t = 0; t < ep.states.size(); ++t) {
        const auto& d = ep.decisions[t];
        renderer.Render(ep.states[t], d.action, d.relevant_ids, d.reasons, &img, &gt);
        objects += gt.size();
      }
    }
  });
  const double t_road = best_of([&] {
    for (const auto& ep : eps) {
      for (size_t t = 0; t < ep.states.size(); ++t) {
        road_only.Render(ep.states[t], {}, {}, {}, &img, nullptr);
      }
    }
  });
  cv::Mat src(height, width, CV_8UC3), dst;
  const double t_fill = best_of([&] {
    for (int t = 0; t < per_pass; ++t) {
      src.setTo(cv::Scalar(t & 255, 100, 50));
      src.copyTo(dst);
    }
  });
  benchmark::DoNotOptimize(dst.data);
  std::vector<uchar> png;
  size_t png_bytes = 0;
  const double t_png = best_of([&] {
    png_bytes = 0;
    for (int t = 0; t < 200; ++t) {
      const auto& ep = eps[0];
      const size_t i = static_cast<size_t>(t) % ep.states.size();
      renderer.Render(ep.states[i], ep.decisions[i].action, {}, {}, &img, nullptr);
      cv::imencode(".png", img, png, {cv::IMWRITE_PNG_COMPRESSION, 1});
      png_bytes += png.size();
    }
  });

  const double fps_full = per_pass / t_full, fps_road = per_pass / t_road;
  const double fps_fill = per_pass / t_fill;
  std::printf("sample-world renderer, %dx%d, %d frames per pass, best of %d, one core\n", width,
              height, per_pass, repeats);
  std::printf("  full render (objects + GT + icons) : %10.0f frames/s  (%.1f visible objects/frame)\n",
              fps_full, static_cast<double>(objects) / per_pass);
  std::printf("  baseline: road + sky only          : %10.0f frames/s  -> full is %.2fx its time\n",
              fps_road, fps_road / fps_full);
  std::printf("  baseline: cv::Mat fill + copy      : %10.0f frames/s  -> full is %.1fx its time\n",
              fps_fill, fps_fill / fps_full);
  std::printf("  render + PNG encode (level 1)      : %10.0f frames/s  (%.1f KB/frame)\n",
              200 / t_png, png_bytes / 200.0 / 1024.0);
  std::printf("  target >= 500 frames/s             : %s\n", fps_full >= 500 ? "met" : "NOT met");
  return 0;
}

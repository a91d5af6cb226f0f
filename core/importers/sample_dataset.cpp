#include "core/importers/sample_dataset.h"

#include <cmath>
#include <opencv2/imgproc.hpp>
#include <random>
#include <sstream>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/imageio/image_io.h"
#include "core/importers/import_common.h"

namespace autofocus {
namespace fs = std::filesystem;

namespace {

// A car or sign that moves along the road in one episode.
struct Actor {
  double lane;       // -1..1 across the road
  double start;      // depth at t=0 (0 = horizon, 1 = bottom)
  double speed;      // depth change per frame
  cv::Scalar color;  // BGR
  bool sign;         // a round sign at the road side instead of a car
};

cv::Mat DrawFrame(int w, int h, int t, double curve, const std::vector<Actor>& actors) {
  cv::Mat img(h, w, CV_8UC3, cv::Scalar(70, 140, 60));  // grass
  const int horizon = h * 2 / 5;
  cv::rectangle(img, cv::Rect(0, 0, w, horizon), cv::Scalar(235, 200, 150), cv::FILLED);  // sky
  const double shift = curve * w * 0.15;
  const cv::Point vanish(static_cast<int>(w / 2 + shift), horizon);
  std::vector<cv::Point> road = {vanish + cv::Point(-4, 0), vanish + cv::Point(4, 0),
                                 cv::Point(w * 19 / 20, h), cv::Point(w / 20, h)};
  cv::fillConvexPoly(img, road, cv::Scalar(90, 90, 90), cv::LINE_AA);
  // Dashed centre line that scrolls towards the viewer.
  for (int k = 0; k < 8; ++k) {
    const double d0 = std::fmod(k / 8.0 + t * 0.02, 1.0), d1 = d0 + 0.05;
    auto at = [&](double d) {
      return cv::Point(static_cast<int>(vanish.x + (w / 2 - vanish.x) * d),
                       static_cast<int>(horizon + (h - horizon) * d));
    };
    cv::line(img, at(d0), at(std::min(d1, 1.0)), cv::Scalar(240, 240, 240),
             std::max(1, static_cast<int>(3 * d0 * w / 320)), cv::LINE_AA);
  }
  for (const Actor& a : actors) {
    const double d = std::fmod(a.start + a.speed * t, 1.0);
    const double scale = 0.1 + 0.9 * d;
    const int y = static_cast<int>(horizon + (h - horizon) * d);
    const double half_road = (w * 0.45) * d + 4;
    const int x = static_cast<int>(vanish.x + (w / 2 - vanish.x) * d +
                                   (a.sign ? 1.15 : 0.55) * a.lane * half_road);
    const int cw = std::max(2, static_cast<int>(w * 0.12 * scale));
    const int ch = std::max(2, static_cast<int>(cw * 0.7));
    if (a.sign) {
      cv::line(img, cv::Point(x, y), cv::Point(x, y - ch * 2), cv::Scalar(50, 50, 50),
               std::max(1, cw / 10));
      cv::circle(img, cv::Point(x, y - ch * 2), std::max(2, cw / 3), a.color, cv::FILLED,
                 cv::LINE_AA);
    } else {
      cv::rectangle(img, cv::Rect(x - cw / 2, y - ch, cw, ch), a.color, cv::FILLED);
      cv::rectangle(img, cv::Rect(x - cw / 3, y - ch, cw * 2 / 3, ch / 3),
                    cv::Scalar(40, 40, 40), cv::FILLED);  // windscreen
    }
  }
  return img;
}

void WriteEpisode(const SampleFolderOptions& o, int k, const fs::path& dir,
                  ProgressCounter* counter, const StopCheck& stop) {
  // One generator per episode, seeded from (seed, k): output does not depend on threading.
  std::mt19937_64 rng(o.seed * 1000003u + static_cast<uint64_t>(k));
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<Actor> actors;
  const int cars = 2 + static_cast<int>(u(rng) * 3);
  for (int i = 0; i < cars + 1; ++i) {
    const bool sign = i == cars;
    actors.push_back({sign ? 1.0 : u(rng) * 2 - 1, u(rng), 0.004 + 0.01 * u(rng),
                      sign ? cv::Scalar(30, 30, 220)
                           : cv::Scalar(40 + 200 * u(rng), 40 + 200 * u(rng), 40 + 200 * u(rng)),
                      sign});
  }
  const double phase = u(rng) * 6.283, freq = 0.05 + 0.05 * u(rng);
  fs::create_directories(dir);
  VideoWriter video;
  const fs::path vp = dir / "episode.avi";
  if (o.video && !video.Open(vp.string(), "MJPG", 10, cv::Size(o.width, o.height))) {
    throw Error(vp.string(), "", "cannot create MJPG video");
  }
  std::ostringstream csv;
  csv << "throttle,steer,brake\n";
  for (int t = 0; t < o.frames; ++t) {
    ThrowIfStopped(stop);
    const double curve = std::sin(phase + freq * t);
    const cv::Mat img = DrawFrame(o.width, o.height, t, curve, actors);
    if (o.video) {
      std::string error;
      if (!video.Write(img, &error)) throw Error(vp.string(), "frame " + std::to_string(t), error);
    } else {
      const fs::path fp = dir / ("frame_" + std::to_string(t) + ".png");
      if (!WriteImageFile(fp.string(), img)) throw Error(fp.string(), "", "cannot write PNG");
    }
    // The expert steers into the curve and brakes when a car is close ahead.
    bool close = false;
    for (const Actor& a : actors) {
      const double d = std::fmod(a.start + a.speed * t, 1.0);
      close = close || (!a.sign && d > 0.8 && std::abs(a.lane) < 0.4);
    }
    const double steer = 0.8 * curve;
    const double brake = close ? 0.7 : 0.0;
    const double throttle = close ? 0.0 : 0.4 + 0.2 * (1 - std::abs(curve));
    csv << throttle << ',' << steer << ',' << brake << '\n';
    counter->Advance(1, dir.filename().string());
  }
  video.Close();
  WriteFileAtomic(dir / "actions.csv", csv.str());
}

}  // namespace

void SampleFolderOptions::Check() const {
  if (out.empty()) throw Error("", "out", "the output folder is required");
  if (episodes < 1) throw Error("", "episodes", "must be >= 1");
  if (frames < 1) throw Error("", "frames", "must be >= 1");
  if (width < 16 || width > 4096) throw Error("", "width", "must be in [16, 4096]");
  if (height < 16 || height > 4096) throw Error("", "height", "must be in [16, 4096]");
  if (threads < 0) throw Error("", "threads", "must be >= 0 (0 = hardware threads)");
}

void WriteSampleFolder(const SampleFolderOptions& o, const ProgressCallback& progress,
                       const StopCheck& stop) {
  o.Check();
  StagingDirectory staging(o.out);
  ProgressCounter counter(progress, "sample", int64_t{o.episodes} * o.frames);
  ParallelFor(
      static_cast<size_t>(o.episodes), o.threads,
      [&](size_t k) {
        WriteEpisode(o, static_cast<int>(k) + 1,
                     staging.path() / ("episode_" + std::to_string(k + 1)), &counter, stop);
      },
      stop);
  staging.Commit();
}

}  // namespace autofocus

// examples/carla_agent.py (the CARLA Leaderboard-style agent) against autofocus's own driver: a
// tiny trained policy acts on the same synthetic frames through TorchScriptDriver (C++) and
// through the Python agent (python3-torch, numpy; no CARLA, no cv2), and the actions must agree.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/sim/closed_loop.h"
#include "core/sim/renderer.h"
#include "core/train/policy_runner.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {

using testing::RunCli;
using testing::RunProgram;
using testing::TempDir;

const std::string kPython = AUTOFOCUS_SYSTEM_PYTHON;
const std::string kAgent = std::string(AUTOFOCUS_SOURCE_DIR) + "/examples/carla_agent.py";

bool PythonHasTorch() {
  return RunProgram(kPython, {"-c", "import torch, numpy"}).exit_code == 0;
}

// A generated 160x90 project with one tiny run trained at 45x80 (2 frames stacked).
std::filesystem::path TinyRun(const TempDir& dir) {
  const auto p = dir.path() / "P";
  auto r = RunCli({"sim", "generate", "--out", p.string(), "--episodes", "2", "--frames", "12",
                   "--width", "160", "--height", "90", "--threads", "1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = RunCli({"train", p.string(), "--target", "gaze", "--regularizer", "gabril_mse", "--epochs",
              "1", "--batch", "12", "--name", "tiny", "--threads", "1", "--input-size", "45x80",
              "--progress", "none"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  return p / "runs" / "tiny";
}

// Writes a C-order .npy of `shape` with dtype `descr` ("|u1", "<f8").
void WriteNpy(const std::filesystem::path& file, const std::string& descr,
              const std::vector<size_t>& shape, const void* data, size_t bytes) {
  std::string dims;
  for (size_t d : shape) dims += std::to_string(d) + ",";
  std::string header =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::ofstream out(file, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const uint16_t len = static_cast<uint16_t>(header.size());
  out.write(reinterpret_cast<const char*>(&len), 2);
  out << header;
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
}

// Reads the data of a version-1 .npy written by numpy (dtype and shape trusted by the caller).
std::vector<char> ReadNpyData(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<char> all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (all.size() < 10) return {};
  uint16_t len = 0;
  std::memcpy(&len, all.data() + 8, 2);
  return std::vector<char>(all.begin() + 10 + len, all.end());
}

void WriteFrames(const std::filesystem::path& file, const std::vector<cv::Mat>& frames) {
  std::vector<uint8_t> buf;
  for (const auto& f : frames) buf.insert(buf.end(), f.datastart, f.dataend);
  WriteNpy(
      file, "|u1",
      {frames.size(), static_cast<size_t>(frames[0].rows), static_cast<size_t>(frames[0].cols), 3},
      buf.data(), buf.size());
}

// Smooth gradients plus noise, so both the resize weights and the fine detail matter.
std::vector<cv::Mat> SyntheticFrames(int n, int width, int height, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> noise(0, 255);
  std::vector<cv::Mat> frames;
  for (int t = 0; t < n; ++t) {
    cv::Mat f(height, width, CV_8UC3);
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x)
        for (int c = 0; c < 3; ++c)
          f.at<cv::Vec3b>(y, x)[c] =
              static_cast<uint8_t>((((x + 3 * t) * 255) / width + y * c + noise(rng)) / 2);
    frames.push_back(f);
  }
  return frames;
}

struct Rollout {
  std::vector<sim::Action> proposed, applied;
};

// autofocus's closed-loop protocol on fixed frames: icons of the previous applied control
// (a no-op before the first step) in confounded mode, brake no-ops for the first steps.
Rollout CppRollout(const std::filesystem::path& run, const std::vector<cv::Mat>& frames,
                   const std::vector<double>& speeds, bool confounded, int noop_steps) {
  TorchScriptDriver driver(run);
  driver.Reset();
  Rollout r;
  sim::Action previous = sim::NoOpAction();
  for (size_t t = 0; t < frames.size(); ++t) {
    cv::Mat frame = frames[t].clone();
    if (confounded) sim::DrawConfoundIcons(frame, previous);
    sim::WorldState state;
    state.ego_speed = speeds[t];
    const sim::Action p = driver.Act(frame, state, previous);
    const sim::Action a =
        sim::ClampAction(static_cast<int>(t) < noop_steps ? sim::NoOpAction() : p);
    r.proposed.push_back(p);
    r.applied.push_back(a);
    previous = a;
  }
  return r;
}

// The Python agent's [T, 2, 3] (proposed, applied) actions on the same frames.
Rollout PythonRollout(const TempDir& dir, const std::filesystem::path& run,
                      const std::vector<cv::Mat>& frames, const std::vector<double>& speeds,
                      bool confounded, int noop_steps, const std::string& tag) {
  const auto fr = dir / (tag + "_frames.npy"), sp = dir / (tag + "_speeds.npy"),
             out = dir / (tag + "_actions.npy");
  WriteFrames(fr, frames);
  WriteNpy(sp, "<f8", {speeds.size()}, speeds.data(), speeds.size() * sizeof(double));
  std::vector<std::string> args = {kAgent,
                                   "--selftest",
                                   "--no-cv2",
                                   "--policy",
                                   run.string(),
                                   "--frames",
                                   fr.string(),
                                   "--speeds",
                                   sp.string(),
                                   "--noop-steps",
                                   std::to_string(noop_steps),
                                   "--out",
                                   out.string()};
  if (confounded) args.push_back("--confounded");
  const auto res = RunProgram(kPython, args);
  EXPECT_EQ(res.exit_code, 0) << res.out << res.err;
  const auto data = ReadNpyData(out);
  Rollout r;
  if (data.size() != frames.size() * 6 * sizeof(double)) {
    ADD_FAILURE() << "unexpected " << out << " (" << data.size() << " bytes)";
    return r;
  }
  const double* v = reinterpret_cast<const double*>(data.data());
  for (size_t t = 0; t < frames.size(); ++t) {
    r.proposed.push_back({v[6 * t], v[6 * t + 1], v[6 * t + 2]});
    r.applied.push_back({v[6 * t + 3], v[6 * t + 4], v[6 * t + 5]});
  }
  return r;
}

void ExpectSame(const Rollout& cpp, const Rollout& py, const std::string& what) {
  ASSERT_EQ(cpp.proposed.size(), py.proposed.size()) << what;
  for (size_t t = 0; t < cpp.proposed.size(); ++t) {
    SCOPED_TRACE(what + ", step " + std::to_string(t));
    EXPECT_NEAR(cpp.proposed[t].throttle, py.proposed[t].throttle, 1e-5);
    EXPECT_NEAR(cpp.proposed[t].steer, py.proposed[t].steer, 1e-5);
    EXPECT_NEAR(cpp.proposed[t].brake, py.proposed[t].brake, 1e-5);
    EXPECT_NEAR(cpp.applied[t].throttle, py.applied[t].throttle, 1e-5);
    EXPECT_NEAR(cpp.applied[t].steer, py.applied[t].steer, 1e-5);
    EXPECT_NEAR(cpp.applied[t].brake, py.applied[t].brake, 1e-5);
  }
}

TEST(CarlaAgent, ActionsEqualAutofocusOnTheSameFrames) {
  if (!PythonHasTorch()) GTEST_SKIP() << kPython << " has no torch/numpy: agent not tested";
  TempDir dir;
  const auto run = TinyRun(dir);
  ASSERT_TRUE(std::filesystem::exists(run / "policy.pt"));
  const int n = 8;
  std::vector<double> speeds;
  for (int t = 0; t < n; ++t) speeds.push_back(0.7 * t);
  // 113x67 -> 80x45: non-integer INTER_AREA; 160x90: integer INTER_AREA; 60x34: bilinear.
  struct Case {
    int w, h;
    const char* tag;
  };
  for (const Case& c : {Case{113, 67, "area"}, Case{160, 90, "area2"}, Case{60, 34, "linear"}}) {
    const auto frames = SyntheticFrames(n, c.w, c.h, static_cast<unsigned>(c.w));
    ExpectSame(CppRollout(run, frames, speeds, false, 3),
               PythonRollout(dir, run, frames, speeds, false, 3, c.tag), c.tag);
  }
  // Confounded: icons of the previous applied control (the policy's own after 3 no-op steps)
  // drawn by the agent's numpy code must give the same actions.
  for (const Case& c : {Case{160, 90, "conf"}, Case{400, 300, "conf_odd"}}) {
    const auto frames = SyntheticFrames(n, c.w, c.h, 7);
    ExpectSame(CppRollout(run, frames, speeds, true, 3),
               PythonRollout(dir, run, frames, speeds, true, 3, c.tag), c.tag);
  }
}

TEST(CarlaAgent, IconsMatchTheRenderer) {
  if (!PythonHasTorch()) GTEST_SKIP() << kPython << " has no torch/numpy: agent not tested";
  TempDir dir;
  const std::vector<sim::Action> actions = {{0, 0, 1},  {0.5, 0, 0},    {0, 0.3, 0},
                                            {0, -1, 0}, {0, 0.05, 0.5}, {0.2, -0.6, 0}};
  for (const auto& size : std::vector<cv::Size>{
           {320, 180}, {160, 90}, {113, 67}, {400, 300}, {640, 360}, {1600, 900}}) {
    std::vector<cv::Mat> blank, drawn;
    std::vector<double> acts;
    for (const auto& a : actions) {
      cv::Mat f(size, CV_8UC3, cv::Scalar(40, 90, 60));
      blank.push_back(f.clone());
      sim::DrawConfoundIcons(f, a);
      drawn.push_back(f);
      acts.insert(acts.end(), {a.throttle, a.steer, a.brake});
    }
    const std::string tag = std::to_string(size.width);
    WriteFrames(dir / (tag + "_blank.npy"), blank);
    WriteNpy(dir / (tag + "_acts.npy"), "<f8", {actions.size(), 3}, acts.data(),
             acts.size() * sizeof(double));
    const auto res =
        RunProgram(kPython, {kAgent, "--no-cv2", "--frames", (dir / (tag + "_blank.npy")).string(),
                             "--draw-icons", (dir / (tag + "_acts.npy")).string(), "--out",
                             (dir / (tag + "_drawn.npy")).string()});
    ASSERT_EQ(res.exit_code, 0) << res.out << res.err;
    const auto data = ReadNpyData(dir / (tag + "_drawn.npy"));
    const size_t per = static_cast<size_t>(size.area()) * 3;
    ASSERT_EQ(data.size(), per * actions.size());
    for (size_t i = 0; i < actions.size(); ++i) {
      const cv::Mat py(size, CV_8UC3, const_cast<char*>(data.data() + i * per));
      cv::Mat diff;
      cv::compare(py.reshape(1), drawn[i].reshape(1), diff, cv::CMP_NE);
      const int differing = cv::countNonZero(diff);
      cv::compare(drawn[i].reshape(1), blank[i].reshape(1), diff, cv::CMP_NE);
      const int icon = cv::countNonZero(diff);
      SCOPED_TRACE(tag + " px, action " + std::to_string(i));
      EXPECT_GT(icon, 0);
      // Pixel-exact: the brake dot and the axis-aligned and 45-degree arrow strokes.
      EXPECT_EQ(differing, 0) << differing << " of " << icon << " icon channel values differ";
    }
  }
}

}  // namespace
}  // namespace autofocus

// Attention maps with LibTorch: the activation map is the training regulariser's map, Grad-CAM
// and the input gradient of a linear toy TorchScript policy match their closed forms (with the
// sign split), the cache is invalidated by retraining, and `autofocus attention` end to end.
#include "core/attention/attention_maps.h"

#include <gtest/gtest.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/attention/attention_reference.h"
#include "core/attention/attention_scoring.h"
#include "core/base/error.h"
#include "core/base/json_io.h"
#include "core/train/losses.h"
#include "core/train/run_registry.h"
#include "core/train/trainer.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {

using testing::RunCli;
using testing::TempDir;

// A tiny run (1 epoch, 72x128 input, 1 thread) named `name` in the shared sample project.
std::filesystem::path TrainTinyRun(const std::string& name, const std::string& regularizer,
                                   uint64_t seed = 1,
                                   const std::vector<std::string>& state_keys = {}) {
  const auto& project = testing::SmallSampleProject();
  const auto dir = RunDirectory(project, name);
  if (std::filesystem::exists(dir / "policy.pt")) return dir;
  TrainOptions o;
  o.name = name;
  o.regularizer = regularizer;
  o.input_height = 72;
  o.input_width = 128;
  o.epochs = 1;
  o.batch = 16;
  o.threads = 1;
  o.seed = seed;
  o.val_fraction = 0.34;
  o.state_keys = state_keys;
  EXPECT_EQ(RunTraining(project, o).status, "completed");
  return dir;
}

std::string FirstEpisode() {
  return ProjectStore::Open(testing::SmallSampleProject()).info().episodes.front().name;
}

// The first episode of the sample project with key objects (not every one has some).
std::string KeyedEpisode() {
  const ProjectStore store = ProjectStore::Open(testing::SmallSampleProject());
  for (const auto& e : store.info().episodes) {
    const Json k = store.LoadArtifact(e.name, "key_objects");
    for (const auto& f : k["frames"])
      if (!f["objects"].empty()) return e.name;
  }
  ADD_FAILURE() << "no episode with key objects";
  return store.info().episodes.front().name;
}

// The observation of frame t of the first episode, as attention sees it.
std::vector<float> Observation(const PolicySpec& spec, int t) {
  const ProjectStore store = ProjectStore::Open(testing::SmallSampleProject());
  const Episode ep = store.LoadEpisode(FirstEpisode());
  auto src = store.OpenFrames(ep);
  ObservationStacker stacker(spec);
  for (int i = 0; i <= t; ++i) stacker.Push(src->Read(i));
  return stacker.Observation();
}

TEST(AttentionMaps, ActivationIsTheTrainingRegularisersMap) {
  const auto run = TrainTinyRun("reg", "gabril_mse");
  AttentionComputer computer(run, AttentionOptions{});
  const PolicySpec& spec = computer.spec();
  const auto [h, w] = computer.MapSize();
  std::vector<float> obs = Observation(spec, 3), obs2 = Observation(spec, 7);
  obs.insert(obs.end(), obs2.begin(), obs2.end());
  std::vector<float> raw(2 * static_cast<size_t>(h * w));
  computer.ComputeBatch(obs.data(), 2, raw.data());

  auto module = torch::jit::load((run / "policy.pt").string());
  const auto x = torch::from_blob(obs.data(), {2, spec.channels, spec.height, spec.width}).clone();
  torch::NoGradGuard no_grad;
  const auto z = module.get_method("encode")({x}).toTensor();
  ASSERT_EQ(z.size(2), h);
  ASSERT_EQ(z.size(3), w);
  const auto ours = torch::from_blob(raw.data(), {2, h, w}).to(torch::kDouble);
  // The regulariser's map is our raw softmax upsampled bicubically and min-maxed.
  const auto target = GabrilAttention(z.to(torch::kDouble), spec.height, spec.width, 50.0);
  const auto up = torch::matmul(torch::matmul(BicubicMatrix(h, spec.height), ours),
                                BicubicMatrix(w, spec.width).t());
  const auto mn = std::get<0>(up.flatten(1).min(1)).view({2, 1, 1});
  const auto mx = std::get<0>(up.flatten(1).max(1)).view({2, 1, 1});
  EXPECT_LT(((up - mn) / (mx - mn) - target).abs().max().item<double>(), 1e-5);
  EXPECT_NEAR(ours.sum({1, 2}).mean().item<double>(), 1.0, 1e-5);  // a softmax over cells
  // Display/metric resampling is torch's bilinear align_corners=False.
  std::vector<float> mine(static_cast<size_t>(spec.height * spec.width));
  ResizeBilinear(raw.data(), h, w, spec.height, spec.width, mine.data());
  const auto theirs =
      torch::nn::functional::interpolate(ours.slice(0, 0, 1).unsqueeze(1).to(torch::kFloat),
                                         torch::nn::functional::InterpolateFuncOptions()
                                             .size(std::vector<int64_t>{spec.height, spec.width})
                                             .mode(torch::kBilinear)
                                             .align_corners(false));
  EXPECT_LT((torch::from_blob(mine.data(), {spec.height, spec.width}) -
             theirs.view({spec.height, spec.width}))
                .abs()
                .max()
                .item<double>(),
            1e-6);
}

// A linear toy policy: z = 2 x (2 channels of H x W), a_k = sum W[k] * z + b_k, saved with a
// policy.json into `dir`. Channel 0 of W[0] is positive, channel 1 negative.
std::filesystem::path WriteToyPolicy(const std::filesystem::path& dir, torch::Tensor* weight) {
  const int H = 4, W = 6;
  torch::manual_seed(3);
  auto wt = torch::rand({2, 2, H, W}) + 0.1;
  wt.select(0, 0).select(0, 1).mul_(-1);  // action 0, channel 1: lowers the output
  *weight = wt;
  torch::jit::Module m("Toy");
  m.register_parameter("w", wt, false);
  m.register_parameter("b", torch::tensor({0.5f, -0.5f}), false);
  m.define(R"(
def encode(self, x):
    return x * 2.0
def head(self, z):
    return (z.unsqueeze(1) * self.w.unsqueeze(0)).sum([2, 3, 4]) + self.b
def forward(self, x):
    return self.head(self.encode(x))
)");
  std::filesystem::create_directories(dir);
  m.save((dir / "policy.pt").string());
  SaveJsonFile(dir / "policy.json", Json{{"input_shape", {2, H, W}},
                                         {"stack", 2},
                                         {"grayscale", true},
                                         {"action_names", {"steer", "throttle"}},
                                         {"model", "toy"}});
  return dir;
}

TEST(AttentionMaps, GradCamOfALinearToyMatchesTheClosedForm) {
  TempDir dir;
  torch::Tensor W;
  const auto policy = WriteToyPolicy(dir / "toy", &W);
  torch::manual_seed(5);
  const auto x = torch::rand({3, 2, 4, 6});
  for (int k = 0; k < 2; ++k) {
    AttentionOptions o;
    o.method = "gradcam";
    o.action = k == 0 ? "steer" : "throttle";
    AttentionComputer c(policy, o);
    ASSERT_EQ(c.MapSize(), (std::pair<int, int>{4, 6}));
    std::vector<float> out(3 * 24);
    c.ComputeBatch(x.data_ptr<float>(), 3, out.data());
    // d a_k / d z_c = W[k, c]; weights = its spatial mean; cam = sum_c w_c z_c, z = 2x.
    const auto wc = W[k].mean({1, 2}).view({1, 2, 1, 1});
    const auto expected = (wc * (2 * x)).sum(1);
    const auto got = torch::from_blob(out.data(), {3, 4, 6});
    EXPECT_LT((got - expected).abs().max().item<double>(), 1e-5) << k;
    if (k == 0) {
      // Sign handling: channel 1 lowers steer, so where it dominates the map is negative and
      // that evidence appears in the "lower" split, not in "raise".
      const auto neg = -(wc.select(1, 1).item<double>()) * 2 * x.select(1, 1);
      const auto pos = wc.select(1, 0).item<double>() * 2 * x.select(1, 0);
      const auto lower_expected = (neg - pos).clamp_min(0);
      const auto lower = SplitEvidence(out.data(), out.size(), Evidence::kLower);
      EXPECT_LT((torch::from_blob(const_cast<float*>(lower.data()), {3, 4, 6}) - lower_expected)
                    .abs()
                    .max()
                    .item<double>(),
                1e-5);
      EXPECT_GT(lower_expected.sum().item<double>(), 0.0);
      EXPECT_GT((expected.clamp_min(0)).sum().item<double>(), 0.0);
    }
  }
  AttentionOptions bad;
  bad.method = "gradcam";
  bad.action = "yaw";
  EXPECT_THROW({ AttentionComputer c2(policy, bad); }, Error);
}

TEST(AttentionMaps, InputGradientOfALinearToyMatchesTheClosedForm) {
  TempDir dir;
  torch::Tensor W;
  const auto policy = WriteToyPolicy(dir / "toy", &W);
  const auto x = torch::rand({2, 2, 4, 6});
  AttentionOptions o;
  o.method = "input-gradient";
  o.action = "steer";
  AttentionComputer c(policy, o);
  std::vector<float> out(2 * 24);
  c.ComputeBatch(x.data_ptr<float>(), 2, out.data());
  // d a_0 / d x_c = 2 W[0, c]; the map is the max over channels of its absolute value.
  const auto expected = std::get<0>((2 * W[0]).abs().max(0));
  for (int b = 0; b < 2; ++b)
    EXPECT_LT((torch::from_blob(out.data() + b * 24, {4, 6}) - expected).abs().max().item<double>(),
              1e-5);
  // SmoothGrad of a linear model is the same map (the gradient does not depend on x), and the
  // seeded noise makes it reproducible.
  o.smoothgrad_samples = 3;
  AttentionComputer s(policy, o);
  std::vector<float> sg(2 * 24), sg2(2 * 24);
  s.ComputeBatch(x.data_ptr<float>(), 2, sg.data(), 10);
  s.ComputeBatch(x.data_ptr<float>(), 2, sg2.data(), 10);
  EXPECT_EQ(sg, sg2);
  for (size_t i = 0; i < sg.size(); ++i) EXPECT_NEAR(sg[i], out[i], 1e-5);
}

TEST(AttentionMaps, CacheIsInvalidatedWhenTheRunIsRetrained) {
  const auto& project = testing::SmallSampleProject();
  const auto run = TrainTinyRun("retrain", "none", 1);
  const ProjectStore store = ProjectStore::Open(project);
  const std::string ep = FirstEpisode();
  int reports = 0;
  bool cached = true;
  const AttentionMaps a = RunAttention(
      store, "retrain", ep, {}, [&](const Progress&) { ++reports; }, {}, &cached);
  EXPECT_FALSE(cached);
  EXPECT_GT(reports, 0);
  EXPECT_EQ(a.frames, 20);
  EXPECT_TRUE(std::filesystem::exists(project / "attention/retrain" / ep / "activation.npy"));
  const AttentionMaps b = RunAttention(store, "retrain", ep, {}, {}, {}, &cached);
  EXPECT_TRUE(cached);
  ASSERT_EQ(b.data.size(), a.data.size());
  for (size_t i = 0; i < a.data.size(); i += 97)
    EXPECT_NEAR(b.data[i], a.data[i], 1e-3 * a.data[i] + 1e-7);
  // Another method is another cache entry.
  AttentionOptions g;
  g.method = "gradcam";
  RunAttention(store, "retrain", ep, g, {}, {}, &cached);
  EXPECT_FALSE(cached);
  const std::string first_action = PolicySpec::Load(run).action_names.front();
  EXPECT_TRUE(std::filesystem::exists(project / "attention/retrain" / ep /
                                      ("gradcam-" + first_action + ".npy")));
  // Retrain under the same name with another seed: policy.pt changes, the cache must not serve.
  std::filesystem::remove_all(run);
  TrainTinyRun("retrain", "none", 2);
  const AttentionMaps c = RunAttention(store, "retrain", ep, {}, {}, {}, &cached);
  EXPECT_FALSE(cached);
  double diff = 0;
  for (size_t i = 0; i < a.data.size(); ++i)
    diff = std::max(diff, std::abs(double(c.data[i]) - a.data[i]));
  EXPECT_GT(diff, 1e-4);
  // Cancelling stops between batches.
  std::filesystem::remove_all(project / "attention/retrain");
  EXPECT_THROW(RunAttention(store, "retrain", ep, {}, {}, [] { return true; }), Cancelled);
}

TEST(AttentionMaps, ScoresAgainstTheSampleWorldReferences) {
  TrainTinyRun("reg", "gabril_mse");
  const ProjectStore store = ProjectStore::Open(testing::SmallSampleProject());
  const std::string ep = KeyedEpisode();
  const AttentionMaps maps = RunAttention(store, "reg", ep, {});
  // The sample world stores simulated gaze (core/sim/gaze_model.h), so all three references exist.
  for (const std::string kind : {"saliency", "ground-truth", "gaze"}) {
    const ReferenceEpisode ref = BuildReference(store, ep, kind, TrainOptions{}, 128, 72);
    ASSERT_EQ(ref.maps.size(), 20u * 128 * 72);
    const auto scores = ScoreAttention(maps, ref, Evidence::kRaise);
    ASSERT_EQ(scores.size(), 20u);
    const Json j = ScoresJson(scores);
    for (const auto& f : j["frames"])
      for (const char* k : {"cc", "kl", "sim"}) EXPECT_TRUE(f[k].is_number()) << kind << f.dump();
    EXPECT_TRUE(j["mean"]["mass_key"].is_number()) << j["mean"].dump();
    EXPECT_TRUE(j["mean"]["nss"].is_number()) << j["mean"].dump();
    EXPECT_TRUE(j["mean"]["auc_judd"].is_number()) << j["mean"].dump();
  }
  const ReferenceEpisode gaze = BuildReference(store, ep, "gaze", TrainOptions{}, 128, 72);
  EXPECT_GT(*std::max_element(gaze.maps.begin(), gaze.maps.end()), 0.5f);  // maps divided by max
}

// A policy with a state input (the sample world's speed): Grad-CAM and the input gradient get
// the state stacked as in training; head() sees it standardised as forward() does.
TEST(AttentionMaps, GradCamAndInputGradientOfAPolicyWithAState) {
  const auto run = TrainTinyRun("speed", "none", 1, {"speed"});
  AttentionOptions o;
  o.method = "gradcam";
  o.action = "steer";
  AttentionComputer computer(run, o);
  const PolicySpec& spec = computer.spec();
  ASSERT_EQ(spec.state_dim, spec.stack);  // one speed per stacked frame
  const auto [h, w] = computer.MapSize();
  std::vector<float> obs = Observation(spec, 5);
  std::vector<float> map(static_cast<size_t>(h * w)), other(map.size());
  EXPECT_THROW(computer.ComputeBatch(obs.data(), 1, map.data()), Error);  // no state given
  std::vector<float> slow(static_cast<size_t>(spec.state_dim), 0.5f),
      fast(static_cast<size_t>(spec.state_dim), 12.f);
  computer.ComputeBatch(obs.data(), 1, map.data(), 0, slow.data());
  computer.ComputeBatch(obs.data(), 1, other.data(), 0, fast.data());
  // The closed form with LibTorch directly: d head(z, (s - mean) / std)[steer] / dz, pooled.
  auto module = torch::jit::load((run / "policy.pt").string());
  const auto x = torch::from_blob(obs.data(), {1, spec.channels, spec.height, spec.width}).clone();
  const auto z = module.get_method("encode")({x}).toTensor().detach().requires_grad_(true);
  auto s = torch::full({1, spec.state_dim}, 0.5f);
  if (module.hasattr("state_mean"))
    s = (s - module.attr("state_mean").toTensor()) / module.attr("state_std").toTensor();
  module.get_method("head")({z, s}).toTensor().select(1, 1).sum().backward();
  const auto cam = (z.grad().mean({2, 3}, true) * z).sum(1)[0].detach();
  const float scale =
      module.hasattr("action_std") ? module.attr("action_std").toTensor()[1].item<float>() : 1.f;
  double worst = 0, changed = 0;
  for (int i = 0; i < h * w; ++i) {
    worst = std::max(worst, std::abs(cam.view(-1)[i].item<double>() * scale - map[i]));
    changed = std::max(changed, static_cast<double>(std::abs(map[i] - other[i])));
  }
  EXPECT_LT(worst, 1e-5);
  EXPECT_GT(changed, 0.0);  // the state reaches the head: another speed, another map

  // The episode path stacks the episode's own speeds; the CLI runs both gradient methods.
  const ProjectStore store = ProjectStore::Open(testing::SmallSampleProject());
  const AttentionMaps maps = computer.ComputeEpisode(store, FirstEpisode());
  EXPECT_EQ(maps.frames, 20);
  for (float v : maps.data) ASSERT_TRUE(std::isfinite(v));
  for (const char* method : {"gradcam", "input-gradient"}) {
    const auto r = RunCli({"attention", testing::SmallSampleProject().string(), "--runs", "speed",
                           "--episodes", FirstEpisode(), "--method", method, "--action", "steer",
                           "--reference", "ground-truth", "--progress", "none"});
    EXPECT_EQ(r.exit_code, 0) << method << ": " << r.err;
  }
}

TEST(AttentionCli, ScoresTwoRunsAndWritesTheReport) {
  const auto& project = testing::SmallSampleProject();
  TrainTinyRun("bc", "none");
  TrainTinyRun("reg", "gabril_mse");
  TempDir out;
  const std::string ep = KeyedEpisode();
  const auto r = RunCli({"attention", project.string(), "--runs", "bc,reg", "--episodes", ep,
                         "--out", out.path().string(), "--json", "--progress", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = ParseJsonText(r.out, "stdout");
  ASSERT_EQ(j["runs"].size(), 2u);
  EXPECT_EQ(j["runs"][0]["run"], "bc");
  EXPECT_TRUE(j["runs"][1]["mean"]["cc"].is_number()) << j.dump();
  EXPECT_TRUE(j["runs"][1]["mean"]["auc_judd"].is_number()) << j.dump();
  const Json per_frame = LoadJsonFile(out / "reg" / (ep + ".json"));
  EXPECT_EQ(per_frame["frames"].size(), 20u);
  EXPECT_TRUE(std::filesystem::exists(out / "summary.json"));
  const auto g = RunCli({"attention", project.string(), "--runs", "reg", "--episodes", ep,
                         "--method", "gradcam", "--action", "steer", "--reference", "ground-truth",
                         "--out", out.path().string(), "--progress", "none"});
  EXPECT_EQ(g.exit_code, 0) << g.err;
  EXPECT_NE(g.out.find("reg"), std::string::npos) << g.out;
  const auto missing =
      RunCli({"attention", project.string(), "--runs", "nope", "--progress", "none"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nope"), std::string::npos) << missing.err;
  EXPECT_EQ(
      RunCli({"attention", project.string(), "--runs", "bc", "--method", "occlusion"}).exit_code,
      2);
  const auto action = RunCli({"attention", project.string(), "--runs", "bc", "--method", "gradcam",
                              "--action", "yaw", "--progress", "none"});
  EXPECT_EQ(action.exit_code, 1);
  EXPECT_NE(action.err.find("steer"), std::string::npos) << action.err;

  // Policy against policy: a run scored against its own attention has CC 1 and SIM 1 on every
  // frame (both maps clipped and upsampled alike); there are no fixations, so NSS is null.
  const auto self =
      RunCli({"attention", project.string(), "--runs", "reg", "--episodes", ep, "--reference",
              "run:reg", "--out", out.path().string(), "--json", "--progress", "none"});
  ASSERT_EQ(self.exit_code, 0) << self.err;
  const Json frames = LoadJsonFile(out / "reg" / (ep + ".json"))["frames"];
  ASSERT_EQ(frames.size(), 20u);
  for (const auto& f : frames) {
    EXPECT_TRUE(f["nss"].is_null()) << f.dump();
    EXPECT_NEAR(f["cc"].get<double>(), 1.0, 1e-5) << f.dump();
    EXPECT_NEAR(f["sim"].get<double>(), 1.0, 1e-5) << f.dump();
  }
  const auto other = RunCli({"attention", project.string(), "--runs", "reg", "--episodes", ep,
                             "--reference", "run:bc", "--json", "--progress", "none"});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  const double cc = ParseJsonText(other.out, "stdout")["runs"][0]["mean"]["cc"].get<double>();
  EXPECT_LT(cc, 0.999);  // two differently trained policies do not look alike everywhere
  EXPECT_EQ(
      RunCli({"attention", project.string(), "--runs", "bc", "--reference", "run:"}).exit_code, 2);
}

}  // namespace
}  // namespace autofocus

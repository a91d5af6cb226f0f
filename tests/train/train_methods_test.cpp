// core/train beyond the GABRIL CNN: ResNet encoders (checked against torchvision), the GABRIL
// distances, gaze targets, state input and normalisation, schedules, filters and HDF5 splits.
#include <ATen/autocast_mode.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "core/base/error.h"
#include "core/base/npy.h"
#include "core/curation/curation_state.h"
#include "core/curation/edit.h"
#include "core/curation/edit_journal.h"
#include "core/dataset/project_store.h"
#include "core/pipeline/pipeline.h"
#include "core/train/color_jitter.h"
#include "core/train/losses.h"
#include "core/train/models.h"
#include "core/train/run_registry.h"
#include "core/train/train_data.h"
#include "core/train/trainer.h"
#include "tests/train/train_test_support.h"

namespace autofocus {
namespace {

bool PythonHas(const std::string& modules) {
  return RunProgram(AUTOFOCUS_SYSTEM_PYTHON, {"-c", "import " + modules}).exit_code == 0;
}

// torchvision's parameter count of resnet{18,34} without fc, with a `channels`-plane stem.
int64_t TorchvisionBackbone(int depth, int channels) {
  const int64_t three = depth == 18 ? 11176512 : 21284672;  // 3-channel backbone (no fc)
  return three - 64 * 3 * 49 + 64 * channels * 49;
}

TEST(TrainResNet, ShapesAndParameterCounts) {
  torch::manual_seed(0);
  for (int depth : {18, 34}) {
    ResNet m(depth, 6, 128, 160, 7, 2);
    int64_t backbone = 0;
    for (const auto& p : m->named_parameters()) {
      const std::string n = p.key();
      if (n.rfind("conv1", 0) == 0 || n.rfind("bn1", 0) == 0 || n.rfind("layer", 0) == 0)
        backbone += p.value().numel();
    }
    EXPECT_EQ(backbone, TorchvisionBackbone(depth, 6)) << depth;
    // MLP: Linear(512+2, 1024) + LN + Linear(1024, 512) + LN + Linear(512, 256) + LN + Linear(256,
    // 7).
    const int64_t head = (514 * 1024 + 1024) + 2048 + (1024 * 512 + 512) + 1024 +
                         (512 * 256 + 256) + 512 + (256 * 7 + 7);
    EXPECT_EQ(CountParameters(*m), backbone + head) << depth;
    auto x = torch::rand({2, 6, 128, 160});
    auto z = m->Encode(x);
    EXPECT_EQ(z.sizes(), (std::vector<int64_t>{2, 512, 4, 5}));
    EXPECT_EQ(m->FeatureShape(), (std::vector<int64_t>{512, 4, 5}));
    EXPECT_EQ(m->Head(z, torch::rand({2, 2})).sizes(), (std::vector<int64_t>{2, 7}));
  }
  ResNet odd(18, 2, 37, 65, 3);
  EXPECT_EQ(odd->Encode(torch::rand({1, 2, 37, 65})).sizes().vec(),
            (std::vector<int64_t>{1, 512, odd->FeatureShape()[1], odd->FeatureShape()[2]}));
}

// The exported ResNet policy (with state and normalisation) equals the C++ model in C++ and in
// Python, and its encoder equals torchvision's resnet18 loaded with the same weights.
TEST(TrainResNet, ExportMatchesCppPythonAndTorchvision) {
  torch::manual_seed(5);
  ResNet m(18, 6, 64, 96, 3, 4);
  {
    // A few training-mode passes give the BatchNorm running statistics non-trivial values.
    torch::NoGradGuard guard;
    for (int i = 0; i < 3; ++i) m->Encode(torch::rand({4, 6, 64, 96}) * (i + 1));
  }
  m->eval();
  PolicyNormalisation norm;
  norm.action_mean = {0.5f, -1.f, 2.f};
  norm.action_std = {2.f, 0.5f, 1.f};
  norm.state_mean = {1.f, 2.f, 3.f, 4.f};
  norm.state_std = {1.f, 2.f, 4.f, 8.f};
  auto x = torch::rand({3, 6, 64, 96});
  auto state = torch::rand({3, 4}) * 5;
  torch::Tensor expected, z;
  {
    torch::NoGradGuard guard;
    const auto s = (state - torch::tensor(norm.state_mean)) / torch::tensor(norm.state_std);
    z = m->Encode(x).contiguous();
    expected = (m->Head(z, s) * torch::tensor(norm.action_std) + torch::tensor(norm.action_mean))
                   .contiguous();
  }
  TempDir dir;
  ExportTorchScript(*m, norm).save((dir / "policy.pt").string());
  auto loaded = torch::jit::load((dir / "policy.pt").string());
  EXPECT_LT((loaded.forward({x, state}).toTensor() - expected).abs().max().item<double>(), 1e-5);
  EXPECT_LT((loaded.get_method("encode")({x}).toTensor() - z).abs().max().item<double>(), 1e-5);

  if (!PythonHas("torch, numpy, torchvision")) {
    GTEST_SKIP() << AUTOFOCUS_SYSTEM_PYTHON
                 << " lacks torch/torchvision (scripts/setup-deps installs them)";
  }
  auto xc = x.contiguous(), sc = state.contiguous();
  WriteNpyFloat32(dir / "x.npy", {3, 6, 64, 96}, xc.data_ptr<float>(),
                  static_cast<size_t>(xc.numel()));
  WriteNpyFloat32(dir / "s.npy", {3, 4}, sc.data_ptr<float>(), static_cast<size_t>(sc.numel()));
  WriteNpyFloat32(dir / "y.npy", {3, 3}, expected.data_ptr<float>(),
                  static_cast<size_t>(expected.numel()));
  const std::string script = R"PY(
import sys, numpy, torch, torchvision
m = torch.jit.load(sys.argv[1])
x, s, y = (torch.from_numpy(numpy.load(a)) for a in sys.argv[2:5])
net = torchvision.models.resnet18(weights=None)
net.conv1 = torch.nn.Conv2d(6, 64, 7, 2, 3, bias=False)
state = {k: getattr(m, k.replace(".", "_")) for k in net.state_dict()
         if not k.startswith("fc.") and "num_batches_tracked" not in k}
missing = net.load_state_dict(state, strict=False)
assert set(missing.missing_keys) == {"fc.weight", "fc.bias"}, missing
net.eval()
with torch.no_grad():
    h = net.maxpool(net.relu(net.bn1(net.conv1(x))))
    zt = net.layer4(net.layer3(net.layer2(net.layer1(h))))
    print(float((m.encode(x) - zt).abs().max()), float((m(x, s) - y).abs().max()),
          sum(p.numel() for n, p in net.named_parameters() if not n.startswith("fc.")))
)PY";
  const auto r = RunProgram(AUTOFOCUS_SYSTEM_PYTHON,
                            {"-c", script, (dir / "policy.pt").string(), (dir / "x.npy").string(),
                             (dir / "s.npy").string(), (dir / "y.npy").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  double dz = 1, dy = 1;
  int64_t backbone = 0;
  in >> dz >> dy >> backbone;
  EXPECT_LT(dz, 1e-5) << r.out;
  EXPECT_LT(dy, 1e-5) << r.out;
  EXPECT_EQ(backbone, TorchvisionBackbone(18, 6));
}

// The separable bicubic matrices reproduce torch's interpolate (value and gradient), so
// gabril_mse is unchanged by computing it with two GEMMs.
TEST(TrainRegularizer, BicubicMatricesEqualTorchInterpolate) {
  namespace F = torch::nn::functional;
  torch::manual_seed(4);
  for (auto [h, w, H, W] :
       {std::array<int, 4>{20, 38, 180, 320}, std::array<int, 4>{9, 18, 90, 160},
        std::array<int, 4>{2, 3, 8, 12}, std::array<int, 4>{5, 7, 13, 29}}) {
    auto p = torch::rand({3, 1, h, w}, torch::kFloat64).requires_grad_(true);
    auto ref = F::interpolate(p, F::InterpolateFuncOptions()
                                     .size(std::vector<int64_t>{H, W})
                                     .mode(torch::kBicubic)
                                     .align_corners(false))
                   .squeeze(1);
    auto mine =
        torch::matmul(torch::matmul(BicubicMatrix(h, H), p.squeeze(1)), BicubicMatrix(w, W).t());
    EXPECT_LT((ref - mine).abs().max().item<double>(), 1e-12)
        << h << "x" << w << " -> " << H << "x" << W;
    auto g = torch::rand({3, H, W}, torch::kFloat64);
    auto g1 = torch::autograd::grad({(ref * g).sum()}, {p})[0];
    auto g2 = torch::autograd::grad({(mine * g).sum()}, {p})[0];
    EXPECT_LT((g1 - g2).abs().max().item<double>(), 1e-10);
  }
}

TEST(TrainRegularizer, DistancesMatchHandComputation) {
  // z [1, 1, 1, 2] = {0, 2}, beta 1: the attention is softmax(0, 2) (bicubic at the same size is
  // the identity); the target {1, 3} normalises to {0.25, 0.75}.
  auto z = torch::tensor({0.0, 2.0}, torch::kFloat64).reshape({1, 1, 1, 2});
  auto target = torch::tensor({1.0, 3.0}, torch::kFloat64).reshape({1, 1, 2});
  const double p0 = 1 / (1 + std::exp(2.0)), p1 = 1 - p0, q0 = 0.25, q1 = 0.75;
  const double kl = q0 * std::log(q0 / p0) + q1 * std::log(q1 / p1);
  const double m0 = (p0 + q0) / 2, m1 = (p1 + q1) / 2;
  const double js = 0.5 * (q0 * std::log(q0 / m0) + q1 * std::log(q1 / m1)) +
                    0.5 * (p0 * std::log(p0 / m0) + p1 * std::log(p1 / m1));
  EXPECT_NEAR(MapDistancePerSample("kl", z, target, 1).item<double>(), kl, 1e-7);
  EXPECT_NEAR(MapDistancePerSample("js", z, target, 1).item<double>(), js, 1e-7);
  EXPECT_NEAR(MapDistancePerSample("tv", z, target, 1).item<double>(), std::abs(p0 - q0), 1e-12);
  // An empty target has no distribution: 0, and DistanceDefined leaves it out of the mean.
  auto empty = torch::zeros({1, 1, 2}, torch::kFloat64);
  EXPECT_EQ(MapDistancePerSample("kl", z, empty, 1).item<double>(), 0.0);
  EXPECT_EQ(DistanceDefined(torch::cat({target, empty})).sum().item<double>(), 1.0);
  EXPECT_THROW(RegularizerPerSample("l2", z, target, 1), Error);
}

TEST(TrainData, GazeMapFollowsGabril) {
  TrainOptions o;
  o.gaze_window = 0;
  const int W = 64, H = 36;  // sigma 30 px at 320 -> 6 px here
  std::vector<std::vector<GazePoint>> gaze(5);
  gaze[2] = {GazePoint{0.5f, 0.5f}};
  std::vector<float> map(static_cast<size_t>(W * H));
  RenderGazeMap(gaze, 2, o, W, H, map.data());
  EXPECT_NEAR(map[17 * W + 31], 1.f, 1e-6);  // the four pixels around the centre share the max
  EXPECT_NEAR(map[17 * W + 41], std::exp(-90.0 / 72.0), 1e-5);
  RenderGazeMap(gaze, 1, o, W, H, map.data());  // no point at frame 1 within window 0
  EXPECT_EQ(*std::max_element(map.begin(), map.end()), 0.f);

  // Window 2, stride 2: frame 4's point counts with weight 0.8^2 and sigma 6 / 0.99^2.
  o.gaze_window = 2;
  gaze[4] = {GazePoint{0.25f, 0.5f}};
  RenderGazeMap(gaze, 2, o, W, H, map.data());
  auto raw = [&](int x, int y) {
    auto g = [](double dx, double dy, double s) {
      return std::exp(-(dx * dx + dy * dy) / (2 * s * s));
    };
    return g(x + 0.5 - 32, y + 0.5 - 18, 6) +
           0.64 * g(x + 0.5 - 16, y + 0.5 - 18, 6 / (0.99 * 0.99));
  };
  double mx = 0;
  for (int y = 0; y < H; ++y) {
    for (int x = 0; x < W; ++x) mx = std::max(mx, raw(x, y));
  }
  EXPECT_NEAR(map[17 * W + 20], raw(20, 17) / mx, 1e-5);
  EXPECT_NEAR(map[10 * W + 50], raw(50, 10) / mx, 1e-5);
  o.gaze_future = false;  // frame 4 is in the future of frame 2
  RenderGazeMap(gaze, 2, o, W, H, map.data());
  EXPECT_NEAR(map[17 * W + 41], std::exp(-90.0 / 72.0), 1e-5);
}

// A copy of the sample project whose episodes carry gaze points at their key boxes' centres
// (standing in for recorded gaze) and flags on frames 2 and 5 of every episode.
std::filesystem::path GazeProject(const TempDir& dir) {
  const auto p = dir.path() / "G";
  std::filesystem::copy(SampleProject(), p, std::filesystem::copy_options::recursive);
  std::filesystem::remove_all(p / "runs");
  ProjectStore store = ProjectStore::Open(p);
  for (const auto& entry : store.info().episodes) {
    Episode e = store.LoadEpisode(entry.name);
    const auto boxes = LoadKeyBoxes(store, entry.name);
    e.gaze.assign(static_cast<size_t>(e.num_frames), {});
    for (int t = 0; t < e.num_frames && t < static_cast<int>(boxes.size()); ++t) {
      for (const auto& d : boxes[static_cast<size_t>(t)]) {
        e.gaze[static_cast<size_t>(t)].push_back(
            GazePoint{d.box.CenterX() / static_cast<float>(e.width),
                      d.box.CenterY() / static_cast<float>(e.height)});
      }
    }
    store.SaveEpisode(e);
    CurationState cs = LoadCurationState(store, entry.name);
    cs.flags[2] = "check";
    cs.flags[5] = "check";
    BakeToProject(store, cs, 1);
  }
  return p;
}

TEST(TrainData, GazeTargetsStateAndFlagFilters) {
  TempDir dir;
  const auto p = GazeProject(dir);
  TrainOptions o = TinyOptions("");
  o.target = "gaze";
  o.gaze_window = 4;
  o.state_keys = {"speed"};
  TrainDataset data(p, o);
  EXPECT_EQ(data.state_dim(), 2);  // 1 value x 2 stacked frames
  BatchReader reader(data);
  TrainBatch b;
  reader.Fill(data.train_samples(), {}, 0, 8, &b);
  ASSERT_EQ(b.state.size(), 16u);
  const auto& e0 = data.episodes()[static_cast<size_t>(data.train_samples()[0].episode)].episode;
  EXPECT_EQ(b.state[0], e0.state.at("speed")[0][0]);  // frame 0: the first frame repeated
  EXPECT_EQ(b.state[1], e0.state.at("speed")[0][0]);
  EXPECT_EQ(b.state[14], e0.state.at("speed")[6][0]);  // frame 7: frames 6, 7
  EXPECT_EQ(b.state[15], e0.state.at("speed")[7][0]);
  std::vector<float> expect(72 * 128);
  RenderGazeMap(e0.gaze, 3, o, 128, 72, expect.data());
  EXPECT_EQ(std::vector<float>(b.target.begin() + 3 * 72 * 128, b.target.begin() + 4 * 72 * 128),
            expect);
  EXPECT_GT(data.state_stats().std[0], 0.f);

  o.filter = "flagged";
  TrainDataset flagged(p, o);
  EXPECT_EQ(flagged.train_samples().size() + flagged.val_samples().size(),
            6u);  // 2 flags x 3 episodes
  for (const auto& s : flagged.train_samples()) EXPECT_TRUE(s.frame == 2 || s.frame == 5);
  EXPECT_EQ(flagged.filtered_frames(), 54);
  o.filter = "unflagged";
  EXPECT_EQ(TrainDataset(p, o).filtered_frames(), 6);
  o.filter = "mask:train";
  try {
    TrainDataset none(p, o);
    FAIL() << "no episode carries a mask";
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "filter");
  }
  o.filter.clear();
  o.target = "gaze";
  o.state_keys = {"nope"};
  EXPECT_THROW(TrainDataset(p, o), Error);
}

// Unbaked studio edits (the journal) count: an excluded frame and an excluded episode are left
// out, and the fingerprint changes with the journal.
TEST(TrainData, UnbakedJournalEditsAreHonoured) {
  TempDir dir;
  const auto p = dir.path() / "J";
  std::filesystem::copy(SampleProject(), p, std::filesystem::copy_options::recursive);
  std::filesystem::remove_all(p / "runs");
  TrainOptions o = TinyOptions("");
  const TrainDataset before(p, o);
  ProjectStore store = ProjectStore::Open(p);
  const std::string e0 = store.info().episodes[0].name, e1 = store.info().episodes[1].name;
  {
    EditJournal journal(EditJournal::ProjectFile(p));
    journal.Append(MakeExcludeFramesEdit(e0, {3, 4, 5}, true));
    journal.Append(MakeExcludeEpisodeEdit(e1, true));
  }
  const TrainDataset after(p, o);
  EXPECT_EQ(after.episodes().size(), 2u);
  EXPECT_EQ(after.train_samples().size() + after.val_samples().size(), 37u);  // 60 - 20 - 3
  EXPECT_EQ(after.SplitJson()["journal_edits_applied"], 2);
  EXPECT_EQ(after.SplitJson()["excluded_episodes"], Json({e1}));
  EXPECT_NE(after.Fingerprint()["sha256"], before.Fingerprint()["sha256"]);
  for (const auto* split : {&after.train_samples(), &after.val_samples()}) {
    for (const auto& s : *split) {
      if (after.episodes()[static_cast<size_t>(s.episode)].name == e0)
        EXPECT_TRUE(s.frame < 3 || s.frame > 5);
    }
  }
}

// Augmentation: deterministic per (seed, sample), off without a seed, pixels stay in [0, 1],
// and the crop moves the target map with the frame.
TEST(TrainData, AugmentationIsSeededAndCropsTheMapToo) {
  TrainOptions o = TinyOptions("");
  o.augment = true;
  TrainDataset data(SampleProject(), o);
  BatchReader reader(data);
  TrainBatch plain, a1, a2, other;
  const size_t n = data.train_samples().size();
  reader.Fill(data.train_samples(), {}, 0, n, &plain, 0);
  reader.Fill(data.train_samples(), {}, 0, n, &a1, 77);
  reader.Fill(data.train_samples(), {}, 0, n, &a2, 77);
  reader.Fill(data.train_samples(), {}, 0, n, &other, 78);
  EXPECT_EQ(a1.obs, a2.obs);
  EXPECT_EQ(a1.target, a2.target);
  EXPECT_NE(a1.obs, plain.obs);
  EXPECT_NE(a1.obs, other.obs);
  EXPECT_EQ(a1.actions, plain.actions);  // labels are not augmented
  size_t changed = 0, maps_changed = 0;
  const size_t per_obs = 2 * 72 * 128, hw = 72 * 128;
  for (size_t b = 0; b < n; ++b) {
    const bool obs_diff =
        !std::equal(a1.obs.begin() + b * per_obs, a1.obs.begin() + (b + 1) * per_obs,
                    plain.obs.begin() + b * per_obs);
    const bool map_diff = !std::equal(a1.target.begin() + b * hw, a1.target.begin() + (b + 1) * hw,
                                      plain.target.begin() + b * hw);
    changed += obs_diff;
    maps_changed += map_diff;
    if (map_diff) EXPECT_TRUE(obs_diff) << b;  // a map only changes with its frame's crop
  }
  // p 0.5 for the crop and for the jitter: about 3/4 of the samples change.
  EXPECT_GT(changed, n / 2);
  EXPECT_LT(changed, n);
  EXPECT_GT(maps_changed, 0u);
  for (float v : a1.obs) ASSERT_TRUE(v >= 0.f && v <= 1.f);
  o.augment = false;
  TrainDataset off(SampleProject(), o);
  BatchReader reader_off(off);
  reader_off.Fill(off.train_samples(), {}, 0, n, &a2, 77);  // a seed without augment: no change
  EXPECT_EQ(a2.obs, plain.obs);
}

// Saturation and hue jitter equal torchvision's adjust_saturation / adjust_hue (0.14) on the
// same planes: random colours plus gray, black, white and pure primaries (every HSV sector and
// the gray branch), shifts of both signs and the +-0.5 ends.
TEST(TrainData, ColorJitterEqualsTorchvision) {
  const size_t n = 64 * 64;
  std::vector<float> in(3 * n);
  uint64_t h = 5;
  for (auto& v : in) {
    h = h * 6364136223846793005ull + 1442695040888963407ull;
    v = static_cast<float>((h >> 40) & 0xffffff) / static_cast<float>(0xffffff);
  }
  const float special[][3] = {{0.5f, 0.5f, 0.5f}, {0, 0, 0}, {1, 1, 1}, {1, 0, 0}, {0, 1, 0},
                              {0, 0, 1}, {1, 1, 0}, {0, 1, 1}, {1, 0, 1}, {0.2f, 0.2f, 0.9f}};
  for (size_t i = 0; i < std::size(special); ++i) {
    for (size_t c = 0; c < 3; ++c) in[c * n + i] = special[i][c];
  }
  const std::vector<double> saturations = {0.8, 1.17, 0.0};
  const std::vector<double> hues = {-0.043, 0.05, 0.5, -0.5};
  TempDir dir;
  WriteNpyFloat32(dir / "in.npy", {3, 64, 64}, in.data(), in.size());
  for (size_t i = 0; i < saturations.size(); ++i) {
    std::vector<float> out = in;
    AdjustSaturation(out.data(), n, saturations[i]);
    for (float v : out) ASSERT_TRUE(v >= 0.f && v <= 1.f);
    WriteNpyFloat32(dir / ("sat" + std::to_string(i) + ".npy"), {3, 64, 64}, out.data(), out.size());
  }
  for (size_t i = 0; i < hues.size(); ++i) {
    std::vector<float> out = in;
    AdjustHue(out.data(), n, hues[i]);
    for (size_t c = 0; c < 3; ++c) EXPECT_EQ(out[c * n], 0.5f);  // gray stays gray
    WriteNpyFloat32(dir / ("hue" + std::to_string(i) + ".npy"), {3, 64, 64}, out.data(), out.size());
  }
  if (!PythonHas("torch, numpy, torchvision")) {
    GTEST_SKIP() << AUTOFOCUS_SYSTEM_PYTHON
                 << " lacks torch/torchvision (scripts/setup-deps installs them)";
  }
  std::string sat_list, hue_list;
  for (double v : saturations) sat_list += std::to_string(v) + ",";
  for (double v : hues) hue_list += std::to_string(v) + ",";
  const std::string script =
      "import sys, numpy, torch\n"
      "import torchvision.transforms.functional as F\n"
      "d = sys.argv[1]\n"
      "x = torch.from_numpy(numpy.load(d + '/in.npy'))\n"
      "worst = 0.0\n"
      "for i, s in enumerate([" + sat_list + "]):\n"
      "    y = torch.from_numpy(numpy.load(d + '/sat%d.npy' % i))\n"
      "    worst = max(worst, float((F.adjust_saturation(x, s) - y).abs().max()))\n"
      "for i, s in enumerate([" + hue_list + "]):\n"
      "    y = torch.from_numpy(numpy.load(d + '/hue%d.npy' % i))\n"
      "    worst = max(worst, float((F.adjust_hue(x, s) - y).abs().max()))\n"
      "print(worst)\n";
  const auto r = RunProgram(AUTOFOCUS_SYSTEM_PYTHON, {"-c", script, dir.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(std::stod(r.out), 1e-5) << r.out;
}

// RGB observations get saturation and hue jitter on top of the grayscale path's crop and
// brightness/contrast: the luma of an RGB sample equals the grayscale sample (both affine maps
// commute with the BT.601 weights, which sum to 1) unless its hue was shifted, which moves luma.
// So some jittered samples differ from their grayscale twin and the others match it.
TEST(TrainData, RgbAugmentationAddsSaturationAndHue) {
  TrainOptions o = TinyOptions("");
  o.augment = true;
  TrainDataset gray_data(SampleProject(), o);
  o.grayscale = false;
  TrainDataset rgb_data(SampleProject(), o);
  BatchReader gray_reader(gray_data), rgb_reader(rgb_data);
  TrainBatch gray, rgb, rgb_again;
  const size_t n = rgb_data.train_samples().size();
  gray_reader.Fill(gray_data.train_samples(), {}, 0, n, &gray, 77);
  rgb_reader.Fill(rgb_data.train_samples(), {}, 0, n, &rgb, 77);
  rgb_reader.Fill(rgb_data.train_samples(), {}, 0, n, &rgb_again, 77);
  EXPECT_EQ(rgb.obs, rgb_again.obs);
  for (float v : rgb.obs) ASSERT_TRUE(v >= 0.f && v <= 1.f + 1e-6f) << v;  // resize rounding
  const size_t hw = 72 * 128;
  size_t shifted = 0, same = 0;
  for (size_t b = 0; b < n; ++b) {
    double worst = 0;
    for (size_t k = 0; k < 2; ++k) {
      const float* p = rgb.obs.data() + (b * 2 + k) * 3 * hw;
      const float* g = gray.obs.data() + (b * 2 + k) * hw;
      for (size_t i = 0; i < hw; ++i) {
        const bool clamped = std::min({p[i], p[hw + i], p[2 * hw + i], g[i]}) <= 0.f ||
                             std::max({p[i], p[hw + i], p[2 * hw + i], g[i]}) >= 1.f;
        if (clamped) continue;
        const double luma = 0.299 * p[i] + 0.587 * p[hw + i] + 0.114 * p[2 * hw + i];
        worst = std::max(worst, std::abs(luma - g[i]));
      }
    }
    // Saturation alone moves luma by < 2e-4 (torchvision's 0.2989 against BT.601's 0.299).
    if (worst > 5e-3) ++shifted;
    if (worst < 1e-3) ++same;
  }
  EXPECT_GT(shifted, 0u);
  EXPECT_GT(same, 0u);
  EXPECT_EQ(shifted + same, n);
}

// Export to robomimic HDF5, import it back: the imported mask/ filter keys give the split.
TEST(TrainData, Hdf5MaskSplitAndFilter) {
  TempDir dir;
  const auto h5 = dir.path() / "demo.hdf5";
  ASSERT_EQ(
      RunCli({"export", SampleProject().string(), "--format", "robomimic", "--out", h5.string(),
              "--valid-share", "0.34", "--split-seed", "3", "--progress", "none"})
          .exit_code,
      0);
  const auto back = dir.path() / "H";
  const auto imp = RunCli({"import", "hdf5", h5.string(), "--out", back.string()});
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  TrainOptions o = TinyOptions("");
  o.target = "none";
  o.regularizer = "none";
  o.split = "hdf5";
  TrainDataset data(back, o);
  const Json split = data.SplitJson();
  EXPECT_EQ(split["method"], "hdf5");
  ProjectStore store = ProjectStore::Open(back);
  std::vector<std::string> valid;
  for (const auto& entry : store.info().episodes) {
    const Json masks = store.LoadEpisode(entry.name).metadata.value("hdf5_masks", Json::array());
    ASSERT_FALSE(masks.empty()) << entry.name;
    for (const auto& m : masks) {
      if (m == "valid") valid.push_back(entry.name);
    }
  }
  ASSERT_EQ(valid.size(), 1u);
  EXPECT_EQ(split["validation"], Json(valid));
  EXPECT_EQ(split["train"].size(), 2u);
  o.split = "seeded";
  o.filter = "mask:valid";
  TrainDataset only(back, o);
  ASSERT_EQ(only.episodes().size(), 1u);
  EXPECT_EQ(only.episodes()[0].name, valid[0]);
  o.filter.clear();
  o.split = "hdf5";
  EXPECT_THROW(TrainDataset(SampleProject(), o), Error);  // the sample project has no masks
}

TEST(TrainOptionsTest, NewFieldsRoundTripAndCheck) {
  TrainOptions o = TrainOptions::Preset("paper-robot");
  EXPECT_EQ(o.model, "resnet34");
  EXPECT_EQ(o.Channels(), 6);
  o.action_weights = {1, 2, 0.5};
  o.state_keys = {"speed"};
  o.filter = "mask:train";
  o.device = "cuda:1";
  const TrainOptions back = TrainOptions::FromJson(o.ToJson(), "x.json");
  EXPECT_EQ(back.ToJson(), o.ToJson());
  EXPECT_EQ(TrainOptions::FieldNames().size(), o.ToJson().size());
  auto where = [](TrainOptions t) {
    try {
      t.Check();
    } catch (const Error& e) {
      return e.where();
    }
    return std::string("ok");
  };
  TrainOptions t;
  t.device = "gpu";
  EXPECT_EQ(where(t), "device");
  t = TrainOptions();
  t.filter = "mask:";
  EXPECT_EQ(where(t), "filter");
  t = TrainOptions();
  t.scheduler = "linear";
  EXPECT_EQ(where(t), "scheduler");
  t = TrainOptions();
  t.action_weights = {1, -1};
  EXPECT_EQ(where(t), "action_weights");
  t = TrainOptions();
  t.method = "oreo";
  EXPECT_EQ(where(t), "method");
  t = TrainOptions();
  t.method = "visarl";
  t.target = "none";
  EXPECT_EQ(where(t), "target");
  // A config overlays its base: only the fields it names change.
  const TrainOptions over =
      TrainOptions::FromJson({{"lr", 0.01}}, "c.json", TrainOptions::Preset("quick"));
  EXPECT_EQ(over.lr, 0.01);
  EXPECT_EQ(over.input_height, 90);
  try {
    TrainOptions::FromJson({{"epochs", "many"}}, "c.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "epochs");
  }
  int cuda = 0;
  EXPECT_TRUE(ParseDevice("cpu", &cuda));
  EXPECT_EQ(cuda, -1);
  EXPECT_TRUE(ParseDevice("cuda:3", &cuda));
  EXPECT_EQ(cuda, 3);
  EXPECT_FALSE(ParseDevice("cuda:", &cuda));
}

// ResNet-18 with state, normalised actions, AdamW + warm-up + cosine, step metrics and periodic
// checkpoints on a tiny project; the policy takes raw state and returns actions in their units.
TEST(TrainRun, ResNetWithStateNormalisationAndCosineSchedule) {
  TrainOptions o = TinyOptions("resnet");
  o.model = "resnet18";
  o.input_height = 48;
  o.input_width = 64;
  o.regularizer = "kl";
  o.lambda = 1;
  o.beta = 1;
  o.state_keys = {"speed"};
  o.normalize_actions = true;
  o.optimizer = "adamw";
  o.scheduler = "cosine";
  o.warmup = 0.25;
  o.lr = 1e-3;
  o.total_steps = 8;
  o.batch = 10;  // 40 training samples: 4 steps per epoch, 2 epochs
  o.log_every = 1;
  o.checkpoint_every = 1;
  const TrainReport r = RunTraining(SampleProject(), o);
  ASSERT_EQ(r.status, "completed");
  EXPECT_EQ(r.steps, 8);
  EXPECT_EQ(r.epochs_done, 2);
  const auto dir = RunDirectory(SampleProject(), "resnet");
  for (const char* f : {"epoch-0001.ckpt", "epoch-0002.ckpt", "policy.pt"})
    EXPECT_TRUE(std::filesystem::exists(dir / f)) << f;
  const auto steps = ReadMetrics(dir / "metrics.jsonl", "step");
  ASSERT_EQ(steps.size(), 8u);
  // Warm-up over round(0.25 x 8) = 2 steps (lr/2, lr), then cosine over the other 6.
  EXPECT_DOUBLE_EQ(steps[0]["lr"].get<double>(), 5e-4);
  EXPECT_DOUBLE_EQ(steps[1]["lr"].get<double>(), 1e-3);
  for (int k = 2; k < 8; ++k) {
    EXPECT_NEAR(steps[static_cast<size_t>(k)]["lr"].get<double>(),
                1e-3 * 0.5 * (1 + std::cos(M_PI * (k - 2) / 6.0)), 1e-15);
  }
  EXPECT_GT(steps.back()["reg"].get<double>(), 0.0);
  const Json policy = LoadJsonFile(dir / "policy.json");
  EXPECT_EQ(policy["state"]["shape"], Json({"B", 2}));
  EXPECT_EQ(policy["model"], "resnet18");
  const Json run = LoadJsonFile(dir / "run.json");
  const auto mean = run["action_stats"]["mean"].get<std::vector<float>>();
  EXPECT_EQ(policy["action_normalisation"]["mean"].get<std::vector<float>>(), mean);
  // The TorchScript policy de-normalises: on a batch its outputs are in the actions' units,
  // near the training mean rather than near 0 for a dimension with a large mean.
  auto m = torch::jit::load((dir / "policy.pt").string());
  auto out = m.forward({torch::rand({2, 2, 48, 64}), torch::full({2, 2}, 5.0)}).toTensor();
  EXPECT_EQ(out.sizes(), (std::vector<int64_t>{2, 3}));
}

// Dropout and BatchNorm: a resumed ResNet run equals an uninterrupted one (the checkpoint holds
// the generator state and the BN statistics).
TEST(TrainRun, ResumedResNetRunEqualsAnUninterruptedOne) {
  TrainOptions o = TinyOptions("resnet-straight");
  o.model = "resnet18";
  o.input_height = 48;
  o.input_width = 64;
  o.regularizer = "none";
  o.target = "none";
  o.total_steps = 6;
  o.batch = 10;
  ASSERT_EQ(RunTraining(SampleProject(), o).status, "completed");
  o.name = "resnet-resumed";
  int steps = 0;
  EXPECT_EQ(RunTraining(SampleProject(), o, "", {}, [&] { return ++steps == 5; }).status,
            "stopped");
  EXPECT_EQ(RunTraining(SampleProject(), TrainOptions(), "resnet-resumed").status, "completed");
  EXPECT_EQ(MaxParameterDifference(RunDirectory(SampleProject(), "resnet-straight") / "policy.pt",
                                   RunDirectory(SampleProject(), "resnet-resumed") / "policy.pt"),
            0.0);
}

// bfloat16 autocast: convolutions run in bfloat16 (z close to float32's), autocast is off again
// after the region, and a tiny run trains with it.
TEST(TrainRun, BFloat16AutocastRunsTheForwardPassInBFloat16) {
  torch::manual_seed(2);
  GabrilCnn m(2, 72, 128, 3);
  m->Initialise();
  auto x = torch::rand({2, 2, 72, 128});
  torch::NoGradGuard guard;
  const auto z32 = m->Encode(x);
  torch::Tensor z16;
  {
    BFloat16Autocast amp(true, torch::Device(torch::kCPU));
    z16 = m->Encode(x);
  }
  EXPECT_EQ(z16.scalar_type(), torch::kBFloat16);
  EXPECT_FALSE(at::autocast::is_cpu_enabled());
  EXPECT_EQ(m->Encode(x).scalar_type(), torch::kFloat32);
  const double rel = ((z16.to(torch::kFloat32) - z32).abs().max() / z32.abs().max()).item<double>();
  EXPECT_GT(rel, 0.0);
  EXPECT_LT(rel, 0.05);
}

TEST(TrainRun, AmpRunCompletes) {
  TrainOptions o = TinyOptions("amp");
  o.amp = true;
  o.epochs = 2;
  const TrainReport r = RunTraining(SampleProject(), o);
  ASSERT_EQ(r.status, "completed");
  const auto m = ReadMetrics(RunDirectory(SampleProject(), "amp") / "metrics.jsonl");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_TRUE(std::isfinite(m.back()["loss"].get<double>()));
  EXPECT_LT(m.back()["bc"].get<double>(), m.front()["bc"].get<double>());
}

TEST(TrainRun, CudaOnACpuOnlyLibTorchIsAClearError) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "this LibTorch has CUDA";
  TrainOptions o = TinyOptions("cuda");
  o.device = "cuda";
  try {
    RunTraining(SampleProject(), o);
    FAIL() << "trained on cuda";
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "device");
    EXPECT_NE(std::string(e.what()).find("CPU-only"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(RunDirectory(SampleProject(), "cuda")));
}

}  // namespace
}  // namespace autofocus

namespace autofocus {
namespace {

// The map-input baselines: ViSaRL's extra channel, GMD's keep probability (hand-computed) and
// dropout, AGIL's second encoder, and their TorchScript export against the C++ model.
TEST(TrainMethods, MapInputBaselinesShapesKeepProbabilityAndExport) {
  torch::manual_seed(0);
  TrainOptions o;
  o.input_height = 48;
  o.input_width = 80;
  o.target = "vlm";
  o.method = "bc";
  const auto plain = MakePolicyNet(o, 3, 0);
  const int64_t n_plain = CountParameters(*plain);
  o.method = "visarl";
  const auto visarl = MakePolicyNet(o, 3, 0);
  // One more input plane: conv1 (4x4, 32 filters) gains 16 x 32 weights.
  EXPECT_EQ(CountParameters(*visarl), n_plain + 16 * 32);
  o.method = "gmd";
  const auto gmd = MakePolicyNet(o, 3, 0);
  EXPECT_EQ(CountParameters(*gmd), n_plain);
  o.method = "agil";
  const auto agil = MakePolicyNet(o, 3, 0);
  // A second model of the same architecture (its head is never used: no gradient reaches it).
  EXPECT_EQ(CountParameters(*agil), 2 * n_plain);
  EXPECT_THROW(agil->Encode(torch::rand({1, 2, 48, 80})), Error);

  // Keep probability: a 2x4 map averaged to 1x2 = {0.25, 0.75} -> minmax {0, 1} -> {0.3, 1.0};
  // a constant map keeps everything with 0.3.
  auto map = torch::tensor({0.0f, 0.5f, 1.0f, 0.5f, 0.0f, 0.5f, 0.5f, 1.0f}).view({1, 2, 4});
  auto keep = MapMethodNetImpl::KeepProbability(map, 1, 2);
  EXPECT_NEAR(keep[0][0][0][0].item<float>(), 0.3f, 1e-6);
  EXPECT_NEAR(keep[0][0][0][1].item<float>(), 1.0f, 1e-6);
  keep = MapMethodNetImpl::KeepProbability(torch::zeros({1, 2, 4}), 1, 2);
  EXPECT_NEAR(keep.max().item<float>(), 0.3f, 1e-6);
  EXPECT_NEAR(keep.min().item<float>(), 0.3f, 1e-6);

  const auto x = torch::rand({3, 2, 48, 80});
  const auto m = torch::rand({3, 48, 80});
  // GMD: eval multiplies z by the keep probability; training drops features (zeros appear,
  // the rest unchanged).
  gmd->eval();
  const auto* gb = dynamic_cast<MapMethodNetImpl*>(gmd.get());
  ASSERT_NE(gb, nullptr);
  const auto z = gb->base->Encode(x);
  const auto keep_z = MapMethodNetImpl::KeepProbability(m, z.size(2), z.size(3));
  EXPECT_LT((gmd->EncodeWithMap(x, m) - z * keep_z).abs().max().item<double>(), 1e-6);
  gmd->train();
  const auto dropped = gmd->EncodeWithMap(x, m);
  const auto zeroed = (dropped == 0).to(torch::kFloat32).mean().item<double>();
  const auto expected_drop = (1 - keep_z).mean().item<double>();
  EXPECT_NEAR(zeroed, expected_drop, 0.02);
  const auto kept = dropped != 0;
  EXPECT_LT((dropped.masked_select(kept) - z.masked_select(kept)).abs().max().item<double>(), 1e-6);
  gmd->eval();

  for (const auto& net : {visarl, gmd, agil}) {
    net->eval();
    torch::NoGradGuard guard;
    const auto cpp = net->Forward(x, m);
    auto script = ExportTorchScript(*net);
    const auto out = script.forward({x, m}).toTensor();
    EXPECT_LT((out - cpp).abs().max().item<double>(), 1e-5) << net->Name();
    const auto z_script = script.run_method("encode", x, m).toTensor();
    EXPECT_LT((z_script - net->EncodeWithMap(x, m)).abs().max().item<double>(), 1e-5);
  }
}

// A tiny run of each baseline trains, records the method and writes a policy taking the map.
TEST(TrainMethods, TinyRunsOfTheBaselinesWritePoliciesThatTakeTheMap) {
  for (const std::string method : {"visarl", "gmd", "agil"}) {
    TrainOptions o = TinyOptions("method-" + method);
    o.method = method;
    o.regularizer = "none";
    o.input_height = 36;
    o.input_width = 64;
    o.total_steps = 3;
    const TrainReport r = RunTraining(SampleProject(), o);
    ASSERT_EQ(r.status, "completed") << method;
    EXPECT_GT(r.best_val_bc, 0) << method;
    const auto dir = RunDirectory(SampleProject(), "method-" + method);
    const Json policy = LoadJsonFile(dir / "policy.json");
    EXPECT_EQ(policy["method"], method);
    EXPECT_EQ(policy["signature"], "forward(x, m) -> actions");
    EXPECT_EQ(policy["map"]["shape"], Json({"B", 36, 64}));
    auto m = torch::jit::load((dir / "policy.pt").string());
    const auto out = m.forward({torch::rand({2, 2, 36, 64}), torch::rand({2, 36, 64})}).toTensor();
    EXPECT_EQ(out.sizes(), (std::vector<int64_t>{2, 3}));
  }
  TrainOptions bad = TinyOptions("method-bad");
  bad.method = "gmd";
  bad.regularizer = "none";
  bad.target = "none";
  EXPECT_THROW(bad.Check(), Error);
}

}  // namespace
}  // namespace autofocus

// Saliency metrics against hand-computed values on tiny maps, their edge cases (constant maps,
// no fixations), `autofocus saliency compare` and a numpy cross-check on random maps.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/attention/saliency_metrics.h"
#include "core/base/error.h"
#include "core/base/json_io.h"
#include "core/base/npy.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {

using testing::RunCli;
using testing::RunProgram;
using testing::TempDir;
using testing::WriteText;

// 2 x 2 maps, row-major: pixel i is (x = i % 2, y = i / 2).
const std::vector<float> kRamp = {1, 2, 3, 4};

TEST(SaliencyMetrics, NssUsesTheSampleStdAndEachPixelOnce) {
  const double sd = std::sqrt(5.0 / 3.0);  // N-1 denominator
  EXPECT_NEAR(Nss(kRamp.data(), 4, {3}), 1.5 / sd, 1e-12);
  EXPECT_NEAR(Nss(kRamp.data(), 4, {0, 3}), 0.0, 1e-12);
  // Pixel 3 fixated twice counts once (MATLAB's binary fixation map).
  const auto pixels = FixationPixels({{1.2, 1.7}, {1.9, 1.0}, {0.0, 1.5}}, 2, 2);
  EXPECT_EQ(pixels, (std::vector<size_t>{2, 3}));
  EXPECT_NEAR(Nss(kRamp.data(), 4, pixels), 1.0 / sd, 1e-12);
  const std::vector<float> flat(4, 0.5f);
  EXPECT_EQ(Nss(flat.data(), 4, {1}), 0.0);
  EXPECT_THROW(FixationPixels({{2.0, 0.0}}, 2, 2), Error);  // x = W is outside
  EXPECT_THROW(FixationPixels({{0.0, -0.1}}, 2, 2), Error);
  EXPECT_THROW(FixationPixels({{NAN, 0.0}}, 2, 2), Error);
}

TEST(SaliencyMetrics, CcIsPearsonAndDefinedForConstantMaps) {
  const std::vector<float> rev = {4, 3, 2, 1}, twice = {2, 4, 6, 8}, flat(4, 3.f);
  EXPECT_NEAR(Cc(kRamp.data(), rev.data(), 4), -1.0, 1e-12);
  EXPECT_NEAR(Cc(kRamp.data(), twice.data(), 4), 1.0, 1e-12);
  const std::vector<float> g = {1, 2, 3, 5};
  // Pearson by hand: means 2.5 and 2.75; covariance sum 6.5; sqrt(5 * 8.75).
  EXPECT_NEAR(Cc(kRamp.data(), g.data(), 4), 6.5 / std::sqrt(5.0 * 8.75), 1e-12);
  EXPECT_EQ(Cc(flat.data(), kRamp.data(), 4), 0.0);
  EXPECT_EQ(Cc(kRamp.data(), flat.data(), 4), 0.0);
  EXPECT_EQ(Cc(flat.data(), flat.data(), 4), 1.0);
}

TEST(SaliencyMetrics, KlTakesTheReferenceAsTheDistribution) {
  const std::vector<float> uniform(4, 1.f), peak = {1, 0, 0, 0}, zero(4, 0.f);
  EXPECT_NEAR(KlDivergence(uniform.data(), peak.data(), 4), std::log(4.0), 1e-9);
  EXPECT_NEAR(KlDivergence(kRamp.data(), kRamp.data(), 4), 0.0, 1e-12);
  // Asymmetric: the prediction's zeros under reference mass cost ~ln(1/eps).
  EXPECT_GT(KlDivergence(peak.data(), uniform.data(), 4), 20.0);
  // An all-zero map is uniform, so this is the first case again.
  EXPECT_NEAR(KlDivergence(zero.data(), peak.data(), 4), std::log(4.0), 1e-9);
  EXPECT_TRUE(std::isfinite(KlDivergence(zero.data(), zero.data(), 4)));
}

TEST(SaliencyMetrics, SimMinMaxesThenIntersects) {
  const std::vector<float> a = {0, 1, 0, 1}, b = {0, 0, 1, 1}, flat(4, 3.f), last = {0, 0, 0, 1};
  EXPECT_NEAR(Similarity(a.data(), b.data(), 4), 0.5, 1e-12);
  EXPECT_NEAR(Similarity(kRamp.data(), kRamp.data(), 4), 1.0, 1e-12);
  // Min-max removes the offset: 10 + ramp is the ramp.
  const std::vector<float> offset = {11, 12, 13, 14};
  EXPECT_NEAR(Similarity(kRamp.data(), offset.data(), 4), 1.0, 1e-12);
  EXPECT_NEAR(Similarity(flat.data(), last.data(), 4), 0.25, 1e-12);
  EXPECT_NEAR(Similarity(flat.data(), flat.data(), 4), 1.0, 1e-12);
}

TEST(SaliencyMetrics, AucJuddByHand) {
  // Fixation on the maximum: TP 1 at FP 0.
  EXPECT_NEAR(AucJudd(kRamp.data(), 4, {3}), 1.0, 1e-6);
  // On value 2 (min-maxed 1/3): 3 pixels >= it, FP = 2/3; area 1/3 + 1/3.
  EXPECT_NEAR(AucJudd(kRamp.data(), 4, {1}), 2.0 / 3.0, 1e-6);
  // On the minimum: FP jumps to 1 with TP 1, area 0.5 (the benchmark's curve).
  EXPECT_NEAR(AucJudd(kRamp.data(), 4, {0}), 0.5, 1e-6);
  // Two fixations {3, 1}: thresholds 1, 1/3; FP 0, (3-2)/2; TP 0.5, 1.
  EXPECT_NEAR(AucJudd(kRamp.data(), 4, {1, 3}), 0.5 * (0.5 + 1.0) / 2 + 0.5 * 1.0, 1e-6);
  EXPECT_NEAR(AucJudd(kRamp.data(), 4, {1, 3}, 0), 0.875, 1e-12);  // no jitter: exact
  const std::vector<float> flat(4, 0.f);
  EXPECT_EQ(AucJudd(flat.data(), 4, {2}), 0.5);
  EXPECT_EQ(AucJudd(kRamp.data(), 4, {0, 1, 2, 3}), 0.5);  // no negatives
}

TEST(SaliencyMetrics, AttentionMassInsideBoxes) {
  const Box right{1, 0, 2, 2};  // centres (1.5, 0.5), (1.5, 1.5): pixels 1 and 3
  EXPECT_NEAR(AttentionMass(kRamp.data(), 2, 2, {right}), 0.6, 1e-12);
  EXPECT_NEAR(AttentionMass(kRamp.data(), 2, 2, {right, right}), 0.6, 1e-12);  // union
  EXPECT_NEAR(AttentionMass(kRamp.data(), 2, 2, {}), 0.0, 1e-12);
  const std::vector<float> neg = {-1, 1, 1, 2}, zero(4, 0.f);
  EXPECT_NEAR(AttentionMass(neg.data(), 2, 2, {Box{0, 0, 2, 1}}), 0.25, 1e-12);  // clipped at 0
  EXPECT_NEAR(AttentionMass(zero.data(), 2, 2, {right}), 0.5, 1e-12);            // uniform
}

TEST(SaliencyMetrics, ReportHasNullsWithoutFixationsAndNoNaN) {
  const std::vector<float> flat(4, 0.f);
  std::vector<Fixation> none, one = {{1.5, 1.5}};
  std::vector<FrameMetrics> frames = {
      ComputeFrameMetrics(kRamp.data(), kRamp.data(), 2, 2, &one),
      ComputeFrameMetrics(flat.data(), flat.data(), 2, 2, &none),
      ComputeFrameMetrics(flat.data(), kRamp.data(), 2, 2, nullptr)};
  const Json j = MetricsReportJson(frames);
  ASSERT_EQ(j["frames"].size(), 3u);
  EXPECT_TRUE(j["frames"][1]["nss"].is_null());
  EXPECT_TRUE(j["frames"][2]["auc_judd"].is_null());
  for (const auto& f : j["frames"])
    for (const char* k : {"cc", "kl", "sim"}) EXPECT_TRUE(f[k].is_number()) << f.dump();
  // Means over the frames that have the metric.
  EXPECT_NEAR(j["mean"]["nss"].get<double>(), 1.5 / std::sqrt(5.0 / 3.0), 1e-9);
  EXPECT_NEAR(j["mean"]["cc"].get<double>(), (1.0 + 1.0 + 0.0) / 3.0, 1e-12);
  EXPECT_TRUE(MetricsReportJson({})["mean"]["nss"].is_null());
}

// The float16 helpers: exact on representable values, rounding to nearest even, overflow.
TEST(SaliencyMetrics, HalfFloatConversion) {
  EXPECT_EQ(FloatToHalf(1.0f), 0x3c00);
  EXPECT_EQ(FloatToHalf(-2.0f), 0xc000);
  EXPECT_EQ(FloatToHalf(65504.0f), 0x7bff);
  EXPECT_EQ(FloatToHalf(70000.0f), 0x7c00);
  EXPECT_EQ(FloatToHalf(1e-8f), 0x0000);
  EXPECT_EQ(FloatToHalf(6e-8f), 0x0001);
  EXPECT_EQ(FloatToHalf(1.0f + 1.0f / 2048), 0x3c00);  // tie -> even
  EXPECT_EQ(FloatToHalf(1.0f + 3.0f / 2048), 0x3c02);
  for (uint32_t h = 0; h < 0x7c00; ++h) {  // every finite positive half round-trips
    EXPECT_EQ(FloatToHalf(HalfToFloat(static_cast<uint16_t>(h))), h);
  }
  EXPECT_EQ(HalfToFloat(0x3555), 0.333251953125f);
}

// Writes `maps` as a [T, 2, 2] float32 stack.
std::string WriteStack(const TempDir& dir, const std::string& name,
                       const std::vector<float>& maps) {
  const auto path = dir / name;
  WriteNpyFloat32(path, {static_cast<int64_t>(maps.size() / 4), 2, 2}, maps.data(), maps.size());
  return path.string();
}

TEST(SaliencyCompareCli, JsonReportWithFixations) {
  TempDir dir;
  std::vector<float> pred = kRamp, ref = kRamp;
  pred.insert(pred.end(), 4, 0.f);  // frame 1: constant prediction
  ref.insert(ref.end(), {0, 0, 0, 1});
  const std::string p = WriteStack(dir, "pred.npy", pred), r = WriteStack(dir, "ref.npy", ref);
  WriteText(dir / "fix.json", "[[[1.5, 1.5]], []]");
  const auto res =
      RunCli({"saliency", "compare", p, r, "--fixations", (dir / "fix.json").string(), "--json"});
  ASSERT_EQ(res.exit_code, 0) << res.err;
  const Json j = ParseJsonText(res.out, "stdout");
  ASSERT_EQ(j.size(), 2u);
  ASSERT_EQ(j["frames"].size(), 2u);
  for (const auto& f : j["frames"]) {
    std::vector<std::string> keys;
    for (auto it = f.begin(); it != f.end(); ++it) keys.push_back(it.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"auc_judd", "cc", "kl", "nss", "sim"}));
  }
  EXPECT_NEAR(j["frames"][0]["nss"].get<double>(), 1.5 / std::sqrt(5.0 / 3.0), 1e-9);
  EXPECT_NEAR(j["frames"][0]["auc_judd"].get<double>(), 1.0, 1e-6);
  EXPECT_TRUE(j["frames"][1]["nss"].is_null());
  EXPECT_TRUE(j["frames"][1]["auc_judd"].is_null());
  EXPECT_EQ(j["frames"][1]["cc"].get<double>(), 0.0);
  EXPECT_NEAR(j["frames"][1]["kl"].get<double>(), std::log(4.0), 1e-9);
  EXPECT_NEAR(j["frames"][1]["sim"].get<double>(), 0.25, 1e-9);
  EXPECT_NEAR(j["mean"]["sim"].get<double>(), (1.0 + 0.25) / 2, 1e-9);
  // Without --fixations every fixation metric is null; the table form runs too.
  const auto nofix = RunCli({"saliency", "compare", p, r, "--json"});
  ASSERT_EQ(nofix.exit_code, 0) << nofix.err;
  EXPECT_TRUE(ParseJsonText(nofix.out, "stdout")["mean"]["auc_judd"].is_null());
  const auto table = RunCli({"saliency", "compare", p, r});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("mean"), std::string::npos) << table.out;
}

TEST(SaliencyCompareCli, BadInputsAreClearErrors) {
  TempDir dir;
  const std::string p = WriteStack(dir, "pred.npy", kRamp);
  std::vector<float> two = kRamp;
  two.insert(two.end(), kRamp.begin(), kRamp.end());
  const std::string r2 = WriteStack(dir, "ref2.npy", two);
  auto shape = RunCli({"saliency", "compare", p, r2});
  EXPECT_EQ(shape.exit_code, 1);
  EXPECT_NE(shape.err.find("ref2.npy"), std::string::npos) << shape.err;
  EXPECT_NE(shape.err.find("1 x 2 x 2"), std::string::npos) << shape.err;
  const std::vector<float> flat2d = {1, 2, 3, 4};
  WriteNpyFloat32(dir / "flat.npy", {4}, flat2d.data(), 4);
  auto rank = RunCli({"saliency", "compare", (dir / "flat.npy").string(), p});
  EXPECT_EQ(rank.exit_code, 1);
  EXPECT_NE(rank.err.find("[T, H, W]"), std::string::npos) << rank.err;
  WriteText(dir / "fix.json", "[[], []]");
  auto count = RunCli({"saliency", "compare", p, p, "--fixations", (dir / "fix.json").string()});
  EXPECT_EQ(count.exit_code, 1);
  EXPECT_NE(count.err.find("2 entries for 1 frames"), std::string::npos) << count.err;
  WriteText(dir / "out.json", "[[[5, 0]]]");
  auto outside = RunCli({"saliency", "compare", p, p, "--fixations", (dir / "out.json").string()});
  EXPECT_EQ(outside.exit_code, 1);
  EXPECT_NE(outside.err.find("outside"), std::string::npos) << outside.err;
  const std::string neg = WriteStack(dir, "neg.npy", {-1, 0, 1, 2});
  auto negative = RunCli({"saliency", "compare", neg, p});
  EXPECT_EQ(negative.exit_code, 1);
  EXPECT_NE(negative.err.find("negative"), std::string::npos) << negative.err;
  EXPECT_EQ(RunCli({"saliency", "compare", (dir / "missing.npy").string(), p}).exit_code, 1);
  EXPECT_EQ(RunCli({"saliency", "compare", p}).exit_code, 2);
}

TEST(SaliencyCompareCli, NumpyCrossCheckOnRandomMaps) {
  const std::string python = AUTOFOCUS_SYSTEM_PYTHON;
  if (RunProgram(python, {"-c", "import numpy"}).exit_code != 0)
    GTEST_SKIP() << python << " with numpy is not available";
  TempDir dir;
  const int T = 6, H = 24, W = 40;
  // numpy writes the maps (float64, its default): the CLI must read them as they come.
  const auto gen = RunProgram(
      python, {"-c",
               "import sys, numpy as np\n"
               "r = np.random.default_rng(7)\n"
               "p = r.random((6, 24, 40)) ** 3\n"
               "g = r.random((6, 24, 40))\n"
               "g[2] = np.exp(-((np.arange(40)[None, :] - 20) ** 2 + (np.arange(24)[:, None] - 9) "
               "** 2) / 30.0)\n"
               "np.save(sys.argv[1], p)\n"
               "np.save(sys.argv[2], g)\n",
               (dir / "pred.npy").string(), (dir / "ref.npy").string()});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> ux(0, W), uy(0, H);
  Json fix = Json::array();
  for (int t = 0; t < T; ++t) {
    Json f = Json::array();
    for (int k = 0; k < (t == 4 ? 0 : 3 + t); ++k) f.push_back({ux(rng), uy(rng)});
    fix.push_back(f);
  }
  WriteText(dir / "fix.json", fix.dump());
  const auto ours =
      RunCli({"saliency", "compare", (dir / "pred.npy").string(), (dir / "ref.npy").string(),
              "--fixations", (dir / "fix.json").string(), "--json"});
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  const auto theirs = RunProgram(
      python,
      {std::string(AUTOFOCUS_SOURCE_DIR) + "/tests/attention/metrics_reference.py",
       (dir / "pred.npy").string(), (dir / "ref.npy").string(), (dir / "fix.json").string()});
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  const Json a = ParseJsonText(ours.out, "autofocus")["frames"];
  const Json b = ParseJsonText(theirs.out, "numpy");
  ASSERT_EQ(a.size(), static_cast<size_t>(T));
  ASSERT_EQ(b.size(), static_cast<size_t>(T));
  for (int t = 0; t < T; ++t) {
    for (const char* k : {"nss", "cc", "kl", "sim", "auc_judd"}) {
      SCOPED_TRACE(std::to_string(t) + " " + k);
      ASSERT_EQ(a[t][k].is_null(), b[t][k].is_null());
      if (a[t][k].is_null()) continue;
      // float32 maps on our side (numpy's float64 file is read as float32); AUC has jitter.
      const double tol = std::string(k) == "auc_judd" ? 1e-4 : 2e-5;
      EXPECT_NEAR(a[t][k].get<double>(), b[t][k].get<double>(),
                  tol * std::max(1.0, std::abs(b[t][k].get<double>())));
    }
  }
  EXPECT_TRUE(a[4]["nss"].is_null());
}

}  // namespace
}  // namespace autofocus

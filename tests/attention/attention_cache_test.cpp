// The torch-free parts of core/attention: options, evidence splitting, display normalisation
// and the float16 cache files (identity matching, numpy-readable).
#include "core/attention/attention_cache.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "core/attention/attention_options.h"
#include "core/base/error.h"
#include "core/base/npy.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {

using testing::RunProgram;
using testing::TempDir;

TEST(AttentionOptions, CheckRejectsBadValues) {
  AttentionOptions o;
  EXPECT_NO_THROW(o.Check());
  o.method = "occlusion";
  EXPECT_THROW(o.Check(), Error);
  o = {};
  o.beta = 0;
  EXPECT_THROW(o.Check(), Error);
  o = {};
  o.batch = 0;
  EXPECT_THROW(o.Check(), Error);
  o = {};
  o.smoothgrad_samples = 4;  // only for input-gradient
  EXPECT_THROW(o.Check(), Error);
  o.method = "input-gradient";
  EXPECT_NO_THROW(o.Check());
  EXPECT_EQ(ActionIndex({"throttle", "steer", "brake"}, "steer"), 1);
  EXPECT_EQ(ActionIndex({"throttle", "steer", "brake"}, ""), 0);
  try {
    ActionIndex({"throttle", "steer"}, "yaw");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("throttle, steer"), std::string::npos) << e.what();
  }
}

TEST(AttentionOptions, EvidenceAndDisplayNormalisation) {
  const std::vector<float> raw = {-2, -0.5, 0, 1, 3};
  EXPECT_EQ(SplitEvidence(raw.data(), 5, Evidence::kRaise), (std::vector<float>{0, 0, 0, 1, 3}));
  EXPECT_EQ(SplitEvidence(raw.data(), 5, Evidence::kLower), (std::vector<float>{2, 0.5, 0, 0, 0}));
  EXPECT_EQ(SplitEvidence(raw.data(), 5, Evidence::kAbs), (std::vector<float>{2, 0.5, 0, 1, 3}));
  std::vector<float> v(100);
  for (int i = 0; i < 100; ++i) v[static_cast<size_t>(i)] = static_cast<float>(i + 1);
  const DisplayRange ep = EpisodeDisplayRange(v.data(), 4, 25);
  EXPECT_EQ(ep.lo, 1.f);
  EXPECT_EQ(ep.hi, 98.f);  // the 98th percentile, not the max
  const DisplayRange fr = FrameDisplayRange(v.data() + 25, 25);
  EXPECT_EQ(fr.lo, 26.f);
  EXPECT_EQ(fr.hi, 50.f);
  std::vector<float> out(3);
  const std::vector<float> in = {0, 5, 20};
  NormaliseForDisplay(in.data(), 3, {0, 10}, out.data());
  EXPECT_EQ(out, (std::vector<float>{0, 0.5f, 1}));
  NormaliseForDisplay(in.data(), 3, {4, 4}, out.data());  // empty range: all 0, no NaN
  EXPECT_EQ(out, (std::vector<float>{0, 0, 0}));
}

TEST(AttentionOptions, BilinearResizeUsesHalfPixelCentres) {
  // 1 x 2 -> 1 x 4 with align_corners=False: src x = (dst + 0.5) / 2 - 0.5, clamped.
  const std::vector<float> in = {0, 1};
  std::vector<float> out(4);
  ResizeBilinear(in.data(), 1, 2, 1, 4, out.data());
  EXPECT_EQ(out, (std::vector<float>{0, 0.25f, 0.75f, 1}));
}

TEST(AttentionCache, IdentityDecidesAHit) {
  TempDir dir;
  AttentionMaps m;
  m.frames = 2;
  m.height = 2;
  m.width = 3;
  m.data = {0, 0.5f, 1, -1, 2, 1.0f / 3, 4, 5, 6, 7, 8, 65504};
  m.provenance = {{"run", "a"}};
  const Json id = {{"policy_sha256", "aa"}, {"options", {{"method", "activation"}}}};
  const auto npy = AttentionCachePath(dir.path(), "a", "ep0", "activation");
  EXPECT_FALSE(ReadAttentionCache(npy, id));
  WriteAttentionCache(npy, m, id);
  const auto hit = ReadAttentionCache(npy, id);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->frames, 2);
  EXPECT_EQ(hit->height, 2);
  EXPECT_EQ(hit->width, 3);
  for (size_t i = 0; i < m.data.size(); ++i)
    EXPECT_NEAR(hit->data[i], m.data[i], 1e-3 * std::abs(m.data[i]));
  EXPECT_EQ(hit->provenance["run"], "a");
  Json other = id;
  other["policy_sha256"] = "bb";  // retrained
  EXPECT_FALSE(ReadAttentionCache(npy, other));
  std::filesystem::remove(dir / "attention/a/ep0/activation.json");
  EXPECT_FALSE(ReadAttentionCache(npy, id));
  AttentionOptions g;
  g.method = "gradcam";
  EXPECT_EQ(AttentionCacheKey(g, "steer"), "gradcam-steer");
  g.amp = true;
  EXPECT_EQ(AttentionCacheKey(g, "steer"), "gradcam-steer-amp");
}

TEST(AttentionCache, NumpyReadsTheFloat16File) {
  const std::string python = AUTOFOCUS_SYSTEM_PYTHON;
  if (RunProgram(python, {"-c", "import numpy"}).exit_code != 0)
    GTEST_SKIP() << python << " with numpy is not available";
  TempDir dir;
  const std::vector<float> v = {0.1f, -2.5f, 1000.f, 1e-6f};
  WriteNpyFloat16(dir / "h.npy", {2, 2}, v.data(), v.size());
  const auto r = RunProgram(python, {"-c",
                                     "import sys, numpy as np\n"
                                     "a = np.load(sys.argv[1])\n"
                                     "print(a.dtype, a.shape, ' '.join(repr(float(x)) for x in "
                                     "a.ravel()))\n",
                                     (dir / "h.npy").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  std::string dtype, s1, s2;
  in >> dtype >> s1 >> s2;
  EXPECT_EQ(dtype + " " + s1 + " " + s2, "float16 (2, 2)");
  for (float x : v) {
    double got = 0;
    in >> got;
    EXPECT_EQ(static_cast<float>(got), HalfToFloat(FloatToHalf(x)));
  }
  const NpyArray back = ReadNpyAsFloat32(dir / "h.npy");
  EXPECT_EQ(back.shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(back.data[1], -2.5f);
}

}  // namespace
}  // namespace autofocus

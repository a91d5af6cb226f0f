#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <random>

#include "core/base/error.h"
#include "core/saliency/saliency_renderer.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {

using testing::TempDir;
using testing::WriteText;

// A W x H scene with one frame per entry of `frames`.
SaliencyInput Scene(int w, int h, std::vector<std::vector<Box>> frames) {
  SaliencyInput in;
  in.image_width = w;
  in.image_height = h;
  in.frames = std::move(frames);
  return in;
}

Box Point(float x, float y) {
  return Box{x, y, x, y};
}

// Renders frame t with the fast renderer.
std::vector<float> Fast(const SaliencyInput& in, const SaliencyOptions& o, size_t t) {
  SaliencyRenderer r(o, in.image_width, in.image_height);
  std::vector<float> map(r.frame_size());
  r.RenderFrame(in.frames, t, map.data());
  return map;
}

std::string ErrorWhere(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.where();
  }
  return "(no error)";
}

// ---- options ----

TEST(SaliencyOptions, DefaultsFollowThePaperAndReferenceCode) {
  const SaliencyOptions o;
  EXPECT_FALSE(o.sigma0.has_value());
  EXPECT_DOUBLE_EQ(o.Sigma0(320), 0.094 * 320);  // 30.08 px at 320 wide
  EXPECT_EQ(o.sigma_growth, SigmaGrowth::kGeometric);
  EXPECT_DOUBLE_EQ(o.beta, 0.8);
  EXPECT_DOUBLE_EQ(o.decay, 0.7);
  EXPECT_EQ(o.window, 4);
  EXPECT_EQ(o.kernel, SaliencyKernel::kIsotropic);
  EXPECT_EQ(o.empty, EmptyPolicy::kZero);
  EXPECT_EQ(o.OutputWidth(320), 320);
  EXPECT_EQ(o.OutputHeight(180), 180);
  EXPECT_DOUBLE_EQ(o.SigmaAt(2, 320), 0.094 * 320 / 0.64);
  SaliencyOptions lin;
  lin.sigma_growth = SigmaGrowth::kLinear;
  lin.sigma0 = 20;
  EXPECT_DOUBLE_EQ(lin.Delta(320), 5.0);  // auto delta = sigma0 / 4
  EXPECT_DOUBLE_EQ(lin.SigmaAt(3, 320), 35.0);
  o.Check();
}

TEST(SaliencyOptions, CheckNamesTheBadOption) {
  auto where = [](auto mutate) {
    SaliencyOptions o;
    mutate(o);
    return ErrorWhere([&] { o.Check(); });
  };
  EXPECT_EQ(where([](SaliencyOptions& o) { o.sigma0 = 0; }), "sigma0");
  EXPECT_EQ(where([](SaliencyOptions& o) { o.sigma0 = NAN; }), "sigma0");
  EXPECT_EQ(where([](SaliencyOptions& o) { o.beta = 1.2; }), "beta");
  EXPECT_EQ(where([](SaliencyOptions& o) { o.delta = -1; }), "delta");
  EXPECT_EQ(where([](SaliencyOptions& o) { o.decay = 0; }), "decay");
  EXPECT_EQ(where([](SaliencyOptions& o) { o.window = 0; }), "window");
  EXPECT_EQ(where([](SaliencyOptions& o) { o.box_max_aspect = 0.5; }), "box_max_aspect");
  EXPECT_EQ(where([](SaliencyOptions& o) { o.output_width = -3; }), "output_width");
  EXPECT_EQ(where([](SaliencyOptions& o) { o.output_height = -1; }), "output_height");
  EXPECT_EQ(where([](SaliencyOptions&) {}), "(no error)");
}

TEST(SaliencyOptions, JsonRoundTripKeepsEveryFieldAndAuto) {
  const SaliencyOptions d;
  const Json dj = d.ToJson();
  EXPECT_EQ(dj["sigma0"], "auto");
  EXPECT_EQ(dj["delta"], "auto");
  EXPECT_EQ(SaliencyOptions::FromJson(dj).ToJson(), dj);

  SaliencyOptions o;
  o.sigma0 = 12.5;
  o.sigma_growth = SigmaGrowth::kLinear;
  o.beta = 0.9;
  o.delta = 3;
  o.decay = 0.5;
  o.window = 2;
  o.kernel = SaliencyKernel::kBox;
  o.box_max_aspect = 6;
  o.empty = EmptyPolicy::kUniform;
  o.output_width = 64;
  o.output_height = 36;
  const Json j = o.ToJson();
  const SaliencyOptions back = SaliencyOptions::FromJson(Json::parse(j.dump()));
  EXPECT_EQ(back.ToJson(), j);
  EXPECT_EQ(*back.sigma0, 12.5);
  EXPECT_EQ(back.kernel, SaliencyKernel::kBox);
  EXPECT_EQ(back.output_height, 36);
  // Missing fields keep defaults.
  EXPECT_EQ(SaliencyOptions::FromJson(Json::object()).ToJson(), dj);
}

TEST(SaliencyOptions, FromJsonRejectsTyposWrongTypesAndRanges) {
  EXPECT_EQ(ErrorWhere([] {
              SaliencyOptions::FromJson({{"sigma_0", 3}}, "p.json", "saliency");
            }),
            "saliency.sigma_0");
  EXPECT_EQ(ErrorWhere([] { SaliencyOptions::FromJson({{"window", 2.5}}, "p.json"); }), "window");
  EXPECT_EQ(ErrorWhere([] {
              SaliencyOptions::FromJson({{"kernel", "round"}}, "p.json");
            }),
            "kernel");
  EXPECT_EQ(ErrorWhere([] {
              SaliencyOptions::FromJson({{"sigma0", nullptr}}, "p.json");
            }),
            "sigma0");
  EXPECT_EQ(ErrorWhere([] {
              SaliencyOptions::FromJson({{"decay", 2}}, "p.json", "s");
            }),
            "s.decay");
}

// ---- exactness against the naive double reference ----

TEST(SaliencyRenderer, MatchesNaiveReferenceOnRandomScenes) {
  std::mt19937 rng(1234);
  auto uni = [&](double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng); };
  auto pick = [&](int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng); };
  double worst = 0;
  int frames_checked = 0, resized = 0, boxes = 0;
  for (int scene = 0; scene < 48; ++scene) {
    const int w = pick(8, 160), h = pick(8, 120);
    SaliencyOptions o;
    o.sigma_growth = scene % 2 ? SigmaGrowth::kLinear : SigmaGrowth::kGeometric;
    o.kernel = (scene / 2) % 2 ? SaliencyKernel::kBox : SaliencyKernel::kIsotropic;
    o.window = 1 + scene % 5;
    if (scene % 3) o.sigma0 = uni(1.0, 0.3 * w);
    o.beta = uni(0.6, 1.0);
    if (scene % 4 == 1) o.delta = uni(0.0, 10.0);
    o.decay = uni(0.3, 1.0);
    o.box_max_aspect = uni(1.0, 12.0);
    if (scene % 4 != 0) {  // most scenes render at a size different from the image
      o.output_width = pick(4, 150);
      o.output_height = pick(4, 110);
      ++resized;
    }
    const int frames = pick(1, 7);
    SaliencyInput in = Scene(w, h, {});
    for (int f = 0; f < frames; ++f) {
      std::vector<Box> objects;
      const int n = pick(0, 8);
      for (int i = 0; i < n; ++i) {
        // Centres anywhere in the image, boxes possibly sticking out of it.
        const float cx = static_cast<float>(uni(0, w)), cy = static_cast<float>(uni(0, h));
        if (pick(0, 3) == 0) {
          objects.push_back(Point(cx, cy));
        } else {
          const float bw = static_cast<float>(uni(0, 0.8 * w)),
                      bh = static_cast<float>(uni(0, 0.8 * h));
          objects.push_back(Box{cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2});
          ++boxes;
        }
      }
      in.frames.push_back(objects);
    }
    for (size_t t = 0; t < in.frames.size(); ++t) {
      const auto fast = Fast(in, o, t);
      const auto ref = RenderSaliencyFrameNaive(in, o, t);
      ASSERT_EQ(fast.size(), ref.size());
      double diff = 0;
      for (size_t i = 0; i < ref.size(); ++i) diff = std::max(diff, std::abs(fast[i] - ref[i]));
      ASSERT_LE(diff, 1e-4) << "scene " << scene << " frame " << t << " options "
                            << o.ToJson().dump() << " image " << w << "x" << h;
      worst = std::max(worst, diff);
      ++frames_checked;
    }
  }
  EXPECT_GT(frames_checked, 100);
  EXPECT_GE(resized, 30);
  EXPECT_GT(boxes, 100);
  RecordProperty("max_abs_diff", std::to_string(worst));
}

// ---- exact values computed by hand ----

TEST(SaliencyRenderer, SinglePointPeaksAtItsPixelWithGaussianFalloff) {
  SaliencyOptions o;
  o.sigma0 = 10;
  o.window = 1;
  // Pixel (100, 50) has its centre at (100.5, 50.5).
  const auto in = Scene(200, 100, {{Point(100.5f, 50.5f)}});
  const auto map = Fast(in, o, 0);
  auto at = [&](int x, int y) { return map[static_cast<size_t>(y) * 200 + x]; };
  EXPECT_FLOAT_EQ(at(100, 50), 1.f);
  // Offset (10, 0): exp(-100 / 200) = exp(-0.5); offset (3, 4): exp(-25 / 200).
  EXPECT_NEAR(at(110, 50), 0.60653066, 2e-6);
  EXPECT_NEAR(at(90, 50), 0.60653066, 2e-6);
  EXPECT_NEAR(at(103, 54), 0.88249690, 2e-6);
  // The farthest pixel is ~exp(-62.5) before normalisation: the map minimum is 0.
  EXPECT_NEAR(at(0, 99), 0.0, 1e-7);
  EXPECT_EQ(*std::max_element(map.begin(), map.end()), 1.f);
}

TEST(SaliencyRenderer, BoxKernelFollowsTheBoxAspectAndAPointStaysRound) {
  SaliencyOptions o;
  o.sigma0 = 10;
  o.window = 1;
  o.kernel = SaliencyKernel::kBox;
  // 40 x 10 box: aspect 4, so sigma_x = 10 * 2 = 20 and sigma_y = 10 / 2 = 5.
  const auto in = Scene(200, 100, {{Box{90.5f, 45.5f, 130.5f, 55.5f}}, {Point(110.5f, 50.5f)}});
  auto map = Fast(in, o, 0);
  auto at = [&](int x, int y) { return map[static_cast<size_t>(y) * 200 + x]; };
  EXPECT_FLOAT_EQ(at(110, 50), 1.f);
  EXPECT_NEAR(at(130, 50), 0.60653066, 2e-6);  // exp(-20^2 / (2 * 20^2))
  EXPECT_NEAR(at(110, 55), 0.60653066, 2e-6);  // exp(-5^2 / (2 * 5^2))
  map = Fast(in, o, 1);
  EXPECT_NEAR(at(120, 50), 0.60653066, 2e-6);  // a point: sigma 10 both ways
  EXPECT_NEAR(at(110, 60), 0.60653066, 2e-6);
  // A 100 x 1 line is clamped to aspect 10 (box_max_aspect): sigma_x = 10 * sqrt(10).
  SaliencyOptions thin = o;
  const auto line = Scene(400, 100, {{Box{150.5f, 50.f, 250.5f, 51.f}}});
  map = Fast(line, thin, 0);
  const double sx = 10 * std::sqrt(10.0);
  EXPECT_NEAR(map[50 * 400 + 220], std::exp(-20.0 * 20.0 / (2 * sx * sx)), 2e-6);
}

TEST(SaliencyRenderer, DecayWeighsTheOlderFrameAndGeometricGrowthWidensIt) {
  SaliencyOptions o;
  o.sigma0 = 8;
  o.window = 2;  // frame t (sigma 8, weight 1) and t-1 (sigma 8 / 0.8 = 10, weight 0.7)
  const auto in = Scene(200, 100, {{Point(50.5f, 50.5f)}, {Point(150.5f, 50.5f)}});
  const auto map = Fast(in, o, 1);
  auto at = [&](int x, int y) { return map[static_cast<size_t>(y) * 200 + x]; };
  EXPECT_FLOAT_EQ(at(150, 50), 1.f);
  EXPECT_NEAR(at(50, 50), 0.7, 1e-6);
  // 10 px from the old point: 0.7 * exp(-10^2 / (2 * 10^2)); 8 px from the new one: exp(-0.5).
  EXPECT_NEAR(at(50, 40), 0.7 * 0.60653066, 1e-6);
  EXPECT_NEAR(at(158, 50), 0.60653066, 1e-6);
}

TEST(SaliencyRenderer, LinearGrowthAddsDeltaPerFrameOfAge) {
  SaliencyOptions o;
  o.sigma0 = 10;
  o.sigma_growth = SigmaGrowth::kLinear;
  o.delta = 5;
  o.window = 3;
  // Only frame 0 has an object; in frame 2 it is 2 frames old: sigma 20, weight 0.49 (then
  // normalised away, since it is the only kernel).
  const auto in = Scene(200, 100, {{Point(100.5f, 50.5f)}, {}, {}});
  const auto map = Fast(in, o, 2);
  EXPECT_FLOAT_EQ(map[50 * 200 + 100], 1.f);
  EXPECT_NEAR(map[50 * 200 + 120], 0.60653066, 2e-6);
}

TEST(SaliencyRenderer, WindowHoldsExactlyKFramesAndStartsAtTheEpisodeStart) {
  SaliencyOptions o;
  o.sigma0 = 8;
  o.window = 3;
  // Frame 3 looks at frames 1..3: the object of frame 0 (t-K) is outside, frame 1's (t-K+1)
  // is inside.
  auto in = Scene(64, 48, {{Point(10.5f, 10.5f)}, {}, {}, {}});
  EXPECT_EQ(Fast(in, o, 3), std::vector<float>(64 * 48, 0.f));
  EXPECT_FLOAT_EQ(Fast(in, o, 2)[10 * 64 + 10], 1.f);
  in.frames[1] = {Point(30.5f, 20.5f)};
  const auto map = Fast(in, o, 3);
  EXPECT_FLOAT_EQ(map[20 * 64 + 30], 1.f);
  // Only frame 1's kernel (k = 2: sigma 8 / 0.64 = 12.5) is in the window: at (10, 10) it is
  // exp(-(20^2 + 10^2) / 312.5); the map minimum is at pixel (63, 47), 33 x 27 px away.
  const double lo = std::exp(-(33.0 * 33 + 27 * 27) / 312.5);
  EXPECT_NEAR(map[10 * 64 + 10], (std::exp(-500 / 312.5) - lo) / (1 - lo), 1e-6);
  // Frame 0 with K = 3 sees only itself (no frames before the episode start).
  in.frames = {{Point(5.5f, 5.5f)}, {Point(40.5f, 30.5f)}};
  EXPECT_EQ(Fast(in, o, 0), Fast(Scene(64, 48, {{Point(5.5f, 5.5f)}}), o, 0));
}

TEST(SaliencyRenderer, EmptyWindowGivesZerosOrUniformOnes) {
  SaliencyOptions o;
  const auto in = Scene(32, 16, {{}, {}});
  EXPECT_EQ(Fast(in, o, 1), std::vector<float>(32 * 16, 0.f));
  EXPECT_EQ(RenderSaliencyFrameNaive(in, o, 1), std::vector<double>(32 * 16, 0.0));
  o.empty = EmptyPolicy::kUniform;
  EXPECT_EQ(Fast(in, o, 1), std::vector<float>(32 * 16, 1.f));
  EXPECT_EQ(RenderSaliencyFrameNaive(in, o, 1), std::vector<double>(32 * 16, 1.0));
}

TEST(SaliencyRenderer, FlatMapIsAllOnes) {
  // A 1 x 1 map has max == min > 0: the one pixel is as salient as it gets.
  SaliencyOptions o;
  o.output_width = 1;
  o.output_height = 1;
  const auto in = Scene(32, 16, {{Point(3, 3)}});
  EXPECT_EQ(Fast(in, o, 0), std::vector<float>{1.f});
  EXPECT_EQ(RenderSaliencyFrameNaive(in, o, 0), std::vector<double>{1.0});
}

TEST(SaliencyRenderer, SmallerOutputScalesCentresAndSigmasTogether) {
  SaliencyOptions o;
  o.sigma0 = 10;
  o.window = 1;
  o.output_width = 100;
  o.output_height = 50;
  // (101, 51) in the 200 x 100 image is (50.5, 25.5) in the half-size map: pixel (50, 25);
  // sigma 10 image px = 5 map px.
  const auto in = Scene(200, 100, {{Point(101, 51)}});
  const auto map = Fast(in, o, 0);
  ASSERT_EQ(map.size(), 100u * 50u);
  EXPECT_FLOAT_EQ(map[25 * 100 + 50], 1.f);
  EXPECT_NEAR(map[25 * 100 + 55], 0.60653066, 2e-6);
  EXPECT_NEAR(map[30 * 100 + 50], 0.60653066, 2e-6);
}

TEST(SaliencyRenderer, CentreFarOutsideTheImageStillGivesAValidMap) {
  SaliencyOptions o;
  o.sigma0 = 10;
  const auto in = Scene(200, 100, {{Point(-1000.f, 50.5f)}});
  const auto map = Fast(in, o, 0);
  for (float v : map) ASSERT_TRUE(v >= 0.f && v <= 1.f);
  EXPECT_FLOAT_EQ(map[50 * 200 + 0], 1.f);  // the nearest pixel holds the peak
  EXPECT_EQ(map[50 * 200 + 199], 0.f);
}

// ---- episodes ----

SaliencyInput RandomEpisode(int frames, int w, int h, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> ux(0, static_cast<float>(w)), uy(0, static_cast<float>(h));
  SaliencyInput in = Scene(w, h, {});
  for (int f = 0; f < frames; ++f) {
    std::vector<Box> objects;
    for (int i = 0; i < f % 6; ++i) {
      const float x = ux(rng), y = uy(rng);
      objects.push_back(Box{x, y, x + 10, y + 5});
    }
    in.frames.push_back(objects);
  }
  return in;
}

TEST(SaliencyEpisode, ThreadedEpisodeEqualsFrameByFrameBitForBit) {
  const auto in = RandomEpisode(37, 96, 54, 7);
  SaliencyOptions o;
  o.output_width = 48;
  o.output_height = 30;
  std::atomic<int64_t> last{0}, total{0};
  const auto maps = RenderSaliencyEpisode(in, o, 2, [&](const Progress& p) {
    last = std::max<int64_t>(last, p.done);
    total = p.total;
  });
  ASSERT_EQ(maps.size(), 37u * 48u * 30u);
  for (size_t t = 0; t < in.frames.size(); ++t) {
    const auto frame = Fast(in, o, t);
    ASSERT_TRUE(std::equal(frame.begin(), frame.end(), maps.begin() + t * frame.size())) << t;
  }
  EXPECT_EQ(last.load(), 37);
  EXPECT_EQ(total.load(), 37);
  EXPECT_EQ(RenderSaliencyEpisode(in, o, 0), maps);  // 0 = hardware threads
}

TEST(SaliencyEpisode, StopCheckCancelsAndBadBoxesAreNamed) {
  const auto in = RandomEpisode(50, 64, 32, 3);
  EXPECT_THROW(RenderSaliencyEpisode(in, SaliencyOptions{}, 2, {}, [] { return true; }), Cancelled);
  auto bad = in;
  bad.frames[4].push_back(Box{5, 5, 4, 6});
  EXPECT_EQ(ErrorWhere([&] { RenderSaliencyEpisode(bad, SaliencyOptions{}); }),
            "frames[4].objects[4]");
  bad = in;
  bad.frames[2].push_back(Box{NAN, 5, 6, 6});
  EXPECT_EQ(ErrorWhere([&] { RenderSaliencyEpisode(bad, SaliencyOptions{}); }),
            "frames[2].objects[2]");
}

// ---- input JSON ----

TEST(SaliencyInputJson, ParsesBoxesAndPointsAndRoundTrips) {
  const Json j = Json::parse(R"({"width":320,"height":180,"frames":[
      {"objects":[{"box":[10,20,30,60],"label":"car","score":0.5},{"point":[100.5,90]}]},
      {"objects":[]}]})");
  const SaliencyInput in = ParseSaliencyInput(j, "b.json");
  EXPECT_EQ(in.image_width, 320);
  EXPECT_EQ(in.image_height, 180);
  ASSERT_EQ(in.frames.size(), 2u);
  ASSERT_EQ(in.frames[0].size(), 2u);
  EXPECT_EQ(in.frames[0][0], (Box{10, 20, 30, 60}));
  EXPECT_EQ(in.frames[0][1], (Box{100.5f, 90, 100.5f, 90}));
  EXPECT_TRUE(in.frames[1].empty());
  const SaliencyInput back = ParseSaliencyInput(SaliencyInputToJson(in), "x");
  EXPECT_EQ(back.frames, in.frames);
}

TEST(SaliencyInputJson, BadInputNamesTheField) {
  auto where = [](const std::string& text) {
    return ErrorWhere([&] { ParseSaliencyInput(Json::parse(text), "b.json"); });
  };
  const std::string head = R"({"width":32,"height":16,"frames":)";
  EXPECT_EQ(where(head + R"([{"objects":[]},{"objects":[{"box":[5,1,4,2]}]}]})"),
            "frames[1].objects[0].box");
  EXPECT_EQ(where(head + R"([{"objects":[{"box":[1,5,4,2]}]}]})"), "frames[0].objects[0].box");
  EXPECT_EQ(where(head + R"([{"objects":[{"point":[1,null]}]}]})"),
            "frames[0].objects[0].point[1]");
  EXPECT_EQ(where(head + R"([{"objects":[{"point":[1,"NaN"]}]}]})"),
            "frames[0].objects[0].point[1]");
  Json inf = Json::parse(head + R"([{"objects":[{"box":[1,2,3,4]}]}]})");
  inf["frames"][0]["objects"][0]["box"][3] = INFINITY;
  EXPECT_EQ(ErrorWhere([&] { ParseSaliencyInput(inf, "b.json"); }), "frames[0].objects[0].box[3]");
  EXPECT_EQ(where(head + R"([{"objects":[{"box":[1,2,3]}]}]})"), "frames[0].objects[0].box");
  EXPECT_EQ(where(head + R"([{"objects":[{"box":[1,2,3,4],"point":[1,2]}]}]})"),
            "frames[0].objects[0]");
  EXPECT_EQ(where(head + R"([{"objects":[{}]}]})"), "frames[0].objects[0]");
  EXPECT_EQ(where(head + R"([{}]})"), "frames[0].objects");
  EXPECT_EQ(where(head + "[]}"), "frames");
  EXPECT_EQ(where(R"({"width":-32,"height":16,"frames":[{"objects":[]}]})"), "width");
  EXPECT_EQ(where(R"({"width":32,"height":0,"frames":[{"objects":[]}]})"), "height");
  EXPECT_EQ(where(R"({"width":32,"frames":[{"objects":[]}]})"), "height");
}

TEST(SaliencyInputJson, MalformedFileNamesLineAndColumn) {
  TempDir dir;
  WriteText(dir / "b.json",
            "{\"width\": 32,\n \"height\": 16,\n \"frames\": [ {\"objects\": [}]}\n");
  try {
    LoadSaliencyInput(dir / "b.json");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), (dir / "b.json").string());
    EXPECT_EQ(e.where(), "line 3, column 27");
  }
  // A literal too large for a double is what an infinite coordinate looks like in a file.
  WriteText(dir / "c.json",
            R"({"width":32,"height":16,"frames":[{"objects":[{"point":[1e999,2]}]}]})");
  try {
    LoadSaliencyInput(dir / "c.json");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), (dir / "c.json").string());
    EXPECT_NE(e.reason().find("1e999"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace autofocus

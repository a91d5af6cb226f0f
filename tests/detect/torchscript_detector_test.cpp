// The TorchScript detector against a tiny module scripted in the test itself (no weights).
// This file and core/detect/torchscript_detector.cpp are the only ones that include torch.
#include "core/detect/torchscript_detector.h"

#include <gtest/gtest.h>
#include <torch/script.h>

#include <thread>

#include "core/base/error.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {

// A "YOLO" with 2 classes (gripper, cup) and 5 anchors for a 64x64 input. Boxes are cx,cy,w,h
// in letterboxed pixels. Two scores are read from the input so the test also checks the
// preprocessing: `red` = R channel at the centre (1.0 for a pure red BGR image when the
// channels are swapped to RGB and scaled by 1/255), `pad` = top-left pixel (114/255).
constexpr const char* kFakeYolo = R"JIT(
def forward(self, x):
    assert x.size() == [1, 3, 64, 64]
    red = float(x[0, 0, 32, 32])
    blue = float(x[0, 2, 32, 32])
    pad = float(x[0, 0, 0, 0])
    rows = [[32.0, 33.0, 33.0, 60.0, 8.0],
            [32.0, 32.0, 32.0, 20.0, 4.0],
            [32.0, 32.0, 32.0, 16.0, 8.0],
            [16.0, 16.0, 16.0, 8.0, 4.0],
            [red, 0.9, blue, 0.2, 0.99],
            [0.1, 0.0, pad, 0.6, 0.0]]
    return torch.tensor(rows).unsqueeze(0)
)JIT";

std::string SaveModule(const std::filesystem::path& path, const std::string& source,
                       const std::string& metadata = "") {
  torch::jit::Module m("FakeYolo");
  m.define(source);
  torch::jit::ExtraFilesMap extra;
  if (!metadata.empty()) extra["config.txt"] = metadata;
  m.save(path.string(), extra);
  return path.string();
}

// 256x128 pure red (BGR) frame: letterboxed into 64x64 at scale 0.25 with 16 rows of padding
// above and below.
cv::Mat RedFrame() {
  return cv::Mat(128, 256, CV_8UC3, cv::Scalar(0, 0, 255));
}

TorchScriptDetectorOptions Options(const std::string& path) {
  TorchScriptDetectorOptions o;
  o.model_path = path;
  o.input_size = 64;
  o.class_names = {"Gripper", "cup"};
  o.threads = 1;
  return o;
}

void ExpectDet(const Detection& d, const std::string& label, float score, Box box) {
  EXPECT_EQ(d.label, label);
  EXPECT_FLOAT_EQ(d.score, score);
  EXPECT_FLOAT_EQ(d.box.x1, box.x1);
  EXPECT_FLOAT_EQ(d.box.y1, box.y1);
  EXPECT_FLOAT_EQ(d.box.x2, box.x2);
  EXPECT_FLOAT_EQ(d.box.y2, box.y2);
  EXPECT_EQ(d.id, -1);
}

TEST(TorchScriptDetector, DecodesUnletterboxesAndSuppressesPerClass) {
  ASSERT_TRUE(TorchScriptDetectorAvailable());
  testing::TempDir dir;
  auto detector = MakeTorchScriptDetector(Options(SaveModule(dir / "yolo.pt", kFakeYolo)));
  EXPECT_EQ(detector->Kind(), "torchscript");
  EXPECT_EQ(detector->Model(), "yolo.pt");

  DetectRequest req;
  req.image = RedFrame();
  CallRecord record;
  const auto dets = detector->Detect(req, &record);
  // Anchor 0: input (16,24)-(48,40) -> source (64,32)-(192,96), score = red = 1.
  // Anchor 1: same class, IoU 0.94 with anchor 0 -> suppressed.
  // Anchor 2: cup with score = pad = 114/255, kept: other class.
  // Anchor 3: cup (52,16)-(68,24) -> (208,0)-(272,32), clamped to the 256 px width.
  // Anchor 4: inside the top padding -> empty after clamping, dropped.
  ASSERT_EQ(dets.size(), 3u);
  ExpectDet(dets[0], "gripper", 1.f, {64, 32, 192, 96});
  ExpectDet(dets[1], "cup", 0.6f, {208, 0, 256, 32});
  ExpectDet(dets[2], "cup", 114.f / 255.f, {68, 32, 196, 96});

  EXPECT_EQ(record.backend, "torchscript");
  EXPECT_EQ(record.model, "yolo.pt");
  EXPECT_EQ(record.parsed.size(), 3u);
  EXPECT_EQ(record.request["input_size"], 64);
  EXPECT_EQ(record.request["image"].get<std::string>().size(), 64u);
  EXPECT_GE(record.latency_ms, 0.0);
}

TEST(TorchScriptDetector, ClassAgnosticNmsAndConfidence) {
  testing::TempDir dir;
  auto options = Options(SaveModule(dir / "yolo.pt", kFakeYolo));
  options.class_agnostic_nms = true;
  auto agnostic = MakeTorchScriptDetector(options);
  DetectRequest req;
  req.image = RedFrame();
  auto dets = agnostic->Detect(req, nullptr);
  ASSERT_EQ(dets.size(), 2u);
  ExpectDet(dets[0], "gripper", 1.f, {64, 32, 192, 96});
  ExpectDet(dets[1], "cup", 0.6f, {208, 0, 256, 32});

  options.class_agnostic_nms = false;
  options.conf_threshold = 0.6f;  // strictly greater is kept: the 0.6 cup goes
  dets = MakeTorchScriptDetector(options)->Detect(req, nullptr);
  ASSERT_EQ(dets.size(), 1u);
  EXPECT_EQ(dets[0].label, "gripper");
}

TEST(TorchScriptDetector, VocabularyRestrictsClasses) {
  testing::TempDir dir;
  auto detector = MakeTorchScriptDetector(Options(SaveModule(dir / "yolo.pt", kFakeYolo)));
  DetectRequest req;
  req.image = RedFrame();
  // Only cups compete: anchor 0's cup score 0.1 is under the threshold, anchor 1's cup is 0.
  req.vocabulary = {"CUP", "table"};
  auto dets = detector->Detect(req, nullptr);
  ASSERT_EQ(dets.size(), 2u);
  ExpectDet(dets[0], "cup", 0.6f, {208, 0, 256, 32});
  ExpectDet(dets[1], "cup", 114.f / 255.f, {68, 32, 196, 96});

  req.vocabulary = {"table"};
  EXPECT_TRUE(detector->Detect(req, nullptr).empty());
}

TEST(TorchScriptDetector, BgrToRgbMatters) {
  testing::TempDir dir;
  auto detector = MakeTorchScriptDetector(Options(SaveModule(dir / "yolo.pt", kFakeYolo)));
  DetectRequest req;
  // Pure blue: R = 0 at the centre, so anchor 0's gripper score is 0 and the best gripper is
  // anchor 1 (0.9); anchor 2's gripper score is B = 1 and beats its cup score.
  req.image = cv::Mat(128, 256, CV_8UC3, cv::Scalar(255, 0, 0));
  const auto dets = detector->Detect(req, nullptr);
  ASSERT_EQ(dets.size(), 2u);
  ExpectDet(dets[0], "gripper", 1.f, {68, 32, 196, 96});
  ExpectDet(dets[1], "cup", 0.6f, {208, 0, 256, 32});
}

TEST(TorchScriptDetector, ClassNamesFromUltralyticsMetadataOrFile) {
  testing::TempDir dir;
  const auto path = SaveModule(dir / "meta.torchscript", kFakeYolo,
                               R"({"stride":32,"names":{"0":"Hand","1":"Mug"}})");
  auto options = Options(path);
  options.class_names.clear();
  DetectRequest req;
  req.image = RedFrame();
  auto dets = MakeTorchScriptDetector(options)->Detect(req, nullptr);
  ASSERT_EQ(dets.size(), 3u);
  EXPECT_EQ(dets[0].label, "hand");
  EXPECT_EQ(dets[1].label, "mug");

  testing::WriteText(dir / "names.txt", "# classes\nclaw\n\nbowl\n");
  options.class_names_file = (dir / "names.txt").string();
  dets = MakeTorchScriptDetector(options)->Detect(req, nullptr);
  ASSERT_EQ(dets.size(), 3u);
  EXPECT_EQ(dets[0].label, "claw");
  EXPECT_EQ(dets[2].label, "bowl");
}

TEST(TorchScriptDetector, ErrorsNameTheModelFile) {
  testing::TempDir dir;
  const std::string missing = (dir / "missing.pt").string();
  try {
    MakeTorchScriptDetector(Options(missing));
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), missing);
  }
  testing::WriteText(dir / "garbage.pt", "not a zip archive");
  try {
    MakeTorchScriptDetector(Options((dir / "garbage.pt").string()));
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), (dir / "garbage.pt").string());
    EXPECT_NE(std::string(e.what()).find("cannot load"), std::string::npos);
  }
  // No names anywhere.
  auto options = Options(SaveModule(dir / "plain.pt", kFakeYolo));
  options.class_names.clear();
  EXPECT_THROW(MakeTorchScriptDetector(options), Error);
  // Three names for a two-class output: the shape check names the expectation.
  options.class_names = {"a", "b", "c"};
  auto wrong = MakeTorchScriptDetector(options);
  DetectRequest req;
  req.image = RedFrame();
  try {
    wrong->Detect(req, nullptr);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), options.model_path);
    EXPECT_NE(std::string(e.what()).find("[1, 7, N]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("got [1,6,5]"), std::string::npos) << e.what();
  }
}

TEST(TorchScriptDetector, ConcurrentCallsAgree) {
  testing::TempDir dir;
  auto detector = MakeTorchScriptDetector(Options(SaveModule(dir / "yolo.pt", kFakeYolo)));
  DetectRequest req;
  req.image = RedFrame();
  const auto expected = detector->Detect(req, nullptr);
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      int good = 0;
      for (int i = 0; i < 20; ++i) {
        const auto d = detector->Detect(req, nullptr);
        if (d.size() == expected.size() && d[0].box == expected[0].box &&
            d[2].box == expected[2].box) {
          ++good;
        }
      }
      ok[t] = good;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok, (std::vector<int>{20, 20, 20, 20}));
}

TEST(TorchScriptDetectorOptions, FromJsonAndCheck) {
  const Json j = {{"kind", "torchscript"},
                  {"model_path", "gripper.pt"},
                  {"input_size", 320},
                  {"class_names", {"gripper"}},
                  {"conf_threshold", 0.4}};
  const auto o = TorchScriptDetectorOptions::FromJson(j, "cfg.json", "/models");
  EXPECT_EQ(o.model_path, "/models/gripper.pt");
  EXPECT_EQ(o.input_size, 320);
  EXPECT_FLOAT_EQ(o.conf_threshold, 0.4f);
  EXPECT_FLOAT_EQ(o.iou_threshold, 0.7f);
  try {
    TorchScriptDetectorOptions::FromJson({{"model_path", "a.pt"}, {"input_size", 100}}, "cfg.json");
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), "cfg.json");
    EXPECT_EQ(e.where(), "torchscript.input_size");
  }
  try {
    TorchScriptDetectorOptions::FromJson({{"model_path", "a.pt"}, {"conf", 0.3}}, "cfg.json");
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "torchscript.conf");
  }
}

}  // namespace
}  // namespace autofocus

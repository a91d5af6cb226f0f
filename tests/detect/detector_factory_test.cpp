#include "core/detect/detector_factory.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/base/error.h"
#include "core/base/plugin_loader.h"
#include "core/detect/merging_detector.h"
#include "tests/detect/fake_detector.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {

// Registers "fake": {"kind":"fake","model":..,"label":..} -> a FakeDetector with one box.
void RegisterFake() {
  RegisterDetectorKind(
      "fake",
      [](const Json& config, const DetectorConfigContext&) -> std::unique_ptr<Detector> {
        auto d = std::make_unique<testing::FakeDetector>("fake", config.value("model", "m"));
        d->Add(config.value("label", "thing"), {1, 2, 3, 4}, 0.5f);
        return d;
      },
      /*replace=*/true);
}

TEST(DetectorFactory, BuiltInKindsAndRegistration) {
  const auto kinds = DetectorKinds();
  for (const char* k : {"merge", "qwen", "roboflow", "torchscript"}) {
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), k), kinds.end()) << k;
  }
  RegisterFake();
  EXPECT_TRUE(HasDetectorKind("fake"));
  EXPECT_THROW(RegisterDetectorKind("fake",
                                    [](const Json&, const DetectorConfigContext&) {
                                      return std::unique_ptr<Detector>();
                                    }),
               Error);
  auto d = MakeDetector({{"kind", "fake"}, {"model", "m1"}});
  EXPECT_EQ(d->Model(), "m1");
}

TEST(DetectorFactory, UnknownKindListsTheKnownOnes) {
  DetectorConfigContext context;
  context.origin = "project.json";
  context.where = "detect.detector";
  try {
    MakeDetector({{"kind", "yolo-nas"}}, context);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), "project.json");
    EXPECT_EQ(e.where(), "detect.detector.kind");
    EXPECT_NE(e.reason().find("unknown detector kind 'yolo-nas'"), std::string::npos);
    EXPECT_NE(e.reason().find("roboflow"), std::string::npos);
  }
  EXPECT_THROW(MakeDetector({{"model", "x"}}), Error);
  EXPECT_THROW(MakeDetector(Json::array()), Error);
}

TEST(DetectorFactory, RoboflowFromConfig) {
  auto d = MakeDetector({{"kind", "roboflow"}, {"base_url", "http://127.0.0.1:1"}});
  EXPECT_EQ(d->Kind(), "roboflow-gdino");
  DetectorConfigContext context;
  context.origin = "cfg.json";
  try {
    MakeDetector({{"kind", "roboflow"}, {"box_threshold", 2}}, context);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), "cfg.json");
    EXPECT_EQ(e.where(), "detector.box_threshold");
  }
}

TEST(DetectorFactory, TorchScriptModelPathIsResolvedAndNamed) {
  DetectorConfigContext context;
  context.origin = "cfg.json";
  context.base_dir = "/nonexistent/models";
  try {
    MakeDetector(
        {{"kind", "torchscript"}, {"model_path", "gripper.pt"}, {"class_names", {"gripper"}}},
        context);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    // Without LibTorch the message says so; with it the file is missing. Either way it is named.
    EXPECT_EQ(e.file(), "/nonexistent/models/gripper.pt");
  }
  try {
    MakeDetector({{"kind", "torchscript"}, {"model_path", "a.pt"}, {"iou_threshold", 0}}, context);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), "cfg.json");
    EXPECT_EQ(e.where(), "detector.iou_threshold");
  }
}

TEST(DetectorFactory, TorchScriptWithoutItsPluginNamesThePlugin) {
  // LibTorch lives in autofocus_torchscript_plugin.so, loaded when the first TorchScript
  // detector is made; nothing else in this executable loads it, so hiding it is seen here.
  testing::TempDir dir;
  testing::WriteText(dir / "model.pt", "not looked at: the plugin is missing first");
  ::setenv(kPluginDirEnv, dir.path().string().c_str(), 1);
  try {
    MakeDetector({{"kind", "torchscript"},
                  {"model_path", (dir / "model.pt").string()},
                  {"class_names", {"gripper"}}});
    FAIL() << "expected Error";
  } catch (const Error& e) {
#if AUTOFOCUS_TEST_WITH_TORCH
    EXPECT_EQ(e.file(), "autofocus_torchscript_plugin.so");
    EXPECT_NE(e.reason().find("plugin not found; looked in: " + dir.path().string()),
              std::string::npos)
        << e.what();
#else
    EXPECT_NE(e.reason().find("this build has no LibTorch"), std::string::npos) << e.what();
#endif
  }
  ::unsetenv(kPluginDirEnv);
}

TEST(DetectorFactory, MergeOfRegisteredKinds) {
  RegisterFake();
  const Json config = {
      {"kind", "merge"},
      {"cross_nms_iou", 0.5},
      {"detectors",
       {{{"name", "open"}, {"detector", {{"kind", "fake"}, {"model", "gd"}, {"label", "car"}}}},
        {{"name", "grip"},
         {"vocabulary", {"gripper"}},
         {"always", true},
         {"detector", {{"kind", "fake"}, {"model", "yolo"}, {"label", "gripper"}}}}}}};
  auto d = MakeDetector(config);
  ASSERT_EQ(d->Kind(), "merge");
  EXPECT_EQ(d->Model(), "gd+yolo");
  auto* merge = dynamic_cast<MergingDetector*>(d.get());
  ASSERT_NE(merge, nullptr);
  ASSERT_EQ(merge->members().size(), 2u);
  EXPECT_TRUE(merge->members()[1].always);
  DetectRequest req;
  req.image = cv::Mat(10, 10, CV_8UC3);
  req.vocabulary = {"car"};
  const auto dets = merge->DetectSourced(req, nullptr);
  // Both boxes are identical but of different labels: class-wise cross NMS keeps both.
  ASSERT_EQ(dets.size(), 2u);
  EXPECT_EQ(dets[0].source, "open");
  EXPECT_EQ(dets[1].source, "grip");
  EXPECT_EQ(dets[1].detection.label, "gripper");
}

TEST(DetectorFactory, MergeErrorsNameTheMemberPath) {
  DetectorConfigContext context;
  context.origin = "cfg.json";
  const Json bad_member = {{"kind", "merge"},
                           {"detectors",
                            {{{"detector", {{"kind", "roboflow"}}}},
                             {{"detector", {{"kind", "roboflow"}, {"text_threshold", -1}}}}}}};
  try {
    MakeDetector(bad_member, context);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), "cfg.json");
    EXPECT_EQ(e.where(), "detector.detectors[1].detector.text_threshold");
  }
  try {
    MakeDetector({{"kind", "merge"}, {"detectors", Json::array()}}, context);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "detector.detectors");
  }
  try {
    MakeDetector({{"kind", "merge"},
                  {"detectors", {{{"detector", {{"kind", "roboflow"}}}}}},
                  {"cross_nms_iou", 3}},
                 context);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "detector.cross_nms_iou");
  }
  EXPECT_THROW(MakeDetector({{"kind", "merge"}, {"detectors", {{{"detektor", {}}}}}}, context),
               Error);
}

}  // namespace
}  // namespace autofocus

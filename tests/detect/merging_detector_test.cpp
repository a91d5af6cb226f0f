#include "core/detect/merging_detector.h"

#include <gtest/gtest.h>

#include "core/base/error.h"
#include "tests/detect/fake_detector.h"

namespace autofocus {
namespace {

using testing::FakeDetector;
using Vocab = std::vector<std::string>;

struct Fixture {
  std::shared_ptr<FakeDetector> open = std::make_shared<FakeDetector>("roboflow-gdino", "gdino");
  std::shared_ptr<FakeDetector> gripper = std::make_shared<FakeDetector>("torchscript", "grip.pt");
  Fixture() {
    open->Add("car", {0, 0, 10, 10}, 0.9f).Add("gripper", {50, 50, 60, 60}, 0.5f);
    // The same gripper, shifted by one pixel: IoU 90/110 = 0.818 with the open-vocabulary box.
    gripper->Add("gripper", {51, 50, 61, 60}, 0.8f).Add("cup", {5, 5, 6, 6}, 0.7f);
  }
  std::vector<MergeMember> Members(bool always) {
    return {{"gdino", open, {}, false}, {"gripper", gripper, {"Gripper"}, always}};
  }
};

DetectRequest Request(Vocab vocabulary) {
  DetectRequest r;
  r.image = cv::Mat(100, 100, CV_8UC3, cv::Scalar::all(0));
  r.vocabulary = std::move(vocabulary);
  return r;
}

TEST(MergingDetector, UnionWithProvenanceAndAlwaysMember) {
  Fixture f;
  MergingDetector merge(f.Members(/*always=*/true));
  EXPECT_EQ(merge.Kind(), "merge");
  EXPECT_EQ(merge.Model(), "gdino+grip.pt");
  CallRecord record;
  const auto dets = merge.DetectSourced(Request({"Car"}), &record);
  // The gripper member is asked for its own class although the request does not name it.
  EXPECT_EQ(f.open->Calls(), (std::vector<Vocab>{{"car"}}));
  EXPECT_EQ(f.gripper->Calls(), (std::vector<Vocab>{{"gripper"}}));
  ASSERT_EQ(dets.size(), 2u);
  EXPECT_EQ(dets[0].detection.label, "car");
  EXPECT_EQ(dets[0].source, "gdino");
  EXPECT_EQ(dets[0].member, 0);
  EXPECT_EQ(dets[1].detection.label, "gripper");
  EXPECT_EQ(dets[1].detection.box, (Box{51, 50, 61, 60}));
  EXPECT_EQ(dets[1].source, "gripper");

  EXPECT_EQ(record.backend, "merge");
  EXPECT_EQ(record.retries, 2);
  ASSERT_EQ(record.parsed.size(), 2u);
  EXPECT_EQ(record.parsed[1]["source"], "gripper");
  ASSERT_EQ(record.request["members"].size(), 2u);
  EXPECT_EQ(record.request["members"][1]["vocabulary"], Json({"gripper"}));
  EXPECT_EQ(record.request["members"][1]["record"]["model"], "grip.pt");
}

TEST(MergingDetector, RestrictedMemberOnlyWhenAskedAndOnlyItsClasses) {
  Fixture f;
  MergingDetector merge(f.Members(/*always=*/false));
  // Not asked for a gripper: the restricted member is skipped.
  auto dets = merge.Detect(Request({"car"}), nullptr);
  EXPECT_TRUE(f.gripper->Calls().empty());
  ASSERT_EQ(dets.size(), 1u);
  EXPECT_EQ(dets[0].label, "car");

  // Asked for cup and gripper: the member gets only "gripper", its cup is never used.
  dets = merge.Detect(Request({"cup", "gripper"}), nullptr);
  EXPECT_EQ(f.gripper->Calls(), (std::vector<Vocab>{{"gripper"}}));
  EXPECT_EQ(f.open->Calls().back(), (Vocab{"cup", "gripper"}));
  ASSERT_EQ(dets.size(), 2u);  // open: gripper (no cup box), member: gripper
  EXPECT_EQ(dets[0].box, (Box{50, 50, 60, 60}));
  EXPECT_EQ(dets[1].box, (Box{51, 50, 61, 60}));

  // An empty request means all classes: the restricted member answers its sub-vocabulary.
  MergingDetector only_gripper({{"", f.gripper, {"gripper"}, false}});
  dets = only_gripper.Detect(Request({}), nullptr);
  ASSERT_EQ(dets.size(), 1u);
  EXPECT_EQ(dets[0].label, "gripper");
}

TEST(MergingDetector, CrossDetectorNms) {
  Fixture f;
  MergingDetectorOptions options;
  options.cross_nms_iou = 0.5f;
  MergingDetector merge(f.Members(true), options);
  const auto dets = merge.DetectSourced(Request({"car", "gripper"}), nullptr);
  // The open-vocabulary gripper (0.5) overlaps the gripper detector's (0.8) and goes.
  ASSERT_EQ(dets.size(), 2u);
  EXPECT_EQ(dets[0].detection.label, "car");
  EXPECT_EQ(dets[1].source, "gripper");
  EXPECT_FLOAT_EQ(dets[1].detection.score, 0.8f);

  options.cross_nms_iou = 0.9f;  // above the overlap: both stay, best score first
  MergingDetector loose(f.Members(true), options);
  const auto all = loose.DetectSourced(Request({"car", "gripper"}), nullptr);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].source, "gripper");
  EXPECT_EQ(all[2].source, "gdino");
}

TEST(MergingDetector, SequentialModeGivesTheSameAnswer) {
  Fixture f;
  MergingDetectorOptions options;
  options.parallel = false;
  MergingDetector merge(f.Members(true), options);
  const auto dets = merge.DetectSourced(Request({"car"}), nullptr);
  ASSERT_EQ(dets.size(), 2u);
  EXPECT_EQ(dets[0].source, "gdino");
  EXPECT_EQ(dets[1].source, "gripper");
}

TEST(MergingDetector, MemberFailureNamesTheMember) {
  Fixture f;
  f.gripper->FailWith("model exploded");
  MergingDetector merge(f.Members(true));
  try {
    merge.Detect(Request({"car"}), nullptr);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), "grip.pt");
    EXPECT_EQ(e.where(), "merge member 'gripper'");
    EXPECT_EQ(e.reason(), "model exploded");
  }
}

TEST(MergingDetector, RejectsBadConfigurations) {
  Fixture f;
  EXPECT_THROW(MergingDetector({}), Error);
  EXPECT_THROW(MergingDetector({{"a", nullptr, {}, false}}), Error);
  EXPECT_THROW(MergingDetector({{"a", f.open, {}, false}, {"a", f.gripper, {}, false}}), Error);
  EXPECT_THROW(MergingDetector({{"a", f.open, {}, true}}), Error);
  MergingDetectorOptions bad;
  bad.cross_nms_iou = 1.5f;
  EXPECT_THROW(MergingDetector({{"a", f.open, {}, false}}, bad), Error);
}

}  // namespace
}  // namespace autofocus

// Sample-project generation, ground-truth artifacts and the scene oracle.
#include <gtest/gtest.h>

#include <atomic>
#include <opencv2/imgcodecs.hpp>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/base/hash.h"
#include "core/dataset/project_store.h"
#include "core/detect/detector_factory.h"
#include "core/sim/sample_project.h"
#include "core/sim/scene_oracle.h"
#include "tests/support/test_support.h"

namespace autofocus::sim {
namespace {
using testing::TempDir;
namespace fs = std::filesystem;

// Hash of every file under `dir` except project.json (which carries the creation time).
std::string TreeHash(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename() != "project.json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  Sha256 h;
  for (const auto& f : files) {
    h.UpdateField(fs::relative(f, dir).string());
    h.UpdateField(ReadFile(f));
  }
  return h.FinalHex();
}

TEST(SimProject, GeneratedProjectOpensAndFramesDecode) {
  TempDir dir;
  SampleWorldOptions o;
  o.episodes = 2;
  o.frames = 12;
  o.threads = 2;
  std::atomic<int> reports{0};
  const auto summary = GenerateSampleProject(o, dir / "p", [&](const Progress&) { reports++; });
  EXPECT_EQ(summary.frames, 24);
  EXPECT_GT(reports.load(), 0);
  const ProjectStore store = ProjectStore::Open(dir / "p");
  ASSERT_EQ(store.info().episodes.size(), 2u);
  EXPECT_EQ(store.info().source_root, ".");
  EXPECT_EQ(store.info().importer, "sample");
  EXPECT_EQ(store.info().action_spec.Names(), std::vector<std::string>({"throttle", "steer", "brake"}));
  EXPECT_EQ(store.info().action_spec.dims[1].min, -1.0);
  const Episode ep = store.LoadEpisode("episode_001");
  EXPECT_EQ(ep.num_frames, 12);
  EXPECT_EQ(ep.actions.size(), 12u);
  EXPECT_EQ(ep.actions[0].size(), 3u);
  EXPECT_EQ(ep.metadata["route_family"], "seen-1");
  EXPECT_EQ(ep.metadata["confounded"], false);
  auto frames = store.OpenFrames(ep);
  ASSERT_EQ(frames->NumFrames(), 12);
  const cv::Mat img = frames->Read(11);
  EXPECT_EQ(img.cols, 320);
  EXPECT_EQ(img.rows, 180);
  // Ground truth artifact parses and matches the recorded actions.
  const auto gt = EpisodeGroundTruth::FromJson(store.LoadArtifact("episode_001", kGroundTruthArtifact),
                                               "ground_truth.json");
  ASSERT_EQ(gt.frames.size(), 12u);
  EXPECT_EQ(gt.frames[5].action, ep.actions[5]);
  EXPECT_FALSE(gt.frames[5].objects.empty());
  // No staging leftovers next to the project.
  EXPECT_EQ(testing::ListDir(dir.path()), std::vector<std::string>({"p"}));
}

TEST(SimProject, OutputIsIdenticalForAnyThreadCountAndDiffersBySeed) {
  TempDir dir;
  SampleWorldOptions o;
  o.episodes = 2;
  o.frames = 10;
  o.confounded = true;
  o.threads = 1;
  GenerateSampleProject(o, dir / "a");
  o.threads = 2;
  GenerateSampleProject(o, dir / "b");
  o.seed = 2;
  GenerateSampleProject(o, dir / "c");
  EXPECT_EQ(TreeHash(dir / "a"), TreeHash(dir / "b"));
  EXPECT_NE(TreeHash(dir / "a"), TreeHash(dir / "c"));
}

TEST(SimProject, RefusesExistingOutputAndCancelsCleanly) {
  TempDir dir;
  fs::create_directories(dir / "exists");
  SampleWorldOptions o;
  o.episodes = 1;
  o.frames = 4;
  EXPECT_THROW(GenerateSampleProject(o, dir / "exists"), Error);
  EXPECT_THROW(GenerateSampleProject(o, dir / "x", {}, [] { return true; }), Cancelled);
  EXPECT_EQ(testing::ListDir(dir.path()), std::vector<std::string>({"exists"}));
}

// A hand-made frame: a relevant car, a relevant stop sign, an irrelevant tree.
EpisodeGroundTruth ConstructedEpisode() {
  EpisodeGroundTruth g;
  g.episode = "ep";
  g.width = 320;
  g.height = 180;
  g.route_family = "seen-1";
  g.description = "a test street";
  g.split = "seen";
  g.object_counts = {{"car", 1}, {"stop sign", 1}, {"tree", 1}};
  FrameGroundTruth f;
  f.index = 0;
  f.objects = {{1, "car", {100, 80, 140, 110}, true, "vehicle ahead", 15},
               {2, "stop sign", {250, 50, 262, 62}, true, "stop sign ahead", 20},
               {3, "tree", {10, 20, 60, 100}, false, "", 30}};
  g.frames.push_back(f);
  return g;
}

TEST(SceneOracle, KeyObjectsMatchRelevantGroundTruthAndReportMissingClasses) {
  auto truth = std::make_shared<GroundTruthStore>();
  truth->Add(ConstructedEpisode());
  SceneOracleVlm vlm(truth);
  EXPECT_EQ(vlm.Kind(), "scene-oracle");
  KeyObjectRequest req;
  req.episode = "ep";
  req.frame_index = 0;
  req.candidates = {{7, "car", {101, 81, 141, 111}},   // matches the car (IoU ~0.91)
                    {8, "tree", {10, 20, 60, 100}},    // irrelevant
                    {9, "car", {200, 100, 220, 120}}};  // nothing there
  CallRecord rec;
  const KeyObjectAnswer a = vlm.SelectKeyObjects(req, &rec);
  ASSERT_EQ(a.key_objects.size(), 1u);
  EXPECT_EQ(a.key_objects[0].id, 7);
  EXPECT_EQ(a.key_objects[0].label, "car");
  EXPECT_NE(a.key_objects[0].rationale.find("scene oracle"), std::string::npos);
  EXPECT_EQ(a.missing_categories, std::vector<std::string>({"stop sign"}));
  EXPECT_EQ(rec.backend, "scene-oracle");
  EXPECT_EQ(rec.parsed, a.ToJson());
  // With the stop sign offered too, both are chosen (nearest first) and nothing is missing.
  req.candidates.push_back({12, "stop sign", {250, 50, 262, 63}});
  const KeyObjectAnswer b = vlm.SelectKeyObjects(req, nullptr);
  ASSERT_EQ(b.key_objects.size(), 2u);
  EXPECT_EQ(b.key_objects[0].id, 7);
  EXPECT_EQ(b.key_objects[1].id, 12);
  EXPECT_TRUE(b.missing_categories.empty());
  // A loose box (IoU < 0.5) does not count.
  req.candidates = {{7, "car", {120, 95, 160, 125}}};
  const KeyObjectAnswer c = vlm.SelectKeyObjects(req, nullptr);
  EXPECT_TRUE(c.key_objects.empty());
  EXPECT_EQ(c.missing_categories, std::vector<std::string>({"car", "stop sign"}));
}

TEST(SceneOracle, GlobalContextListsVisibleClassesAndCanOmitOne) {
  auto truth = std::make_shared<GroundTruthStore>();
  truth->Add(ConstructedEpisode());
  SceneOracleOptions never;
  never.omit_relevant_probability = 0;
  GlobalContextRequest req;
  req.episode = "ep";
  req.frame_indices = {0};
  // Scenery (the tree) is left out unless asked for.
  EXPECT_EQ(SceneOracleVlm(truth, never).QueryGlobalContext(req, nullptr).VocabularyNames(),
            std::vector<std::string>({"car", "stop sign"}));
  never.scenery_in_vocabulary = true;
  const GlobalContext ctx = SceneOracleVlm(truth, never).QueryGlobalContext(req, nullptr);
  EXPECT_EQ(ctx.VocabularyNames(), std::vector<std::string>({"car", "stop sign", "tree"}));
  EXPECT_EQ(ctx.vocabulary[1].name, "Stop sign");
  EXPECT_EQ(ctx.vocabulary[1].relevance, "traffic_control");
  EXPECT_NE(ctx.summary.find("Scene oracle"), std::string::npos);
  SceneOracleOptions always;
  always.omit_relevant_probability = 1;
  always.scenery_in_vocabulary = true;
  CallRecord rec;
  const GlobalContext omitted = SceneOracleVlm(truth, always).QueryGlobalContext(req, &rec);
  // Stop signs are preferred over cars for omission.
  EXPECT_EQ(omitted.VocabularyNames(), std::vector<std::string>({"car", "tree"}));
  ASSERT_EQ(rec.warnings.size(), 1u);
  EXPECT_NE(rec.warnings[0].find("stop sign"), std::string::npos);
}

TEST(SceneOracle, DetectorNoiseRatesAndDeterminism) {
  // Many frames of many visible cars: measure miss rate, jitter and false positives.
  EpisodeGroundTruth g;
  g.episode = "noise";
  g.width = 320;
  g.height = 180;
  int objects = 0;
  for (int i = 0; i < 400; ++i) {
    FrameGroundTruth f;
    f.index = i;
    for (int k = 0; k < 10; ++k) {
      const float x = 10.f + 30.f * k;
      f.objects.push_back({k, "car", {x, 60, x + 20, 80}, false, "", 10});
      ++objects;
    }
    f.objects.push_back({99, "tree", {0, 0, 5, 5}, false, "", 10});
    g.frames.push_back(f);
  }
  auto truth = std::make_shared<GroundTruthStore>();
  truth->Add(g);
  SceneOracleOptions opt;
  opt.miss_rate = 0.1;
  opt.jitter_px = 2.0;
  opt.false_positive_rate = 0.25;
  SceneOracleDetector det(truth, opt);
  int hits = 0, fps = 0;
  double max_dev = 0, sum_dev = 0;
  int coords = 0;
  for (int i = 0; i < 400; ++i) {
    DetectRequest req{"noise", i, cv::Mat(), {"Vehicle"}};
    const auto dets = det.Detect(req, nullptr);
    const auto again = det.Detect(req, nullptr);
    ASSERT_EQ(dets.size(), again.size());
    for (size_t k = 0; k < dets.size(); ++k) EXPECT_EQ(dets[k].box, again[k].box);
    for (const auto& d : dets) {
      EXPECT_EQ(d.label, "vehicle");  // the requested term comes back as the label
      EXPECT_EQ(d.id, -1);
      // Match to the nearest ground-truth car by position.
      bool matched = false;
      for (const auto& o : g.frames[static_cast<size_t>(i)].objects) {
        if (o.cls != "car" || IoU(o.box, d.box) < 0.5) continue;
        matched = true;
        for (float dv : {d.box.x1 - o.box.x1, d.box.y1 - o.box.y1, d.box.x2 - o.box.x2, d.box.y2 - o.box.y2}) {
          max_dev = std::max(max_dev, static_cast<double>(std::abs(dv)));
          sum_dev += std::abs(dv);
          ++coords;
        }
      }
      if (matched) {
        ++hits;
      } else {
        ++fps;
      }
    }
  }
  const double miss = 1.0 - static_cast<double>(hits) / objects;
  EXPECT_NEAR(miss, 0.1, 0.02);
  EXPECT_LE(max_dev, 2.0 + 1e-4);
  EXPECT_NEAR(sum_dev / coords, 1.0, 0.1);  // mean |U(-2,2)| = 1
  EXPECT_NEAR(fps / 400.0, 0.25, 0.08);
  // A tree is not returned unless asked for; an unknown episode is an Error.
  DetectRequest trees{"noise", 0, cv::Mat(), {"tree"}};
  opt.false_positive_rate = 0;
  opt.miss_rate = 0;
  const auto only_tree = SceneOracleDetector(truth, opt).Detect(trees, nullptr);
  ASSERT_EQ(only_tree.size(), 1u);
  EXPECT_EQ(only_tree[0].label, "tree");
  EXPECT_THROW(det.Detect({"nope", 0, cv::Mat(), {"car"}}, nullptr), Error);
  EXPECT_THROW(det.Detect({"noise", 400, cv::Mat(), {"car"}}, nullptr), Error);
}

TEST(SceneOracle, AnswersFromAGeneratedProject) {
  TempDir dir;
  SampleWorldOptions o;
  o.episodes = 1;
  o.frames = 30;
  GenerateSampleProject(o, dir / "p");
  auto det = MakeSceneOracleDetector(dir / "p");
  auto truth = GroundTruthStore::FromProject(dir / "p");
  const auto gt = truth->Episode("episode_000");
  int with_objects = 0;
  for (int i = 0; i < 30; ++i) {
    const auto dets = det->Detect({"episode_000", i, cv::Mat(), {"car", "building", "tree"}}, nullptr);
    with_objects += dets.empty() ? 0 : 1;
  }
  EXPECT_GT(with_objects, 25);
  EXPECT_THROW(truth->Episode("missing"), Error);
  // The same oracle through core/detect's factory registry.
  RegisterSceneOracleDetectorKind();
  DetectorConfigContext ctx;
  ctx.base_dir = dir.path();
  auto made = MakeDetector({{"kind", "oracle"}, {"project", "p"}, {"miss_rate", 0.0}}, ctx);
  EXPECT_EQ(made->Kind(), "scene-oracle");
  EXPECT_FALSE(made->Detect({"episode_000", 3, cv::Mat(), {"building"}}, nullptr).empty());
  EXPECT_THROW(MakeDetector({{"kind", "oracle"}, {"project", "p"}, {"miss_rate", 2.0}}, ctx), Error);
}

}  // namespace
}  // namespace autofocus::sim

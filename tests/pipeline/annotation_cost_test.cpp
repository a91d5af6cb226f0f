// The annotation-cost work: the paper preset reproduces the old pipeline byte for byte, the Qwen
// detector inherits the VLM's connection, one bad detection answer costs one frame, and the
// evaluation counts VLM calls.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "core/base/error.h"
#include "core/exchange/exchange_cache.h"
#include "core/pipeline/backend_factory.h"
#include "core/pipeline/evaluation.h"
#include "core/pipeline/pipeline.h"
#include "core/sim/sample_project.h"
#include "core/sim/scene_oracle.h"
#include "tests/support/test_support.h"
#include "tests/vlm/fake_openai_server.h"

namespace autofocus {
namespace {
namespace fs = std::filesystem;
using testing::FakeOpenAiServer;
using testing::FakeReply;
using testing::TempDir;

fs::path MakeSample(const TempDir& dir, int episodes, int frames, uint64_t seed) {
  sim::SampleWorldOptions w;
  w.episodes = episodes;
  w.frames = frames;
  w.seed = seed;
  sim::GenerateSampleProject(w, dir / "p");
  return dir / "p";
}

PipelineReport RunOracle(const fs::path& p, const PipelineOptions& options) {
  ProjectStore store = ProjectStore::Open(p);
  RunBackends b = MakeRunBackends(store, options, ExchangeCache::ProjectFile(p));
  PipelineController c(store, options, b.AsPipeline());
  return c.Run({});
}

// tests/data/pipeline/paper_golden_2x60.json was written by the pipeline before the
// annotation-cost defaults existed (`autofocus sim generate --episodes 2 --frames 60` then
// `autofocus run`), keeping the tracks, the key boxes and the sub-sequence decisions.
TEST(AnnotationCost, PaperPresetReproducesTheOldPipelineExactly) {
  TempDir dir;
  const fs::path p = MakeSample(dir, 2, 60, 1);
  ASSERT_EQ(RunOracle(p, PipelineOptions::Paper()).Failed(), 0);
  const Json golden = LoadJsonFile(fs::path(AUTOFOCUS_TEST_DATA_DIR) / "pipeline" / "paper_golden_2x60.json");
  ProjectStore store = ProjectStore::Open(p);
  for (const std::string ep : {"episode_000", "episode_001"}) {
    SCOPED_TRACE(ep);
    const Json keys = store.LoadArtifact(ep, "key_objects");
    Json segs = Json::array();
    for (const Json& s : keys["segments"]) {
      segs.push_back({{"start", s["start"]}, {"end", s["end"]}, {"ids", s["ids"]},
                      {"key_ids", s["key_ids"]}, {"status", s["status"]}});
    }
    EXPECT_EQ(store.LoadArtifact(ep, "tracks")["result"], golden[ep]["tracks"]);
    EXPECT_EQ(keys["frames"], golden[ep]["key_frames"]);
    EXPECT_EQ(segs, golden[ep]["segments"]);
  }
}

TEST(AnnotationCost, DefaultsAskFarFewerQuestionsThanThePaper) {
  TempDir a, b;
  const fs::path pa = MakeSample(a, 3, 120, 3), pb = MakeSample(b, 3, 120, 3);
  ASSERT_EQ(RunOracle(pa, PipelineOptions::Paper()).Failed(), 0);
  ASSERT_EQ(RunOracle(pb, PipelineOptions{}).Failed(), 0);
  const AnnotationEvaluation paper = EvaluateAnnotations(ProjectStore::Open(pa));
  const AnnotationEvaluation def = EvaluateAnnotations(ProjectStore::Open(pb));
  EXPECT_EQ(paper.frames, 360);
  EXPECT_LT(def.VlmCallsPer100Frames() * 4, paper.VlmCallsPer100Frames())
      << def.VlmCallsPer100Frames() << " vs " << paper.VlmCallsPer100Frames();
  EXPECT_GT(def.idf1, paper.idf1);
  EXPECT_GE(def.key_frames.Recall(), 0.85);
  EXPECT_GE(def.key_frames.Precision(), 0.85);
}

TEST(AnnotationCost, EvaluationCountsEveryQuestionAndContext) {
  TempDir dir;
  const fs::path p = MakeSample(dir, 2, 60, 1);
  ASSERT_EQ(RunOracle(p, PipelineOptions::Paper()).Failed(), 0);
  ProjectStore store = ProjectStore::Open(p);
  long questions = 0;
  for (const auto& e : store.info().episodes) {
    const Json keys = store.LoadArtifact(e.name, "key_objects");
    for (const Json& s : keys["segments"]) questions += static_cast<long>(s["iterations"].size());
  }
  const AnnotationEvaluation eval = EvaluateAnnotations(store);
  EXPECT_EQ(eval.vlm_calls, questions + 2);  // + one global context per episode
  EXPECT_EQ(eval.frames, 120);
  EXPECT_DOUBLE_EQ(eval.VlmCallsPer100Frames(), 100.0 * (questions + 2) / 120.0);
  const Json j = eval.ToJson();
  EXPECT_EQ(j["vlm_calls"], questions + 2);
  EXPECT_EQ(j["subsequences"], eval.subsequences);
  EXPECT_TRUE(j.contains("vlm_calls_per_100_frames"));
}

// The oracle detector, failing the frames listed.
class FailingFrames : public Detector {
 public:
  FailingFrames(std::shared_ptr<Detector> inner, std::set<int> bad) : inner_(std::move(inner)), bad_(std::move(bad)) {}
  std::string Kind() const override { return inner_->Kind(); }
  std::string Model() const override { return inner_->Model(); }
  std::vector<Detection> Detect(const DetectRequest& r, CallRecord* rec) override {
    if (bad_.count(r.frame_index)) throw Error("http://x/v1/chat/completions", "answer", "no JSON list of boxes in the answer");
    return inner_->Detect(r, rec);
  }

 private:
  std::shared_ptr<Detector> inner_;
  std::set<int> bad_;
};

PipelineReport RunWithFailingFrames(const fs::path& p, std::set<int> bad, double cap = 0.05) {
  ProjectStore store = ProjectStore::Open(p);
  auto truth = sim::GroundTruthStore::FromProject(p);
  PipelineBackends b;
  b.vlm = std::make_shared<sim::SceneOracleVlm>(truth);
  b.detector = std::make_shared<FailingFrames>(std::make_shared<sim::SceneOracleDetector>(truth), std::move(bad));
  PipelineOptions o;
  o.detect_failure_cap = cap;
  PipelineController c(store, o, b);
  return c.Run({"episode_000"});
}

TEST(AnnotationCost, OneGarbageDetectionAnswerCostsOneFrame) {
  TempDir dir;
  const fs::path p = MakeSample(dir, 1, 60, 1);
  const PipelineReport r = RunWithFailingFrames(p, {17});
  ASSERT_EQ(r.episodes.size(), 1u);
  EXPECT_TRUE(r.episodes[0].ok) << r.episodes[0].error;
  EXPECT_EQ(r.episodes[0].failed_frames, 1);
  EXPECT_EQ(r.FailedFrames(), 1);
  EXPECT_EQ(r.ToJson()["failed_frames"], 1);
  ProjectStore store = ProjectStore::Open(p);
  const Json det = store.LoadArtifact("episode_000", "detections");
  EXPECT_FALSE(det["complete"].get<bool>()) << "the next run asks the failed frame again";
  ASSERT_EQ(det["result"]["failed_frames"].size(), 1u);
  EXPECT_EQ(det["result"]["failed_frames"][0]["frame"], 17);
  EXPECT_NE(det["result"]["failed_frames"][0]["error"].get<std::string>().find("no JSON list"), std::string::npos);
  EXPECT_TRUE(det["result"]["frames"][17]["detections"].empty());
  EXPECT_FALSE(det["result"]["frames"][16]["detections"].empty());
  EXPECT_TRUE(store.HasArtifact("episode_000", "saliency"));
  EXPECT_EQ(LoadEpisodeStatus(store, "episode_000")["stages"]["detect"]["failed_frames"].size(), 1u);
  EXPECT_EQ(EvaluateAnnotations(store).failed_detections, 1);
}

TEST(AnnotationCost, MoreFailedFramesThanTheCapFailTheEpisode) {
  TempDir dir;
  const fs::path p = MakeSample(dir, 1, 60, 1);
  // 5 % of 60 frames = 3 may fail; 4 may not.
  EXPECT_TRUE(RunWithFailingFrames(p, {1, 2, 3}).episodes[0].ok);
  fs::remove(ProjectStore::Open(p).ArtifactPath("episode_000", "detections"));
  const PipelineReport r = RunWithFailingFrames(p, {1, 2, 3, 4});
  EXPECT_FALSE(r.episodes[0].ok);
  EXPECT_EQ(r.episodes[0].failed_stage, "detect");
  EXPECT_NE(r.episodes[0].error.find("4 of 60 frames failed detection (cap 3"), std::string::npos) << r.episodes[0].error;
  EXPECT_NE(r.episodes[0].error.find("first error at frame 1"), std::string::npos) << r.episodes[0].error;
  EXPECT_FALSE(ProjectStore::Open(p).HasArtifact("episode_000", "detections")) << "nothing half-written";
  // A cap of 0 tolerates no failed frame.
  EXPECT_FALSE(RunWithFailingFrames(p, {5}, 0.0).episodes[0].ok);
}

TEST(AnnotationCost, QwenDetectorInheritsTheVlmConnection) {
  constexpr const char* kVar = "AF_TEST_QWEN_KEY";
  ::setenv(kVar, "sk-inherit-77", 1);
  FakeOpenAiServer server;
  server.SetDefault([](const testing::ReceivedRequest&) {
    return FakeReply::Chat(R"([{"bbox_2d": [10, 10, 40, 40], "label": "car"}])");
  });
  TempDir dir;
  const fs::path p = MakeSample(dir, 1, 4, 1);
  ProjectStore store = ProjectStore::Open(p);
  // What `autofocus run P --vlm-url U --vlm-model M --vlm-key-env K --detector qwen` builds.
  PipelineOptions o;
  o.vlm = {{"kind", "openai"}, {"base_url", server.base_url()}, {"model", "served-qwen"}, {"api_key_env", kVar}};
  o.detector = {{"kind", "qwen"}};
  RunBackends b = MakeRunBackends(store, o, ExchangeCache::ProjectFile(p));
  DetectRequest req;
  req.episode = "episode_000";
  req.image = cv::Mat(90, 160, CV_8UC3, cv::Scalar(30, 30, 30));
  req.vocabulary = {"car"};
  const auto dets = b.detector->Detect(req, nullptr);
  EXPECT_EQ(dets.size(), 1u);
  ASSERT_EQ(server.request_count(), 1);
  const auto got = server.requests()[0];
  EXPECT_EQ(got.path, "/v1/chat/completions");
  EXPECT_EQ(got.json["model"], "served-qwen");
  EXPECT_EQ(got.headers.at("authorization"), "Bearer sk-inherit-77");

  // The detector's own settings win.
  FakeOpenAiServer other;
  other.SetDefault([](const testing::ReceivedRequest&) { return FakeReply::Chat("[]"); });
  o.detector = {{"kind", "qwen"}, {"base_url", other.base_url()}, {"model", "grounder"}};
  RunBackends b2 = MakeRunBackends(store, o, dir / "other-exchanges.jsonl");
  b2.detector->Detect(req, nullptr);
  ASSERT_EQ(other.request_count(), 1);
  EXPECT_EQ(other.requests()[0].json["model"], "grounder");
  EXPECT_EQ(other.requests()[0].headers.at("authorization"), "Bearer sk-inherit-77");
  EXPECT_EQ(server.request_count(), 1);
  ::unsetenv(kVar);
}

TEST(AnnotationCost, OneReaderForOpenAiSettings) {
  const OpenAiVlmOptions v = OpenAiVlmOptionsFromJson(
      {{"kind", "openai"}, {"base_url", "http://h:1"}, {"model", "m"}, {"retry", {{"max_attempts", 2}}}}, "cfg.json");
  EXPECT_EQ(v.base_url, "http://h:1");
  EXPECT_EQ(v.retry.max_attempts, 2);
  try {
    OpenAiVlmOptionsFromJson({{"api_key", "sk-oops"}}, "cfg.json");
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), "cfg.json");
    EXPECT_EQ(e.where(), "vlm.api_key");
    EXPECT_NE(e.reason().find("api_key_env"), std::string::npos);
  }
  const Json inherited = InheritOpenAiConnection(
      {{"kind", "openai"}, {"base_url", "http://v"}, {"model", "m"}, {"api_key_env", "K"}, {"temperature", 0.5}},
      {{"kind", "qwen"}, {"model", "g"}});
  EXPECT_EQ(inherited, (Json{{"kind", "qwen"}, {"model", "g"}, {"base_url", "http://v"}, {"api_key_env", "K"}}));
}


// examples/pipeline-paper.json spells every method setting of the paper preset out: reading it
// gives exactly PipelineOptions::Paper().
TEST(AnnotationCost, PaperOptionsFileIsThePaperPreset) {
  const fs::path file = fs::path(AUTOFOCUS_SOURCE_DIR) / "examples" / "pipeline-paper.json";
  const PipelineOptions o = PipelineOptions::FromJson(LoadJsonFile(file), file.string());
  EXPECT_EQ(o.ToJson(), PipelineOptions::Paper().ToJson());
  EXPECT_NE(o.ToJson(), PipelineOptions{}.ToJson());
  EXPECT_EQ(PipelineOptions::FromJson({{"preset", "paper"}}, "x").ToJson(), PipelineOptions::Paper().ToJson());
  EXPECT_THROW(PipelineOptions::Preset("fast"), Error);
}

}  // namespace
}  // namespace autofocus

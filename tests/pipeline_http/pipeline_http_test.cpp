// The annotation pipeline end to end over HTTP: an OpenAI-compatible VLM and a Roboflow
// Grounding DINO detector, both served by a loopback test server (not the scene oracle), on a
// small generated sample-world project. See loopback_model_server.h for the scripted scene and
// answers the expectations below follow from.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "core/base/strings.h"
#include "core/exchange/exchange_cache.h"
#include "core/exchange/exchange_key.h"
#include "core/pipeline/backend_factory.h"
#include "core/pipeline/pipeline.h"
#include "core/sim/sample_project.h"
#include "tests/pipeline_http/loopback_model_server.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {
namespace fs = std::filesystem;
using testing::LoopbackModelServer;
using testing::ModelRequestKind;
using testing::TempDir;

constexpr const char* kKeyVar = "AF_TEST_KEY";
constexpr const char* kKey = "sk-loopback-3f9c1e7a";
constexpr const char* kModel = "loopback-vlm";
constexpr int kEpisodes = 2;
constexpr int kFrames = 20;
// Per episode (loopback_model_server.h): 5 chat requests, 20 + 5 detections.
constexpr int kChatPerEpisode = testing::kChatRequestsPerEpisode;
constexpr int kDetectPerEpisode = testing::DetectRequestsPerEpisode(kFrames);

class PipelineHttp : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv(kKeyVar, kKey, 1); }
  void TearDown() override { ::unsetenv(kKeyVar); }
};

fs::path MakeSample(const TempDir& dir, const std::string& name) {
  sim::SampleWorldOptions w;
  w.episodes = kEpisodes;
  w.frames = kFrames;
  w.seed = 11;
  sim::GenerateSampleProject(w, dir / name);
  return dir / name;
}

// The scripted scene follows the paper's sub-sequence rule (a re-run inside the first
// sub-sequence), so these runs use the paper preset; the default preset has its own test.
PipelineOptions HttpOptions(const LoopbackModelServer& server) {
  PipelineOptions o = PipelineOptions::Paper();
  o.vlm = {
      {"kind", "openai"}, {"base_url", server.url()}, {"model", kModel}, {"api_key_env", kKeyVar}};
  o.detector = {{"kind", "roboflow"}, {"base_url", server.url()}, {"api_key_env", kKeyVar}};
  return o;
}

struct RunOutcome {
  PipelineReport report;
  ExchangeCounters vlm, detector;
  std::vector<MissedExchange> missed;
};

RunOutcome RunInProcess(const fs::path& project, const PipelineOptions& options) {
  ProjectStore store = ProjectStore::Open(project);
  RunBackends b = MakeRunBackends(store, options, ExchangeCache::ProjectFile(project));
  PipelineController controller(store, options, b.AsPipeline());
  RunOutcome out;
  out.report = controller.Run({});
  out.vlm = b.vlm->counters();
  out.detector = b.detector->counters();
  out.missed = b.vlm->offline_misses();
  const auto dm = b.detector->offline_misses();
  out.missed.insert(out.missed.end(), dm.begin(), dm.end());
  return out;
}

std::string ReadBytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every file of the project (relative path -> bytes), except those named `skip`.
std::map<std::string, std::string> Snapshot(const fs::path& project, const std::string& skip = "") {
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(project)) {
    if (!entry.is_regular_file() || entry.path().filename() == skip) continue;
    out[fs::relative(entry.path(), project).string()] = ReadBytes(entry.path());
  }
  return out;
}

std::vector<int> Sorted(std::vector<int> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// Checks the tracks, sub-sequences, key objects and key boxes of one episode against what the
// scripted scene and answers imply.
void ExpectScriptedResults(const ProjectStore& store, const std::string& ep) {
  SCOPED_TRACE(ep);
  const Json tracks = store.LoadArtifact(ep, "tracks")["result"];
  std::map<std::pair<std::string, int>, int> id_of;  // (label, first frame) -> track ID
  for (const Json& t : tracks["tracks"]) {
    id_of[{t["label"].get<std::string>(), t["first_frame"].get<int>()}] = t["id"].get<int>();
  }
  ASSERT_EQ(id_of.size(), 4u) << tracks["tracks"].dump();
  const int a = id_of.at({"car", 0}), b = id_of.at({"car", 10});
  const int p = id_of.at({"pedestrian", 0}), l = id_of.at({"traffic light", 0});
  const int c = std::max({a, b, p, l}) + 1;  // the re-run's cyclist gets the next fresh ID

  const Json& segs = tracks["segments"];
  ASSERT_EQ(segs.size(), 3u) << segs.dump();
  EXPECT_EQ(segs[0]["start"], 0);
  EXPECT_EQ(segs[0]["end"], 4);
  EXPECT_EQ(segs[0]["ids"].get<std::vector<int>>(), Sorted({a, p, l}));
  EXPECT_EQ(segs[1]["start"], 5);
  EXPECT_EQ(segs[1]["end"], 9);
  EXPECT_EQ(segs[1]["ids"].get<std::vector<int>>(), Sorted({a, l}));
  EXPECT_EQ(segs[2]["start"], 10);
  EXPECT_EQ(segs[2]["end"], 19);
  EXPECT_EQ(segs[2]["ids"].get<std::vector<int>>(), Sorted({a, b, l}));

  const Json keys = store.LoadArtifact(ep, "key_objects");
  EXPECT_TRUE(keys["complete"].get<bool>());
  ASSERT_EQ(keys["segments"].size(), 3u);
  const Json& k0 = keys["segments"][0];
  EXPECT_EQ(k0["status"], "ok");
  EXPECT_EQ(k0["key_ids"].get<std::vector<int>>(), Sorted({a, c}));
  EXPECT_EQ(k0["reruns"], 1);
  EXPECT_EQ(k0["vocabulary_added"], Json::array({"cyclist"}));
  EXPECT_EQ(k0["missing_categories"], Json::array());
  ASSERT_EQ(k0["iterations"].size(), 2u);
  EXPECT_EQ(k0["iterations"][0]["answer"]["missing_categories"], Json::array({"cyclist"}));
  EXPECT_EQ(k0["iterations"][1]["vocabulary"],
            Json::array({"car", "cyclist", "pedestrian", "traffic light"}));
  EXPECT_EQ(k0["iterations"][1]["recovered"], Json::array({"cyclist"}));
  EXPECT_EQ(k0["iterations"][1]["detections"], 5 * 4);  // A, P, L and the cyclist on 5 frames
  EXPECT_EQ(keys["segments"][1]["key_ids"].get<std::vector<int>>(), std::vector<int>{a});
  EXPECT_EQ(keys["segments"][2]["key_ids"].get<std::vector<int>>(), Sorted({a, b}));
  for (int s = 1; s < 3; ++s) EXPECT_EQ(keys["segments"][s]["reruns"], 0);

  // Key boxes per frame: what saliency is rendered from.
  ASSERT_EQ(keys["frames"].size(), static_cast<size_t>(kFrames));
  for (int t = 0; t < kFrames; ++t) {
    SCOPED_TRACE("frame " + std::to_string(t));
    std::map<int, Json> objects;
    for (const Json& o : keys["frames"][t]["objects"]) objects[o["id"].get<int>()] = o;
    const std::vector<int> want = t < 5    ? Sorted({a, c})
                                  : t < 10 ? std::vector<int>{a}
                                           : Sorted({a, b});
    std::vector<int> got;
    for (const auto& [id, o] : objects) got.push_back(id);
    EXPECT_EQ(got, want);
    // Car A: centre (90 + 2t, 120), 50 x 34, converted from Roboflow's centre form to corners.
    EXPECT_EQ(objects[a]["box"], Json::array({65 + 2 * t, 103, 115 + 2 * t, 137}));
    if (t < 5) {
      EXPECT_EQ(objects[c]["label"], "cyclist");
      EXPECT_EQ(objects[c]["box"], Json::array({30, 108, 50, 142}));
    }
  }
  EXPECT_TRUE(store.HasArtifact(ep, "saliency"));
  EXPECT_TRUE(LoadEpisodeStatus(store, ep)["error"].is_null());
}

// HTTP requests the artifacts account for: 1 context + one detection per frame + one question
// per sub-sequence iteration + the re-detections of every re-run.
int RequestsFromArtifacts(const ProjectStore& store) {
  int n = 0;
  for (const auto& e : store.info().episodes) {
    n += 1 + store.LoadArtifact(e.name, "detections")["result"]["stats"]["calls"].get<int>();
    const Json keys = store.LoadArtifact(e.name, "key_objects");  // (not a temporary: range-for)
    for (const Json& seg : keys["segments"]) {
      for (const Json& it : seg["iterations"]) {
        n += 1;
        if (it["iteration"].get<int>() > 0)
          n += seg["end"].get<int>() - seg["start"].get<int>() + 1;
      }
    }
  }
  return n;
}

TEST_F(PipelineHttp, RunsOverHttpWithTheRecordsAndRequestsTheScriptImplies) {
  TempDir dir;
  const fs::path p = MakeSample(dir, "p");
  LoopbackModelServer server(kModel);
  server.AddProject(p);

  const RunOutcome run = RunInProcess(p, HttpOptions(server));
  ASSERT_EQ(run.report.Failed(), 0) << run.report.ToJson().dump(2);
  const ProjectStore store = ProjectStore::Open(p);
  for (const auto& e : store.info().episodes) ExpectScriptedResults(store, e.name);

  // Requests: exactly those the pipeline needs, none repeated, no repair turns.
  EXPECT_EQ(server.Count(ModelRequestKind::kContext), kEpisodes);
  EXPECT_EQ(server.Count(ModelRequestKind::kKeyObjects), kEpisodes * (kChatPerEpisode - 1));
  EXPECT_EQ(server.Count(ModelRequestKind::kRepair), 0);
  EXPECT_EQ(server.Count(ModelRequestKind::kDetect), kEpisodes * kDetectPerEpisode);
  EXPECT_EQ(server.Total(), kEpisodes * (kChatPerEpisode + kDetectPerEpisode));
  EXPECT_EQ(server.Total(), RequestsFromArtifacts(store));
  EXPECT_EQ(run.vlm.calls, kEpisodes * kChatPerEpisode);
  EXPECT_EQ(run.detector.calls, kEpisodes * kDetectPerEpisode);
  EXPECT_EQ(run.vlm.hits + run.detector.hits, 0);

  // The key went out in the Authorization header (VLM) and the api_key field (Roboflow) only.
  for (const auto& r : server.requests()) {
    if (LoopbackModelServer::Classify(r) == ModelRequestKind::kDetect) {
      EXPECT_EQ(r.json.value("api_key", ""), kKey);
    } else {
      EXPECT_EQ(r.headers.count("authorization") ? r.headers.at("authorization") : "",
                std::string("Bearer ") + kKey)
          << r.path;
    }
  }
  for (const auto& [file, bytes] : Snapshot(p)) {
    EXPECT_EQ(bytes.find(kKey), std::string::npos) << "the API key leaked into " << file;
  }

  // Call records and provenance name the real backends, with latency and token usage.
  const Json ctx = store.LoadArtifact("episode_000", "context");
  const Json& rec = ctx["result"]["record"];
  EXPECT_EQ(ctx["provenance"]["backend"], "openai");
  EXPECT_EQ(ctx["provenance"]["model"], kModel);
  EXPECT_EQ(rec["backend"], "openai");
  EXPECT_EQ(rec["model"], kModel);
  EXPECT_EQ(rec["template_name"], "global_context_driving.txt");
  EXPECT_EQ(rec["prompt_tokens"], testing::kContextPromptTokens);
  EXPECT_EQ(rec["completion_tokens"], testing::kCompletionTokens);
  EXPECT_GT(rec["latency_ms"].get<double>(), 0);
  EXPECT_FALSE(rec["from_cache"].get<bool>());
  EXPECT_EQ(ctx["result"]["vocabulary"], Json::array({"car", "pedestrian", "traffic light"}));
  EXPECT_EQ(ctx["result"]["context"]["summary"], "Loopback drive of episode_000 over 20 frames.");
  const Json keys = store.LoadArtifact("episode_001", "key_objects");
  EXPECT_EQ(keys["provenance"]["backend"], "openai");
  for (const Json& seg : keys["segments"]) {
    for (const Json& it : seg["iterations"]) {
      EXPECT_EQ(it["record"]["backend"], "openai");
      EXPECT_EQ(it["record"]["model"], kModel);
      EXPECT_EQ(it["record"]["template_name"], "key_objects_driving.txt");
      EXPECT_EQ(it["record"]["prompt_tokens"], testing::kKeyObjectsPromptTokens);
      EXPECT_EQ(it["record"]["completion_tokens"], testing::kCompletionTokens);
      EXPECT_GT(it["record"]["latency_ms"].get<double>(), 0);
      EXPECT_EQ(it["record"]["repairs"], 0);
    }
  }
  const Json det = store.LoadArtifact("episode_000", "detections");
  EXPECT_EQ(det["provenance"]["backend"], "roboflow-gdino");
  EXPECT_EQ(det["result"]["stats"]["calls"], kFrames);
  EXPECT_EQ(det["result"]["stats"]["from_cache"], 0);
  EXPECT_GT(det["result"]["stats"]["latency_ms"].get<double>(), 0);
}

TEST_F(PipelineHttp, SecondRunMakesNoRequestsAndOfflineReportsWhatIsMissing) {
  TempDir dir;
  const fs::path p = MakeSample(dir, "p");
  const fs::path pristine = dir / "pristine", pristine_cli = dir / "pristine_cli";
  fs::copy(p, pristine, fs::copy_options::recursive);
  fs::copy(p, pristine_cli, fs::copy_options::recursive);
  LoopbackModelServer server(kModel);
  server.AddProject(p);
  const PipelineOptions options = HttpOptions(server);
  ASSERT_EQ(RunInProcess(p, options).report.Failed(), 0);
  const int requests = server.Total();
  ASSERT_EQ(requests, kEpisodes * (kChatPerEpisode + kDetectPerEpisode));
  // status.json records when each stage was last confirmed; everything else must stay as is.
  const auto before = Snapshot(p, "status.json");

  // New backends, same project: everything is up to date, nothing is asked.
  const RunOutcome again = RunInProcess(p, options);
  ASSERT_EQ(again.report.Failed(), 0) << again.report.ToJson().dump(2);
  EXPECT_EQ(server.Total(), requests);
  EXPECT_EQ(again.vlm.calls + again.detector.calls, 0);
  for (const auto& e : again.report.episodes) {
    EXPECT_TRUE(e.ran.empty()) << e.episode;
    EXPECT_EQ(e.skipped, kPipelineStages);
  }
  const auto after = Snapshot(p, "status.json");
  ASSERT_EQ(after.size(), before.size());
  for (const auto& [file, bytes] : before)
    EXPECT_TRUE(after.at(file) == bytes) << file << " changed";

  // Offline on a finished copy without its exchange file: the artifacts are enough.
  const fs::path finished = dir / "finished";
  fs::copy(p, finished, fs::copy_options::recursive);
  fs::remove(ExchangeCache::ProjectFile(finished));
  PipelineOptions offline = options;
  offline.offline = true;
  const RunOutcome replay = RunInProcess(finished, offline);
  EXPECT_EQ(replay.report.Failed(), 0) << replay.report.ToJson().dump(2);
  EXPECT_TRUE(replay.missed.empty());

  // Offline on a copy that never ran: every episode fails at its first question, which is
  // listed as missing; the server is never contacted.
  const RunOutcome missing = RunInProcess(pristine, offline);
  EXPECT_EQ(missing.report.Failed(), kEpisodes);
  ASSERT_EQ(missing.missed.size(), static_cast<size_t>(kEpisodes));
  std::vector<std::string> missed_episodes;
  for (const auto& m : missing.missed) {
    EXPECT_EQ(m.kind, kExchangeGlobalContext);
    missed_episodes.push_back(m.episode);
  }
  std::sort(missed_episodes.begin(), missed_episodes.end());
  EXPECT_EQ(missed_episodes, (std::vector<std::string>{"episode_000", "episode_001"}));
  for (const auto& e : missing.report.episodes) {
    EXPECT_EQ(e.failed_stage, "context");
    EXPECT_NE(e.error.find("offline: no cached answer"), std::string::npos) << e.error;
  }

  // The same through the CLI: exit 1 and a message saying what is missing.
  const auto cli =
      testing::RunCli({"run", pristine_cli.string(), "--vlm-url", server.url(), "--vlm-model",
                       kModel, "--vlm-key-env", kKeyVar, "--detector", "roboflow", "--detector-url",
                       server.url(), "--offline", "--progress", "none", "--preset", "paper"});
  EXPECT_EQ(cli.exit_code, 1) << cli.out << cli.err;
  EXPECT_NE(cli.out.find("FAILED episode_000 at context"), std::string::npos) << cli.out;
  EXPECT_NE(
      cli.out.find("offline: 2 model calls are not in the exchange cache (VLM 2, detector 0)"),
      std::string::npos)
      << cli.out;
  EXPECT_EQ(server.Total(), requests) << "offline runs must not contact the server";
}

TEST_F(PipelineHttp, ServerOnAnotherAddressReusesEveryAnsweredCall) {
  // A model server restarted on another port (or a shard job with its own server) serves the
  // same models: the answers in the exchange cache still hold, for the VLM and the detector.
  TempDir dir;
  const fs::path p = MakeSample(dir, "p");
  {
    LoopbackModelServer first(kModel);
    first.AddProject(p);
    ASSERT_EQ(RunInProcess(p, HttpOptions(first)).report.Failed(), 0);
  }
  const auto key_objects_before =
      ProjectStore::Open(p).LoadArtifact("episode_000", "key_objects")["frames"];
  LoopbackModelServer moved(kModel);
  moved.AddProject(p);
  PipelineOptions options = HttpOptions(moved);
  options.detector["total_timeout_s"] = 30;  // transport settings do not change answers either
  const RunOutcome run = RunInProcess(p, options);
  ASSERT_EQ(run.report.Failed(), 0) << run.report.ToJson().dump(2);
  EXPECT_EQ(moved.Total(), 0);
  EXPECT_EQ(run.vlm.calls + run.detector.calls, 0);
  EXPECT_EQ(ProjectStore::Open(p).LoadArtifact("episode_000", "key_objects")["frames"],
            key_objects_before);
}

TEST_F(PipelineHttp, CliRunWithJsonProgressOverHttp) {
  TempDir dir;
  const fs::path p = MakeSample(dir, "p");
  LoopbackModelServer server(kModel);
  server.AddProject(p);
  const auto r =
      testing::RunCli({"run", p.string(), "--vlm-url", server.url(), "--vlm-model", kModel,
                       "--vlm-key-env", kKeyVar, "--detector", "roboflow", "--detector-url",
                       server.url(), "--progress", "json", "--preset", "paper"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<Json> events;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    const Json j = Json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << "not a JSON line: " << line;
    events.push_back(j);
  }
  ASSERT_GE(events.size(), 2u);
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    EXPECT_EQ(events[i]["event"], "progress") << events[i].dump();
    EXPECT_TRUE(events[i].contains("stage") && events[i].contains("episode")) << events[i].dump();
  }
  const Json& done = events.back();
  EXPECT_EQ(done["event"], "done");
  EXPECT_EQ(done["failed"], 0);
  EXPECT_EQ(done["episodes"].size(), static_cast<size_t>(kEpisodes));
  EXPECT_EQ(done["calls"]["vlm"], kEpisodes * kChatPerEpisode);
  EXPECT_EQ(done["calls"]["detector"], kEpisodes * kDetectPerEpisode);
  EXPECT_EQ(done["calls"]["offline_misses"], 0);
  EXPECT_EQ(events[events.size() - 2]["done"], events[events.size() - 2]["total"]);

  EXPECT_EQ(server.Total(), kEpisodes * (kChatPerEpisode + kDetectPerEpisode));
  for (const auto& req : server.requests()) {
    if (LoopbackModelServer::Classify(req) != ModelRequestKind::kDetect) {
      EXPECT_EQ(req.headers.count("authorization") ? req.headers.at("authorization") : "",
                std::string("Bearer ") + kKey);
    }
  }
  const ProjectStore store = ProjectStore::Open(p);
  for (const auto& e : store.info().episodes) ExpectScriptedResults(store, e.name);
  // The flags are remembered as the project's settings: the variable's name, never its value.
  const Json vlm = store.info().settings["pipeline"]["vlm"];
  EXPECT_EQ(vlm["api_key_env"], kKeyVar);
  EXPECT_EQ(vlm["model"], kModel);
  for (const auto& [file, bytes] : Snapshot(p))
    EXPECT_EQ(bytes.find(kKey), std::string::npos) << file;
}

TEST_F(PipelineHttp, GarbageAnswersLeaveSubsequencesUndecidedAndTheEpisodeComplete) {
  TempDir dir;
  const fs::path p = MakeSample(dir, "p");
  LoopbackModelServer server(kModel);
  server.AddProject(p);
  server.AnswerGarbageFor("episode_001");
  const RunOutcome run = RunInProcess(p, HttpOptions(server));
  ASSERT_EQ(run.report.episodes.size(), 2u);
  EXPECT_TRUE(run.report.episodes[0].ok) << run.report.ToJson().dump(2);
  // One bad answer costs its sub-sequence, not the episode.
  EXPECT_TRUE(run.report.episodes[1].ok) << run.report.ToJson().dump(2);
  EXPECT_EQ(run.report.episodes[1].undecided, 3);
  EXPECT_EQ(run.report.Undecided(), 3);

  const ProjectStore store = ProjectStore::Open(p);
  ExpectScriptedResults(store, "episode_000");

  const Json status = LoadEpisodeStatus(store, "episode_001");
  EXPECT_TRUE(status["error"].is_null());
  EXPECT_EQ(status["stages"]["key_objects"]["undecided"], 3);
  // key_objects.json keeps every sub-sequence's raw answer and error, all candidates kept.
  const Json keys = store.LoadArtifact("episode_001", "key_objects");
  EXPECT_FALSE(keys["complete"].get<bool>()) << "the next run asks them again";
  EXPECT_EQ(keys["undecided"], 3);
  EXPECT_NE(keys["first_error"].get<std::string>().find("invalid answer after one repair"),
            std::string::npos);
  ASSERT_EQ(keys["segments"].size(), 3u);
  for (const Json& seg : keys["segments"]) {
    EXPECT_EQ(seg["status"], "undecided");
    EXPECT_TRUE(seg["flagged"].get<bool>());
    EXPECT_EQ(seg["key_ids"], seg["ids"]) << "every candidate is kept for review";
    ASSERT_EQ(seg["iterations"].size(), 1u) << "no re-run after a failed question";
    const Json& rec = seg["iterations"][0]["record"];
    EXPECT_EQ(rec["raw_answer"], LoopbackModelServer::GarbageText());
    EXPECT_EQ(rec["repairs"], 1);
    EXPECT_EQ(rec["backend"], "openai");
    EXPECT_NE(rec["error"].get<std::string>().find("invalid answer after one repair"),
              std::string::npos);
  }
  EXPECT_TRUE(store.HasArtifact("episode_001", "saliency"));

  // One first question and one repair turn per sub-sequence of the failing episode.
  EXPECT_EQ(server.Count(ModelRequestKind::kRepair), 3);
  EXPECT_EQ(server.Count(ModelRequestKind::kKeyObjects), (kChatPerEpisode - 1) + 3);
}

}  // namespace
}  // namespace autofocus

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <thread>

#include "core/base/atomic_file.h"
#include "core/exchange/caching_backends.h"
#include "core/exchange/exchange_cache.h"
#include "core/exchange/exchange_key.h"
#include "tests/exchange/exchange_test_fakes.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {
namespace fs = std::filesystem;
using testing::CountingDetector;
using testing::CountingVlm;
using testing::TempDir;

cv::Mat Image(int seed, int rows = 24, int cols = 32) {
  cv::Mat m(rows, cols, CV_8UC3);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      m.at<cv::Vec3b>(r, c) = cv::Vec3b(static_cast<uchar>(seed + r), static_cast<uchar>(c),
                                        static_cast<uchar>(seed * 7 + r * c));
    }
  }
  return m;
}

GlobalContextRequest GlobalRequest(const std::string& episode) {
  GlobalContextRequest r;
  r.episode = episode;
  r.frame_indices = {0, 10, 20};
  r.frames = {Image(1), Image(2), Image(3)};
  return r;
}

KeyObjectRequest KeyRequest(int frame) {
  KeyObjectRequest r;
  r.episode = "ep0";
  r.frame_index = frame;
  r.frame = Image(frame);
  r.action = {0.25f, -0.5f};
  r.action_names = {"throttle", "steer"};
  r.action_description = "preparing to stop";
  r.context.summary = "urban street";
  r.context.vocabulary = {{"Car", "safety_critical", ""}};
  r.candidates = {{1, "car", {1, 2, 3, 4}}, {2, "traffic light", {5, 6, 7, 8}},
                  {7, "person", {0, 0, 9, 9}}};
  r.max_key_objects = 2;
  return r;
}

DetectRequest DetRequest(int frame) {
  DetectRequest r;
  r.episode = "ep0";
  r.frame_index = frame;
  r.image = Image(frame + 100);
  r.vocabulary = {"car", "traffic light"};
  return r;
}

CachingOptions VlmOptions() {
  CachingOptions o;
  o.global_context_template_hash = "tg1";
  o.key_objects_template_hash = "tk1";
  o.parameters = {{"temperature", 0}, {"seed", 42}};
  return o;
}

std::shared_ptr<ExchangeCache> OpenCache(const fs::path& file) {
  return std::make_shared<ExchangeCache>(file);
}

CallRecord SimpleRecord(const std::string& key, const std::string& raw = "{}") {
  CallRecord r;
  r.backend = "fake";
  r.model = "m";
  r.cache_key = key;
  r.raw_answer = raw;
  r.parsed = Json::object({{"k", key}});
  return r;
}

// Appends raw bytes without going through ExchangeCache (to simulate damage).
void AppendRaw(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::app);
  out << bytes;
}

TEST(ExchangeCache, SecondRunMakesZeroInnerCalls) {
  TempDir dir;
  const fs::path file = ExchangeCache::ProjectFile(dir.path());
  EXPECT_EQ(file, dir.path() / "exchanges" / "exchanges.jsonl");
  GlobalContext first_context;
  KeyObjectAnswer first_keys;
  std::vector<Detection> first_dets;
  {
    auto cache = OpenCache(file);
    auto vlm = std::make_shared<CountingVlm>();
    auto det = std::make_shared<CountingDetector>();
    CachingVlmBackend cvlm(vlm, cache, VlmOptions());
    CachingDetector cdet(det, cache, {});
    CallRecord rec;
    first_context = cvlm.QueryGlobalContext(GlobalRequest("ep0"), &rec);
    EXPECT_FALSE(rec.from_cache);
    EXPECT_EQ(rec.backend, "fake");
    EXPECT_EQ(rec.model, "fake-vl-7b");
    EXPECT_EQ(rec.template_hash, "tg1");
    EXPECT_EQ(rec.cache_key, cvlm.KeyFor(GlobalRequest("ep0")));
    EXPECT_EQ(rec.request["frames"].size(), 3u);  // filled with image hashes by the decorator
    EXPECT_EQ(rec.latency_ms, 12.5);
    for (int f = 0; f < 3; ++f) {
      first_keys = cvlm.SelectKeyObjects(KeyRequest(f), nullptr);
      first_dets = cdet.Detect(DetRequest(f), nullptr);
    }
    EXPECT_EQ(vlm->calls, 4);
    EXPECT_EQ(det->calls, 3);
    EXPECT_EQ(cvlm.counters().calls, 4);
    EXPECT_EQ(cvlm.counters().misses, 4);
    EXPECT_EQ(cvlm.counters().hits, 0);
    EXPECT_EQ(cache->size(), 7u);
  }
  auto cache = OpenCache(file);
  EXPECT_TRUE(cache->load_report().clean()) << cache->load_report().Summary(file.string());
  EXPECT_EQ(cache->load_report().entries, 7);
  EXPECT_EQ(cache->answered_count(), 7u);
  auto vlm = std::make_shared<CountingVlm>();
  auto det = std::make_shared<CountingDetector>();
  CachingVlmBackend cvlm(vlm, cache, VlmOptions());
  CachingDetector cdet(det, cache, {});
  CallRecord rec;
  const GlobalContext again = cvlm.QueryGlobalContext(GlobalRequest("ep0"), &rec);
  EXPECT_TRUE(rec.from_cache);
  EXPECT_EQ(rec.prompt_tokens, 100);
  EXPECT_EQ(rec.raw_answer, first_context.ToJson().dump());
  EXPECT_EQ(again.ToJson(), first_context.ToJson());
  KeyObjectAnswer keys;
  std::vector<Detection> dets;
  for (int f = 0; f < 3; ++f) {
    keys = cvlm.SelectKeyObjects(KeyRequest(f), &rec);
    EXPECT_TRUE(rec.from_cache);
    dets = cdet.Detect(DetRequest(f), &rec);
    EXPECT_TRUE(rec.from_cache);
  }
  EXPECT_EQ(vlm->calls, 0);
  EXPECT_EQ(det->calls, 0);
  EXPECT_EQ(cvlm.counters().hits, 4);
  EXPECT_EQ(cvlm.counters().calls, 0);
  EXPECT_EQ(cdet.counters().hits, 3);
  EXPECT_EQ(keys.ToJson(), first_keys.ToJson());
  ASSERT_EQ(dets.size(), first_dets.size());
  for (size_t i = 0; i < dets.size(); ++i) {
    EXPECT_EQ(dets[i].label, first_dets[i].label);
    EXPECT_EQ(dets[i].score, first_dets[i].score);
    EXPECT_EQ(dets[i].box, first_dets[i].box);
  }
  ASSERT_EQ(keys.key_objects.size(), 2u);
  EXPECT_EQ(keys.key_objects[1].id, 2);
  EXPECT_EQ(keys.key_objects[1].score, 0.75f);
  EXPECT_EQ(cache->size(), 7u);  // hits append nothing
}

TEST(ExchangeKey, EqualInputsGiveEqualKeysAndAnyChangeGivesANewKey) {
  const ExchangeKeyContext base{"openai", "qwen2.5-vl-7b", "t1", {{"temperature", 0}, {"seed", 1}}};
  const KeyObjectRequest req = KeyRequest(5);
  const std::string key = KeyObjectKey(base, req);
  EXPECT_EQ(key.size(), 64u);

  // Equal content, independent copies: same key.
  KeyObjectRequest copy = req;
  copy.frame = req.frame.clone();
  EXPECT_EQ(KeyObjectKey(ExchangeKeyContext(base), copy), key);
  ExchangeKeyContext reordered = base;
  reordered.parameters = Json::parse(R"({"seed":1,"temperature":0})");
  EXPECT_EQ(KeyObjectKey(reordered, req), key);

  std::set<std::string> keys{key};
  auto expect_new = [&](const std::string& k, const char* what) {
    EXPECT_TRUE(keys.insert(k).second) << what << " did not change the key";
  };
  ExchangeKeyContext c = base;
  c.model = "qwen2.5-vl-72b";
  expect_new(KeyObjectKey(c, req), "model");
  c = base;
  c.backend = "ollama";
  expect_new(KeyObjectKey(c, req), "backend");
  c = base;
  c.template_hash = "t2";
  expect_new(KeyObjectKey(c, req), "template");
  c = base;
  c.parameters["seed"] = 2;
  expect_new(KeyObjectKey(c, req), "parameters");
  KeyObjectRequest r = req;
  r.frame = req.frame.clone();
  r.frame.at<cv::Vec3b>(3, 4)[1] ^= 1;  // one bit of one pixel
  expect_new(KeyObjectKey(base, r), "one pixel");
  r = req;
  r.candidates[1].box.x2 += 0.5f;
  expect_new(KeyObjectKey(base, r), "candidate box");
  r = req;
  r.action[0] = 0.26f;
  expect_new(KeyObjectKey(base, r), "action");
  r = req;
  r.max_key_objects = 3;
  expect_new(KeyObjectKey(base, r), "max key objects");
  // Same request asked as a different question.
  expect_new(ExchangeKey(kExchangeGlobalContext, base, DescribeRequest(req)), "kind");

  DetectRequest d = DetRequest(1);
  const ExchangeKeyContext dc{"roboflow-gdino", "grounding-dino", "", {{"box_threshold", 0.35}}};
  const std::string dk = DetectKey(dc, d);
  EXPECT_EQ(DetectKey(dc, DetRequest(1)), dk);
  d.vocabulary.push_back("person");
  EXPECT_NE(DetectKey(dc, d), dk);
  ExchangeKeyContext dc2 = dc;
  dc2.parameters["box_threshold"] = 0.3;
  EXPECT_NE(DetectKey(dc2, DetRequest(1)), dk);
}

TEST(ExchangeKey, ImageHashCoversPixelsGeometryAndType) {
  const cv::Mat a = Image(9, 20, 30);
  EXPECT_EQ(ImagePixelHash(a), ImagePixelHash(a.clone()));
  // A non-continuous ROI hashes like its continuous copy.
  const cv::Mat big = Image(4, 40, 50);
  const cv::Mat roi = big(cv::Rect(5, 6, 30, 20));
  ASSERT_FALSE(roi.isContinuous());
  EXPECT_EQ(ImagePixelHash(roi), ImagePixelHash(roi.clone()));
  // Same bytes, different shape or type: different hashes.
  EXPECT_NE(ImagePixelHash(a), ImagePixelHash(a.reshape(3, 30)));
  EXPECT_NE(ImagePixelHash(a), ImagePixelHash(a.reshape(1)));
  cv::Mat gray(2, 2, CV_8UC1, cv::Scalar(0)), gray16(1, 2, CV_16UC1, cv::Scalar(0));
  EXPECT_NE(ImagePixelHash(gray.reshape(1, 1)), ImagePixelHash(gray16));
  EXPECT_NE(ImagePixelHash(cv::Mat()), ImagePixelHash(gray));
}

TEST(ExchangeCache, OfflineAnswersFromCacheAndReportsWhatIsMissing) {
  TempDir dir;
  const fs::path file = dir / "x.jsonl";
  {
    CachingVlmBackend cvlm(std::make_shared<CountingVlm>(), OpenCache(file), VlmOptions());
    cvlm.SelectKeyObjects(KeyRequest(1), nullptr);
  }
  auto vlm = std::make_shared<CountingVlm>();
  CachingOptions o = VlmOptions();
  o.offline = true;
  CachingVlmBackend offline(vlm, OpenCache(file), o);
  CallRecord rec;
  EXPECT_EQ(offline.SelectKeyObjects(KeyRequest(1), &rec).key_objects.size(), 2u);
  EXPECT_TRUE(rec.from_cache);
  try {
    offline.SelectKeyObjects(KeyRequest(2), nullptr);
    FAIL() << "expected OfflineMiss";
  } catch (const OfflineMiss& e) {
    EXPECT_EQ(e.kind(), kExchangeKeyObjects);
    EXPECT_EQ(e.key(), offline.KeyFor(KeyRequest(2)));
    EXPECT_NE(std::string(e.what()).find("episode 'ep0' frame 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(offline.QueryGlobalContext(GlobalRequest("ep9"), nullptr), OfflineMiss);
  EXPECT_EQ(vlm->calls, 0);
  const ExchangeCounters c = offline.counters();
  EXPECT_EQ(c.hits, 1);
  EXPECT_EQ(c.misses, 2);
  EXPECT_EQ(c.offline_misses, 2);
  EXPECT_EQ(c.calls, 0);
  const auto missed = offline.offline_misses();
  ASSERT_EQ(missed.size(), 2u);
  EXPECT_EQ(missed[0].kind, kExchangeKeyObjects);
  EXPECT_EQ(missed[0].frame_index, 2);
  EXPECT_EQ(missed[1].kind, kExchangeGlobalContext);
  EXPECT_EQ(missed[1].episode, "ep9");
  EXPECT_EQ(missed[1].frame_index, 0);
}

TEST(ExchangeCache, OfflineWorksWithoutAnInnerBackendWhenKindAndModelAreGiven) {
  TempDir dir;
  const fs::path file = dir / "x.jsonl";
  CachingDetector online(std::make_shared<CountingDetector>(), OpenCache(file), {});
  const std::string key = online.KeyFor(DetRequest(3));
  online.Detect(DetRequest(3), nullptr);
  CachingOptions o;
  o.offline = true;
  EXPECT_THROW(CachingDetector(nullptr, std::make_shared<ExchangeCache>(
                                            dir / "y.jsonl"), o), Error);
  o.backend = "fake-detector";
  o.model = "fake-dino";
  CachingOptions online_only;
  EXPECT_THROW(CachingDetector(nullptr, std::make_shared<ExchangeCache>(dir / "z.jsonl"),
                               online_only), Error);
  // Reopen read-only (the writer above still holds the file) and answer from it.
  ExchangeCacheOptions ro;
  ro.mode = ExchangeOpenMode::kReadOnly;
  CachingDetector offline(nullptr, std::make_shared<ExchangeCache>(file, ro), o);
  EXPECT_EQ(offline.KeyFor(DetRequest(3)), key);
  EXPECT_EQ(offline.Detect(DetRequest(3), nullptr).size(), 2u);
  EXPECT_THROW(offline.Detect(DetRequest(4), nullptr), OfflineMiss);
}

TEST(ExchangeCache, FailuresAreStoredWithRawTextButNeverReplayed) {
  TempDir dir;
  const fs::path file = dir / "x.jsonl";
  std::string key;
  {
    auto vlm = std::make_shared<CountingVlm>();
    vlm->fail_next = 1;
    auto cache = OpenCache(file);
    CachingVlmBackend cvlm(vlm, cache, VlmOptions());
    key = cvlm.KeyFor(KeyRequest(4));
    CallRecord rec;
    EXPECT_THROW(cvlm.SelectKeyObjects(KeyRequest(4), &rec), Error);
    EXPECT_EQ(rec.error, "answer is not valid JSON");
    EXPECT_EQ(rec.raw_answer, "Sure! Here is {not json");
    EXPECT_EQ(cvlm.counters().failures, 1);
    EXPECT_FALSE(cache->FindAnswer(key).has_value());
    ASSERT_TRUE(cache->FindLatest(key).has_value());
    EXPECT_EQ(cache->FindLatest(key)->record.raw_answer, "Sure! Here is {not json");
    EXPECT_EQ(cache->FindLatest(key)->kind, kExchangeKeyObjects);
  }
  auto vlm = std::make_shared<CountingVlm>();
  auto cache = OpenCache(file);
  EXPECT_EQ(cache->load_report().failed, 1);
  EXPECT_EQ(cache->load_report().answered, 0);
  CachingVlmBackend cvlm(vlm, cache, VlmOptions());
  EXPECT_EQ(cvlm.SelectKeyObjects(KeyRequest(4), nullptr).key_objects.size(), 2u);
  EXPECT_EQ(vlm->calls, 1);  // the failure was asked again
  EXPECT_EQ(cvlm.SelectKeyObjects(KeyRequest(4), nullptr).key_objects.size(), 2u);
  EXPECT_EQ(vlm->calls, 1);  // and the answer is now replayed
  const auto entries = cache->Entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_FALSE(entries[0].answered());
  EXPECT_TRUE(entries[1].answered());
  EXPECT_EQ(entries[0].key, key);
  EXPECT_EQ(entries[1].key, key);
}

TEST(ExchangeCache, TornFinalLineIsSkippedReportedAndLaterAppendsWork) {
  TempDir dir;
  const fs::path file = dir / "x.jsonl";
  {
    ExchangeCache cache(file);
    cache.Append(kExchangeDetect, SimpleRecord("k1"));
    cache.Append(kExchangeDetect, SimpleRecord("k2"));
  }
  // A crash in the middle of the third append: half a line, no newline.
  ExchangeEntry third{"k3", kExchangeDetect, "2024-01-01T00:00:00.000Z", SimpleRecord("k3")};
  const std::string line = third.ToJson().dump();
  AppendRaw(file, line.substr(0, line.size() / 2));
  const auto size_with_tail = fs::file_size(file);
  {
    ExchangeCacheOptions ro;
    ro.mode = ExchangeOpenMode::kReadOnly;
    ExchangeCache reader(file, ro);
    EXPECT_EQ(reader.size(), 2u);
    EXPECT_TRUE(reader.load_report().torn_tail);
    EXPECT_FALSE(reader.load_report().tail_truncated);
    EXPECT_EQ(fs::file_size(file), size_with_tail);  // read-only never modifies
  }
  {
    ExchangeCache cache(file);
    const ExchangeLoadReport& rep = cache.load_report();
    EXPECT_TRUE(rep.torn_tail);
    EXPECT_TRUE(rep.tail_truncated);
    EXPECT_EQ(rep.torn_bytes, static_cast<int64_t>(line.size() / 2));
    EXPECT_EQ(rep.entries, 2);
    EXPECT_NE(rep.Summary("x").find("ignored a torn final line of " +
                                    std::to_string(line.size() / 2) + " bytes"),
              std::string::npos)
        << rep.Summary("x");
    EXPECT_FALSE(cache.FindAnswer("k3").has_value());
    cache.Append(kExchangeDetect, SimpleRecord("k3"));
    cache.Append(kExchangeDetect, SimpleRecord("k4"));
  }
  ExchangeCache cache(file);
  EXPECT_TRUE(cache.load_report().clean()) << cache.load_report().Summary(file.string());
  EXPECT_EQ(cache.size(), 4u);
  for (const char* k : {"k1", "k2", "k3", "k4"}) {
    ASSERT_TRUE(cache.FindAnswer(k).has_value()) << k;
    EXPECT_EQ(cache.FindAnswer(k)->parsed["k"], k);
  }
}

TEST(ExchangeCache, DamagedMiddleLinesAreSkippedWithTheirLineNumbers) {
  TempDir dir;
  const fs::path file = dir / "x.jsonl";
  {
    ExchangeCache cache(file);
    cache.Append(kExchangeDetect, SimpleRecord("k1"));
  }
  AppendRaw(file, "{\"key\":\"broken\n\n{\"kind\":\"detect\",\"record\":{}}\n");
  {
    ExchangeCache cache(file);
    cache.Append(kExchangeDetect, SimpleRecord("k2"));
  }
  ExchangeCache cache(file);
  const auto& rep = cache.load_report();
  EXPECT_EQ(rep.entries, 2);
  EXPECT_EQ(rep.bad_lines, 2);
  EXPECT_EQ(rep.bad_line_numbers, (std::vector<int64_t>{2, 4}));
  EXPECT_FALSE(rep.torn_tail);
  EXPECT_NE(rep.Summary("f").find("skipped 2 unreadable line(s): 2 4"), std::string::npos)
      << rep.Summary("f");
  EXPECT_TRUE(cache.FindAnswer("k2").has_value());
}

TEST(ExchangeCache, OneWriterAtATimeAndReadOnlyRefusesAppends) {
  TempDir dir;
  const fs::path file = dir / "x.jsonl";
  ExchangeCache writer(file);
  try {
    ExchangeCache second(file);
    FAIL() << "a second writer was allowed";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), file.string());
    EXPECT_NE(e.reason().find("in use by another process"), std::string::npos) << e.what();
  }
  ExchangeCacheOptions ro;
  ro.mode = ExchangeOpenMode::kReadOnly;
  ExchangeCache reader(file, ro);
  EXPECT_THROW(reader.Append(kExchangeDetect, SimpleRecord("k")), Error);
  ExchangeCache missing(dir / "none.jsonl", ro);
  EXPECT_EQ(missing.size(), 0u);
  EXPECT_FALSE(fs::exists(dir / "none.jsonl"));
}

TEST(ExchangeCache, InvalidUtf8InRawAnswersIsKeptLoadable) {
  TempDir dir;
  const fs::path file = dir / "x.jsonl";
  {
    ExchangeCache cache(file);
    cache.Append(kExchangeDetect, SimpleRecord("k1", std::string("ok \xff\xfe end")));
  }
  ExchangeCache cache(file);
  EXPECT_TRUE(cache.load_report().clean());
  ASSERT_TRUE(cache.FindAnswer("k1").has_value());
  EXPECT_EQ(cache.FindAnswer("k1")->raw_answer, "ok \xEF\xBF\xBD\xEF\xBF\xBD end");
}

// A child process appends records and reports each acknowledged key on a pipe; it is killed
// with SIGKILL while still appending. Every acknowledged record must be there after reopen.
TEST(ExchangeCache, EveryAcknowledgedRecordSurvivesKillNine) {
  TempDir dir;
  const fs::path file = dir / "x.jsonl";
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(fds[0]);
    try {
      ExchangeCache cache(file);
      const std::string padding(3000, 'x');  // long lines make a kill mid-write likely
      for (int i = 0;; ++i) {
        cache.Append(kExchangeDetect, SimpleRecord("key" + std::to_string(i), padding));
        const int32_t ack = i;
        if (::write(fds[1], &ack, sizeof ack) != sizeof ack) ::_exit(3);
      }
    } catch (...) {
      ::_exit(2);
    }
  }
  ::close(fds[1]);
  int32_t last = -1, ack = 0;
  int acks = 0;
  while (acks < 60 && ::read(fds[0], &ack, sizeof ack) == sizeof ack) {
    EXPECT_EQ(ack, last + 1);
    last = ack;
    ++acks;
  }
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  // Acks written before the kill but not yet read also count.
  while (::read(fds[0], &ack, sizeof ack) == sizeof ack) last = ack;
  ::close(fds[0]);
  ASSERT_GE(last, 59);

  ExchangeCache cache(file);
  EXPECT_GE(cache.load_report().entries, last + 1);
  EXPECT_EQ(cache.load_report().bad_lines, 0);
  for (int i = 0; i <= last; ++i) {
    ASSERT_TRUE(cache.FindAnswer("key" + std::to_string(i)).has_value()) << i;
  }
  cache.Append(kExchangeDetect, SimpleRecord("after"));
  EXPECT_TRUE(cache.FindAnswer("after").has_value());
}

TEST(ExchangeCache, ConcurrentAppendsThroughTheDecoratorsAreAllKept) {
  TempDir dir;
  const fs::path file = dir / "x.jsonl";
  constexpr int kThreads = 8, kPerThread = 40;
  auto det = std::make_shared<CountingDetector>();
  {
    auto cache = OpenCache(file);
    CachingDetector cdet(det, cache, {});
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&cdet, t] {
        for (int i = 0; i < kPerThread; ++i) cdet.Detect(DetRequest(t * 1000 + i), nullptr);
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(cdet.counters().calls, kThreads * kPerThread);
  }
  auto cache = OpenCache(file);
  EXPECT_TRUE(cache->load_report().clean()) << cache->load_report().Summary(file.string());
  EXPECT_EQ(cache->size(), static_cast<size_t>(kThreads * kPerThread));
  CachingDetector cdet(det, cache, {});
  const int before = det->calls;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      const auto dets = cdet.Detect(DetRequest(t * 1000 + i), nullptr);
      ASSERT_EQ(dets.size(), 2u);
      EXPECT_EQ(dets[0].box.x1, static_cast<float>(t * 1000 + i));
    }
  }
  EXPECT_EQ(det->calls, before);
}

}  // namespace
}  // namespace autofocus

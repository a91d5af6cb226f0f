#include "core/vlm/openai_vlm_backend.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "core/base/hash.h"
#include "core/vlm/answer_parsing.h"
#include "tests/support/test_support.h"
#include "tests/vlm/fake_openai_server.h"

namespace autofocus {
namespace {

using testing::FakeFault;
using testing::FakeOpenAiServer;
using testing::FakeReply;

const char* kGoodKeys =
    R"({"top_k":[{"id":7,"class":"car","score":0.9,"rationale":"lead vehicle braking"}],"missing_suspects":["Stop sign"]})";

OpenAiVlmOptions Options(const FakeOpenAiServer& server) {
  OpenAiVlmOptions o;
  o.base_url = server.base_url();
  o.model = "test-model";
  o.retry.base_delay_s = 0.001;
  o.retry.max_delay_s = 0.01;
  o.connect_timeout_s = 2;
  o.total_timeout_s = 5;
  return o;
}

KeyObjectRequest KeyRequest() {
  KeyObjectRequest r;
  r.episode = "ep0";
  r.frame_index = 12;
  r.frame = cv::Mat(180, 320, CV_8UC3, cv::Scalar(40, 80, 120));
  r.action = {0.1f, 0.0f, 0.75f};
  r.action_names = {"steer", "throttle", "brake"};
  r.action_description = "preparing to stop";
  r.context.summary = "Urban road, light traffic.";
  r.context.vocabulary = {{"Car", "safety_critical", ""}, {"Traffic light", "traffic_control", ""}};
  r.candidates = {{7, "car", {32, 18, 160, 90}}, {9, "traffic light", {300, 0, 330, 40}}};
  return r;
}

GlobalContextRequest ContextRequest(int frames) {
  GlobalContextRequest r;
  r.episode = "ep0";
  for (int i = 0; i < frames; ++i) {
    r.frame_indices.push_back(i * 10);
    r.frames.push_back(cv::Mat(180, 320, CV_8UC3, cv::Scalar(i * 20, 0, 0)));
  }
  return r;
}

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

TEST(OpenAiVlm, KeyObjectRequestShapeAndRecord) {
  FakeOpenAiServer server;
  server.Enqueue(FakeReply::Chat(kGoodKeys, 321, 45));
  const char* secret = "sk-test-SECRET-never-logged-0123456789";
  setenv("AF_TEST_VLM_KEY", secret, 1);
  OpenAiVlmOptions o = Options(server);
  o.base_url += "/v1/";  // accepted with or without /v1
  o.api_key_env = "AF_TEST_VLM_KEY";
  OpenAiVlmBackend vlm(o);
  CallRecord rec;
  KeyObjectAnswer a = vlm.SelectKeyObjects(KeyRequest(), &rec);
  unsetenv("AF_TEST_VLM_KEY");

  ASSERT_EQ(a.key_objects.size(), 1u);
  EXPECT_EQ(a.key_objects[0].id, 7);
  EXPECT_EQ(a.missing_categories, (std::vector<std::string>{"stop sign"}));

  ASSERT_EQ(server.request_count(), 1);
  auto req = server.requests()[0];
  EXPECT_EQ(req.path, "/v1/chat/completions");
  EXPECT_EQ(req.headers.at("authorization"), std::string("Bearer ") + secret);
  EXPECT_EQ(req.headers.at("content-type"), "application/json");
  const Json& b = req.json;
  EXPECT_EQ(b["model"], "test-model");
  EXPECT_EQ(b["temperature"], 0);
  EXPECT_EQ(b["seed"], 1234);
  EXPECT_EQ(b["response_format"]["type"], "json_schema");
  EXPECT_EQ(b["response_format"]["json_schema"]["name"], "key_objects");
  EXPECT_EQ(b["response_format"]["json_schema"]["schema"], KeyObjectsSchema(3));
  ASSERT_EQ(b["messages"].size(), 1u);
  const Json& content = b["messages"][0]["content"];
  ASSERT_EQ(content.size(), 2u);
  EXPECT_EQ(content[0]["type"], "text");
  EXPECT_EQ(content[1]["type"], "image_url");
  std::string url = content[1]["image_url"]["url"];
  ASSERT_EQ(url.rfind("data:image/jpeg;base64,", 0), 0u);
  std::string jpeg = Base64Decode(url.substr(23));
  std::string text = content[0]["text"];
  EXPECT_NE(text.find("- id:7, class:car, bbox:[0.100,0.100,0.500,0.500]\n"
                      "- id:9, class:traffic light, bbox:[0.938,0.000,1.000,0.222]"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("steer=0.100, throttle=0.000, brake=0.750 (preparing to stop)"),
            std::string::npos);
  EXPECT_NE(text.find("Urban road, light traffic."), std::string::npos);
  EXPECT_NE(text.find("at most 3"), std::string::npos);
  EXPECT_EQ(text.find("{{"), std::string::npos);

  EXPECT_EQ(rec.backend, "openai");
  EXPECT_EQ(rec.model, "test-model");
  EXPECT_EQ(rec.template_name, "key_objects_driving.txt");
  EXPECT_EQ(rec.template_hash,
            LoadPromptTemplate("key_objects_driving.txt").hash());
  EXPECT_EQ(rec.prompt_tokens, 321);
  EXPECT_EQ(rec.completion_tokens, 45);
  EXPECT_EQ(rec.retries, 0);
  EXPECT_EQ(rec.repairs, 0);
  EXPECT_GT(rec.latency_ms, 0);
  EXPECT_EQ(rec.raw_answer, kGoodKeys);
  EXPECT_EQ(rec.parsed, a.ToJson());
  EXPECT_TRUE(rec.error.empty());
  EXPECT_EQ(rec.cache_key.size(), 64u);
  EXPECT_EQ(rec.request["messages"][0]["content"][1]["image_url"]["url"],
            "sha256:" + Sha256Hex(jpeg));
  std::string dumped = rec.ToJson().dump();
  EXPECT_EQ(dumped.find("SECRET"), std::string::npos);
  EXPECT_EQ(dumped.find("base64"), std::string::npos);
}

TEST(OpenAiVlm, NoAuthorizationWithoutKeyAndSchemaCanBeOff) {
  FakeOpenAiServer server;
  server.Enqueue(FakeReply::Chat(kGoodKeys));
  OpenAiVlmOptions o = Options(server);
  o.use_json_schema = false;
  o.seed = 7;
  OpenAiVlmBackend vlm(o);
  vlm.SelectKeyObjects(KeyRequest(), nullptr);
  auto req = server.requests()[0];
  EXPECT_EQ(req.headers.count("authorization"), 0u);
  EXPECT_FALSE(req.json.contains("response_format"));
  EXPECT_EQ(req.json["seed"], 7);
}

TEST(OpenAiVlm, TolerantParsingAndFlaggedUnknownIds) {
  FakeOpenAiServer server;
  server.Enqueue(FakeReply::Chat(std::string("```json\n") + kGoodKeys + "\n```"));
  server.Enqueue(FakeReply::Chat(std::string("Here are the key objects:\n") + kGoodKeys +
                                 "\nLet me know if you need more."));
  server.Enqueue(FakeReply::Chat(
      R"({"top_k":[{"id":77,"class":"bus","score":0.9,"rationale":"?"},{"id":9,"class":"traffic light","score":0.8,"rationale":"red"}],"missing_suspects":[]})"));
  OpenAiVlmBackend vlm(Options(server));
  CallRecord rec;
  EXPECT_EQ(vlm.SelectKeyObjects(KeyRequest(), &rec).key_objects.at(0).id, 7);
  EXPECT_EQ(rec.repairs, 0);
  EXPECT_EQ(vlm.SelectKeyObjects(KeyRequest(), &rec).key_objects.at(0).id, 7);
  EXPECT_EQ(rec.repairs, 0);
  KeyObjectAnswer a = vlm.SelectKeyObjects(KeyRequest(), &rec);
  ASSERT_EQ(a.key_objects.size(), 1u);
  EXPECT_EQ(a.key_objects[0].id, 9);
  EXPECT_EQ(rec.warnings, (std::vector<std::string>{"top_k[0]: id 77 was not offered; dropped"}));
  EXPECT_EQ(server.request_count(), 3);
}

TEST(OpenAiVlm, RepairPathSucceeds) {
  FakeOpenAiServer server;
  server.Enqueue(FakeReply::Chat(R"({"top_k":[{"id":"seven","score":1}]})", 100, 10));
  server.Enqueue(FakeReply::Chat(kGoodKeys, 150, 20));
  OpenAiVlmBackend vlm(Options(server));
  CallRecord rec;
  KeyObjectAnswer a = vlm.SelectKeyObjects(KeyRequest(), &rec);
  EXPECT_EQ(a.key_objects.at(0).id, 7);
  EXPECT_EQ(rec.repairs, 1);
  EXPECT_EQ(rec.prompt_tokens, 250);
  EXPECT_EQ(rec.completion_tokens, 30);
  EXPECT_EQ(rec.raw_answer, kGoodKeys);
  EXPECT_TRUE(rec.error.empty());
  EXPECT_EQ(rec.request["repair"]["first_answer"], R"({"top_k":[{"id":"seven","score":1}]})");
  ASSERT_EQ(server.request_count(), 2);
  const Json msgs = server.requests()[1].json["messages"];
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_EQ(msgs[1]["role"], "assistant");
  EXPECT_EQ(msgs[1]["content"], R"({"top_k":[{"id":"seven","score":1}]})");
  EXPECT_EQ(msgs[2]["role"], "user");
  std::string repair = msgs[2]["content"];
  EXPECT_NE(repair.find("top_k[0].id: must be an integer, got \"seven\""), std::string::npos)
      << repair;
  EXPECT_NE(repair.find("\"missing_suspects\""), std::string::npos);  // the schema is quoted
}

TEST(OpenAiVlm, FailsAfterOneRepairKeepingTheRawText) {
  FakeOpenAiServer server;
  server.Enqueue(FakeReply::Chat("I think the car matters."));
  server.Enqueue(FakeReply::Chat(R"({"top_k":[{"id":7,"score":)"));  // truncated JSON
  OpenAiVlmBackend vlm(Options(server));
  CallRecord rec;
  std::string err = ErrorOf([&] { vlm.SelectKeyObjects(KeyRequest(), &rec); });
  EXPECT_EQ(err,
            "key_objects_driving.txt: answer: invalid answer after one repair: answer: the JSON "
            "object is incomplete or malformed");
  EXPECT_EQ(rec.error, err);
  EXPECT_EQ(rec.repairs, 1);
  EXPECT_EQ(rec.raw_answer, R"({"top_k":[{"id":7,"score":)");
  EXPECT_EQ(rec.request["repair"]["first_answer"], "I think the car matters.");
  EXPECT_EQ(server.request_count(), 2);
}

TEST(OpenAiVlm, NoRepairWhenDisabled) {
  FakeOpenAiServer server;
  server.Enqueue(FakeReply::Chat("not json"));
  OpenAiVlmOptions o = Options(server);
  o.repair = false;
  OpenAiVlmBackend vlm(o);
  CallRecord rec;
  EXPECT_THROW(vlm.SelectKeyObjects(KeyRequest(), &rec), Error);
  EXPECT_EQ(rec.repairs, 0);
  EXPECT_EQ(rec.raw_answer, "not json");
  EXPECT_EQ(server.request_count(), 1);
}

TEST(OpenAiVlm, GlobalContextWithSeveralImages) {
  FakeOpenAiServer server;
  server.Enqueue(FakeReply::Chat(
      R"({"objects":[{"type":"Car","relevance":"safety_critical","description":"ahead"},{"type":"Traffic light","relevance":"traffic_control","description":"red"}],"description":"City driving at dusk."})"));
  OpenAiVlmBackend vlm(Options(server));
  CallRecord rec;
  GlobalContext c = vlm.QueryGlobalContext(ContextRequest(4), &rec);
  EXPECT_EQ(c.summary, "City driving at dusk.");
  EXPECT_EQ(c.VocabularyNames(), (std::vector<std::string>{"car", "traffic light"}));
  EXPECT_EQ(rec.template_name, "global_context_driving.txt");
  const Json content = server.requests()[0].json["messages"][0]["content"];
  ASSERT_EQ(content.size(), 5u);
  for (int i = 1; i < 5; ++i) EXPECT_EQ(content[i]["type"], "image_url");
  std::string text = content[0]["text"];
  EXPECT_NE(text.find("The 4 images"), std::string::npos);
  EXPECT_NE(text.find("0, 10, 20, 30"), std::string::npos);
  EXPECT_NE(text.find("traffic_control|navigation|safety_critical|context"), std::string::npos);
  EXPECT_EQ(server.requests()[0].json["response_format"]["json_schema"]["name"],
            "global_context");
}

TEST(OpenAiVlm, ImageLimitAndContextLengthErrorsSayWhatToDo) {
  FakeOpenAiServer server;
  server.Enqueue(FakeReply::Status(
      400,
      R"({"object":"error","message":"At most 4 image(s) may be provided in one request.","type":"BadRequestError","code":400})"));
  server.Enqueue(FakeReply::Status(
      400,
      R"({"error":{"message":"This model's maximum context length is 32768 tokens. However, you requested 40000 tokens.","type":"invalid_request_error"}})"));
  OpenAiVlmBackend vlm(Options(server));
  CallRecord rec;
  std::string e1 = ErrorOf([&] { vlm.QueryGlobalContext(ContextRequest(8), &rec); });
  EXPECT_NE(e1.find("HTTP 400: the server accepts at most 4 image(s) per prompt: send fewer"),
            std::string::npos)
      << e1;
  EXPECT_EQ(rec.error, e1);
  std::string e2 = ErrorOf([&] { vlm.QueryGlobalContext(ContextRequest(8), &rec); });
  EXPECT_NE(e2.find("context length: send fewer or smaller images"), std::string::npos) << e2;
  EXPECT_NE(e2.find("maximum context length is 32768"), std::string::npos) << e2;
  EXPECT_EQ(server.request_count(), 2);  // no retries on 400
}

TEST(OpenAiVlm, UnauthorisedNamesTheVariableNotTheKey) {
  FakeOpenAiServer server;
  server.Enqueue(FakeReply::Status(401, R"({"error":{"message":"Incorrect API key provided"}})"));
  setenv("AF_TEST_VLM_KEY2", "sk-very-secret-value", 1);
  OpenAiVlmOptions o = Options(server);
  o.api_key_env = "AF_TEST_VLM_KEY2";
  OpenAiVlmBackend vlm(o);
  CallRecord rec;
  std::string e = ErrorOf([&] { vlm.SelectKeyObjects(KeyRequest(), &rec); });
  unsetenv("AF_TEST_VLM_KEY2");
  EXPECT_NE(e.find("AF_TEST_VLM_KEY2"), std::string::npos) << e;
  EXPECT_NE(e.find("Incorrect API key provided"), std::string::npos) << e;
  EXPECT_EQ(e.find("very-secret"), std::string::npos);
  EXPECT_EQ(rec.ToJson().dump().find("very-secret"), std::string::npos);
  EXPECT_EQ(server.request_count(), 1);
}

TEST(OpenAiVlm, TransientFaultsAreRetriedAndCounted) {
  FakeOpenAiServer server;
  server.Enqueue(FakeReply::Status(429, R"({"error":{"message":"rate limited"}})")
                     .With("Retry-After", "0.05"));
  server.Enqueue(FakeReply::Status(503, R"({"error":"server busy"})"));
  FakeReply truncated = FakeReply::Chat(kGoodKeys);
  truncated.fault = FakeFault::kTruncateBody;
  server.Enqueue(truncated);
  FakeReply reset;
  reset.fault = FakeFault::kCloseConnection;
  server.Enqueue(reset);
  server.Enqueue(FakeReply::Chat(kGoodKeys).Delay(0.05));
  OpenAiVlmOptions o = Options(server);
  o.retry.max_attempts = 5;
  OpenAiVlmBackend vlm(o);
  CallRecord rec;
  KeyObjectAnswer a = vlm.SelectKeyObjects(KeyRequest(), &rec);
  EXPECT_EQ(a.key_objects.at(0).id, 7);
  EXPECT_EQ(rec.retries, 4);
  EXPECT_GE(rec.latency_ms, 100);  // Retry-After 0.05 s + 0.05 s latency
  EXPECT_LT(rec.latency_ms, 3000);
  EXPECT_EQ(server.request_count(), 5);
}

TEST(OpenAiVlm, SlowBodyTimesOutAndMalformedBodyIsAnError) {
  FakeOpenAiServer server;
  FakeReply slow = FakeReply::Chat(kGoodKeys);
  slow.fault = FakeFault::kSlowBody;
  slow.slow_body_s = 1.0;
  server.Enqueue(slow);
  server.Enqueue(FakeReply::Status(200, "{\"choices\": [ oops"));
  OpenAiVlmOptions o = Options(server);
  o.total_timeout_s = 0.2;
  o.retry.max_attempts = 1;
  OpenAiVlmBackend vlm(o);
  CallRecord rec;
  try {
    vlm.SelectKeyObjects(KeyRequest(), &rec);
    FAIL();
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), TransportErrorKind::kTimeout);
  }
  EXPECT_NE(rec.error.find("timeout"), std::string::npos);
  std::string e = ErrorOf([&] { vlm.SelectKeyObjects(KeyRequest(), &rec); });
  EXPECT_NE(e.find("not JSON"), std::string::npos) << e;
}

TEST(OpenAiVlm, BoundsInFlightRequestsPerEndpoint) {
  FakeOpenAiServer server;
  server.SetDefault([](const testing::ReceivedRequest&) {
    return FakeReply::Chat(kGoodKeys).Delay(0.05);
  });
  OpenAiVlmOptions o = Options(server);
  o.max_in_flight = 3;
  OpenAiVlmBackend vlm(o);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 3; ++i) ok += vlm.SelectKeyObjects(KeyRequest(), nullptr).key_objects.size();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 24);
  EXPECT_EQ(server.request_count(), 24);
  EXPECT_LE(server.max_concurrent(), 3);
  EXPECT_EQ(vlm.client().pool().peak_in_flight(), 3);
  EXPECT_EQ(vlm.client().pool().in_flight(0), 0);
}

TEST(OpenAiVlm, SpreadsOverEndpoints) {
  FakeOpenAiServer a, b;
  for (auto* s : {&a, &b}) {
    s->SetDefault([](const testing::ReceivedRequest&) { return FakeReply::Chat(kGoodKeys); });
  }
  OpenAiVlmOptions o = Options(a);
  o.extra_base_urls = {b.base_url() + "/"};
  OpenAiVlmBackend rr(o);
  for (int i = 0; i < 6; ++i) rr.SelectKeyObjects(KeyRequest(), nullptr);
  EXPECT_EQ(a.request_count(), 3);
  EXPECT_EQ(b.request_count(), 3);

  // Least-busy: the endpoint with fewer requests in flight wins; a full pool makes callers wait.
  EndpointPool pool({"x", "y"}, 2, /*least_busy=*/true);
  auto l1 = pool.Acquire();
  auto l2 = pool.Acquire();
  EXPECT_NE(l1.index(), l2.index());
  auto l3 = pool.Acquire();
  {
    auto l4 = pool.Acquire();
    EXPECT_EQ(pool.in_flight(0) + pool.in_flight(1), 4);
    std::atomic<bool> stop{false};
    std::thread t([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(60));
      stop = true;
    });
    EXPECT_THROW(pool.Acquire(StopOnFlag(stop)), Cancelled);  // all slots taken
    t.join();
  }
  EXPECT_EQ(pool.Acquire().index(), l3.index() == 0 ? 1u : 0u);
}

TEST(OpenAiVlm, OptionsCheck) {
  OpenAiVlmOptions o;
  EXPECT_NO_THROW(o.Check());
  EXPECT_EQ(NormaliseBaseUrl("http://h:8000/v1/"), "http://h:8000");
  EXPECT_EQ(NormaliseBaseUrl("http://h:8000/"), "http://h:8000");
  auto check = [](auto mutate) {
    OpenAiVlmOptions x;
    mutate(x);
    return ErrorOf([&] { x.Check(); });
  };
  std::string e = check([](OpenAiVlmOptions& x) { x.api_key_env = "sk-abc123-not-a-name"; });
  EXPECT_NE(e.find("api_key_env"), std::string::npos);
  EXPECT_EQ(e.find("abc123"), std::string::npos);
  EXPECT_NE(check([](OpenAiVlmOptions& x) { x.base_url = "localhost:8000"; }).find("base_url"),
            std::string::npos);
  EXPECT_NE(check([](OpenAiVlmOptions& x) { x.max_in_flight = 0; }).find("max_in_flight"),
            std::string::npos);
  EXPECT_NE(check([](OpenAiVlmOptions& x) { x.endpoint_selection = "random"; })
                .find("endpoint_selection"),
            std::string::npos);
  EXPECT_NE(check([](OpenAiVlmOptions& x) { x.domain = "cooking"; }).find("domain"),
            std::string::npos);
  EXPECT_NE(check([](OpenAiVlmOptions& x) { x.jpeg_quality = 0; }).find("jpeg_quality"),
            std::string::npos);
  EXPECT_NE(check([](OpenAiVlmOptions& x) { x.retry.max_attempts = 0; }).find("max_attempts"),
            std::string::npos);
}

TEST(OpenAiVlm, PromptOverrideAndManipulationDomain) {
  FakeOpenAiServer server;
  server.Enqueue(FakeReply::Chat(
      R"({"top_k":[{"id":3,"class":"gripper","score":0.9,"rationale":"grasping"}],"missing_suspects":[]})"));
  testing::TempDir dir;
  testing::WriteText(dir / "key_objects_manipulation.txt",
                     "Custom: {{candidates}} | {{action}} | {{max_key_objects}}");
  OpenAiVlmOptions o = Options(server);
  o.prompt_dir = dir.path().string();
  o.domain = "manipulation";
  o.max_key_objects = 2;
  OpenAiVlmBackend vlm(o);
  KeyObjectRequest r = KeyRequest();
  r.candidates = {{3, "gripper", {0, 0, 32, 18}}};
  r.action = {1.f};
  r.action_names = {};
  CallRecord rec;
  vlm.SelectKeyObjects(r, &rec);
  EXPECT_EQ(server.requests()[0].json["messages"][0]["content"][0]["text"],
            "Custom: - id:3, class:gripper, bbox:[0.000,0.000,0.100,0.100] | a0=1.000 | 2");
  EXPECT_EQ(rec.template_name, "key_objects_manipulation.txt");
  EXPECT_EQ(rec.template_hash,
            Sha256Hex("Custom: {{candidates}} | {{action}} | {{max_key_objects}}"));

  testing::WriteText(dir / "key_objects_driving.txt", "Broken {{no_such_value}}");
  o.domain = "driving";
  OpenAiVlmBackend broken(o);
  std::string e = ErrorOf([&] { broken.SelectKeyObjects(KeyRequest(), nullptr); });
  EXPECT_NE(e.find("key_objects_driving.txt"), std::string::npos) << e;
  EXPECT_NE(e.find("{{no_such_value}}"), std::string::npos) << e;
}

}  // namespace
}  // namespace autofocus

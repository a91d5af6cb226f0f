#include "core/detect/qwen_grounding_detector.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "core/base/error.h"
#include "core/base/hash.h"
#include "core/detect/detector_factory.h"
#include "tests/vlm/fake_openai_server.h"

namespace autofocus {
namespace {

using testing::FakeOpenAiServer;
using testing::FakeReply;

QwenGroundingOptions Options(const FakeOpenAiServer& server) {
  QwenGroundingOptions o;
  o.chat.base_url = server.base_url();
  o.chat.model = "qwen2.5-vl-test";
  o.chat.retry.base_delay_s = 0.001;
  o.chat.retry.max_delay_s = 0.01;
  o.chat.connect_timeout_s = 2;
  o.chat.total_timeout_s = 5;
  return o;
}

// 300x200: smart_resize sends 308x196 (11 and 7 blocks of 28), so x scales by 300/308 and y by
// 200/196 on the way back.
DetectRequest Request() {
  DetectRequest r;
  r.episode = "ep1";
  r.frame_index = 3;
  r.image = cv::Mat(200, 300, CV_8UC3, cv::Scalar(20, 40, 60));
  r.vocabulary = {"Car", "traffic light"};
  return r;
}

const char* kAnswer =
    "Here are the objects:\n```json\n[\n"
    "  {\"bbox_2d\": [0, 0, 154, 98], \"label\": \"car\"},\n"
    "  {\"bbox_2d\": [308, 196, 231, 147], \"label\": \"Traffic Light\"},\n"
    "  {\"bbox_2d\": [154, 49, 400, 98], \"label\": \"cars\"},\n"
    "  {\"bbox_2d\": [10, 10, 20, 20], \"label\": \"dog\"},\n"
    "  {\"bbox_2d\": [10, 10, 20], \"label\": \"car\"}\n"
    "]\n```\nLet me know if you need more.";

void ExpectBox(const Detection& d, const std::string& label, Box box) {
  EXPECT_EQ(d.label, label);
  EXPECT_FLOAT_EQ(d.box.x1, box.x1);
  EXPECT_FLOAT_EQ(d.box.y1, box.y1);
  EXPECT_FLOAT_EQ(d.box.x2, box.x2);
  EXPECT_FLOAT_EQ(d.box.y2, box.y2);
  EXPECT_FLOAT_EQ(d.score, 1.f);
}

TEST(QwenGroundingDetector, MapsResizedPixelsBackSwapsAndClamps) {
  FakeOpenAiServer server;
  server.Enqueue(FakeReply::Chat(kAnswer, 321, 45));
  QwenGroundingDetector detector(Options(server));
  EXPECT_EQ(detector.Kind(), "qwen-grounding");
  EXPECT_EQ(detector.Model(), "qwen2.5-vl-test");
  CallRecord record;
  const auto dets = detector.Detect(Request(), &record);

  ASSERT_EQ(dets.size(), 3u);
  ExpectBox(dets[0], "car", {0, 0, 150, 100});
  // Inverted corners are swapped: (300,200)-(225,150) -> (225,150)-(300,200).
  ExpectBox(dets[1], "traffic light", {225, 150, 300, 200});
  // x2 = 400 * 300/308 = 389.6 is clamped to the 300 px width; "cars" means "car".
  ExpectBox(dets[2], "car", {150, 50, 300, 100});

  ASSERT_EQ(record.warnings.size(), 2u);
  EXPECT_NE(record.warnings[0].find("dog"), std::string::npos);
  EXPECT_NE(record.warnings[1].find("bbox_2d"), std::string::npos);
  EXPECT_EQ(record.backend, "qwen-grounding");
  EXPECT_EQ(record.raw_answer, kAnswer);
  EXPECT_EQ(record.prompt_tokens, 321);
  EXPECT_EQ(record.completion_tokens, 45);
  EXPECT_EQ(record.parsed.size(), 3u);
  EXPECT_EQ(record.cache_key.size(), 64u);
}

TEST(QwenGroundingDetector, RequestShape) {
  FakeOpenAiServer server;
  server.Enqueue(FakeReply::Chat("[]"));
  QwenGroundingDetector detector(Options(server));
  CallRecord record;
  EXPECT_TRUE(detector.Detect(Request(), &record).empty());

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/v1/chat/completions");
  const Json& body = requests[0].json;
  EXPECT_EQ(body["model"], "qwen2.5-vl-test");
  EXPECT_EQ(body["temperature"], 0);
  EXPECT_TRUE(body.contains("seed"));
  EXPECT_FALSE(body.contains("response_format"));
  const Json& content = body["messages"][0]["content"];
  ASSERT_EQ(content.size(), 2u);
  const std::string text = content[0]["text"];
  EXPECT_NE(text.find("categories in the image: car, traffic light."), std::string::npos) << text;
  EXPECT_NE(text.find("bbox_2d"), std::string::npos);
  const std::string url = content[1]["image_url"]["url"];
  const std::string prefix = "data:image/jpeg;base64,";
  ASSERT_EQ(url.rfind(prefix, 0), 0u);
  const std::string jpeg = Base64Decode(url.substr(prefix.size()));
  const cv::Mat sent = cv::imdecode(std::vector<uchar>(jpeg.begin(), jpeg.end()), cv::IMREAD_COLOR);
  EXPECT_EQ(sent.cols, 308);
  EXPECT_EQ(sent.rows, 196);
  // The record keeps the image hash, not the bytes.
  EXPECT_EQ(record.request["messages"][0]["content"][1]["image_url"]["url"],
            "sha256:" + Sha256Hex(jpeg));
}

TEST(QwenGroundingDetector, RetriesAndErrors) {
  FakeOpenAiServer server;
  server.Enqueue(FakeReply::Status(503, R"({"object":"error","message":"server busy"})"));
  server.Enqueue(FakeReply::Chat(R"([{"bbox_2d": [0, 0, 154, 98], "label": "car"}])"));
  // Three unusable answers: the first, the repair turn's and the fresh request's.
  server.Enqueue(FakeReply::Chat("I cannot see any objects."));
  server.Enqueue(FakeReply::Chat("Still no list, sorry."));
  server.Enqueue(FakeReply::Chat("Nothing here."));
  server.Enqueue(FakeReply::Status(400, R"({"error":{"message":"bad image"}})"));
  QwenGroundingDetector detector(Options(server));
  CallRecord record;
  const auto dets = detector.Detect(Request(), &record);
  ASSERT_EQ(dets.size(), 1u);
  EXPECT_EQ(record.retries, 1);
  EXPECT_EQ(record.repairs, 0);

  CallRecord prose;
  try {
    detector.Detect(Request(), &prose);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "answer");
    EXPECT_NE(std::string(e.what()).find("after 2 more attempt(s)"), std::string::npos) << e.what();
  }
  EXPECT_EQ(prose.raw_answer, "Nothing here.");
  EXPECT_EQ(prose.repairs, 1);
  EXPECT_FALSE(prose.error.empty());
  EXPECT_EQ(server.request_count(), 5);
  // A client error is not an answer to repair: no further request.
  EXPECT_THROW(detector.Detect(Request(), nullptr), Error);
  EXPECT_EQ(server.request_count(), 6);
}

TEST(QwenGroundingDetector, RepairTurnRecoversABadAnswer) {
  FakeOpenAiServer server;
  server.Enqueue(FakeReply::Chat("Sure! I see a car on the left."));
  server.Enqueue(FakeReply::Chat(R"(```json
[{"bbox_2d": [0, 0, 154, 98], "label": "car"}]
```)"));
  QwenGroundingDetector detector(Options(server));
  CallRecord record;
  const auto dets = detector.Detect(Request(), &record);
  ASSERT_EQ(dets.size(), 1u);
  EXPECT_EQ(record.repairs, 1);
  ASSERT_EQ(server.request_count(), 2);
  // The repair turn replays the conversation: the model sees its own answer and what was wrong.
  const Json msgs = server.requests()[1].json["messages"];
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_EQ(msgs[1]["role"], "assistant");
  EXPECT_EQ(msgs[1]["content"], "Sure! I see a car on the left.");
  EXPECT_EQ(msgs[2]["role"], "user");
  EXPECT_NE(msgs[2]["content"].get<std::string>().find("no JSON list of boxes"), std::string::npos);
  EXPECT_FALSE(record.warnings.empty());
}

TEST(QwenGroundingDetector, FreshRequestAfterAFailedRepair) {
  FakeOpenAiServer server;
  server.Enqueue(FakeReply::Chat("no"));
  server.Enqueue(FakeReply::Chat("still no"));
  server.Enqueue(FakeReply::Chat(R"([{"bbox_2d": [0, 0, 154, 98], "label": "car"}])"));
  QwenGroundingDetector detector(Options(server));
  const auto dets = detector.Detect(Request(), nullptr);
  EXPECT_EQ(dets.size(), 1u);
  ASSERT_EQ(server.request_count(), 3);
  // The third request is the original question again, not a longer conversation.
  EXPECT_EQ(server.requests()[2].json["messages"], server.requests()[0].json["messages"]);
}

TEST(QwenGroundingDetector, EmptyVocabularyMakesNoCall) {
  FakeOpenAiServer server;
  QwenGroundingDetector detector(Options(server));
  auto req = Request();
  req.vocabulary.clear();
  EXPECT_TRUE(detector.Detect(req, nullptr).empty());
  EXPECT_EQ(server.request_count(), 0);
}

TEST(QwenGroundingDetector, ParseAnswerVariants) {
  EncodedImage sent;
  sent.width = 100;
  sent.height = 50;
  sent.original_width = 200;
  sent.original_height = 100;
  const std::vector<std::string> vocab = {"cup"};
  // A bare object, unlabelled with a one-class vocabulary.
  auto p = QwenGroundingDetector::ParseAnswer(R"({"bbox_2d": [10, 5, 20, 10]})", sent, vocab, 0.5f,
                                              "test");
  ASSERT_EQ(p.detections.size(), 1u);
  EXPECT_EQ(p.detections[0].box, (Box{20, 10, 40, 20}));
  EXPECT_EQ(p.detections[0].label, "cup");
  EXPECT_FLOAT_EQ(p.detections[0].score, 0.5f);
  // A wrapped list after prose that has brackets of its own.
  p = QwenGroundingDetector::ParseAnswer(
      R"(Note "[x]": {"objects": [{"bbox_2d": [0, 0, 50, 25], "label": "Cups"}]})", sent, vocab,
      1.f, "test");
  ASSERT_EQ(p.detections.size(), 1u);
  EXPECT_EQ(p.detections[0].box, (Box{0, 0, 100, 50}));
  // A box entirely outside the image is empty after clamping and dropped.
  p = QwenGroundingDetector::ParseAnswer(R"([{"bbox_2d": [120, 0, 130, 10], "label": "cup"}])",
                                         sent, vocab, 1.f, "test");
  EXPECT_TRUE(p.detections.empty());
  EXPECT_EQ(p.warnings.size(), 1u);
  try {
    QwenGroundingDetector::ParseAnswer("```json\n[{\"bbox_2d\": [1, 2\n```", sent, vocab, 1.f,
                                       "http://x/v1/chat/completions");
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), "http://x/v1/chat/completions");
    EXPECT_EQ(e.where(), "answer");
  }
}

TEST(QwenGroundingDetector, FromConfig) {
  FakeOpenAiServer server;
  server.Enqueue(FakeReply::Chat(R"([{"bbox_2d": [0, 0, 154, 98], "label": "car"}])"));
  auto d = MakeDetector({{"kind", "qwen"},
                         {"base_url", server.base_url() + "/v1"},
                         {"model", "qwen-x"},
                         {"score", 0.8},
                         {"prompt", "Find {classes}. Answer bbox_2d JSON."},
                         {"retry", {{"max_attempts", 1}}}});
  EXPECT_EQ(d->Kind(), "qwen-grounding");
  EXPECT_EQ(d->Model(), "qwen-x");
  const auto dets = d->Detect(Request(), nullptr);
  ASSERT_EQ(dets.size(), 1u);
  EXPECT_FLOAT_EQ(dets[0].score, 0.8f);
  EXPECT_EQ(server.requests()[0].json["messages"][0]["content"][0]["text"],
            "Find car, traffic light. Answer bbox_2d JSON.");

  DetectorConfigContext context;
  context.origin = "cfg.json";
  try {
    MakeDetector({{"kind", "qwen"}, {"prompt", "no placeholder"}}, context);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), "cfg.json");
    EXPECT_EQ(e.where(), "detector.prompt");
  }
  try {
    MakeDetector({{"kind", "qwen"}, {"max_pixels", 10}}, context);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "detector.max_pixels");
  }
}

}  // namespace
}  // namespace autofocus

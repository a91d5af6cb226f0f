#include "core/detect/roboflow_detector.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <opencv2/imgcodecs.hpp>

#include "core/base/error.h"
#include "core/base/hash.h"
#include "tests/detect/loopback_server.h"

namespace autofocus {
namespace {

// A scripted Grounding DINO server: answers the queued (status, body) pairs in order (the last
// one repeats) and keeps every request body.
class FakeGdino {
 public:
  FakeGdino() {
    server_.server().Post("/grounding_dino/infer",
                          [this](const httplib::Request& req, httplib::Response& res) {
                            std::lock_guard<std::mutex> lock(mutex_);
                            bodies_.push_back(req.body);
                            content_types_.push_back(req.get_header_value("Content-Type"));
                            const size_t i = std::min(bodies_.size() - 1, answers_.size() - 1);
                            res.status = answers_[i].first;
                            res.set_content(answers_[i].second, "application/json");
                          });
    server_.Start();
  }
  void Answer(int status, std::string body) {
    std::lock_guard<std::mutex> lock(mutex_);
    answers_.emplace_back(status, std::move(body));
  }
  std::vector<std::string> Bodies() {
    std::lock_guard<std::mutex> lock(mutex_);
    return bodies_;
  }
  std::string ContentType(size_t i) {
    std::lock_guard<std::mutex> lock(mutex_);
    return content_types_.at(i);
  }
  std::string url() const { return server_.url(); }

 private:
  testing::LoopbackServer server_;
  std::mutex mutex_;
  std::vector<std::pair<int, std::string>> answers_;
  std::vector<std::string> bodies_;
  std::vector<std::string> content_types_;
};

RoboflowDetectorOptions Options(const std::string& url) {
  RoboflowDetectorOptions o;
  o.base_url = url + "/";  // a trailing slash is tolerated
  o.retry.base_delay_s = 0.001;
  o.retry.max_delay_s = 0.002;
  o.retry.max_attempts = 3;
  o.total_timeout_s = 10;
  return o;
}

DetectRequest Request() {
  DetectRequest r;
  r.episode = "ep0";
  r.frame_index = 7;
  r.image = cv::Mat(100, 200, CV_8UC3, cv::Scalar(30, 60, 90));  // 200 wide, 100 high
  r.vocabulary = {"Car", " traffic light", "car"};
  return r;
}

const char* kTwoBoxes = R"({
  "predictions": [
    {"x": 50, "y": 40, "width": 20, "height": 10, "confidence": 0.8, "class": "Car", "class_id": 0},
    {"x": 195, "y": 95, "width": 20, "height": 20, "confidence": 0.5, "class": "traffic light", "class_id": 1},
    {"x": 10, "y": 10, "width": 4, "height": 4, "confidence": 0.9, "class": "dog", "class_id": 2}
  ],
  "image": {"width": 200, "height": 100}
})";

TEST(RoboflowDetector, RequestShapeAndCentreToCorners) {
  FakeGdino server;
  server.Answer(200, kTwoBoxes);
  RoboflowGroundingDinoDetector detector(Options(server.url()));
  EXPECT_EQ(detector.Kind(), "roboflow-gdino");
  CallRecord record;
  const auto dets = detector.Detect(Request(), &record);

  const auto bodies = server.Bodies();
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(server.ContentType(0), "application/json");
  const Json body = Json::parse(bodies[0]);
  EXPECT_EQ(body["image"]["type"], "base64");
  const std::string jpeg = Base64Decode(body["image"]["value"].get<std::string>());
  const cv::Mat decoded =
      cv::imdecode(std::vector<uchar>(jpeg.begin(), jpeg.end()), cv::IMREAD_COLOR);
  EXPECT_EQ(decoded.cols, 200);
  EXPECT_EQ(decoded.rows, 100);
  EXPECT_EQ(body["text"], Json({"car", "traffic light"}));
  EXPECT_EQ(body["box_threshold"], 0.35);
  EXPECT_EQ(body["text_threshold"], 0.25);
  EXPECT_EQ(body["class_agnostic_nms"], false);
  EXPECT_FALSE(body.contains("api_key"));

  ASSERT_EQ(dets.size(), 2u);
  EXPECT_EQ(dets[0].label, "car");
  EXPECT_EQ(dets[0].box, (Box{40, 35, 60, 45}));
  EXPECT_FLOAT_EQ(dets[0].score, 0.8f);
  EXPECT_EQ(dets[1].label, "traffic light");
  EXPECT_EQ(dets[1].box, (Box{185, 85, 200, 100}));  // (205,105) clamped to the image

  // The record: image replaced by its hash, the raw answer, the dropped label flagged.
  EXPECT_EQ(record.backend, "roboflow-gdino");
  EXPECT_EQ(record.request["image"]["value"], "sha256:" + Sha256Hex(jpeg));
  EXPECT_EQ(record.request["text"], body["text"]);
  EXPECT_EQ(record.raw_answer, kTwoBoxes);
  EXPECT_EQ(record.retries, 0);
  ASSERT_EQ(record.warnings.size(), 1u);
  EXPECT_NE(record.warnings[0].find("dog"), std::string::npos);
  EXPECT_EQ(record.parsed.size(), 2u);
  EXPECT_GT(record.latency_ms, 0.0);
}

TEST(RoboflowDetector, ThresholdsAndKeyFromTheNamedVariable) {
  FakeGdino server;
  server.Answer(200, R"({"predictions": []})");
  auto options = Options(server.url());
  options.box_threshold = 0.4;
  options.text_threshold = 0.3;
  options.class_agnostic_nms = true;
  options.api_key_env = "AUTOFOCUS_TEST_ROBOFLOW_KEY";
  ::setenv("AUTOFOCUS_TEST_ROBOFLOW_KEY", "s3cr3t-key", 1);
  RoboflowGroundingDinoDetector detector(options);
  CallRecord record;
  EXPECT_TRUE(detector.Detect(Request(), &record).empty());
  ::unsetenv("AUTOFOCUS_TEST_ROBOFLOW_KEY");
  EXPECT_TRUE(detector.Detect(Request(), nullptr).empty());

  const auto bodies = server.Bodies();
  ASSERT_EQ(bodies.size(), 2u);
  const Json first = Json::parse(bodies[0]);
  EXPECT_EQ(first["box_threshold"], 0.4);
  EXPECT_EQ(first["text_threshold"], 0.3);
  EXPECT_EQ(first["class_agnostic_nms"], true);
  EXPECT_EQ(first["api_key"], "s3cr3t-key");
  EXPECT_FALSE(Json::parse(bodies[1]).contains("api_key"));
  // The key never reaches the record.
  EXPECT_EQ(record.ToJson().dump().find("s3cr3t-key"), std::string::npos);
}

TEST(RoboflowDetector, ScalesWhenTheServerReportsAnotherSize) {
  FakeGdino server;
  server.Answer(200, R"({"predictions": [{"x": 100, "y": 80, "width": 40, "height": 20,
    "confidence": 0.6, "class": "car", "class_id": 0}], "image": {"width": 400, "height": 200}})");
  RoboflowGroundingDinoDetector detector(Options(server.url()));
  const auto dets = detector.Detect(Request(), nullptr);
  ASSERT_EQ(dets.size(), 1u);
  EXPECT_EQ(dets[0].box, (Box{40, 35, 60, 45}));
}

TEST(RoboflowDetector, RetriesA503ThenSucceeds) {
  FakeGdino server;
  server.Answer(503, R"({"message": "server busy"})");
  server.Answer(200, kTwoBoxes);
  RoboflowGroundingDinoDetector detector(Options(server.url()));
  CallRecord record;
  const auto dets = detector.Detect(Request(), &record);
  EXPECT_EQ(server.Bodies().size(), 2u);
  EXPECT_EQ(record.retries, 1);
  ASSERT_EQ(dets.size(), 2u);
  EXPECT_EQ(dets[0].box, (Box{40, 35, 60, 45}));
}

TEST(RoboflowDetector, ClientErrorsAreNotRetried) {
  FakeGdino server;
  server.Answer(422, R"({"error": {"message": "text must not be empty"}})");
  RoboflowGroundingDinoDetector detector(Options(server.url()));
  CallRecord record;
  try {
    detector.Detect(Request(), &record);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "HTTP 422");
    EXPECT_EQ(e.reason(), "text must not be empty");
    EXPECT_EQ(e.file(), server.url() + "/grounding_dino/infer");
  }
  EXPECT_EQ(server.Bodies().size(), 1u);
  EXPECT_FALSE(record.error.empty());
}

TEST(RoboflowDetector, MalformedBodiesAreErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"predictions\": [", "line 1"},
      {R"({"detections": []})", "predictions"},
      {R"({"predictions": {}})", "predictions"},
      {R"({"predictions": [{"x": "1", "y": 2, "width": 3, "height": 4, "confidence": 1, "class": "car"}]})",
       "predictions[0].x"},
      {R"({"predictions": [{"x": 1, "y": 2, "width": 3, "height": 4, "confidence": 1}]})",
       "predictions[0].class"}};
  for (const auto& [body, where] : cases) {
    FakeGdino server;
    server.Answer(200, body);
    server.Answer(200, body);  // the fresh request after a malformed answer gets the same
    RoboflowGroundingDinoDetector detector(Options(server.url()));
    CallRecord record;
    try {
      detector.Detect(Request(), &record);
      ADD_FAILURE() << "expected Error for " << body;
    } catch (const Error& e) {
      EXPECT_EQ(e.file(), server.url() + "/grounding_dino/infer");
      EXPECT_EQ(e.where().rfind(where, 0), 0u) << e.what();
    }
    EXPECT_EQ(record.raw_answer, body);  // kept for the audit trail
    EXPECT_EQ(server.Bodies().size(), 2u);
  }
}

// One malformed 200 (a proxy's HTML page) costs one more request, not the frame.
TEST(RoboflowDetector, AMalformedAnswerIsAskedOnceMore) {
  FakeGdino server;
  server.Answer(200, "<html><body>502 Bad Gateway</body></html>");
  server.Answer(200, kTwoBoxes);
  RoboflowGroundingDinoDetector detector(Options(server.url()));
  CallRecord record;
  const auto dets = detector.Detect(Request(), &record);
  ASSERT_EQ(dets.size(), 2u);
  EXPECT_EQ(server.Bodies().size(), 2u);
  EXPECT_EQ(server.Bodies()[0], server.Bodies()[1]);
  EXPECT_TRUE(record.error.empty()) << record.error;
  EXPECT_EQ(record.retries, 1);
  ASSERT_FALSE(record.warnings.empty());
  EXPECT_EQ(record.warnings.back(), "the first answer was malformed; a fresh request was answered");
}

TEST(RoboflowDetector, EmptyVocabularyMakesNoCall) {
  FakeGdino server;
  server.Answer(200, kTwoBoxes);
  RoboflowGroundingDinoDetector detector(Options(server.url()));
  auto req = Request();
  req.vocabulary.clear();
  EXPECT_TRUE(detector.Detect(req, nullptr).empty());
  EXPECT_TRUE(server.Bodies().empty());
}

TEST(RoboflowDetector, ConnectionRefusedIsAnError) {
  // Bind a server to get a free port, then shut it so nothing listens there.
  std::string url;
  {
    FakeGdino server;
    url = server.url();
  }
  auto options = Options(url);
  options.retry.max_attempts = 2;
  RoboflowGroundingDinoDetector detector(options);
  CallRecord record;
  EXPECT_THROW(detector.Detect(Request(), &record), Error);
  EXPECT_EQ(record.retries, 1);
}

TEST(RoboflowDetector, OptionsFromJson) {
  const auto o = RoboflowDetectorOptions::FromJson({{"kind", "roboflow"},
                                                    {"base_url", "http://gpu:9001"},
                                                    {"box_threshold", 0.4},
                                                    {"api_key_env", "RF_KEY"},
                                                    {"retry", {{"max_attempts", 6}}}},
                                                   "cfg.json");
  EXPECT_EQ(o.base_url, "http://gpu:9001");
  EXPECT_EQ(o.box_threshold, 0.4);
  EXPECT_EQ(o.text_threshold, 0.25);
  EXPECT_EQ(o.api_key_env, "RF_KEY");
  EXPECT_EQ(o.retry.max_attempts, 6);
  try {
    RoboflowDetectorOptions::FromJson({{"retry", {{"max_attempts", 0}}}}, "cfg.json");
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), "cfg.json");
    EXPECT_EQ(e.where(), "roboflow.retry.max_attempts");
  }
  EXPECT_THROW(RoboflowDetectorOptions::FromJson({{"base_url", "gpu:9001"}}, "cfg.json"), Error);
  EXPECT_THROW(RoboflowDetectorOptions::FromJson({{"box_treshold", 0.3}}, "cfg.json"), Error);
}

}  // namespace
}  // namespace autofocus

// `autofocus doctor` against the loopback fake OpenAI/Roboflow server: every failure class
// prints its actionable line and the exit code says whether everything passed.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <memory>

#include "core/base/error.h"
#include "core/exchange/endpoint_doctor.h"
#include "tests/support/test_support.h"
#include "tests/vlm/fake_openai_server.h"

namespace autofocus {
namespace {
using testing::FakeOpenAiServer;
using testing::FakeReply;
using testing::ReceivedRequest;
using testing::RunCli;
using testing::RunResult;
using testing::TempDir;

constexpr const char* kKeyVar = "AUTOFOCUS_DOCTOR_TEST_KEY";
constexpr const char* kUnsetVar = "AUTOFOCUS_DOCTOR_TEST_UNSET_KEY";

int ImageParts(const ReceivedRequest& r) {
  int n = 0;
  for (const Json& part : r.json["messages"][0]["content"]) n += part["type"] == "image_url";
  return n;
}

// A healthy server: lists "qwen-vl", answers the colour question, runs Grounding DINO.
std::unique_ptr<FakeOpenAiServer> HealthyServer() {
  auto s = std::make_unique<FakeOpenAiServer>();
  s->SetModels({"qwen-vl"});
  s->Route("/v1/chat/completions", [](const ReceivedRequest&) {
    return FakeReply::Chat("{\"color\": \"red\"}");
  });
  s->Route("/grounding_dino/infer", [](const ReceivedRequest&) {
    FakeReply r;
    r.body = R"({"predictions":[{"x":28,"y":28,"width":28,"height":28,"confidence":0.9,)"
             R"("class":"red square","class_id":0}],"image":{"width":56,"height":56}})";
    return r;
  });
  return s;
}

std::vector<std::string> VlmArgs(const FakeOpenAiServer& s) {
  return {"doctor", "--vlm-url", s.base_url(), "--vlm-model", "qwen-vl"};
}

bool Has(const RunResult& r, const std::string& text) {
  return r.out.find(text) != std::string::npos;
}

class Doctor : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv(kKeyVar, "sk-test-secret-123", 1);
    ::unsetenv(kUnsetVar);
  }
  void TearDown() override { ::unsetenv(kKeyVar); }
};

TEST_F(Doctor, AllChecksPassAgainstAHealthyServer) {
  auto s = HealthyServer();
  auto args = VlmArgs(*s);
  args[2] = s->base_url() + "/v1/";  // a base URL with /v1 is accepted
  for (const char* a : {"--vlm-key-env", kKeyVar, "--detector", "roboflow", "--detector-url"}) {
    args.push_back(a);
  }
  args.push_back(s->base_url());
  const RunResult r = RunCli(args);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Has(r, "OK    vlm.key          AUTOFOCUS_DOCTOR_TEST_KEY is set (value not shown)"))
      << r.out;
  EXPECT_TRUE(Has(r, "OK    vlm.reachable    " + s->base_url() + " answered (HTTP 200")) << r.out;
  EXPECT_TRUE(Has(r, "OK    vlm.model        model 'qwen-vl' is served")) << r.out;
  EXPECT_TRUE(Has(r, "OK    vlm.structured   structured call with 1 image round-tripped in "))
      << r.out;
  EXPECT_TRUE(Has(r, "(answer: {\"color\":\"red\"})")) << r.out;
  EXPECT_TRUE(Has(r, "OK    detector.infer   grounding_dino answered with 1 prediction(s)"))
      << r.out;
  EXPECT_TRUE(Has(r, "all checks passed")) << r.out;
  EXPECT_EQ(r.out.find("sk-test-secret-123"), std::string::npos);  // the key is never printed

  // The structured call has the documented shape.
  const auto reqs = s->requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].path, "/v1/models");
  EXPECT_EQ(reqs[0].headers.at("authorization"), "Bearer sk-test-secret-123");
  const ReceivedRequest& chat = reqs[1];
  EXPECT_EQ(chat.path, "/v1/chat/completions");
  EXPECT_EQ(chat.json["model"], "qwen-vl");
  EXPECT_EQ(chat.json["temperature"], 0);
  EXPECT_EQ(chat.json["response_format"]["type"], "json_schema");
  EXPECT_EQ(chat.json["response_format"]["json_schema"]["schema"]["required"], Json({"color"}));
  EXPECT_EQ(ImageParts(chat), 1);
  const std::string url = chat.json["messages"][0]["content"][1]["image_url"]["url"];
  EXPECT_EQ(url.rfind("data:image/jpeg;base64,/9j/", 0), 0u) << url.substr(0, 40);  // a JPEG
  const ReceivedRequest& det = reqs[2];
  EXPECT_EQ(det.path, "/grounding_dino/infer");
  EXPECT_EQ(det.json["image"]["type"], "base64");
  EXPECT_EQ(det.json["text"], Json({"red square"}));
  EXPECT_EQ(det.json["box_threshold"], 0.35);
}

TEST_F(Doctor, ConnectionRefusedSaysWrongUrlOrServerDown) {
  std::string url;
  {
    FakeOpenAiServer gone;  // a port that was just free and is closed again
    url = gone.base_url();
  }
  const RunResult r = RunCli({"doctor", "--vlm-url", url, "--vlm-model", "qwen-vl"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Has(r, "FAIL  vlm.reachable    cannot connect to " + url)) << r.out;
  EXPECT_TRUE(Has(r, "-> wrong base URL or server not running")) << r.out;
  EXPECT_TRUE(Has(r, "SKIP  vlm.model        not checked: server unreachable")) << r.out;
  EXPECT_TRUE(Has(r, "1 check(s) failed, 2 skipped")) << r.out;
}

TEST_F(Doctor, ModelNotServedListsWhatIs) {
  auto s = HealthyServer();
  s->SetModels({"llava:7b", "qwen2.5vl:3b"});
  const RunResult r = RunCli(VlmArgs(*s));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Has(r, "FAIL  vlm.model        model 'qwen-vl' is not served; the server lists: "
                     "llava:7b, qwen2.5vl:3b -> set the model name to one of these"))
      << r.out;
  EXPECT_TRUE(Has(r, "SKIP  vlm.structured   not checked: model not served")) << r.out;
  EXPECT_EQ(s->request_count(), 1);  // no chat call for a model that is not there
}

TEST_F(Doctor, MissingKeyVariableIsNamed) {
  auto s = HealthyServer();
  auto args = VlmArgs(*s);
  args.insert(args.end(), {"--vlm-key-env", kUnsetVar});
  const RunResult r = RunCli(args);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Has(r, "FAIL  vlm.key          environment variable AUTOFOCUS_DOCTOR_TEST_UNSET_KEY "
                     "is not set -> export AUTOFOCUS_DOCTOR_TEST_UNSET_KEY=<API key>"))
      << r.out;
  EXPECT_TRUE(Has(r, "OK    vlm.structured")) << r.out;  // the server itself is fine
  EXPECT_TRUE(Has(r, "1 check(s) failed, 0 skipped")) << r.out;
}

TEST_F(Doctor, RejectedKeySaysWhichVariableToCheck) {
  auto s = HealthyServer();
  s->Route("/v1/models", [](const ReceivedRequest&) {
    return FakeReply::Status(401, R"({"error":{"message":"Incorrect API key provided"}})");
  });
  auto args = VlmArgs(*s);
  args.insert(args.end(), {"--vlm-key-env", kKeyVar});
  const RunResult r = RunCli(args);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Has(r, "FAIL  vlm.auth         server rejected the request (HTTP 401: Incorrect API "
                     "key provided) -> API key rejected: check the value of "
                     "AUTOFOCUS_DOCTOR_TEST_KEY"))
      << r.out;
}

TEST_F(Doctor, NoStructuredOutputSupportSaysTurnJsonSchemaOff) {
  auto s = HealthyServer();
  s->Route("/v1/chat/completions", [](const ReceivedRequest& req) {
    if (req.json.contains("response_format")) {
      return FakeReply::Status(
          400, R"({"object":"error","message":"response_format type json_schema is unavailable"})");
    }
    return FakeReply::Chat("Sure: {\"color\": \"red\"}");
  });
  const RunResult r = RunCli(VlmArgs(*s));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Has(r, "FAIL  vlm.structured   server has no structured-output support (HTTP 400: "
                     "response_format type json_schema is unavailable) -> set use_json_schema "
                     "false"))
      << r.out;
  // With the setting off the same server passes.
  auto args = VlmArgs(*s);
  args.push_back("--no-json-schema");
  const RunResult off = RunCli(args);
  EXPECT_EQ(off.exit_code, 0) << off.out;
  EXPECT_TRUE(Has(off, "OK    vlm.structured")) << off.out;
}

TEST_F(Doctor, ImagesPerPromptLimitIsExplained) {
  auto s = HealthyServer();
  s->Route("/v1/chat/completions", [](const ReceivedRequest& req) {
    if (ImageParts(req) > 2) {
      return FakeReply::Status(
          400, R"({"object":"error","message":"At most 2 image(s) may be provided in one request."})");
    }
    return FakeReply::Chat("{\"color\": \"red\"}");
  });
  auto args = VlmArgs(*s);
  args.insert(args.end(), {"--vlm-images", "4"});
  const RunResult r = RunCli(args);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Has(r, "FAIL  vlm.structured   images-per-prompt limit: the server accepts at most 2 "
                     "image(s) per prompt, the call sent 4 images"))
      << r.out;
  EXPECT_TRUE(Has(r, "-> send at most 2 frames per query")) << r.out;
  args.back() = "2";
  EXPECT_EQ(RunCli(args).exit_code, 0);
}

TEST_F(Doctor, DetectorProblemsAreActionable) {
  auto s = HealthyServer();
  s->Route("/grounding_dino/infer", [](const ReceivedRequest&) {
    return FakeReply::Status(404, R"({"detail":"Not Found"})");
  });
  const RunResult r = RunCli({"doctor", "--detector", "roboflow", "--detector-url", s->base_url()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Has(r, "FAIL  detector.infer   no /grounding_dino/infer at " + s->base_url() +
                         " (HTTP 404: Not Found) -> wrong detector URL"))
      << r.out;
  std::string url;
  {
    FakeOpenAiServer gone;
    url = gone.base_url();
  }
  const RunResult down = RunCli({"doctor", "--detector-url", url});
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_TRUE(Has(down, "FAIL  detector.infer   cannot connect to " + url)) << down.out;
  EXPECT_TRUE(Has(down, "(Roboflow Inference listens on port 9001 by default)")) << down.out;
}

TEST_F(Doctor, ConfigFileIsReadAndCommandLineWins) {
  auto s = HealthyServer();
  TempDir dir;
  const Json config = {{"vlm", {{"base_url", s->base_url()}, {"model", "not-served"}}},
                       {"detector", {{"kind", "roboflow"}, {"url", s->base_url()}}}};
  testing::WriteText(dir / "models.json", config.dump());
  const RunResult bad = RunCli({"doctor", "--config", (dir / "models.json").string()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(Has(bad, "model 'not-served' is not served")) << bad.out;
  const RunResult good =
      RunCli({"doctor", "--config", (dir / "models.json").string(), "--vlm-model", "qwen-vl"});
  EXPECT_EQ(good.exit_code, 0) << good.out;
  EXPECT_TRUE(Has(good, "OK    detector.infer")) << good.out;

  testing::WriteText(dir / "broken.json", R"({"vlm": {"use_json_schema": "no"}})");
  const RunResult broken = RunCli({"doctor", "--config", (dir / "broken.json").string()});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.err.find("broken.json: vlm.use_json_schema: must be true or false"),
            std::string::npos)
      << broken.err;
}

TEST_F(Doctor, NothingToCheckIsAUsageError) {
  const RunResult r = RunCli({"doctor"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nothing to check"), std::string::npos) << r.err;
  EXPECT_EQ(RunCli({"doctor", "--vlm-url", "http://127.0.0.1:1"}).exit_code, 2);  // no model
}


// `--detector qwen` checks grounding on the VLM's server, with its model and key, unless the
// detector flags say otherwise: the settings the pipeline's detector inherits.
TEST_F(Doctor, QwenGroundingUsesTheVlmSettings) {
  FakeOpenAiServer s;
  s.SetModels({"qwen-vl"});
  s.Route("/v1/chat/completions", [](const ReceivedRequest& r) {
    const std::string text = r.json["messages"][0]["content"][0].value("text", "");
    if (text.find("Locate every instance") != std::string::npos) {
      return FakeReply::Chat(R"([{"bbox_2d": [14, 14, 42, 42], "label": "red square"}])");
    }
    return FakeReply::Chat("{\"color\": \"red\"}");
  });
  auto args = VlmArgs(s);
  for (const char* a : {"--vlm-key-env", kKeyVar, "--detector", "qwen"}) args.push_back(a);
  const RunResult r = RunCli(args);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Has(r, "OK    detector.ground")) << r.out;
  EXPECT_TRUE(Has(r, "answered with 1 box(es)")) << r.out;
  const auto reqs = s.requests();
  ASSERT_FALSE(reqs.empty());
  const ReceivedRequest& last = reqs.back();
  EXPECT_EQ(last.json["model"], "qwen-vl");
  EXPECT_EQ(last.headers.at("authorization"), "Bearer sk-test-secret-123");
  EXPECT_EQ(r.out.find("sk-test-secret-123"), std::string::npos) << "the key is never printed";

  // An answer without boxes fails the check with what to do.
  FakeOpenAiServer bad;
  bad.SetModels({"qwen-vl"});
  bad.Route("/v1/chat/completions", [](const ReceivedRequest&) { return FakeReply::Chat("no idea"); });
  const RunResult r2 = RunCli({"doctor", "--detector", "qwen", "--detector-url", bad.base_url(),
                               "--detector-model", "qwen-vl"});
  EXPECT_EQ(r2.exit_code, 1) << r2.out;
  EXPECT_TRUE(Has(r2, "FAIL  detector.ground")) << r2.out;
  EXPECT_TRUE(Has(r2, "no JSON list of boxes")) << r2.out;
  EXPECT_EQ(bad.request_count(), 3) << "first answer, repair turn, fresh request";
}

}  // namespace
}  // namespace autofocus

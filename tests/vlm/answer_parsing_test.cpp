#include "core/vlm/answer_parsing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <opencv2/core.hpp>

#include "core/base/hash.h"
#include "core/vlm/image_encoding.h"
#include "core/vlm/prompt_template.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {

std::vector<CandidateObject> Offered() {
  return {{7, "car", {10, 20, 50, 60}}, {9, "traffic light", {0, 0, 5, 5}},
          {12, "pedestrian", {1, 1, 2, 2}}, {15, "car", {3, 3, 4, 4}}};
}

TEST(SmartResize, MatchesQwenRule) {
  EXPECT_EQ(SmartResize(320, 180), cv::Size(308, 168));
  EXPECT_EQ(SmartResize(1920, 1080), cv::Size(1316, 728));  // over budget: scaled down, floored
  EXPECT_EQ(SmartResize(640, 480), cv::Size(644, 476));
  EXPECT_EQ(SmartResize(1280, 720), cv::Size(1288, 728));
  EXPECT_EQ(SmartResize(182, 182), cv::Size(168, 168));  // 6.5 blocks: ties to even
  EXPECT_EQ(SmartResize(70, 42), cv::Size(56, 56));      // 2.5 -> 2, 1.5 -> 2
  EXPECT_EQ(SmartResize(30, 20), cv::Size(84, 56));      // under min_pixels: scaled up, ceiled
  EXPECT_EQ(SmartResize(2000, 2000), cv::Size(980, 980));
  EXPECT_EQ(SmartResize(1920, 1080, 28, 56 * 56, 256 * 28 * 28), cv::Size(588, 336));
  EXPECT_THROW(SmartResize(0, 10), Error);
  EXPECT_THROW(SmartResize(10000, 20), Error);  // aspect ratio 500
}

TEST(EncodeImage, ResizesEncodesAndHashes) {
  cv::Mat frame(180, 320, CV_8UC3, cv::Scalar(10, 200, 30));
  EncodedImage img = EncodeImageForVlm(frame);
  EXPECT_EQ(img.width, 308);
  EXPECT_EQ(img.height, 168);
  EXPECT_EQ(img.original_width, 320);
  ASSERT_GT(img.jpeg.size(), 4u);
  EXPECT_EQ(static_cast<unsigned char>(img.jpeg[0]), 0xFF);  // JPEG SOI marker
  EXPECT_EQ(static_cast<unsigned char>(img.jpeg[1]), 0xD8);
  EXPECT_EQ(img.sha256.size(), 64u);
  EXPECT_EQ(img.DataUrl().rfind("data:image/jpeg;base64,/9j/", 0), 0u);
  EXPECT_DOUBLE_EQ(img.ToOriginalX(154), 160);
  EXPECT_THROW(EncodeImageForVlm(cv::Mat()), Error);
}

TEST(ExtractJson, StripsFencesAndProse) {
  EXPECT_EQ(ExtractJsonObject(R"({"a":1})"), Json({{"a", 1}}));
  EXPECT_EQ(ExtractJsonObject("```json\n{\"a\":2}\n```"), Json({{"a", 2}}));
  EXPECT_EQ(ExtractJsonObject("Sure! Here it is:\n```\n{\"a\":3}\n```\nHope this helps."),
            Json({{"a", 3}}));
  EXPECT_EQ(ExtractJsonObject("The answer is {\"a\":\"}{\",\"b\":{\"c\":4}} as requested."),
            Json({{"a", "}{"}, {"b", {{"c", 4}}}}));
  EXPECT_EQ(ExtractJsonObject("{not json} then {\"a\":5}"), Json({{"a", 5}}));
  EXPECT_THROW(ExtractJsonObject(""), InvalidAnswer);
  EXPECT_THROW(ExtractJsonObject("I cannot help with that."), InvalidAnswer);
  EXPECT_THROW(ExtractJsonObject(R"({"top_k":[{"id":7,"sc)"), InvalidAnswer);  // truncated
  EXPECT_THROW(ExtractJsonObject("[1,2]"), InvalidAnswer);
}

TEST(ValidateKeyObjects, DropsUnknownCollapsesDuplicatesAndCaps) {
  Json answer = Json::parse(R"({"top_k":[
      {"id":7,"class":"car","score":0.6,"rationale":"ahead"},
      {"id":42,"class":"bus","score":0.99,"rationale":"hallucinated"},
      {"id":7,"class":"car","score":0.8,"rationale":"ahead, closer"},
      {"id":9,"class":"Traffic Light","score":1.5,"rationale":"red"},
      {"id":12,"class":"pedestrian","score":0.7,"rationale":"crossing"},
      {"id":15.0,"class":"truck","score":0.1,"rationale":"parked"}],
    "missing_suspects":[" Stop Sign ","stop sign","", "Cyclist"]})");
  std::vector<std::string> w;
  KeyObjectAnswer a = ValidateKeyObjects(answer, Offered(), 3, &w);
  ASSERT_EQ(a.key_objects.size(), 3u);
  EXPECT_EQ(a.key_objects[0].id, 9);
  EXPECT_FLOAT_EQ(a.key_objects[0].score, 1.0f);  // clamped
  EXPECT_EQ(a.key_objects[0].label, "traffic light");  // the offered label
  EXPECT_EQ(a.key_objects[1].id, 7);
  EXPECT_FLOAT_EQ(a.key_objects[1].score, 0.8f);  // duplicate: highest kept
  EXPECT_EQ(a.key_objects[1].rationale, "ahead, closer");
  EXPECT_EQ(a.key_objects[2].id, 12);
  EXPECT_EQ(a.missing_categories, (std::vector<std::string>{"stop sign", "cyclist"}));
  std::vector<std::string> expected = {
      "top_k[1]: id 42 was not offered; dropped",
      "top_k[2]: duplicate id 7 collapsed",
      "top_k[3]: score 1.5 clamped to 1",
      "top_k[5]: class 'truck' of id 15 differs from the offered 'car'",
      "top_k: 4 key objects, kept the 3 highest scores"};
  EXPECT_EQ(w, expected);
}

TEST(ValidateKeyObjects, AcceptsAliasesAndEmptyLists) {
  std::vector<std::string> w;
  KeyObjectAnswer a = ValidateKeyObjects(
      Json::parse(R"({"key_objects":[{"id":12,"score":0.5}],"missing_categories":[]})"), Offered(),
      3, &w);
  ASSERT_EQ(a.key_objects.size(), 1u);
  EXPECT_EQ(a.key_objects[0].label, "pedestrian");
  EXPECT_TRUE(w.empty());
  a = ValidateKeyObjects(Json::parse(R"({"top_k":[]})"), Offered(), 3, &w);
  EXPECT_TRUE(a.key_objects.empty());
  EXPECT_TRUE(a.missing_categories.empty());
}

TEST(ValidateKeyObjects, RejectsWrongTypes) {
  auto bad = [](const char* text) {
    try {
      ValidateKeyObjects(Json::parse(text), Offered(), 3, nullptr);
    } catch (const InvalidAnswer& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(bad(R"({"missing_suspects":[]})"), "answer: missing field \"top_k\"");
  EXPECT_EQ(bad(R"({"top_k":{"id":7}})"), "top_k: must be an array, got object");
  EXPECT_EQ(bad(R"({"top_k":[{"id":"7","score":1}]})"), "top_k[0].id: must be an integer, got \"7\"");
  EXPECT_EQ(bad(R"({"top_k":[{"id":7.5,"score":1}]})"), "top_k[0].id: must be an integer, got 7.5");
  EXPECT_EQ(bad(R"({"top_k":[{"id":7}]})"), "top_k[0]: missing field \"score\"");
  EXPECT_EQ(bad(R"({"top_k":[{"id":7,"score":"high"}]})"),
            "top_k[0].score: must be a number, got string");
  EXPECT_EQ(bad(R"({"top_k":[{"id":7,"score":1,"class":3}]})"),
            "top_k[0].class: must be a string, got number");
  EXPECT_EQ(bad(R"({"top_k":[],"missing_suspects":[1]})"),
            "missing_suspects[0]: must be a string, got number");
}

TEST(ValidateGlobalContext, DrivingAndManipulation) {
  std::vector<std::string> w;
  GlobalContext c = ValidateGlobalContext(Json::parse(R"({
      "description":"Urban intersection, rain.",
      "objects":[{"type":" Car ","relevance":"safety_critical","description":"parked"},
                 {"type":"Traffic light","relevance":"Traffic_Control","description":"red"},
                 {"type":"car","relevance":"context","description":"dup"},
                 {"type":"Tree","relevance":"scenery","description":"roadside"}]})"),
                                          "driving", &w);
  EXPECT_EQ(c.summary, "Urban intersection, rain.");
  ASSERT_EQ(c.vocabulary.size(), 3u);
  EXPECT_EQ(c.vocabulary[0].name, "Car");
  EXPECT_EQ(c.vocabulary[1].relevance, "traffic_control");
  EXPECT_EQ(c.VocabularyNames(), (std::vector<std::string>{"car", "traffic light", "tree"}));
  EXPECT_EQ(w, (std::vector<std::string>{
                   "objects[2]: duplicate object 'car' collapsed",
                   "objects[3]: relevance 'scenery' is not one of the driving values"}));

  w.clear();
  GlobalContext m = ValidateGlobalContext(Json::parse(R"({"description":"Pick the cup.",
      "objects":[{"type":"Cup","state":"upright","role":"target","affordance":"graspable"}]})"),
                                          "manipulation", &w);
  ASSERT_EQ(m.vocabulary.size(), 1u);
  EXPECT_EQ(m.vocabulary[0].relevance, "target");
  EXPECT_EQ(m.vocabulary[0].description, "upright; graspable");
  EXPECT_TRUE(w.empty());

  EXPECT_THROW(ValidateGlobalContext(Json::parse(R"({"description":"x","objects":[{"type":"","relevance":"context"}]})"),
                                     "driving", &w),
               InvalidAnswer);
  EXPECT_THROW(ValidateGlobalContext(Json::parse(R"({"objects":[]})"), "driving", &w),
               InvalidAnswer);
  EXPECT_THROW(ValidateGlobalContext(Json::parse(R"({"description":"x"})"), "driving", &w),
               InvalidAnswer);
  EXPECT_THROW(ValidateGlobalContext(Json::object(), "cooking", &w), Error);
}

TEST(Schemas, CarryTheLimitsAndEnums) {
  Json k = KeyObjectsSchema(3);
  EXPECT_EQ(k["properties"]["top_k"]["maxItems"], 3);
  EXPECT_EQ(k["required"], Json({"top_k", "missing_suspects"}));
  Json g = GlobalContextSchema("manipulation");
  EXPECT_EQ(g["properties"]["objects"]["items"]["properties"]["role"]["enum"].size(), 6u);
}

TEST(PromptTemplate, RendersByNameAndRejectsUnknownPlaceholders) {
  PromptTemplate t = PromptTemplate::FromText("t.txt", "Hi {{name}}, {{ count }} {{name}}.");
  EXPECT_EQ(t.placeholders(), (std::vector<std::string>{"name", "count"}));
  EXPECT_EQ(t.Render({{"name", "{{x}}"}, {"count", "2"}, {"unused", "u"}}), "Hi {{x}}, 2 {{x}}.");
  try {
    t.Render({{"name", "a"}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), "t.txt");
    EXPECT_EQ(e.where(), "{{count}}");
  }
  EXPECT_THROW(PromptTemplate::FromText("u.txt", "open {{name"), Error);
  EXPECT_THROW(PromptTemplate::FromText("v.txt", "{{bad-name}}"), Error);
  EXPECT_EQ(t.hash(), Sha256Hex("Hi {{name}}, {{ count }} {{name}}."));
}

TEST(PromptTemplate, OverrideDirectoryWinsAndResourcesAreFound) {
  std::filesystem::path res = ResourcesDir();
  EXPECT_TRUE(std::filesystem::exists(res / "prompts" / "key_objects_driving.txt"));
  testing::TempDir dir;
  testing::WriteText(dir / "repair.txt", "Fix: {{error}}");
  PromptTemplate t = LoadPromptTemplate("repair.txt", dir.path());
  EXPECT_EQ(t.path(), dir / "repair.txt");
  EXPECT_EQ(t.Render({{"error", "x"}}), "Fix: x");
  PromptTemplate d = LoadPromptTemplate("key_objects_driving.txt", dir.path());
  EXPECT_EQ(d.path(), res / "prompts" / "key_objects_driving.txt");
  for (const char* p : {"context_summary", "action", "candidates", "max_key_objects"}) {
    EXPECT_NE(std::find(d.placeholders().begin(), d.placeholders().end(), p),
              d.placeholders().end()) << p;
  }
  EXPECT_THROW(LoadPromptTemplate("nope.txt", dir.path()), Error);

  setenv("AUTOFOCUS_RESOURCES", dir.path().c_str(), 1);
  EXPECT_THROW(ResourcesDir(), Error);  // no prompts/ there
  testing::WriteText(dir / "prompts" / "repair.txt", "env {{error}}");
  EXPECT_EQ(ResourcesDir(), dir.path());
  EXPECT_EQ(LoadPromptTemplate("repair.txt").Render({{"error", "e"}}), "env e");
  unsetenv("AUTOFOCUS_RESOURCES");
}

}  // namespace
}  // namespace autofocus

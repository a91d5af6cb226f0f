#include "tests/pipeline_http/loopback_model_server.h"

#include <chrono>
#include <opencv2/imgcodecs.hpp>
#include <regex>
#include <stdexcept>

#include "core/base/hash.h"
#include "core/dataset/project_store.h"
#include "core/detect/roboflow_detector.h"
#include "core/vlm/image_encoding.h"
#include "core/vlm/openai_vlm_backend.h"

namespace autofocus::testing {
namespace {

// One object of the scripted scene (centre, size in 320x180 pixels).
struct SceneObject {
  std::string label;
  double x, y, w, h;
};

std::vector<SceneObject> SceneAt(int t) {
  std::vector<SceneObject> out;
  out.push_back({"car", 90.0 + 2.0 * t, 120, 50, 34});
  if (t >= 10) out.push_back({"car", 230, 110, 40, 30});
  if (t < 5) out.push_back({"pedestrian", 160, 115, 14, 36});
  out.push_back({"traffic light", 280, 30, 12, 30});
  if (t < 5) out.push_back({"cyclist", 40, 125, 20, 34});
  return out;
}

// The text part and the image URLs of the first (user) message of a chat body.
void FirstUserMessage(const Json& body, std::string* text, std::vector<std::string>* images) {
  const Json& content = body.at("messages").at(0).at("content");
  for (const Json& part : content) {
    if (part.value("type", "") == "text") *text += part.value("text", "");
    if (part.value("type", "") == "image_url") images->push_back(part.at("image_url").at("url"));
  }
}

}  // namespace

LoopbackModelServer::LoopbackModelServer(std::string model) : model_(std::move(model)) {
  server_.SetModels({model_});
  server_.SetDefault([this](const ReceivedRequest& r) {
    try {
      if (auto f = MaybeFault(r, true, [&] { return Chat(r); })) return *f;
      return Chat(r);
    } catch (const std::exception& e) {
      // 400 is not retried: a handler bug shows up at once in the test's failure message.
      return FakeReply::Status(
          400, Json{{"error", {{"message", std::string("test server: ") + e.what()}}}}.dump());
    }
  });
  server_.Route("/grounding_dino/infer", [this](const ReceivedRequest& r) {
    try {
      if (auto f = MaybeFault(r, false, [&] { return Detect(r); })) return *f;
      return Detect(r);
    } catch (const std::exception& e) {
      return FakeReply::Status(400,
                               Json{{"message", std::string("test server: ") + e.what()}}.dump());
    }
  });
}

LoopbackModelServer::~LoopbackModelServer() {
  ReleaseHeld();
}

void LoopbackModelServer::AddProject(const std::filesystem::path& project) {
  const ProjectStore store = ProjectStore::Open(project);
  const RoboflowDetectorOptions det;
  const OpenAiVlmOptions vlm;
  std::map<std::string, FrameRef> det_images, vlm_images;
  for (const auto& info : store.info().episodes) {
    const Episode e = store.LoadEpisode(info.name);
    auto frames = store.OpenFrames(e);
    for (int t = 0; t < e.num_frames; ++t) {
      const cv::Mat frame = frames->Read(t);
      // Encoded exactly as RoboflowGroundingDinoDetector and OpenAiVlmBackend encode frames.
      std::vector<uchar> jpeg;
      cv::imencode(".jpg", frame, jpeg, {cv::IMWRITE_JPEG_QUALITY, det.jpeg_quality});
      const std::string det_hash =
          Sha256Hex(std::string_view(reinterpret_cast<const char*>(jpeg.data()), jpeg.size()));
      const std::string vlm_hash =
          EncodeImageForVlm(frame, vlm.max_pixels, vlm.jpeg_quality, vlm.min_pixels).sha256;
      if (!det_images.emplace(det_hash, FrameRef{e.name, t}).second ||
          !vlm_images.emplace(vlm_hash, FrameRef{e.name, t}).second) {
        throw std::runtime_error("two frames encode identically: " + e.name + " frame " +
                                 std::to_string(t));
      }
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  detector_images_.insert(det_images.begin(), det_images.end());
  vlm_images_.insert(vlm_images.begin(), vlm_images.end());
}

void LoopbackModelServer::AnswerGarbageFor(const std::string& episode) {
  std::lock_guard<std::mutex> lock(mutex_);
  garbage_episodes_.insert(episode);
}

void LoopbackModelServer::HoldFirstKeyObjectsFor(const std::string& episode) {
  std::lock_guard<std::mutex> lock(mutex_);
  hold_episode_ = episode;
}

bool LoopbackModelServer::WaitUntilHeld(double timeout_s) {
  std::unique_lock<std::mutex> lock(mutex_);
  return hold_cv_.wait_for(lock, std::chrono::duration<double>(timeout_s),
                           [this] { return held_; });
}

void LoopbackModelServer::ReleaseHeld() {
  std::lock_guard<std::mutex> lock(mutex_);
  released_ = true;
  hold_cv_.notify_all();
}

int LoopbackModelServer::Count(ModelRequestKind kind) const {
  int n = 0;
  for (const auto& r : server_.requests()) n += Classify(r) == kind ? 1 : 0;
  return n;
}

ModelRequestKind LoopbackModelServer::Classify(const ReceivedRequest& r) {
  if (r.method == "POST" && r.path == "/grounding_dino/infer") return ModelRequestKind::kDetect;
  if (r.method != "POST" || r.path != "/v1/chat/completions" || !r.json.is_object())
    return ModelRequestKind::kOther;
  const Json& messages = r.json.value("messages", Json::array());
  if (messages.size() > 1) return ModelRequestKind::kRepair;  // user, assistant, repair text
  std::string text;
  std::vector<std::string> images;
  try {
    FirstUserMessage(r.json, &text, &images);
  } catch (const Json::exception&) {
    return ModelRequestKind::kOther;
  }
  if (text.find("Detected objects, each with a track ID") != std::string::npos)
    return ModelRequestKind::kKeyObjects;
  if (text.find("frames sampled at equal intervals") != std::string::npos)
    return ModelRequestKind::kContext;
  return ModelRequestKind::kOther;
}

std::optional<FrameRef> LoopbackModelServer::VlmFrame(const std::string& data_url) const {
  const std::string prefix = "data:image/jpeg;base64,";
  if (data_url.rfind(prefix, 0) != 0) return std::nullopt;
  const std::string hash =
      Sha256Hex(Base64Decode(std::string_view(data_url).substr(prefix.size())));
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = vlm_images_.find(hash);
  if (it == vlm_images_.end()) return std::nullopt;
  return it->second;
}

FakeReply LoopbackModelServer::Chat(const ReceivedRequest& r) {
  const ModelRequestKind kind = Classify(r);
  if (kind == ModelRequestKind::kOther)
    throw std::runtime_error("unexpected request " + r.method + " " + r.path);
  if (r.json.value("model", "") != model_)
    throw std::runtime_error("unknown model " + r.json.value("model", ""));
  std::string text;
  std::vector<std::string> images;
  FirstUserMessage(r.json, &text, &images);
  if (images.empty()) throw std::runtime_error("no image in the question");
  const std::optional<FrameRef> frame = VlmFrame(images.front());
  if (!frame) throw std::runtime_error("an image that is no frame of a registered project");

  bool faulting = false;  // repair turns are expected while faults are injected
  if (kind == ModelRequestKind::kContext) {
    const Json answer = {{"objects",
                          {{{"type", "Car"},
                            {"relevance", "safety_critical"},
                            {"description", "vehicles on the road"}},
                           {{"type", "Pedestrian"},
                            {"relevance", "safety_critical"},
                            {"description", "people near the road"}},
                           {{"type", "Traffic light"},
                            {"relevance", "traffic_control"},
                            {"description", "signals"}}}},
                         {"description", "Loopback drive of " + frame->episode + " over " +
                                             std::to_string(images.size()) + " frames."}};
    return FakeReply::Chat(answer.dump(), kContextPromptTokens, kCompletionTokens);
  }
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (kind == ModelRequestKind::kKeyObjects && !held_ && frame->episode == hold_episode_) {
      held_ = true;
      hold_cv_.notify_all();
      hold_cv_.wait(lock, [this] { return released_; });
    }
    if (garbage_episodes_.count(frame->episode)) {
      return FakeReply::Chat(GarbageText(), kKeyObjectsPromptTokens, kCompletionTokens);
    }
    faulting = faults_.has_value();
  }
  if (kind == ModelRequestKind::kRepair && !faulting)
    throw std::runtime_error("a repair turn although every answer was valid");

  // The candidates as the key-object template lists them.
  static const std::regex line(R"(- id:(\d+), class:([^,]+), bbox:\[[^\]]*\])");
  Json top = Json::array();
  bool pedestrian = false, cyclist = false;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), line); it != std::sregex_iterator();
       ++it) {
    const int id = std::stoi((*it)[1].str());
    const std::string label = (*it)[2].str();
    pedestrian = pedestrian || label == "pedestrian";
    cyclist = cyclist || label == "cyclist";
    if (label == "car" || label == "cyclist") {
      top.push_back({{"id", id},
                     {"class", label},
                     {"score", 0.9},
                     {"rationale", "moving " + label + " nearby"}});
    }
  }
  Json missing = Json::array();
  if (pedestrian && !cyclist) missing.push_back("cyclist");
  const Json answer = {{"top_k", top}, {"missing_suspects", missing}};
  return FakeReply::Chat(answer.dump(), kKeyObjectsPromptTokens, kCompletionTokens);
}

FakeReply LoopbackModelServer::Detect(const ReceivedRequest& r) {
  if (!r.json.is_object()) throw std::runtime_error("body is not JSON");
  const std::string hash =
      Sha256Hex(Base64Decode(r.json.at("image").at("value").get<std::string>()));
  FrameRef frame;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = detector_images_.find(hash);
    if (it == detector_images_.end())
      throw std::runtime_error("an image that is no frame of a registered project");
    frame = it->second;
  }
  const auto classes = r.json.at("text").get<std::vector<std::string>>();
  Json predictions = Json::array();
  for (const auto& o : SceneAt(frame.frame)) {
    if (std::find(classes.begin(), classes.end(), o.label) == classes.end()) continue;
    predictions.push_back({{"x", o.x},
                           {"y", o.y},
                           {"width", o.w},
                           {"height", o.h},
                           {"confidence", 0.8},
                           {"class", o.label}});
  }
  FakeReply reply;
  reply.body =
      Json{{"predictions", predictions}, {"image", {{"width", 320}, {"height", 180}}}}.dump();
  return reply;
}

void LoopbackModelServer::InjectFaults(const FaultPlan& plan) {
  std::lock_guard<std::mutex> lock(mutex_);
  faults_ = plan;
}

void LoopbackModelServer::StopFaults() {
  std::lock_guard<std::mutex> lock(mutex_);
  faults_.reset();
}

std::map<std::string, int> LoopbackModelServer::FaultCounts() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return fault_counts_;
}

int LoopbackModelServer::FaultTotal() const {
  int n = 0;
  for (const auto& [k, v] : FaultCounts()) n += v;
  return n;
}

std::optional<FakeReply> LoopbackModelServer::MaybeFault(const ReceivedRequest& r, bool chat,
                                                         const std::function<FakeReply()>& answer) {
  FaultPlan plan;
  std::string kind;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!faults_ || r.method != "POST") return std::nullopt;
    plan = *faults_;
    const std::string body = Sha256Hex(r.body);
    const int seen = body_seen_[body]++;
    // The n-th arrival of the same body is its n-th attempt: retries get fresh draws.
    const std::string h =
        Sha256Hex(std::to_string(plan.seed) + ":" + body + ":" + std::to_string(seen));
    const uint64_t draw = std::stoull(h.substr(0, 12), nullptr, 16);
    const double u = static_cast<double>(draw % 1000000) / 1e6;
    if (u >= plan.rate) return std::nullopt;
    kind = kFaultKinds[(draw / 1000000) % (sizeof(kFaultKinds) / sizeof(kFaultKinds[0]))];
    // A global-context answer is trusted for the whole episode (and cached): a hallucinated one
    // would change every later question, so context requests get transport faults only.
    if (chat && Classify(r) == ModelRequestKind::kContext && kind == "hallucinated") kind = "5xx";
    ++fault_counts_[kind];
  }
  if (kind == "429")
    return FakeReply::Status(429, R"({"error":{"message":"rate limited"}})")
        .With("Retry-After", std::to_string(plan.retry_after_s));
  if (kind == "5xx") return FakeReply::Status(503, R"({"error":{"message":"overloaded"}})");
  if (kind == "reset") {
    FakeReply f;
    f.fault = FakeFault::kCloseConnection;
    return f;
  }
  if (kind == "timeout") return answer().Delay(plan.timeout_delay_s);
  if (kind == "truncated") {
    FakeReply f = answer();
    f.fault = FakeFault::kTruncateBody;
    return f;
  }
  if (kind == "drip") {
    FakeReply f = answer();
    f.fault = FakeFault::kSlowBody;
    f.slow_body_s = plan.drip_s;
    return f;
  }
  if (kind == "malformed") {
    if (chat)
      return FakeReply::Chat("Sure! Here are the objects: {top_k: [", kKeyObjectsPromptTokens,
                             kCompletionTokens);
    FakeReply f;
    f.body = "<html><body>502 Bad Gateway</body></html>";
    return f;
  }
  // hallucinated: well-formed, but about objects that are not there.
  if (chat) {
    const Json a = {{"top_k",
                     {{{"id", 9999},
                       {"class", "car"},
                       {"score", 0.99},
                       {"rationale", "a car that is not in the list"}}}},
                    {"missing_suspects", Json::array()}};
    return FakeReply::Chat(a.dump(), kKeyObjectsPromptTokens, kCompletionTokens);
  }
  FakeReply f;
  f.body = Json{{"predictions",
                 {{{"x", -500},
                   {"y", 4000},
                   {"width", -3},
                   {"height", 1e9},
                   {"confidence", 7},
                   {"class", "dragon"}}}},
                {"image", {{"width", 320}, {"height", 180}}}}
               .dump();
  return f;
}

}  // namespace autofocus::testing

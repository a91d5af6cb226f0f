#pragma once

// A loopback "model server" for end-to-end pipeline tests over HTTP: one FakeOpenAiServer
// (tests/vlm) that answers OpenAI chat completions like a VLM and Roboflow's
// POST /grounding_dino/infer like Grounding DINO, computing every reply from the request.
//
// Frames are recognised by the hash of the image bytes in the request (the test registers the
// project first; the catalogue encodes every frame exactly as the clients do), so each answer
// depends only on (episode, frame, question) and never on request order or concurrency.
//
// The scripted scene, per frame t of every episode (320x180 frames, boxes as centre + size):
//   car A          always,   centre (90 + 2t, 120), 50 x 34
//   car B          t >= 10,  centre (230, 110),     40 x 30
//   pedestrian P   t < 5,    centre (160, 115),     14 x 36
//   traffic light  always,   centre (280, 30),      12 x 30
//   cyclist C      t < 5,    centre (40, 125),      20 x 34   (only when "cyclist" is asked for)
// Only the requested classes are returned. So the sub-sequences are [0,4] {A,P,L}, [5,9] {A,L},
// [10,19] {A,L,B} for 20-frame episodes.
//
// The VLM: the global-context question gets the vocabulary Car, Pedestrian, Traffic light and a
// summary naming the episode. A key-object question gets every candidate of class car or cyclist
// as key objects (in the listed order), and "missing_suspects": ["cyclist"] when a pedestrian is
// listed without a cyclist (one missing-category re-run on the first sub-sequence, which then
// recovers the cyclist).

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/vlm/fake_openai_server.h"

namespace autofocus::testing {

// What a received request was.
enum class ModelRequestKind {
  kContext,     // chat: global-context question
  kKeyObjects,  // chat: key-object question (first turn)
  kRepair,      // chat: repair turn after an invalid answer
  kDetect,      // POST /grounding_dino/infer
  kOther,       // anything else (e.g. GET /v1/models)
};

// A frame of a registered project.
struct FrameRef {
  std::string episode;  // episode name
  int frame = 0;        // frame index
};

// Chat requests per episode the scripted scene implies under the paper preset: 1 context + 3
// sub-sequence questions + the re-run question of the first sub-sequence.
constexpr int kChatRequestsPerEpisode = 1 + 3 + 1;
// Detection requests per episode of `frames` frames: one per frame + the re-run's 5.
constexpr int DetectRequestsPerEpisode(int frames) {
  return frames + 5;
}

// Tokens the server reports for each question (usage block).
constexpr int kContextPromptTokens = 2048;
constexpr int kKeyObjectsPromptTokens = 321;
constexpr int kCompletionTokens = 45;

// Seeded fault injection (the fault soak test). Each request is faulted with probability `rate`;
// the decision and the fault's kind come from a hash of (seed, request body, how often that body
// was received before), so the schedule does not depend on arrival order or concurrency.
struct FaultPlan {
  uint64_t seed = 1;             // schedule seed
  double rate = 0.4;             // share of requests faulted
  double timeout_delay_s = 1.0;  // "timeout": the reply waits this long (> the client's limit)
  double drip_s = 0.05;          // "drip": pause in the middle of the body (< the client's limit)
  int retry_after_s = 1;         // "429": the Retry-After header's value
};

// The fault kinds a FaultPlan injects, in the order the hash picks them.
inline const char* const kFaultKinds[] = {"429",       "5xx",       "reset",        "timeout",
                                          "truncated", "malformed", "hallucinated", "drip"};

// The loopback server. Listens on 127.0.0.1 from construction to destruction.
class LoopbackModelServer {
 public:
  // `model` is the model id /v1/models lists.
  explicit LoopbackModelServer(std::string model = "loopback-vlm");
  // Releases a held question first, so the server's threads can finish.
  ~LoopbackModelServer();

  // "http://127.0.0.1:<port>" (serves both the VLM and the detector).
  std::string url() const { return server_.base_url(); }
  // Catalogues every frame of `project` so requests can be mapped to (episode, frame). Throws
  // std::runtime_error when two frames encode to the same bytes (the mapping would be ambiguous).
  void AddProject(const std::filesystem::path& project);
  // Key-object questions (and their repair turns) about frames of `episode` get a reply that
  // is not JSON.
  void AnswerGarbageFor(const std::string& episode);
  // Holds the first key-object question about `episode` unanswered until ReleaseHeld(): a gate
  // that lets a test act (kill a client) at a known point of a run, without sleeps.
  void HoldFirstKeyObjectsFor(const std::string& episode);
  // Blocks until the held question has arrived (true) or `timeout_s` passed (false).
  bool WaitUntilHeld(double timeout_s);
  // Lets the held question (and any later one) be answered.
  void ReleaseHeld();

  // Starts injecting faults by `plan` into every later request (repair turns are then answered
  // like first questions); StopFaults() ends it.
  void InjectFaults(const FaultPlan& plan);
  void StopFaults();
  // Faults injected so far, by kind (kFaultKinds), and in all.
  std::map<std::string, int> FaultCounts() const;
  int FaultTotal() const;

  // Requests received so far of `kind`.
  int Count(ModelRequestKind kind) const;
  // All requests received so far.
  int Total() const { return server_.request_count(); }
  // Every request received (copies).
  std::vector<ReceivedRequest> requests() const { return server_.requests(); }

  // Classifies a request (pure function of the request).
  static ModelRequestKind Classify(const ReceivedRequest& r);
  // The text of the garbage answers.
  static const char* GarbageText() { return "Sorry, I cannot help with that <think>"; }

 private:
  FakeReply Chat(const ReceivedRequest& r);
  FakeReply Detect(const ReceivedRequest& r);
  std::optional<FrameRef> VlmFrame(const std::string& data_url) const;
  // The fault for this request, or nothing; `answer` computes the correct reply.
  std::optional<FakeReply> MaybeFault(const ReceivedRequest& r, bool chat,
                                      const std::function<FakeReply()>& answer);

  FakeOpenAiServer server_;
  std::string model_;
  mutable std::mutex mutex_;
  std::map<std::string, FrameRef> detector_images_;  // sha256 of the detector's JPEG -> frame
  std::map<std::string, FrameRef> vlm_images_;       // sha256 of the VLM's JPEG -> frame
  std::set<std::string> garbage_episodes_;
  std::condition_variable hold_cv_;
  std::string hold_episode_;                 // episode whose first key-object question is held
  bool held_ = false;                        // that question has arrived
  bool released_ = false;                    // ReleaseHeld() was called
  std::optional<FaultPlan> faults_;          // injecting when set
  std::map<std::string, int> body_seen_;     // sha256 of a body -> times received while faulting
  std::map<std::string, int> fault_counts_;  // kind -> faults injected
};

}  // namespace autofocus::testing

#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/base/geometry.h"
#include "core/base/json_io.h"

namespace autofocus::sim {

// Name of the per-episode artifact (episodes/<name>/ground_truth.json).
constexpr const char* kGroundTruthArtifact = "ground_truth";
// Value of the "format" field of that file.
constexpr const char* kGroundTruthFormat = "autofocus-sim-ground-truth";

// One visible object in one rendered frame.
struct GtObject {
  int id = 0;               // stable object ID within the episode
  std::string cls;          // lower-case class ("car", "traffic light", "parked car", ...)
  Box box;                  // pixels, clipped to the image
  bool relevant = false;    // causally relevant to the expert's action at this frame
  std::string reason;       // why it is relevant (empty otherwise)
  float distance = 0;       // metres ahead of the camera
};

// Ground truth of one frame.
struct FrameGroundTruth {
  int index = 0;                  // frame index within the episode
  std::vector<float> action;      // expert action [throttle, steer, brake]
  float speed = 0;                // ego speed (m/s)
  std::string expert;             // the expert's situation in words ("waiting: red ...")
  std::vector<GtObject> objects;  // visible objects, drawing order (far to near)
};

// Ground truth of one episode: what the scene oracle answers from.
struct EpisodeGroundTruth {
  std::string episode;            // episode name
  int width = 0, height = 0;      // frame size in pixels
  std::string split;              // "seen" | "unseen"
  std::string route_family;       // e.g. "seen-2"
  std::string description;        // route family in words
  uint64_t seed = 0;              // episode seed
  bool confounded = false;        // action icons drawn into the frames
  std::map<std::string, int> object_counts;  // class -> objects in the whole scenario
  std::vector<FrameGroundTruth> frames;      // one per frame, index order

  Json ToJson() const;
  // Parses; throws Error naming `file` and the field on a malformed document.
  static EpisodeGroundTruth FromJson(const Json& j, const std::string& file);
};

// Thread-safe, lazily loading access to the ground-truth artifacts of a generated project,
// keyed by episode name (and frame index). Shared by the scene oracle's VLM and detector.
class GroundTruthStore {
 public:
  // An empty store; fill it with Add() (tests) or use FromProject().
  GroundTruthStore() = default;
  // Reads episode folders from `project_dir`/project.json; files are parsed on first use.
  static std::shared_ptr<GroundTruthStore> FromProject(const std::filesystem::path& project_dir);
  // Adds an in-memory episode (replaces one with the same name).
  void Add(EpisodeGroundTruth episode);
  // The episode's ground truth; throws Error naming the artifact when it is missing.
  std::shared_ptr<const EpisodeGroundTruth> Episode(const std::string& name) const;
  // One frame; throws Error when the index is out of range.
  const FrameGroundTruth& Frame(const EpisodeGroundTruth& episode, int index) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::filesystem::path> files_;  // episode -> artifact path
  mutable std::map<std::string, std::shared_ptr<const EpisodeGroundTruth>> loaded_;
};

}  // namespace autofocus::sim

#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/dataset/dataset.h"
#include "core/dataset/frame_source.h"

namespace autofocus {

// The schema version this build writes; projects with a larger version are refused.
constexpr int kProjectSchemaVersion = 1;

// What project.json holds: everything needed to list a project without reading episodes.
struct ProjectInfo {
  int schema_version = kProjectSchemaVersion;  // format version of project.json
  std::string name;                  // display name
  std::string created;               // ISO-8601 UTC creation time
  std::string importer;              // "folder", "hdf5", "sample", ...
  std::string source_root;           // where referenced frames live: absolute, or relative to
                                     // the project directory ("." when frames were copied in)
  int image_width = 0;               // width of the first episode's frames
  int image_height = 0;              // height of the first episode's frames
  ActionSpec action_spec;            // names/kind of the action dimensions
  std::vector<EpisodeIndexEntry> episodes;  // in import order
  Json settings = Json::object();    // project-wide settings later stages add (saliency, ...)

  Json ToJson() const;
  static ProjectInfo FromJson(const Json& j, const std::string& file);
};

// A project directory on disk:
//   project.json                     ProjectInfo (versioned)
//   episodes/<name>/episode.json     Episode (frames referenced, actions, state, gaze)
//   episodes/<name>/<artifact>.json  stage outputs added by later stages
// Every write is atomic (temp + fsync + rename); every path inside is relative.
class ProjectStore {
 public:
  // Opens an existing project; throws Error naming project.json when it is missing, corrupt or
  // written by a newer schema version.
  static ProjectStore Open(const std::filesystem::path& dir);
  // Writes a new project.json into `dir` (which may be a staging directory).
  static ProjectStore Create(const std::filesystem::path& dir, ProjectInfo info);

  const std::filesystem::path& root() const { return root_; }
  const ProjectInfo& info() const { return info_; }
  ProjectInfo& mutable_info() { return info_; }

  // Absolute folder of the frames referenced by episodes.
  std::filesystem::path SourceRoot() const;
  // Absolute folder of one episode's artifacts.
  std::filesystem::path EpisodeDir(const std::string& name) const;
  // Index of an episode by name, or -1.
  int FindEpisode(const std::string& name) const;

  // Reads episodes/<name>/episode.json.
  Episode LoadEpisode(const std::string& name) const;
  // Writes episode.json and adds/updates the index entry (call Save() to persist the index).
  void SaveEpisode(const Episode& episode);
  // Writes project.json.
  void Save() const;

  // Opens the frames of an episode.
  std::unique_ptr<FrameSource> OpenFrames(const Episode& episode) const;

  // Per-episode JSON artifacts (detections, tracks, key objects, ...).
  std::filesystem::path ArtifactPath(const std::string& episode, const std::string& artifact) const;
  bool HasArtifact(const std::string& episode, const std::string& artifact) const;
  Json LoadArtifact(const std::string& episode, const std::string& artifact) const;
  void SaveArtifact(const std::string& episode, const std::string& artifact, const Json& value) const;

 private:
  ProjectStore(std::filesystem::path root, ProjectInfo info);
  std::filesystem::path root_;
  ProjectInfo info_;
};

// A folder name for an episode: keeps [A-Za-z0-9._-], replaces the rest with '_'.
std::string EpisodeFolderName(const std::string& episode_name);

// Current UTC time as ISO-8601 ("2026-11-21T09:30:00Z").
std::string NowIso8601();

}  // namespace autofocus

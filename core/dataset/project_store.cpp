#include "core/dataset/project_store.h"

#include <ctime>

#include "core/base/error.h"
#include "core/base/json_int.h"

namespace autofocus {
namespace fs = std::filesystem;

namespace {
constexpr const char* kProjectFile = "project.json";
constexpr const char* kFormatTag = "autofocus-project";
}  // namespace

std::string EpisodeFolderName(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) c = '_';
  }
  if (out.empty() || out == "." || out == "..") out = "_" + out;
  return out;
}

std::string NowIso8601() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Json ProjectInfo::ToJson() const {
  Json eps = Json::array();
  for (const auto& e : episodes) eps.push_back({{"name", e.name}, {"dir", e.dir}, {"frames", e.num_frames}});
  return {{"format", kFormatTag},         {"schema_version", schema_version},
          {"name", name},                 {"created", created},
          {"importer", importer},         {"source_root", source_root},
          {"image_width", image_width},   {"image_height", image_height},
          {"action_spec", action_spec.ToJson()}, {"episodes", eps},
          {"settings", settings}};
}

ProjectInfo ProjectInfo::FromJson(const Json& j, const std::string& file) {
  ProjectInfo p;
  try {
    if (!j.is_object() || j.value("format", "") != kFormatTag) {
      throw Error(file, "format", "not an AutoFocus project file");
    }
    p.schema_version = JsonToInt(RequireField(j, "schema_version", file, ""), file, "schema_version");
    if (p.schema_version > kProjectSchemaVersion) {
      throw Error(file, "schema_version",
                  "project was written by a newer AutoFocus Studio (schema " +
                      std::to_string(p.schema_version) + ", this build reads up to " +
                      std::to_string(kProjectSchemaVersion) + "); please upgrade");
    }
    if (p.schema_version < 1) throw Error(file, "schema_version", "invalid version");
    p.name = j.value("name", "");
    p.created = j.value("created", "");
    p.importer = j.value("importer", "");
    p.source_root = j.value("source_root", ".");
    p.image_width = j.contains("image_width") ? JsonToInt(j["image_width"], file, "image_width") : 0;
    p.image_height = j.contains("image_height") ? JsonToInt(j["image_height"], file, "image_height") : 0;
    p.action_spec = ActionSpec::FromJson(RequireField(j, "action_spec", file, ""), file);
    for (const Json& e : RequireField(j, "episodes", file, "")) {
      EpisodeIndexEntry entry;
      entry.name = RequireField(e, "name", file, "episodes").get<std::string>();
      entry.dir = RequireField(e, "dir", file, "episodes").get<std::string>();
      entry.num_frames = JsonToInt(RequireField(e, "frames", file, "episodes"), file, "episodes.frames");
      if (fs::path(entry.dir).is_absolute()) {
        throw Error(file, "episodes." + entry.name + ".dir", "must be a relative path");
      }
      // Episode folders live inside the project: "../x" would read (and the pipeline write)
      // outside it.
      for (const auto& part : fs::path(entry.dir)) {
        if (part == "..") throw Error(file, "episodes." + entry.name + ".dir", "must not leave the project (\"..\")");
      }
      p.episodes.push_back(std::move(entry));
    }
    if (j.contains("settings")) p.settings = j["settings"];
  } catch (const Json::exception& ex) {
    throw Error(file, "", std::string("invalid project file: ") + ex.what());
  }
  return p;
}

ProjectStore::ProjectStore(fs::path root, ProjectInfo info)
    : root_(std::move(root)), info_(std::move(info)) {}

ProjectStore ProjectStore::Open(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(dir.string(), "", "no such project directory");
  const fs::path file = dir / kProjectFile;
  Json j = LoadJsonFile(file);
  return ProjectStore(fs::absolute(dir), ProjectInfo::FromJson(j, file.string()));
}

ProjectStore ProjectStore::Create(const fs::path& dir, ProjectInfo info) {
  fs::create_directories(dir);
  if (info.created.empty()) info.created = NowIso8601();
  ProjectStore store(fs::absolute(dir), std::move(info));
  store.Save();
  return store;
}

fs::path ProjectStore::SourceRoot() const {
  fs::path p(info_.source_root.empty() ? "." : info_.source_root);
  return p.is_absolute() ? p : (root_ / p).lexically_normal();
}

fs::path ProjectStore::EpisodeDir(const std::string& name) const {
  const int i = FindEpisode(name);
  if (i >= 0) return root_ / info_.episodes[static_cast<size_t>(i)].dir;
  return root_ / "episodes" / EpisodeFolderName(name);
}

int ProjectStore::FindEpisode(const std::string& name) const {
  for (size_t i = 0; i < info_.episodes.size(); ++i) {
    if (info_.episodes[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Episode ProjectStore::LoadEpisode(const std::string& name) const {
  const fs::path file = EpisodeDir(name) / "episode.json";
  return Episode::FromJson(LoadJsonFile(file), file.string());
}

void ProjectStore::SaveEpisode(const Episode& episode) {
  int i = FindEpisode(episode.name);
  if (i < 0) {
    info_.episodes.push_back({episode.name, "episodes/" + EpisodeFolderName(episode.name),
                              episode.num_frames});
    i = static_cast<int>(info_.episodes.size()) - 1;
  }
  info_.episodes[static_cast<size_t>(i)].num_frames = episode.num_frames;
  SaveJsonFile(EpisodeDir(episode.name) / "episode.json", episode.ToJson(), -1);
}

void ProjectStore::Save() const { SaveJsonFile(root_ / kProjectFile, info_.ToJson()); }

std::unique_ptr<FrameSource> ProjectStore::OpenFrames(const Episode& episode) const {
  return OpenFrameSource(episode.source, SourceRoot());
}

fs::path ProjectStore::ArtifactPath(const std::string& episode, const std::string& artifact) const {
  return EpisodeDir(episode) / (artifact + ".json");
}

bool ProjectStore::HasArtifact(const std::string& episode, const std::string& artifact) const {
  std::error_code ec;
  return fs::exists(ArtifactPath(episode, artifact), ec);
}

Json ProjectStore::LoadArtifact(const std::string& episode, const std::string& artifact) const {
  return LoadJsonFile(ArtifactPath(episode, artifact));
}

void ProjectStore::SaveArtifact(const std::string& episode, const std::string& artifact,
                                const Json& value) const {
  SaveJsonFile(ArtifactPath(episode, artifact), value, -1);
}

}  // namespace autofocus

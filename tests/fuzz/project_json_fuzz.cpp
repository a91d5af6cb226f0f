// Fuzz target: the project/episode JSON loader (core/dataset/project_store.h). The input is
// written both as the project.json of a project folder (ProjectStore::Open) and as the
// episodes/ep/episode.json of a valid project (ProjectStore::LoadEpisode), the files a user or a
// crash can damage. What loads is saved and reopened: a file we accept must survive our own
// write and read back (a project that opens once and never again would lose work).

#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "core/dataset/project_store.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

namespace fs = std::filesystem;
using autofocus::Error;
using autofocus::ProjectStore;

// A valid project with one episode "ep" whose episode.json each input replaces.
const ProjectStore& EpisodeHost() {
  static const ProjectStore store = [] {
    autofocus::ProjectInfo info;
    info.name = "fuzz";
    info.importer = "fuzz";
    info.episodes.push_back({"ep", "episodes/ep", 0});
    return ProjectStore::Create(autofocus::fuzz::ScratchDir() / "episode_host", info);
  }();
  return store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fs::path project = autofocus::fuzz::ScratchDir() / "project";
  autofocus::fuzz::WriteBytes(project / "project.json", data, size);
  try {
    ProjectStore store = ProjectStore::Open(project);
    store.SourceRoot();
    for (const auto& e : store.info().episodes) store.EpisodeDir(e.name);
    store.Save();
    try {
      ProjectStore::Open(project);
    } catch (const Error& e) {
      autofocus::fuzz::Violated(std::string("project.json we wrote does not reopen: ") + e.what());
    }
  } catch (const Error&) {
  }

  const ProjectStore& host = EpisodeHost();
  autofocus::fuzz::WriteBytes(host.EpisodeDir("ep") / "episode.json", data, size);
  try {
    const autofocus::Episode episode = host.LoadEpisode("ep");
    const autofocus::Json written = episode.ToJson();
    try {
      autofocus::Episode::FromJson(written, "episode.json (rewritten)");
    } catch (const Error& e) {
      autofocus::fuzz::Violated(std::string("episode.json we wrote does not reload: ") + e.what());
    }
  } catch (const Error&) {
  }
  return 0;
}

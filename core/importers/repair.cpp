#include "core/importers/repair.h"

#include <algorithm>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/base/strings.h"
#include "core/dataset/project_store.h"

namespace autofocus {
namespace fs = std::filesystem;

namespace {

// Files the project's own writers leave behind when killed between write and rename.
bool IsInterruptedWrite(const fs::path& p) {
  const std::string n = p.filename().string();
  return !n.empty() && n[0] == '.' &&
         (n.find(".tmp-") != std::string::npos || n.find(".partial-") != std::string::npos);
}

// Source data written by an importer or the sample world: never moved, whatever its state.
bool IsSourceArtifact(const fs::path& p) {
  const std::string n = p.filename().string();
  return n == "episode.json" || n == "ground_truth.json";
}

std::vector<fs::path> SortedEntries(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) out.push_back(e.path());
  std::sort(out.begin(), out.end(), [](const fs::path& a, const fs::path& b) {
    return NaturalLess(a.filename().string(), b.filename().string());
  });
  return out;
}

void CollectInterruptedWrites(const fs::path& dir, std::vector<RepairAction>* actions) {
  for (const auto& p : SortedEntries(dir)) {
    if (IsInterruptedWrite(p)) {
      actions->push_back({p.string(), "move-aside",
                          "left by an interrupted write (the rename never happened)", ""});
    }
  }
}

}  // namespace

std::string RepairAction::ToString() const {
  return file + ": " + reason + " -> " + (result.empty() ? kind : result);
}

Json RepairAction::ToJson() const {
  return {{"file", file}, {"kind", kind}, {"reason", reason}, {"result", result}};
}

RepairReport RepairProject(const fs::path& project, const RepairOptions& options) {
  options.Check();
  RepairReport report;
  const fs::path root = fs::absolute(project).lexically_normal();
  std::string stamp = NowIso8601();
  std::replace(stamp.begin(), stamp.end(), ':', '-');
  report.quarantine = root / "quarantine" / stamp;

  ProjectStore store = [&] {
    try {
      return ProjectStore::Open(root);
    } catch (const Error& e) {
      throw Error(e.file(), e.where(),
                  e.reason() +
                      " (project.json holds the import's settings and cannot be "
                      "re-derived; restore it from a backup or import again)");
    }
  }();
  CollectInterruptedWrites(root, &report.actions);
  CollectInterruptedWrites(root / "episodes", &report.actions);
  bool reindex = false;
  for (auto& entry : store.mutable_info().episodes) {
    const fs::path dir = root / entry.dir;
    CollectInterruptedWrites(dir, &report.actions);
    for (const auto& p : SortedEntries(dir)) {
      if (p.extension() != ".json" || IsSourceArtifact(p) || IsInterruptedWrite(p)) continue;
      try {
        LoadJsonFile(p);
      } catch (const Error& e) {
        report.actions.push_back({p.string(), "move-aside",
                                  e.reason() + (e.where().empty() ? "" : " at " + e.where()), ""});
      }
    }
    const fs::path episode_file = dir / "episode.json";
    try {
      const Episode e = store.LoadEpisode(entry.name);
      if (e.num_frames != entry.num_frames) {
        report.actions.push_back({(root / "project.json").string(), "reindex",
                                  "lists " + std::to_string(entry.num_frames) + " frames for " +
                                      entry.name + ", its episode.json " +
                                      std::to_string(e.num_frames),
                                  ""});
        if (options.apply) {
          report.actions.back().result =
              "index entry " + entry.name + " set to " + std::to_string(e.num_frames) + " frames";
          entry.num_frames = e.num_frames;
          reindex = true;
        }
      }
    } catch (const Error& e) {
      report.unrepairable.push_back(
          {episode_file.string(), e.what(),
           "source data: restore it from the original demonstrations (or import the episode "
           "again); until then run, export and train leave this episode out"});
    }
  }
  if (!options.apply) return report;

  Json log = Json::array();
  for (auto& a : report.actions) {
    if (a.kind != "move-aside") {
      log.push_back(a.ToJson());
      continue;
    }
    const fs::path from(a.file);
    const fs::path to = report.quarantine / from.lexically_relative(root);
    std::error_code ec;
    fs::create_directories(to.parent_path(), ec);
    if (!ec) fs::rename(from, to, ec);
    a.result = ec ? "not moved: " + ec.message() : "moved to " + to.string();
    log.push_back(a.ToJson());
  }
  if (reindex) store.Save();
  if (!report.actions.empty()) {
    std::error_code ec;
    fs::create_directories(report.quarantine, ec);
    SaveJsonFile(report.quarantine / "repair.json", {{"time", NowIso8601()}, {"actions", log}});
  }
  return report;
}

}  // namespace autofocus

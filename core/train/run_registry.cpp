#include "core/train/run_registry.h"

#include <algorithm>

namespace autofocus {

std::filesystem::path RunDirectory(const std::filesystem::path& project, const std::string& name) {
  return project / "runs" / name;
}

Json RunSummary::ToJson() const {
  Json j = {{"name", name},       {"status", status},           {"created", created},
            {"updated", updated}, {"regularizer", regularizer}, {"epochs_done", epochs_done},
            {"epochs", epochs},   {"has_policy", has_policy}};
  j["best_val_bc"] = best_val_bc >= 0 ? Json(best_val_bc) : Json(nullptr);
  if (!error.empty()) j["error"] = error;
  return j;
}

std::vector<RunSummary> ListRuns(const std::filesystem::path& project) {
  std::vector<RunSummary> out;
  const auto runs = project / "runs";
  std::error_code ec;
  if (!std::filesystem::is_directory(runs, ec)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(runs)) {
    if (!entry.is_directory()) continue;
    RunSummary s;
    s.name = entry.path().filename().string();
    // A broken run.json must not hide the other runs: it is listed as unreadable.
    try {
      const Json j = LoadJsonFile(entry.path() / "run.json");
      s.status = j.value("status", "unknown");
      s.created = j.value("created", "");
      s.updated = j.value("updated", "");
      s.epochs_done = j.value("epochs_done", 0);
      if (j.contains("config")) {
        s.regularizer = j["config"].value("regularizer", "");
        s.epochs = j["config"].value("epochs", 0);
      }
      if (j.contains("best_val_bc") && j["best_val_bc"].is_number())
        s.best_val_bc = j["best_val_bc"].get<double>();
    } catch (const std::exception& e) {
      s.status = "unreadable";
      s.error = e.what();
    }
    s.has_policy = std::filesystem::exists(entry.path() / "policy.pt");
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(),
            [](const RunSummary& a, const RunSummary& b) { return a.name < b.name; });
  return out;
}

}  // namespace autofocus

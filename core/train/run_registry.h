#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/base/json_io.h"

namespace autofocus {

// PROJECT/runs/NAME.
std::filesystem::path RunDirectory(const std::filesystem::path& project, const std::string& name);

// One row of `autofocus runs`: what run.json says about a run.
struct RunSummary {
  std::string name;         // folder name under runs/
  std::string status;       // running | stopped | completed | failed | unreadable
  std::string created;      // ISO-8601 creation time
  std::string updated;      // ISO-8601 time of the last run.json update
  std::string regularizer;  // the run's regulariser
  int epochs_done = 0;      // finished epochs
  int epochs = 0;           // configured epochs
  double best_val_bc = -1;  // best validation BC (< 0 when unknown)
  bool has_policy = false;  // policy.pt exists
  std::string error;        // why run.json could not be read (status "unreadable")

  Json ToJson() const;
};

// Every run of a project sorted by name (an empty list when there is no runs/ folder).
std::vector<RunSummary> ListRuns(const std::filesystem::path& project);

}  // namespace autofocus

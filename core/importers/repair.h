#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/base/json_io.h"

namespace autofocus {

// One safe change `autofocus validate --repair` makes (or would make) to a project.
struct RepairAction {
  std::string file;    // the file concerned (absolute path)
  std::string kind;    // "move-aside" (the stage that wrote it re-runs) or "reindex"
  std::string reason;  // what is wrong with it
  std::string result;  // after applying: where it went, or what changed; empty for a plan

  // "file: reason -> result" (or "-> kind" for a plan).
  std::string ToString() const;
  Json ToJson() const;
};

// Something wrong that no safe repair exists for (source data is never rewritten or deleted).
struct UnrepairableProblem {
  std::string file;    // the file at fault (absolute path)
  std::string reason;  // what is wrong
  std::string advice;  // what the user can do instead
};

// Options of RepairProject.
struct RepairOptions {
  bool apply = false;  // false (default): only list what would be done

  // Nothing to check today; kept for the Options convention.
  void Check() const {}
};

// What RepairProject did or would do.
struct RepairReport {
  std::vector<RepairAction> actions;              // safe repairs, in project order
  std::vector<UnrepairableProblem> unrepairable;  // left as they are, with advice
  std::filesystem::path quarantine;  // where moved files went (PROJECT/quarantine/<time>/)
};

// Finds what can be repaired safely in a project and, with options.apply, does it:
//  - a derived artifact (any episodes/<ep>/*.json but episode.json and ground_truth.json) that
//    does not parse is moved aside, so the stage that wrote it re-runs (model calls already
//    made come from the exchange cache);
//  - leftovers of interrupted atomic writes (".name.tmp-*" files, ".name.partial-*" folders) are
//    moved aside;
//  - an index entry of project.json whose frame count disagrees with a readable episode.json is
//    re-derived from it.
// Nothing is ever deleted: moved files keep their relative path under PROJECT/quarantine/<UTC
// time>/, next to a repair.json that lists every action. A damaged episode.json or
// project.json is source data: reported as unrepairable with advice, never touched.
RepairReport RepairProject(const std::filesystem::path& project, const RepairOptions& options = {});

}  // namespace autofocus

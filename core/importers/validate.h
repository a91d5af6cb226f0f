#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/base/progress.h"
#include "core/dataset/project_store.h"

namespace autofocus {

// One thing wrong with a project.
struct ValidationProblem {
  std::string file;    // the file at fault (absolute path)
  std::string where;   // field, frame or dataset; may be empty
  std::string reason;  // what is wrong

  // "file: where: reason", the same shape as Error messages.
  std::string ToString() const;
};

// Options of ValidateProject.
struct ValidateOptions {
  int threads = 0;  // image decode threads; 0 (default) = hardware threads

  // Throws Error when threads is negative.
  void Check() const;
};

// Checks every artifact and frame reference of a project: every episode.json parses and agrees
// with the index in project.json, every other *.json in an episode folder parses, every image
// file exists, decodes and has the episode's size, every video decodes to the episode's frame
// count, every HDF5 dataset exists with [T,H,W,3] matching the episode. Returns all problems
// (empty when the project is valid). Progress counts frames; throws Cancelled on stop.
std::vector<ValidationProblem> ValidateProject(const ProjectStore& store,
                                               const ProgressCallback& progress = {},
                                               const StopCheck& stop = {},
                                               const ValidateOptions& options = {});

// As above for a project directory; a project.json that is missing, corrupt or too new is
// reported as a problem instead of thrown.
std::vector<ValidationProblem> ValidateProjectDir(const std::filesystem::path& dir,
                                                  const ProgressCallback& progress = {},
                                                  const StopCheck& stop = {},
                                                  const ValidateOptions& options = {});

}  // namespace autofocus

#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/base/progress.h"
#include "core/dataset/project_store.h"

namespace autofocus {

// Options of Hdf5Importer.
struct Hdf5ImportOptions {
  std::filesystem::path file;  // robomimic-style HDF5 file (required)
  std::filesystem::path out;   // project directory to create; must not exist (required)
  std::string name;            // project name; default (empty): the file name without extension
  std::string image_key;       // obs dataset with the frames; default (empty): auto-detect
  std::vector<std::string> action_names;  // one per action column; default: a0..a{A-1}
  bool copy = false;           // copy the HDF5 file into the project (frames/<file name>)

  // Throws Error when a required path is empty or action names are empty/duplicated.
  void Check() const;
};

// Imports a robomimic-style HDF5 file (robomimic, LIBERO, MimicGen, AutoFocus-IL's CARLA
// converter): data/demo_<k>/obs/<image_key> uint8 [T,H,W,3] frames (left in the file, read on
// demand), data/demo_<k>/actions [T,A], other numeric obs [T] or [T,D] as state,
// obs/gaze_coords* [T,2k] as gaze points (negative padding dropped) and demo attributes as
// metadata. Demos in natural order. Built in a staging directory, renamed at the end.
class Hdf5Importer {
 public:
  // Checks the options (throws Error).
  explicit Hdf5Importer(Hdf5ImportOptions options);
  // Runs the import; returns the written project.json content. Throws Error naming the file,
  // dataset and reason on bad input, Cancelled when `stop` fired.
  ProjectInfo Run(const ProgressCallback& progress = {}, const StopCheck& stop = {}) const;

 private:
  Hdf5ImportOptions options_;
};

// Image datasets (uint8 [T,H,W,3]) directly under `group` (e.g. "data/demo_0/obs") of an open
// HDF5 file, in natural order. Exposed for error messages and tests.
std::vector<std::string> FindImageKeys(const std::filesystem::path& file, const std::string& group);

}  // namespace autofocus

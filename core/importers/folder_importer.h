#pragma once

#include <filesystem>
#include <string>

#include "core/base/progress.h"
#include "core/dataset/project_store.h"

namespace autofocus {

// Options of FolderImporter.
struct FolderImportOptions {
  std::filesystem::path root;  // dataset root: one sub-folder per episode (required)
  std::filesystem::path out;   // project directory to create; must not exist (required)
  std::string name;            // project name; default (empty): the root folder's name
  bool copy = false;           // copy frame files into the project (frames/<episode>/...)
  int threads = 0;             // image decode threads; 0 (default) = hardware threads

  // Throws Error when a required path is empty or threads is negative.
  void Check() const;
};

// Imports a folder dataset: ROOT/<episode>/ holds image files (png, jpg, jpeg, bmp, tif, tiff,
// webp; natural order) or exactly one video (mp4, avi, mkv, mov, webm), plus actions.csv or
// actions.json with one row per frame. Every image is decoded once (in parallel, a few frames
// in memory at a time); the project is built in a staging directory and renamed into place at
// the end, so a failed import leaves nothing behind. Frames are referenced in place (absolute
// source_root) unless `copy` is set.
class FolderImporter {
 public:
  // Checks the options (throws Error).
  explicit FolderImporter(FolderImportOptions options);
  // Runs the import; returns the written project.json content. Throws Error naming the file,
  // row/field and reason on bad input, Cancelled when `stop` fired.
  ProjectInfo Run(const ProgressCallback& progress = {}, const StopCheck& stop = {}) const;

 private:
  FolderImportOptions options_;
};

}  // namespace autofocus

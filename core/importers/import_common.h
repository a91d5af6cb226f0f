#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/base/progress.h"
#include "core/dataset/dataset.h"

namespace autofocus {

// A numeric table: named columns and one row per frame (actions, state).
struct NumericTable {
  std::vector<std::string> names;          // column names, in file order
  std::vector<std::vector<float>> rows;    // [rows][names.size()] values, all finite
};

// Reads a CSV file whose first line names the columns and whose every further non-empty line
// holds one finite number per column. Throws Error naming the file, the row/column and the
// reason (ragged row, not a number, not finite, empty or duplicate header).
NumericTable ReadNumericCsv(const std::filesystem::path& path);

// Reads actions.json: either {"names": [...], "actions": [[...], ...]} or a bare array of rows
// [[...], ...] whose columns are named a0..a{A-1}. Same checks and errors as ReadNumericCsv.
NumericTable ReadActionsJson(const std::filesystem::path& path);

// Throws Error(file, "<where>[row r, column c]", ...) on the first non-finite value. `names`
// may be shorter than a row (columns are then numbered).
void RequireFinite(const std::vector<std::vector<float>>& rows,
                   const std::vector<std::string>& names, const std::string& file,
                   const std::string& where);

// Default action names a0..a{n-1}.
std::vector<std::string> DefaultActionNames(size_t n);

// Accumulates the observed [min,max] of every action dimension over all episodes.
class ActionRangeAccumulator {
 public:
  // Adds rows; each must have as many values as the first row ever added.
  void Add(const std::vector<std::vector<float>>& rows);
  // A continuous spec with the given names and the observed ranges ([0,0] when no rows).
  ActionSpec Spec(const std::vector<std::string>& names) const;

 private:
  std::vector<double> min_;
  std::vector<double> max_;
};

// Runs fn(i) for every i in [0,n) on `threads` worker threads (0 = hardware threads). When
// calls throw, the exception of the lowest failing index is rethrown after all workers stopped
// (deterministic error reports); the stop check is polled between items (throws Cancelled).
void ParallelFor(size_t n, int threads, const std::function<void(size_t)>& fn,
                 const StopCheck& stop);

// Counts finished units of a job and reports them (with an ETA) through a ProgressCallback.
// Thread-safe.
class ProgressCounter {
 public:
  // `callback` may be empty; `total` is the number of units overall.
  ProgressCounter(ProgressCallback callback, std::string stage, int64_t total);
  // Adds `units` finished units and reports with `item` as the current item.
  void Advance(int64_t units, const std::string& item);

 private:
  ProgressCallback callback_;
  std::string stage_;
  int64_t total_;
  std::atomic<int64_t> done_{0};
  std::chrono::steady_clock::time_point start_;
};

// The result of decoding one image file.
struct DecodedImageInfo {
  int width = 0;   // pixels
  int height = 0;  // pixels
};

// Reads `path` once, decodes it fully (so corrupt files are caught) and, when `copy_to` is not
// empty, writes the unchanged bytes there (never re-encodes). Throws Error naming the file.
DecodedImageInfo DecodeImageFile(const std::filesystem::path& path,
                                 const std::filesystem::path& copy_to = {});

// Lower-case extension checks used by the folder importer and the validator.
bool IsImageFileName(const std::string& name);
bool IsVideoFileName(const std::string& name);

}  // namespace autofocus

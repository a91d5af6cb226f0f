#pragma once

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

#include "core/base/progress.h"

namespace autofocus::cli {

// Renders core progress reports on stderr: a redrawn bar when stderr is a terminal, otherwise
// plain lines at most every few percent (so logs of batch jobs stay readable).
class ConsoleProgress {
 public:
  ConsoleProgress();
  ~ConsoleProgress();
  // Reports one update; thread-safe.
  void Report(const Progress& p);
  // A callback bound to this reporter.
  ProgressCallback Callback();
  // Ends the current bar line.
  void Finish();

 private:
  std::mutex mu_;
  bool tty_;
  std::string last_stage_;
  int last_percent_ = -1;
  bool open_line_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

// The callback of a `--progress bar|json|none` flag: `bar` reports to `bar`, `json` writes one
// {"stage","item","done","total","eta_seconds"} line per report to `out` (flushed), `none` is
// empty.
ProgressCallback ProgressForMode(const std::string& mode, ConsoleProgress& bar, std::FILE* out);

}  // namespace autofocus::cli

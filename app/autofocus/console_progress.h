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

// A callback that prints each report as one JSON line {"stage", "item", "done", "total",
// "eta_seconds"} to `stream` and flushes it (`--progress json` of the companion programs).
ProgressCallback JsonLinesProgress(std::FILE* stream);

// The callback of a `--progress` mode: "bar" reports through `bar`, "json" prints JSON lines to
// `json_stream`, anything else ("none") reports nothing.
ProgressCallback ProgressForMode(const std::string& mode, ConsoleProgress& bar,
                                 std::FILE* json_stream);

}  // namespace autofocus::cli

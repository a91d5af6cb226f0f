#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
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

// SIGINT/SIGTERM set a flag the long job polls (its stop check) instead of killing the process,
// so a training run checkpoints and an evaluation or attention job ends between batches.
// Installed once per process by InstallStopSignals().
void InstallStopSignals();
// The flag the handlers set.
const std::atomic<bool>& StopRequested();
// The signal that set it (0 when none).
int StopSignal();

// Runs `body` and turns its exceptions into the companion programs' exit codes: Cancelled ->
// "cancelled", 130; any other exception -> "error: <what>", 1.
int RunReportingErrors(const std::function<int()>& body);

}  // namespace autofocus::cli

#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace autofocus {

// One progress report of a long-running job.
struct Progress {
  std::string stage;    // what is being done, e.g. "import", "detect"
  std::string item;     // the current item (episode name, file), may be empty
  int64_t done = 0;     // units finished
  int64_t total = 0;    // units overall; 0 when unknown
  double eta_seconds = -1;  // estimated time left; negative when unknown
};

// Called from the worker thread; must be cheap and thread-safe.
using ProgressCallback = std::function<void(const Progress&)>;
// Returns true when the job should stop as soon as possible.
using StopCheck = std::function<bool()>;

// Throws Cancelled when `stop` is set and returns true.
void ThrowIfStopped(const StopCheck& stop);

// A StopCheck over an atomic flag (the usual way a UI cancels a job).
inline StopCheck StopOnFlag(const std::atomic<bool>& flag) {
  return [&flag] { return flag.load(std::memory_order_relaxed); };
}

}  // namespace autofocus

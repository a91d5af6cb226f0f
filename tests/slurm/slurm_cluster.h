#pragma once

// A real single-node Slurm on loopback for tests (../shared/FORMATS.md "Slurm and Gloo"):
// slurmctld and slurmd of Debian's slurm-wlm in the foreground, auth/none, no accounting, state
// and spool folders in a temporary directory, free ports. SLURM_CONF is set in this process so
// that sbatch, squeue, scancel and everything the tests start talk to it.

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "tests/support/test_support.h"

namespace autofocus::testing {

// One running cluster. Stops its daemons (by PID) in the destructor, at process exit and, via
// PR_SET_PDEATHSIG, when the test process dies.
class SlurmCluster {
 public:
  // "" when slurmctld and slurmd are installed, else why the tests skip.
  static std::string Unavailable();

  // Writes slurm.conf, starts both daemons and waits (up to 30 s) for the node to be idle;
  // throws std::runtime_error with the daemons' output otherwise.
  SlurmCluster();
  ~SlurmCluster();
  SlurmCluster(const SlurmCluster&) = delete;
  SlurmCluster& operator=(const SlurmCluster&) = delete;

  // The slurm.conf the daemons and clients use.
  const std::filesystem::path& conf() const { return conf_; }
  // Blocks until the queue is empty (true) or `timeout_s` passed (false).
  bool WaitForEmptyQueue(double timeout_s) const;
  // Blocks until `task` (e.g. "42_3") has left the queue (true) or `timeout_s` passed.
  bool WaitUntilGone(const std::string& task, double timeout_s) const;
  // Cancels every job, then stops the daemons (SIGTERM, SIGKILL after 5 s). Idempotent.
  void Stop();

 private:
  TempDir dir_;
  std::filesystem::path conf_;
  pid_t ctld_ = -1, slurmd_ = -1;
};

}  // namespace autofocus::testing

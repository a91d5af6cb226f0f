#pragma once

// Options of the jobs `autofocus cluster submit` writes (docs/cluster.md). Qt-free and
// torch-free: the scripts only name the programs they run.

#include <filesystem>
#include <string>
#include <vector>

namespace autofocus {

// Scheduler settings shared by every job script.
struct SlurmJobOptions {
  std::string partition;  // --partition; empty (default) = the cluster's default
  std::string time;       // --time limit, e.g. "02:00:00"; empty (default) = the partition's
  int cpus_per_task = 0;  // --cpus-per-task; 0 (default) = the cluster's default
  std::vector<std::string>
      sbatch_args;  // extra `#SBATCH` options, one option each ("--mem=8G"); default none
  std::filesystem::path
      autofocus;  // the autofocus program the tasks run (absolute; same path on every node)

  // Throws Error naming the field: a bad --time, an sbatch option that is not one "-..." token.
  void Check() const;
};

// An annotation job: one `autofocus run --shard i/N` per array task, then a dependent merge.
struct ArrayJobOptions {
  SlurmJobOptions slurm;  // scheduler settings
  int shards = 4;         // array tasks N (default 4), each `--shard i/N`
  std::vector<std::string>
      run_args;  // flags every `autofocus run` gets (not --shard/--episodes); default none
  std::vector<std::string>
      key_env;  // NAMES of the API key variables the tasks need; never their values

  // Throws Error naming the field: shards < 1, a run flag the job sets itself.
  void Check() const;
};

// A training job: `autofocus train` on nodes x ntasks_per_node ranks started by srun (Gloo).
struct TrainJobOptions {
  SlurmJobOptions slurm;    // scheduler settings
  int nodes = 1;            // --nodes (default 1)
  int ntasks_per_node = 1;  // --ntasks-per-node: ranks per node (default 1)
  bool requeue = false;     // --requeue: Slurm may requeue after preemption (default off)
  std::string name;         // run name (required: the script resumes runs/NAME)
  std::vector<std::string>
      train_args;  // `autofocus train` flags except --name/--resume; default none

  // Total ranks.
  int world_size() const { return nodes * ntasks_per_node; }
  // Throws Error naming the field: no name, nodes/tasks < 1, --resume among the flags.
  void Check() const;
};

// The variable names `--vlm-key-env NAME` / `--detector-key-env NAME` in `args` name, in order.
std::vector<std::string> KeyEnvNamesInArgs(const std::vector<std::string>& args);

// The flags of `autofocus train` that may be given next to `--resume` (they change how, not
// what, is trained), with their values, picked out of `args` in order; not `--max-steps`, a
// total that would stop a resumed run at once.
std::vector<std::string> TrainExecutionArgs(const std::vector<std::string>& args);

}  // namespace autofocus

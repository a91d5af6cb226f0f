#pragma once

// The readable sbatch scripts of `autofocus cluster submit` (docs/cluster.md). Every value that
// reaches a shell is quoted; API keys appear only as variable names.

#include <filesystem>
#include <string>

#include "core/cluster/cluster_options.h"

namespace autofocus {

// The files of one cluster job: PROJECT/jobs/<id>/.
struct JobPaths {
  std::filesystem::path project;  // project folder (absolute)
  std::string id;                 // job id (folder name)

  // PROJECT/jobs/<id>.
  std::filesystem::path dir() const { return project / "jobs" / id; }
  // The array script (annotation).
  std::filesystem::path shard_script() const { return dir() / "shards.sbatch"; }
  // The dependent merge script (annotation).
  std::filesystem::path merge_script() const { return dir() / "merge.sbatch"; }
  // The training script.
  std::filesystem::path train_script() const { return dir() / "train.sbatch"; }
  // job.json: what was written and every submission.
  std::filesystem::path manifest() const { return dir() / "job.json"; }
  // Slurm's output files, one per task and attempt.
  std::filesystem::path logs() const { return dir() / "logs"; }
  // One state file per shard, written by the task itself (running / done / failed).
  std::filesystem::path tasks() const { return dir() / "tasks"; }
  // The task state file of shard `i`.
  std::filesystem::path task_state(int i) const {
    return tasks() / ("shard-" + std::to_string(i) + ".state");
  }
};

// `s` as one word for bash: unchanged when it holds only safe characters, else single-quoted.
std::string ShellQuote(const std::string& s);

// The array script: task i runs `autofocus run PROJECT --shard i/N` (i from SLURM_ARRAY_TASK_ID,
// or JOB_COMPLETION_INDEX under a Kubernetes Indexed Job) and records its state in tasks/.
std::string ArrayJobScript(const JobPaths& paths, const ArrayJobOptions& options);
// The merge script: `autofocus cluster merge PROJECT --job ID`.
std::string MergeJobScript(const JobPaths& paths, const ArrayJobOptions& options);
// The training script: MASTER_ADDR/MASTER_PORT from the allocation, one rank per task by srun
// (RANK/WORLD_SIZE/LOCAL_RANK from SLURM_PROCID/SLURM_NTASKS/SLURM_LOCALID), a new run or a
// resume of runs/NAME when it has a checkpoint.
std::string TrainJobScript(const JobPaths& paths, const TrainJobOptions& options);

}  // namespace autofocus

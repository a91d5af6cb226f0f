#pragma once

// Cluster jobs of a project (docs/cluster.md): the job folder PROJECT/jobs/<id>/ with its
// sbatch scripts and job.json, submission through sbatch, status from squeue/sacct or the
// tasks' own state files, resubmission of failed shards, and the merge of the shards' exchange
// records into the project's exchange cache.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/base/json_io.h"
#include "core/base/process.h"
#include "core/cluster/cluster_options.h"
#include "core/cluster/slurm_scripts.h"

namespace autofocus {

// Runs argv[0] with the arguments (looked up on PATH, no shell). Tests substitute a fake.
using CommandRunner = std::function<CommandResult(const std::vector<std::string>& argv)>;

// The real runner is RunCommand (core/base/process.h).

// The episodes of shard `shard` of `shards`: the k-th episode (in the given order) belongs to
// shard k mod shards (what `autofocus run --shard i/N` takes).
std::vector<std::string> ShardEpisodes(const std::vector<std::string>& episodes, int shard,
                                       int shards);

// One sbatch submission of a job.
struct JobSubmission {
  std::string job_id;        // Slurm job ID (the array's for annotation)
  std::string merge_job_id;  // the dependent merge job (annotation only)
  std::vector<int> shards;   // array indices submitted (annotation only)
  std::string time;          // UTC submission time
  int exit_code = 0;         // not stored: with `wait`, sbatch's exit code (the job's)
};

// job.json: what a job folder holds and every submission of it.
struct ClusterJob {
  std::string id;                          // folder name under PROJECT/jobs
  std::string kind;                        // "annotate" or "train"
  int shards = 0;                          // annotation: N
  std::string run_name;                    // training: runs/NAME
  std::string created;                     // UTC time the folder was written
  std::vector<JobSubmission> submissions;  // oldest first; empty after --dry-run

  // The object written to job.json.
  Json ToJson() const;
  // Parses job.json; throws Error naming the file and field.
  static ClusterJob FromJson(const Json& j, const std::string& file);
};

// Writes PROJECT/jobs/<id>/ (shards.sbatch, merge.sbatch, job.json; each temp + rename) for an
// annotation job of `project` (absolute). Throws Error naming the field for bad options or a
// project path the scripts cannot hold.
ClusterJob WriteArrayJob(const std::filesystem::path& project, const ArrayJobOptions& options);
// Writes PROJECT/jobs/<id>/ (train.sbatch, job.json) for a training job.
ClusterJob WriteTrainJob(const std::filesystem::path& project, const TrainJobOptions& options);

// Loads PROJECT/jobs/<id>/job.json; an empty id means the newest job. Throws Error when missing.
ClusterJob LoadClusterJob(const std::filesystem::path& project, const std::string& id);
// Writes PROJECT/jobs/<id>/job.json (temp + rename).
void SaveClusterJob(const std::filesystem::path& project, const ClusterJob& job);

// Submits an annotation job's array (all shards when `shards` is empty, else those indices) and
// its dependent merge (`--dependency=afterok`, `--kill-on-invalid-dep=yes`), records the
// submission in job.json and returns it. `wait`: the merge's sbatch waits for it to end.
// Throws Error with sbatch's message when a submission fails.
JobSubmission SubmitArrayJob(const std::filesystem::path& project, ClusterJob& job,
                             const std::vector<int>& shards, const CommandRunner& run,
                             bool wait = false);
// Submits a training job (`sbatch --parsable train.sbatch`); `wait` as above.
JobSubmission SubmitTrainJob(const std::filesystem::path& project, ClusterJob& job,
                             const CommandRunner& run, bool wait = false);

// Where one shard stands.
struct ShardStatus {
  int shard = 0;            // index i of N
  std::string state;        // "pending", "running", "done", "failed" or "unknown"
  std::string detail;       // why (queue reason, exit code, signal, "lost")
  std::string task;         // Slurm task, e.g. "42_3"
  int episodes = 0;         // episodes of the shard
  int episodes_done = 0;    // with every stage finished and no error
  int episodes_failed = 0;  // whose status.json records an error
};

// Where a job stands (`autofocus cluster status`).
struct ClusterJobStatus {
  ClusterJob job;                   // the job
  std::string source;               // "sacct" or "task files" (accounting off), plus "squeue"
  std::vector<ShardStatus> shards;  // annotation: one per shard
  std::string merge_state;          // annotation: "pending", "running", "done", "not run"
  std::string train_state;          // training: the Slurm state, or the run's own
  std::string run_status;           // training: run.json status ("" before it exists)
  int run_steps = 0;                // training: steps done

  // Shards whose state is "failed", in order.
  std::vector<int> Failed() const;
  // {"job","kind","source","shards":[...],"merge"} for --json.
  Json ToJson() const;
};

// Queries squeue (and sacct when accounting is on; else the tasks' state files) and the
// episodes' status.json. Throws Error when squeue cannot reach the controller.
ClusterJobStatus QueryClusterJob(const std::filesystem::path& project, const ClusterJob& job,
                                 const CommandRunner& run);

// Resubmits the failed shards of `status` (after cancelling the old merge job if it still waits)
// and returns the new submission; Error when none failed.
JobSubmission ResubmitFailedShards(const std::filesystem::path& project, ClusterJob& job,
                                   const ClusterJobStatus& status, const CommandRunner& run);

// What a merge did.
struct MergeReport {
  int files = 0;                     // shard exchange files read
  int64_t read = 0;                  // entries in them
  int64_t appended = 0;              // entries added to the project's exchange cache
  int64_t already = 0;               // entries it already had (a merge run again appends nothing)
  std::vector<std::string> damaged;  // files with torn or bad lines (summaries)

  // {"files","read","appended","already","damaged"}.
  Json ToJson() const;
};

// Appends every entry of the job's shard exchange files (exchanges-shard-*-of-N.jsonl) that the
// project's exchange cache does not hold yet, then writes the run report (report.json and
// report.txt in the job folder: merge counts and per-shard episode states). Idempotent.
MergeReport MergeShardExchanges(const std::filesystem::path& project, const ClusterJob& job);

}  // namespace autofocus

// `autofocus cluster submit|status|merge`: annotation as a Slurm job array and training under
// srun (core/cluster, docs/cluster.md). This file only parses and prints.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "app/autofocus/command.h"
#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/cluster/cluster_job.h"
#include "core/dataset/project_store.h"

namespace autofocus::cli {
namespace {
namespace fs = std::filesystem;

struct SubmitOptions {
  std::string project;        // project directory
  bool slurm = false;         // --slurm: annotation array
  bool train = false;         // --train: training job
  int shards = 4;             // --shards
  SlurmJobOptions scheduler;  // partition, time, cpus, sbatch args, program
  std::string autofocus;      // --autofocus: program path the tasks run
  int nodes = 1;              // --nodes (training)
  int ntasks_per_node = 1;    // --ntasks-per-node (training)
  bool requeue = false;       // --requeue (training)
  std::string name;           // --name (training)
  bool dry_run = false;       // write only
  bool wait = false;          // sbatch --wait on the last job
};

std::string SelfPath() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("autofocus") : self.string();
}

// The API key variables the tasks need: named by the flags, or by the project's saved settings.
std::vector<std::string> KeyEnvNames(const fs::path& project,
                                     const std::vector<std::string>& args) {
  std::vector<std::string> names = KeyEnvNamesInArgs(args);
  const ProjectStore store = ProjectStore::Open(project);
  const Json& settings = store.info().settings;
  if (settings.contains("pipeline")) {
    for (const char* k : {"vlm", "detector"}) {
      const Json& b = settings["pipeline"].value(k, Json::object());
      const std::string n = b.is_object() ? b.value("api_key_env", "") : "";
      if (!n.empty() && std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
    }
  }
  return names;
}

int RunSubmit(const SubmitOptions& o, const std::vector<std::string>& extra) {
  if (o.slurm == o.train)
    throw Error("", "--slurm/--train", "give exactly one: --slurm (annotation array) or --train");
  SlurmJobOptions sched = o.scheduler;
  sched.autofocus = o.autofocus.empty() ? SelfPath() : fs::absolute(o.autofocus).string();
  const fs::path project = fs::absolute(o.project).lexically_normal();
  ClusterJob job;
  if (o.slurm) {
    ArrayJobOptions a;
    a.slurm = sched;
    a.shards = o.shards;
    a.run_args = extra;
    a.key_env = KeyEnvNames(project, extra);
    for (const auto& k : a.key_env) {
      // sbatch hands the submitting environment to the tasks: an unset key fails every task.
      if (std::getenv(k.c_str()) == nullptr) {
        if (!o.dry_run)
          throw Error("", k,
                      "the API key variable is not set here, and sbatch passes this environment to "
                      "the tasks");
        std::fprintf(
            stderr, "warning: %s (an API key variable) is not set here; set it before submitting\n",
            k.c_str());
      }
    }
    job = WriteArrayJob(project, a);
  } else {
    TrainJobOptions t;
    t.slurm = sched;
    t.nodes = o.nodes;
    t.ntasks_per_node = o.ntasks_per_node;
    t.requeue = o.requeue;
    t.name = o.name;
    t.train_args = extra;
    job = WriteTrainJob(project, t);
  }
  const JobPaths paths{project, job.id};
  std::printf("wrote %s\n", paths.dir().string().c_str());
  if (o.dry_run) {
    std::printf("dry run: nothing submitted; review the scripts, then submit with\n  sbatch %s\n",
                (o.slurm ? paths.shard_script() : paths.train_script()).string().c_str());
    return kExitOk;
  }
  std::fflush(stdout);
  if (o.slurm) {
    const JobSubmission s = SubmitArrayJob(project, job, {}, RunCommand, o.wait);
    std::printf("submitted array job %s (%d shards) and merge job %s (afterok)\n", s.job_id.c_str(),
                job.shards, s.merge_job_id.c_str());
    std::printf("watch: autofocus cluster status %s --job %s\n", o.project.c_str(), job.id.c_str());
    return o.wait && s.exit_code != 0 ? kExitFailure : kExitOk;
  }
  const JobSubmission s = SubmitTrainJob(project, job, RunCommand, o.wait);
  std::printf("submitted training job %s (%d rank(s)) into runs/%s\n", s.job_id.c_str(),
              o.nodes * o.ntasks_per_node, o.name.c_str());
  return o.wait && s.exit_code != 0 ? kExitFailure : kExitOk;
}

void PrintStatus(const ClusterJobStatus& st) {
  if (st.job.kind == "train") {
    std::printf("job %s: training runs/%s; Slurm: %s; run: %s, %d step(s)\n", st.job.id.c_str(),
                st.job.run_name.c_str(), st.train_state.c_str(),
                st.run_status.empty() ? "not started" : st.run_status.c_str(), st.run_steps);
    return;
  }
  std::printf("job %s: %d shards (%s)\n", st.job.id.c_str(), st.job.shards, st.source.c_str());
  std::printf("%-6s %-8s %-9s %-10s %s\n", "shard", "state", "episodes", "task", "detail");
  int counts[4] = {0, 0, 0, 0};
  for (const auto& s : st.shards) {
    const std::string eps = std::to_string(s.episodes_done) + "/" + std::to_string(s.episodes);
    std::printf("%-6d %-8s %-9s %-10s %s%s\n", s.shard, s.state.c_str(), eps.c_str(),
                s.task.c_str(), s.detail.c_str(),
                s.episodes_failed
                    ? (" (" + std::to_string(s.episodes_failed) + " episode(s) failed)").c_str()
                    : "");
    counts[s.state == "done" ? 0 : s.state == "failed" ? 1 : s.state == "running" ? 2 : 3]++;
  }
  std::printf("%d done, %d failed, %d running, %d pending; merge: %s\n", counts[0], counts[1],
              counts[2], counts[3], st.merge_state.c_str());
  if (counts[1] > 0) std::printf("resubmit the failed shards with --resubmit-failed\n");
}

const bool kRegistered = RegisterCommand(90, [](CLI::App& root, Action& action) {
  CLI::App* cluster = root.add_subcommand(
      "cluster", "Annotate as a Slurm job array and train under srun (docs/cluster.md)");
  cluster->require_subcommand(1);

  auto o = std::make_shared<SubmitOptions>();
  CLI::App* submit = cluster->add_subcommand(
      "submit",
      "Write a reviewed sbatch script into PROJECT/jobs/<id>/ and submit it; flags not listed "
      "here go to every `autofocus run` (--slurm) or `autofocus train` (--train)");
  submit->add_option("PROJECT", o->project, "Project directory")->required();
  submit->add_flag("--slurm", o->slurm,
                   "Annotation: a job array of `autofocus run --shard i/N` plus a merge");
  submit->add_flag("--train", o->train, "Training: `autofocus train` ranks started by srun (Gloo)");
  submit->add_option("--shards", o->shards, "Array tasks N (--slurm; default 4)");
  submit->add_option("--partition", o->scheduler.partition,
                     "Slurm partition (default the cluster's)");
  submit->add_option("--time", o->scheduler.time, "Time limit per task, e.g. 02:00:00");
  submit->add_option("--cpus-per-task", o->scheduler.cpus_per_task, "CPUs per task");
  submit
      ->add_option("--sbatch-arg", o->scheduler.sbatch_args,
                   "Extra #SBATCH option, one per flag as --opt=value (repeatable)")
      ->allow_extra_args(false);
  submit->add_option("--nodes", o->nodes, "Nodes (--train; default 1)");
  submit->add_option("--ntasks-per-node", o->ntasks_per_node,
                     "Ranks per node (--train; default 1)");
  submit->add_flag("--requeue", o->requeue,
                   "Let Slurm requeue the training job after preemption (it resumes)");
  submit->add_option("--name", o->name,
                     "Run name (--train; required: a requeued job resumes runs/NAME)");
  submit->add_option(
      "--autofocus", o->autofocus,
      "The autofocus program the tasks run (default this one; the same path on every node)");
  submit->add_flag("--dry-run", o->dry_run, "Write the job folder only");
  submit->add_flag("--wait", o->wait, "Wait until the merge (--slurm) or the training job ends");
  submit->allow_extras();
  submit->callback([o, submit, &action] {
    const std::vector<std::string> extra = submit->remaining();
    action = [o, extra] { return RunSubmit(*o, extra); };
  });

  struct StatusOptions {
    std::string project, job;
    bool json = false, resubmit = false;
  };
  auto s = std::make_shared<StatusOptions>();
  CLI::App* status = cluster->add_subcommand(
      "status",
      "Done/failed/running per shard from squeue and sacct (or the task files) and the episodes");
  status->add_option("PROJECT", s->project, "Project directory")->required();
  status->add_option("--job", s->job, "Job id under PROJECT/jobs (default the newest)");
  status->add_flag("--json", s->json, "One JSON object");
  status->add_flag("--resubmit-failed", s->resubmit,
                   "Submit the failed shards again (and a new merge)");
  status->callback([s, &action] {
    action = [s] {
      ClusterJob job = LoadClusterJob(s->project, s->job);
      ClusterJobStatus st = QueryClusterJob(s->project, job, RunCommand);
      if (s->json) {
        std::cout << st.ToJson().dump() << std::endl;
      } else {
        PrintStatus(st);
      }
      if (s->resubmit) {
        const JobSubmission sub = ResubmitFailedShards(s->project, job, st, RunCommand);
        std::printf("resubmitted shard(s) as array job %s with merge job %s\n", sub.job_id.c_str(),
                    sub.merge_job_id.c_str());
      }
      return kExitOk;
    };
  });

  auto m = std::make_shared<StatusOptions>();
  CLI::App* merge = cluster->add_subcommand("merge",
                                            "Merge a job's shard exchange records into the "
                                            "project's exchange cache and write its report");
  merge->add_option("PROJECT", m->project, "Project directory")->required();
  merge->add_option("--job", m->job, "Job id under PROJECT/jobs (default the newest)");
  merge->callback([m, &action] {
    action = [m] {
      const ClusterJob job = LoadClusterJob(m->project, m->job);
      const MergeReport r = MergeShardExchanges(m->project, job);
      std::printf(
          "merged job %s: %lld exchange record(s) read from %d shard file(s), %lld added, %lld "
          "already there\n",
          job.id.c_str(), static_cast<long long>(r.read), r.files,
          static_cast<long long>(r.appended), static_cast<long long>(r.already));
      for (const auto& d : r.damaged) std::printf("warning: %s\n", d.c_str());
      std::fputs(ReadFile(JobPaths{fs::absolute(m->project).lexically_normal(), job.id}.dir() /
                          "report.txt")
                     .c_str(),
                 stdout);
      return kExitOk;
    };
  });
});

}  // namespace
}  // namespace autofocus::cli

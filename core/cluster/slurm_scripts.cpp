#include "core/cluster/slurm_scripts.h"

#include <cctype>
#include <sstream>

namespace autofocus {
namespace {

// The #SBATCH lines every script shares (partition, time, extra options).
void SchedulerLines(std::ostringstream& s, const SlurmJobOptions& o, bool with_cpus) {
  if (!o.partition.empty()) s << "#SBATCH --partition=" << o.partition << "\n";
  if (!o.time.empty()) s << "#SBATCH --time=" << o.time << "\n";
  if (with_cpus && o.cpus_per_task > 0) s << "#SBATCH --cpus-per-task=" << o.cpus_per_task << "\n";
  // Slurm stops reading directives at the first command, so these stay in the header block.
  for (const auto& a : o.sbatch_args) s << "#SBATCH " << a << "\n";
}

// One line per flag and its value ("  --vlm-url URL \\"): long command lines stay reviewable.
void ArgLines(std::ostringstream& s, const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    s << " \\\n  " << ShellQuote(args[i]);
    const bool flag = args[i].rfind("-", 0) == 0 && args[i].find('=') == std::string::npos;
    if (flag && i + 1 < args.size() && args[i + 1].rfind("-", 0) != 0)
      s << " " << ShellQuote(args[++i]);
  }
}

}  // namespace

std::string ShellQuote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789_-+=/.,:@%") == std::string::npos) {
    return s;
  }
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string ArrayJobScript(const JobPaths& p, const ArrayJobOptions& o) {
  std::ostringstream s;
  s << "#!/bin/bash\n"
    << "# AutoFocus annotation job " << p.id << ": array task i runs shard i of " << o.shards
    << " of the project.\n"
    << "# Written by `autofocus cluster submit --slurm`, submitted as\n"
    << "#   sbatch --parsable --array=0-" << o.shards - 1 << " shards.sbatch\n"
    << "# and followed by merge.sbatch (--dependency=afterok). `autofocus cluster status` reads\n"
    << "# tasks/ and logs/ next to this file; `--resubmit-failed` submits it again for the failed\n"
    << "# shards only. The same script is a Kubernetes Indexed Job's command "
       "(JOB_COMPLETION_INDEX).\n"
    << "#SBATCH --job-name=af-" << p.id << "\n"
    << "#SBATCH --array=0-" << o.shards - 1 << "\n"
    << "#SBATCH --output=" << (p.logs() / "shard-%a.%A.out").string() << "\n"
    << "#SBATCH --chdir=" << p.project.string() << "\n"
    << "#SBATCH --ntasks=1\n";
  SchedulerLines(s, o.slurm, /*with_cpus=*/true);
  s << "set -uo pipefail\n\n"
    << "AUTOFOCUS=" << ShellQuote(o.slurm.autofocus.string()) << "\n"
    << "PROJECT=" << ShellQuote(p.project.string()) << "\n"
    << "JOB_DIR=" << ShellQuote(p.dir().string()) << "\n"
    << "# The shard count this job was written for. Not SLURM_ARRAY_TASK_COUNT: resubmitting some\n"
    << "# shards makes a smaller array whose tasks must still take shard i of " << o.shards << ".\n"
    << "SHARDS=" << o.shards << "\n"
    << "INDEX=${SLURM_ARRAY_TASK_ID:-${JOB_COMPLETION_INDEX:-}}\n"
    << "if [ -z \"$INDEX\" ]; then\n"
    << "  echo \"error: neither SLURM_ARRAY_TASK_ID (Slurm array) nor JOB_COMPLETION_INDEX "
       "(Kubernetes Indexed Job) is set\" >&2\n"
    << "  exit 2\n"
    << "fi\n";
  if (!o.key_env.empty()) {
    s << "# API keys come from the environment (sbatch passes the submitting shell's); this file\n"
      << "# names the variables, never their values.\n"
      << "for var in";
    for (const auto& k : o.key_env) s << " " << k;
    s << "; do\n"
      << "  if [ -z \"${!var:-}\" ]; then\n"
      << "    echo \"error: $var (an API key variable) is not set in the task's environment\" >&2\n"
      << "    exit 2\n"
      << "  fi\n"
      << "done\n";
  }
  s << "\nSTATE=\"$JOB_DIR/tasks/shard-$INDEX.state\"\n"
    << "record() {\n"
    << "  mkdir -p \"$JOB_DIR/tasks\" &&\n"
    << "    printf '%s job=%s host=%s time=%s\\n' \"$1\" "
       "\"${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID:-k8s}}\" \"$(hostname)\" "
       "\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" >\"$STATE.tmp.$$\" &&\n"
    << "    mv -f \"$STATE.tmp.$$\" \"$STATE\"\n"
    << "}\n"
    << "# scancel, a time limit or preemption sends SIGTERM first: autofocus stops at its next\n"
    << "# check (every answered call is already on disk) and the trap records it. After SIGKILL "
       "the\n"
    << "# file still says running, and `cluster status` sees that the queue no longer has the "
       "task.\n"
    << "trap 'record \"state=failed signal=TERM\"; exit 143' TERM\n"
    << "record \"state=running\"\n"
    << "echo \"shard $INDEX/$SHARDS on $(hostname), job ${SLURM_JOB_ID:-?}\"\n"
    << "\"$AUTOFOCUS\" run \"$PROJECT\" --shard \"$INDEX/$SHARDS\"";
  ArgLines(s, o.run_args);
  s << "\nrc=$?\n"
    << "if [ \"$rc\" -eq 0 ]; then record \"state=done exit=0\"; else record \"state=failed "
       "exit=$rc\"; fi\n"
    << "exit \"$rc\"\n";
  return s.str();
}

std::string MergeJobScript(const JobPaths& p, const ArrayJobOptions& o) {
  std::ostringstream s;
  s << "#!/bin/bash\n"
    << "# AutoFocus annotation job " << p.id << ": merges the shards' exchange records into the\n"
    << "# project's exchange cache (exchanges/exchanges.jsonl) and writes report.json and "
       "report.txt\n"
    << "# next to this file. Submitted after shards.sbatch with --dependency=afterok:<array job>;\n"
    << "# idempotent, so it is safe to run again by hand: autofocus cluster merge PROJECT --job "
    << p.id << "\n"
    << "#SBATCH --job-name=af-merge-" << p.id << "\n"
    << "#SBATCH --output=" << (p.logs() / "merge.%j.out").string() << "\n"
    << "#SBATCH --chdir=" << p.project.string() << "\n"
    << "#SBATCH --ntasks=1\n";
  SchedulerLines(s, o.slurm, /*with_cpus=*/false);
  s << "set -uo pipefail\n\n"
    << "exec " << ShellQuote(o.slurm.autofocus.string()) << " cluster merge "
    << ShellQuote(p.project.string()) << " --job " << ShellQuote(p.id) << "\n";
  return s.str();
}

std::string TrainJobScript(const JobPaths& p, const TrainJobOptions& o) {
  std::ostringstream s;
  s << "#!/bin/bash\n"
    << "# AutoFocus training job " << p.id << ": `autofocus train` on " << o.world_size()
    << " rank(s) (" << o.nodes << " node(s) x " << o.ntasks_per_node << ") over Gloo, into runs/"
    << o.name << ".\n"
    << "# Written by `autofocus cluster submit --train`, submitted as `sbatch --parsable "
       "train.sbatch`.\n"
    << "# Started again (requeue after preemption, or sbatch by hand) it resumes runs/" << o.name
    << " from its\n# last checkpoint; a completed run is left alone.\n"
    << "#SBATCH --job-name=af-train-" << o.name << "\n"
    << "#SBATCH --nodes=" << o.nodes << "\n"
    << "#SBATCH --ntasks-per-node=" << o.ntasks_per_node << "\n"
    << "#SBATCH --output=" << (p.logs() / "train.%j.out").string() << "\n"
    << "#SBATCH --open-mode=append\n"
    << "#SBATCH --chdir=" << p.project.string() << "\n";
  if (o.requeue) s << "#SBATCH --requeue\n";
  SchedulerLines(s, o.slurm, /*with_cpus=*/true);
  s << "set -uo pipefail\n\n"
    << "AUTOFOCUS=" << ShellQuote(o.slurm.autofocus.string()) << "\n"
    << "PROJECT=" << ShellQuote(p.project.string()) << "\n"
    << "NAME=" << ShellQuote(o.name) << "\n"
    << "RUN_DIR=\"$PROJECT/runs/$NAME\"\n\n"
    << "# Rank 0 serves the rendezvous on the first host of the allocation; the port comes from "
       "the\n"
    << "# job ID so that two jobs sharing a node do not collide.\n"
    << "export MASTER_ADDR=\"$(scontrol show hostnames \"$SLURM_JOB_NODELIST\" | head -n 1)\"\n"
    << "export MASTER_PORT=$((29500 + SLURM_JOB_ID % 10000))\n"
    << "# Since Slurm 22.05 srun does not inherit sbatch's --cpus-per-task.\n"
    << "if [ -n \"${SLURM_CPUS_PER_TASK:-}\" ]; then export "
       "SRUN_CPUS_PER_TASK=$SLURM_CPUS_PER_TASK; fi\n\n"
    << "if grep -Eq '\"status\": *\"completed\"' \"$RUN_DIR/run.json\" 2>/dev/null; then\n"
    << "  echo \"runs/$NAME is already completed\"\n"
    << "  exit 0\n"
    << "fi\n"
    << "if [ -f \"$RUN_DIR/last.ckpt\" ]; then\n"
    << "  echo \"resuming runs/$NAME from its last checkpoint (restart "
       "${SLURM_RESTART_COUNT:-0})\"\n"
    << "  ARGS=(--resume \"$NAME\"";
  for (const auto& a : TrainExecutionArgs(o.train_args)) s << " " << ShellQuote(a);
  s << ")\n"
    << "else\n"
    << "  # Stopped before its first checkpoint: the folder cannot be resumed, keep it aside.\n"
    << "  if [ -e \"$RUN_DIR\" ]; then mv \"$RUN_DIR\" "
       "\"$RUN_DIR.incomplete-$SLURM_JOB_ID-${SLURM_RESTART_COUNT:-0}\"; fi\n"
    << "  ARGS=(--name \"$NAME\"";
  for (const auto& a : o.train_args) s << " " << ShellQuote(a);
  s << ")\n"
    << "fi\n\n"
    << "echo \"$SLURM_NTASKS rank(s), master $MASTER_ADDR:$MASTER_PORT\"\n"
    << "# One rank per task, with torchrun's variables taken from srun's.\n"
    << "srun --kill-on-bad-exit=1 bash -c "
       "'export RANK=$SLURM_PROCID WORLD_SIZE=$SLURM_NTASKS LOCAL_RANK=$SLURM_LOCALID; exec "
       "\"$@\"' "
       "rank \\\n  \"$AUTOFOCUS\" train \"$PROJECT\" \"${ARGS[@]}\"\n";
  return s.str();
}

}  // namespace autofocus

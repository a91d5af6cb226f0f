#include "core/cluster/cluster_job.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/base/strings.h"
#include "core/dataset/project_store.h"
#include "core/exchange/exchange_cache.h"
#include "core/pipeline/pipeline.h"

namespace autofocus {
namespace fs = std::filesystem;
namespace {

std::string UtcStamp(const char* format) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

// A script is executable so that it can also be run by hand or as a container command.
void WriteScript(const fs::path& file, const std::string& text) {
  WriteFileAtomic(file, text);
  fs::permissions(file, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add);
}

// The scripts put the project path into #SBATCH lines, which Slurm splits on whitespace.
fs::path CheckedProject(const fs::path& project) {
  const fs::path p = fs::absolute(project).lexically_normal();
  if (!fs::exists(p / "project.json")) {
    throw Error((p / "project.json").string(), "", "not a project (no project.json)");
  }
  const std::string s = p.string();
  if (s.find_first_of(" \t\r\n'\"\\$`") != std::string::npos) {
    throw Error(s, "PROJECT",
                "the path holds whitespace or a shell character, which #SBATCH lines cannot carry");
  }
  return p.has_filename() ? p : p.parent_path();
}

// A fresh job folder name: KIND-YYYYMMDD-HHMMSS, suffixed when taken.
std::string NewJobId(const fs::path& project, const std::string& kind) {
  const std::string base = kind + "-" + UtcStamp("%Y%m%d-%H%M%S");
  std::string id = base;
  for (int k = 2; fs::exists(project / "jobs" / id); ++k) id = base + "-" + std::to_string(k);
  return id;
}

// "42" from sbatch --parsable's "42" or "42;cluster".
std::string ParsableJobId(const CommandResult& r, const std::string& what) {
  const std::string id = Trim(r.out.substr(0, r.out.find(';')));
  if (r.exit_code != 0 || id.empty() || id.find_first_not_of("0123456789") != std::string::npos) {
    const std::string msg = Trim(r.err.empty() ? r.out : r.err);
    throw Error(what, "sbatch",
                "submission failed (exit " + std::to_string(r.exit_code) + "): " + msg);
  }
  return id;
}

std::string IndexList(const std::vector<int>& shards) {
  std::string s;
  for (const int i : shards) s += (s.empty() ? "" : ",") + std::to_string(i);
  return s;
}

// key=value words of a task state file.
std::map<std::string, std::string> ReadStateFile(const fs::path& file) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  if (!fs::exists(file, ec)) return out;
  for (const auto& word : Split(Trim(ReadFile(file)), ' ')) {
    const auto eq = word.find('=');
    if (eq != std::string::npos) out[word.substr(0, eq)] = word.substr(eq + 1);
  }
  return out;
}

// Slurm states that mean a task ended without success.
bool IsFailedSlurmState(const std::string& s) {
  for (const char* f : {"FAILED", "CANCELLED", "TIMEOUT", "PREEMPTED", "NODE_FAIL", "OUT_OF_MEMORY",
                        "BOOT_FAIL", "DEADLINE", "REVOKED"}) {
    if (s.rfind(f, 0) == 0) return true;
  }
  return false;
}

// squeue's view of one task or job: its state and reason.
struct QueueEntry {
  std::string state, reason;
};

// Every job of this user in the queue, array tasks one per line ("42_3"). Throws when squeue
// cannot reach the controller: a status built without the queue would call running tasks lost.
std::map<std::string, QueueEntry> ReadQueue(const CommandRunner& run) {
  const CommandResult r = run({"squeue", "--me", "-h", "-r", "-o", "%i|%T|%r"});
  if (r.exit_code != 0) {
    throw Error("", "squeue",
                "cannot read the queue (exit " + std::to_string(r.exit_code) + "): " + Trim(r.err));
  }
  std::map<std::string, QueueEntry> out;
  for (const auto& line : Split(r.out, '\n')) {
    const auto f = Split(Trim(line), '|');
    if (f.size() >= 2) out[f[0]] = {f[1], f.size() > 2 ? f[2] : ""};
  }
  return out;
}

// sacct's final states of the given jobs ("42_3" -> "COMPLETED"), or nothing when accounting is
// off (sacct then fails with "Slurm accounting storage is disabled").
std::optional<std::map<std::string, std::string>> ReadAccounting(
    const CommandRunner& run, const std::vector<std::string>& ids) {
  if (ids.empty()) return std::map<std::string, std::string>{};
  std::string list;
  for (const auto& id : ids) list += (list.empty() ? "" : ",") + id;
  const CommandResult r =
      run({"sacct", "-n", "-P", "-X", "-j", list, "--format=JobID,State,ExitCode"});
  if (r.exit_code != 0) return std::nullopt;
  std::map<std::string, std::string> out;
  for (const auto& line : Split(r.out, '\n')) {
    const auto f = Split(Trim(line), '|');
    if (f.size() >= 2) out[f[0]] = f[1] + (f.size() > 2 ? " exit=" + f[2] : "");
  }
  return out;
}

// "done", "failed" or "pending" for one episode, from its status.json.
std::string EpisodeState(const ProjectStore& store, const std::string& episode) {
  const Json status = LoadEpisodeStatus(store, episode);
  if (status.contains("error") && !status["error"].is_null()) return "failed";
  if (status.contains("stages") && status["stages"].contains("saliency")) return "done";
  return "pending";
}

void CountEpisodes(const ProjectStore& store, int shards, std::vector<ShardStatus>& out) {
  std::vector<std::string> names;
  for (const auto& e : store.info().episodes) names.push_back(e.name);
  for (auto& s : out) {
    for (const auto& ep : ShardEpisodes(names, s.shard, shards)) {
      ++s.episodes;
      const std::string st = EpisodeState(store, ep);
      s.episodes_done += st == "done" ? 1 : 0;
      s.episodes_failed += st == "failed" ? 1 : 0;
    }
  }
}

}  // namespace

std::vector<std::string> ShardEpisodes(const std::vector<std::string>& episodes, int shard,
                                       int shards) {
  std::vector<std::string> mine;
  for (size_t k = 0; k < episodes.size(); ++k) {
    if (static_cast<int>(k % static_cast<size_t>(shards)) == shard) mine.push_back(episodes[k]);
  }
  return mine;
}

Json ClusterJob::ToJson() const {
  Json subs = Json::array();
  for (const auto& s : submissions) {
    Json j = {{"job_id", s.job_id}, {"time", s.time}};
    if (!s.merge_job_id.empty()) j["merge_job_id"] = s.merge_job_id;
    if (!s.shards.empty()) j["shards"] = s.shards;
    subs.push_back(j);
  }
  Json j = {{"id", id}, {"kind", kind}, {"created", created}, {"submissions", subs}};
  if (kind == "annotate") j["shards"] = shards;
  if (kind == "train") j["run_name"] = run_name;
  return j;
}

ClusterJob ClusterJob::FromJson(const Json& j, const std::string& file) {
  ClusterJob c;
  try {
    c.id = j.at("id").get<std::string>();
    c.kind = j.at("kind").get<std::string>();
    c.created = j.value("created", "");
    c.shards = j.value("shards", 0);
    c.run_name = j.value("run_name", "");
    for (const auto& s : j.at("submissions")) {
      JobSubmission sub;
      sub.job_id = s.at("job_id").get<std::string>();
      sub.merge_job_id = s.value("merge_job_id", "");
      sub.shards = s.value("shards", std::vector<int>{});
      sub.time = s.value("time", "");
      c.submissions.push_back(sub);
    }
  } catch (const Json::exception& e) {
    throw Error(file, "job", std::string("malformed: ") + e.what());
  }
  if (c.kind != "annotate" && c.kind != "train")
    throw Error(file, "kind", "must be annotate or train");
  if (c.kind == "annotate" && c.shards < 1) throw Error(file, "shards", "must be >= 1");
  return c;
}

namespace {

// A fresh job of `kind` with its folder and logs/ created.
ClusterJob NewJob(const fs::path& project, const std::string& kind) {
  ClusterJob job;
  job.kind = kind;
  job.id = NewJobId(project, kind);
  job.created = UtcStamp("%Y-%m-%dT%H:%M:%SZ");
  fs::create_directories(JobPaths{project, job.id}.logs());
  return job;
}

}  // namespace

ClusterJob WriteArrayJob(const fs::path& project_in, const ArrayJobOptions& options) {
  options.Check();
  const fs::path project = CheckedProject(project_in);
  ClusterJob job = NewJob(project, "annotate");
  job.shards = options.shards;
  const JobPaths paths{project, job.id};
  fs::create_directories(paths.tasks());
  WriteScript(paths.shard_script(), ArrayJobScript(paths, options));
  WriteScript(paths.merge_script(), MergeJobScript(paths, options));
  SaveClusterJob(project, job);
  return job;
}

ClusterJob WriteTrainJob(const fs::path& project_in, const TrainJobOptions& options) {
  options.Check();
  const fs::path project = CheckedProject(project_in);
  ClusterJob job = NewJob(project, "train");
  job.run_name = options.name;
  const JobPaths paths{project, job.id};
  WriteScript(paths.train_script(), TrainJobScript(paths, options));
  SaveClusterJob(project, job);
  return job;
}

ClusterJob LoadClusterJob(const fs::path& project_in, const std::string& id) {
  const fs::path project = fs::absolute(project_in).lexically_normal();
  std::string pick = id;
  if (pick.empty()) {
    // The newest job: names end in their creation time, so compare the manifests' times.
    std::string newest;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(project / "jobs", ec)) {
      if (!fs::exists(e.path() / "job.json")) continue;
      const std::string created = LoadJsonFile(e.path() / "job.json").value("created", "");
      const std::string name = e.path().filename().string();
      if (pick.empty() || created > newest || (created == newest && name > pick)) {
        pick = name;
        newest = created;
      }
    }
    if (pick.empty())
      throw Error((project / "jobs").string(), "",
                  "no cluster job (autofocus cluster submit writes one)");
  }
  const fs::path file = project / "jobs" / pick / "job.json";
  if (!fs::exists(file)) throw Error(file.string(), "--job", "no such job");
  return ClusterJob::FromJson(LoadJsonFile(file), file.string());
}

void SaveClusterJob(const fs::path& project, const ClusterJob& job) {
  SaveJsonFile(JobPaths{fs::absolute(project).lexically_normal(), job.id}.manifest(), job.ToJson());
}

JobSubmission SubmitArrayJob(const fs::path& project_in, ClusterJob& job,
                             const std::vector<int>& shards, const CommandRunner& run, bool wait) {
  const fs::path project = fs::absolute(project_in).lexically_normal();
  const JobPaths paths{project, job.id};
  JobSubmission sub;
  sub.time = UtcStamp("%Y-%m-%dT%H:%M:%SZ");
  sub.shards = shards;
  if (sub.shards.empty()) {
    for (int i = 0; i < job.shards; ++i) sub.shards.push_back(i);
  }
  for (const int i : sub.shards) {
    if (i < 0 || i >= job.shards)
      throw Error(paths.manifest().string(), "shards",
                  "index " + std::to_string(i) + " is out of range");
  }
  // Command-line options override the script's #SBATCH --array, so a resubmission of some
  // shards runs the very same reviewed script.
  sub.job_id = ParsableJobId(run({"sbatch", "--parsable", "--array=" + IndexList(sub.shards),
                                  paths.shard_script().string()}),
                             paths.shard_script().string());
  std::vector<std::string> merge = {"sbatch", "--parsable", "--dependency=afterok:" + sub.job_id,
                                    "--kill-on-invalid-dep=yes"};
  if (wait) merge.push_back("--wait");
  merge.push_back(paths.merge_script().string());
  // Recorded before the merge is submitted: a failing merge submission must not lose the array.
  job.submissions.push_back(sub);
  SaveClusterJob(project, job);
  const CommandResult m = run(merge);
  // With --wait sbatch returns the job's exit code; the ID is printed first either way.
  job.submissions.back().merge_job_id = ParsableJobId(
      CommandResult{wait ? 0 : m.exit_code, m.out, m.err}, paths.merge_script().string());
  SaveClusterJob(project, job);
  JobSubmission out = job.submissions.back();
  out.exit_code = m.exit_code;
  return out;
}

JobSubmission SubmitTrainJob(const fs::path& project_in, ClusterJob& job, const CommandRunner& run,
                             bool wait) {
  const fs::path project = fs::absolute(project_in).lexically_normal();
  const JobPaths paths{project, job.id};
  JobSubmission sub;
  sub.time = UtcStamp("%Y-%m-%dT%H:%M:%SZ");
  std::vector<std::string> argv = {"sbatch", "--parsable"};
  if (wait) argv.push_back("--wait");
  argv.push_back(paths.train_script().string());
  const CommandResult r = run(argv);
  sub.job_id = ParsableJobId(CommandResult{wait ? 0 : r.exit_code, r.out, r.err},
                             paths.train_script().string());
  job.submissions.push_back(sub);
  SaveClusterJob(project, job);
  sub.exit_code = r.exit_code;
  return sub;
}

std::vector<int> ClusterJobStatus::Failed() const {
  std::vector<int> out;
  for (const auto& s : shards) {
    if (s.state == "failed") out.push_back(s.shard);
  }
  return out;
}

Json ClusterJobStatus::ToJson() const {
  Json j = {{"job", job.id}, {"kind", job.kind}, {"source", source}};
  if (job.kind == "annotate") {
    Json arr = Json::array();
    for (const auto& s : shards) {
      arr.push_back({{"shard", s.shard},
                     {"state", s.state},
                     {"detail", s.detail},
                     {"task", s.task},
                     {"episodes", s.episodes},
                     {"episodes_done", s.episodes_done},
                     {"episodes_failed", s.episodes_failed}});
    }
    j["shards"] = arr;
    j["merge"] = merge_state;
  } else {
    j["state"] = train_state;
    j["run_status"] = run_status;
    j["run_steps"] = run_steps;
  }
  return j;
}

ClusterJobStatus QueryClusterJob(const fs::path& project_in, const ClusterJob& job,
                                 const CommandRunner& run) {
  const fs::path project = fs::absolute(project_in).lexically_normal();
  const JobPaths paths{project, job.id};
  ClusterJobStatus st;
  st.job = job;
  const auto queue = ReadQueue(run);
  // The Slurm name of every task or job we need a final state for.
  std::vector<std::string> ids;
  std::map<int, std::string> task_of;  // shard -> "J_i" of its latest submission
  for (const auto& sub : job.submissions) {
    for (const int i : sub.shards) task_of[i] = sub.job_id + "_" + std::to_string(i);
    ids.push_back(sub.job_id);
    if (!sub.merge_job_id.empty()) ids.push_back(sub.merge_job_id);
  }
  const auto acct = job.submissions.empty() ? std::optional<std::map<std::string, std::string>>{}
                                            : ReadAccounting(run, ids);
  st.source = acct ? "squeue + sacct" : "squeue + task files (accounting is off)";

  if (job.kind == "train") {
    const std::string id = job.submissions.empty() ? "" : job.submissions.back().job_id;
    if (id.empty()) {
      st.train_state = "not submitted";
    } else if (queue.count(id)) {
      st.train_state = queue.at(id).state;
    } else if (acct && acct->count(id)) {
      st.train_state = acct->at(id);
    } else {
      st.train_state = "not in the queue";
    }
    const fs::path run_file = project / "runs" / job.run_name / "run.json";
    if (fs::exists(run_file)) {
      const Json r = LoadJsonFile(run_file);
      st.run_status = r.value("status", "");
      st.run_steps = r.value("steps", 0);
    }
    return st;
  }

  for (int i = 0; i < job.shards; ++i) {
    ShardStatus s;
    s.shard = i;
    const auto file = ReadStateFile(paths.task_state(i));
    auto state_of = [&](const char* k) { return file.count(k) ? file.at(k) : std::string(); };
    if (!task_of.count(i)) {
      s.state = "pending";
      s.detail = "not submitted";
    } else {
      s.task = task_of[i];
      const std::string job_id = s.task.substr(0, s.task.find('_'));
      const bool ours = state_of("job") == job_id;
      // A task that is COMPLETING has already said how it ended; its state file or sacct tell.
      if (queue.count(s.task) && queue.at(s.task).state != "COMPLETING") {
        const auto& q = queue.at(s.task);
        s.state = q.state == "PENDING" ? "pending" : "running";
        s.detail = q.state + (q.reason.empty() || q.reason == "None" ? "" : " (" + q.reason + ")");
      } else if (acct && acct->count(s.task)) {
        const std::string a = acct->at(s.task);
        s.state = a.rfind("COMPLETED", 0) == 0 ? "done"
                  : IsFailedSlurmState(a)      ? "failed"
                                               : "running";
        s.detail = a;
      } else if (ours && state_of("state") == "done") {
        s.state = "done";
        s.detail = "exit 0";
      } else if (ours && state_of("state") == "failed") {
        s.state = "failed";
        s.detail =
            !state_of("signal").empty() ? "SIG" + state_of("signal") : "exit " + state_of("exit");
      } else if (queue.count(s.task)) {
        s.state = "running";
        s.detail = "COMPLETING";
      } else if (ours) {
        // Its state file says running but the queue has let it go: SIGKILL (scancel after
        // KillWait, a time limit, a node failure) left it no chance to say so.
        s.state = "failed";
        s.detail = "lost: no longer in the queue, its task file says running (killed?)";
      } else {
        s.state = "failed";
        s.detail = "not in the queue and never started (cancelled while pending?)";
      }
    }
    st.shards.push_back(s);
  }
  CountEpisodes(ProjectStore::Open(project), job.shards, st.shards);

  if (!job.submissions.empty()) {
    const std::string m = job.submissions.back().merge_job_id;
    const fs::path report = paths.dir() / "report.json";
    // The report names the merge job that wrote it: proof that this submission's merge ran.
    if (fs::exists(report) && LoadJsonFile(report).value("merge_job", "") == m) {
      st.merge_state = "done";
    } else if (queue.count(m)) {
      st.merge_state = queue.at(m).state == "PENDING" ? "pending" : "running";
      if (!queue.at(m).reason.empty() && queue.at(m).reason != "None")
        st.merge_state += " (" + queue.at(m).reason + ")";
    } else if (acct && acct->count(m)) {
      st.merge_state =
          acct->at(m).rfind("COMPLETED", 0) == 0 ? "done" : "not run (" + acct->at(m) + ")";
    } else {
      st.merge_state = "not run (a shard failed, or the merge failed: see logs/merge.*.out)";
    }
  }
  return st;
}

JobSubmission ResubmitFailedShards(const fs::path& project, ClusterJob& job,
                                   const ClusterJobStatus& status, const CommandRunner& run) {
  const std::vector<int> failed = status.Failed();
  if (failed.empty()) throw Error("", "--resubmit-failed", "no shard of job " + job.id + " failed");
  // The old merge waits on a dependency that can never be met; the new submission brings its own.
  if (!job.submissions.empty() && !job.submissions.back().merge_job_id.empty()) {
    run({"scancel", job.submissions.back().merge_job_id});
  }
  return SubmitArrayJob(project, job, failed, run);
}

Json MergeReport::ToJson() const {
  return {{"files", files},
          {"read", read},
          {"appended", appended},
          {"already", already},
          {"damaged", damaged}};
}

MergeReport MergeShardExchanges(const fs::path& project_in, const ClusterJob& job) {
  const fs::path project = fs::absolute(project_in).lexically_normal();
  if (job.kind != "annotate")
    throw Error("", "--job", job.id + " is a training job; only annotation jobs merge");
  MergeReport report;
  ExchangeCache main(ExchangeCache::ProjectFile(project));
  // What the project already holds: exact entries (key, time, outcome) and answered keys.
  const auto identity = [](const ExchangeEntry& e) {
    return e.key + "\n" + e.timestamp + "\n" + e.record.error;
  };
  std::set<std::string> seen;
  for (const auto& e : main.Entries()) seen.insert(identity(e));
  std::vector<ExchangeEntry> add;
  for (int i = 0; i < job.shards; ++i) {
    const fs::path file = ExchangeCache::ShardFile(project, i, job.shards);
    if (!fs::exists(file)) continue;
    ExchangeCacheOptions ro;
    ro.mode = ExchangeOpenMode::kReadOnly;
    const ExchangeCache shard(file, ro);
    ++report.files;
    if (!shard.load_report().clean())
      report.damaged.push_back(shard.load_report().Summary(file.string()));
    for (const auto& e : shard.Entries()) {
      ++report.read;
      // An answer the project has under the same key is the same answer (keys hash the whole
      // question), so it is not appended twice; failures are kept once as history.
      if (seen.count(identity(e)) || (e.answered() && main.FindAnswer(e.key))) {
        ++report.already;
        continue;
      }
      seen.insert(identity(e));
      add.push_back(e);
    }
  }
  // Answers of one key from two shards (rare: a shared question) go in once.
  std::set<std::string> answered;
  std::vector<ExchangeEntry> unique;
  for (auto& e : add) {
    if (e.answered() && !answered.insert(e.key).second) {
      ++report.already;
      continue;
    }
    unique.push_back(std::move(e));
  }
  main.AppendEntries(unique);
  report.appended = static_cast<int64_t>(unique.size());

  // The run report: merge counts and where every shard's episodes stand.
  const JobPaths paths{project, job.id};
  const ProjectStore store = ProjectStore::Open(project);
  std::vector<std::string> names;
  for (const auto& e : store.info().episodes) names.push_back(e.name);
  Json shards = Json::array();
  std::ostringstream text;
  text << "AutoFocus annotation job " << job.id << " (" << job.shards << " shards), merged "
       << UtcStamp("%Y-%m-%dT%H:%M:%SZ") << "\n"
       << "exchange records: " << report.read << " read from " << report.files << " shard file(s), "
       << report.appended << " added to exchanges/exchanges.jsonl, " << report.already
       << " already there\n";
  int done = 0, failed = 0;
  for (int i = 0; i < job.shards; ++i) {
    Json eps = Json::object();
    int d = 0, f = 0;
    const auto mine = ShardEpisodes(names, i, job.shards);
    for (const auto& ep : mine) {
      const std::string s = EpisodeState(store, ep);
      eps[ep] = s;
      d += s == "done" ? 1 : 0;
      f += s == "failed" ? 1 : 0;
    }
    done += d;
    failed += f;
    shards.push_back({{"shard", i}, {"episodes", eps}});
    text << "shard " << i << ": " << d << "/" << mine.size() << " episodes done"
         << (f ? ", " + std::to_string(f) + " failed" : "") << "\n";
  }
  text << "episodes: " << done << "/" << names.size() << " done, " << failed << " failed\n";
  for (const auto& d : report.damaged) text << "warning: " << d << "\n";
  const char* merge_job = std::getenv("SLURM_JOB_ID");
  Json j = {{"job", job.id},
            {"merge_job", merge_job ? merge_job : ""},
            {"time", UtcStamp("%Y-%m-%dT%H:%M:%SZ")},
            {"exchanges", report.ToJson()},
            {"episodes", {{"total", names.size()}, {"done", done}, {"failed", failed}}},
            {"shards", shards}};
  SaveJsonFile(paths.dir() / "report.json", j);
  WriteFileAtomic(paths.dir() / "report.txt", text.str());
  return report;
}

}  // namespace autofocus

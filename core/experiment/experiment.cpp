#include "core/experiment/experiment.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/experiment/experiment_table.h"

namespace autofocus {
namespace fs = std::filesystem;

fs::path ExperimentLayout::Project(const std::string& setting, int window) const {
  return root / "data" / (window > 0 ? setting + "-w" + std::to_string(window) : setting);
}

std::string ExperimentLayout::RunName(const ExperimentMethod& m, int seed) {
  return m.name + "-s" + std::to_string(seed);
}

fs::path ExperimentLayout::Run(const ExperimentMethod& m, const std::string& setting,
                               int seed) const {
  return Project(setting, m.saliency_window) / "runs" / RunName(m, seed);
}

fs::path ExperimentLayout::AttentionReport(const std::string& setting, int seed) const {
  return root / "attention" / (setting + "-s" + std::to_string(seed));
}

namespace {

std::string FileSafe(std::string id) {
  std::replace(id.begin(), id.end(), '/', '.');
  return id;
}

std::string Join(const std::vector<std::string>& args) {
  std::string s;
  for (const auto& a : args) s += (s.empty() ? "" : " ") + a;
  return s;
}

std::string ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string RunStatus(const fs::path& run_dir) {
  try {
    if (!fs::exists(run_dir / "run.json")) return "";
    return LoadJsonFile(run_dir / "run.json").value("status", "");
  } catch (const std::exception&) {
    return "unreadable";
  }
}

// The project minus what training and attention write into it, as hard links: a variant
// differs from its source only in project.json, which is written anew (a new inode).
void MakeWindowVariant(const fs::path& src, const fs::path& dst, int window) {
  const fs::path staging = dst.string() + ".partial";
  fs::remove_all(staging);
  fs::create_directories(staging);
  for (const auto& e : fs::directory_iterator(src)) {
    const std::string name = e.path().filename().string();
    if (name == "runs" || name == "attention" || name == "trash" || name == "project.json")
      continue;
    fs::copy(e.path(), staging / name,
             fs::copy_options::recursive | fs::copy_options::create_hard_links);
  }
  Json project = LoadJsonFile(src / "project.json");
  Json& saliency = project["settings"]["saliency"];
  if (!saliency.is_object()) saliency = Json::object();
  saliency["window"] = window;
  WriteFileAtomic(staging / "project.json", project.dump(2) + "\n");
  fs::remove_all(dst);
  fs::rename(staging, dst);
}

}  // namespace

fs::path ExperimentLayout::Log(const std::string& step_id) const {
  return root / "logs" / (FileSafe(step_id) + ".log");
}

fs::path ExperimentLayout::Marker(const std::string& step_id) const {
  return root / "state" / (FileSafe(step_id) + ".done");
}

// A planned step plus the key its marker must hold to count as finished.
struct PlannedStep {
  ExperimentStep step;
  std::string key;
};

static std::vector<PlannedStep> Plan(const ExperimentOptions& o) {
  const ExperimentLayout L{o.out};
  const std::string threads = std::to_string(std::max(1, o.threads / o.jobs));
  std::vector<PlannedStep> plan;
  auto add = [&plan](ExperimentStep s, std::string key) {
    plan.push_back({std::move(s), std::move(key)});
  };
  std::set<int> windows;
  for (const auto& m : o.methods)
    if (m.saliency_window > 0) windows.insert(m.saliency_window);

  for (const auto& setting : o.settings) {
    const bool confounded = setting == "confounded";
    const fs::path project = L.Project(setting);
    const std::string data_id = "data/" + setting, annotate_id = "annotate/" + setting;
    {
      ExperimentStep s;
      s.id = data_id;
      s.stage = "data";
      const fs::path staging = project.string() + ".partial";
      std::vector<std::string> args = {"sim",        "generate",
                                       "--out",      staging.string(),
                                       "--episodes", std::to_string(o.episodes),
                                       "--frames",   std::to_string(o.frames),
                                       "--seed",     std::to_string(o.world_seed),
                                       "--split",    "seen",
                                       "--threads",  threads};
      if (confounded) args.push_back("--confounded");
      s.args = [args] { return args; };
      s.before = [staging, project] {
        fs::remove_all(staging);
        // A changed definition regenerates: everything below it is stale.
        fs::remove_all(project);
        fs::create_directories(staging.parent_path());
      };
      s.after = [staging, project] { fs::rename(staging, project); };
      s.outputs_exist = [project] { return fs::exists(project / "project.json"); };
      add(s, Join(args));
    }
    {
      ExperimentStep s;
      s.id = annotate_id;
      s.stage = "annotate";
      s.deps = {data_id};
      std::vector<std::string> args = {"run", project.string(), "--progress", "none"};
      args.insert(args.end(), o.run_args.begin(), o.run_args.end());
      s.args = [args] { return args; };
      s.outputs_exist = [] { return true; };
      add(s, Join(args));
    }
    for (int w : windows) {
      ExperimentStep s;
      s.id = "variant/" + setting + "-w" + std::to_string(w);
      s.stage = "variant";
      s.deps = {annotate_id};
      const fs::path dst = L.Project(setting, w);
      s.inline_action = [project, dst, w] { MakeWindowVariant(project, dst, w); };
      s.outputs_exist = [dst] { return fs::exists(dst / "project.json"); };
      add(s, "window " + std::to_string(w) + " of " + project.string());
    }
    for (int seed = 0; seed < o.seeds; ++seed) {
      std::vector<std::string> train_ids;
      std::map<int, std::vector<std::string>> runs_by_window;
      for (const auto& m : o.methods) {
        const fs::path mproject = L.Project(setting, m.saliency_window);
        const std::string name = ExperimentLayout::RunName(m, seed);
        const fs::path run = L.Run(m, setting, seed);
        const std::string train_id = "train/" + setting + "/" + name;
        std::ostringstream fraction;
        fraction << m.fraction;
        std::vector<std::string> args = {
            "train",         mproject.string(),
            "--preset",      "quick",
            "--name",        name,
            "--seed",        std::to_string(seed + 1),
            "--regularizer", m.regularizer,
            "--target",      m.target,
            "--fraction",    fraction.str(),
            "--input-size",  std::to_string(o.input_height) + "x" + std::to_string(o.input_width),
            "--epochs",      std::to_string(o.epochs),
            "--batch",       std::to_string(o.batch),
            "--threads",     threads,
            "--progress",    "none"};
        const std::string key = Join(args);
        const fs::path started = L.Marker(train_id).replace_extension(".started");
        ExperimentStep s;
        s.id = train_id;
        s.stage = "train";
        s.deps = {m.saliency_window > 0
                      ? "variant/" + setting + "-w" + std::to_string(m.saliency_window)
                      : annotate_id};
        // A run killed part-way with the same definition resumes from its last checkpoint;
        // anything else (another definition, no checkpoint) starts again.
        s.args = [args, key, started, run, mproject, name, threads] {
          const std::string status = RunStatus(run);
          if (fs::exists(started) && ReadText(started) == key && fs::exists(run / "last.ckpt") &&
              (status == "running" || status == "stopped" || status == "failed")) {
            return std::vector<std::string>{"train",     mproject.string(), "--resume",   name,
                                            "--threads", threads,           "--progress", "none"};
          }
          fs::remove_all(run);
          WriteFileAtomic(started, key);
          return args;
        };
        s.outputs_exist = [run] {
          return fs::exists(run / "policy.pt") && RunStatus(run) == "completed";
        };
        add(s, key);
        train_ids.push_back(train_id);
        runs_by_window[m.saliency_window].push_back(name);

        for (const std::string split : {"seen", "unseen"}) {
          const bool seen = split == std::string("seen");
          std::vector<std::string> eargs = {
              "evaluate-policy", run.string(),
              "--split",         split,
              "--routes",        std::to_string(seen ? o.routes_seen : o.routes_unseen),
              "--seeds",         seen ? o.eval_seeds_seen : o.eval_seeds_unseen,
              "--episode-steps", std::to_string(o.episode_steps),
              "--route-length",  std::to_string(o.route_length),
              "--threads",       threads,
              "--progress",      "none"};
          if (confounded) eargs.push_back("--confounded");
          ExperimentStep e;
          e.id = "evaluate/" + setting + "/" + name + "/" + split;
          e.stage = "evaluate";
          e.deps = {train_id};
          e.args = [eargs] { return eargs; };
          const fs::path result = run / "evaluations" / (split + ("-" + setting) + ".json");
          e.outputs_exist = [result] { return fs::exists(result); };
          add(e, Join(eargs) + " @" + key);
        }
      }
      // Attention on the validation episodes (held out of every run of this seed: the split
      // depends only on the seed and the episode list).
      for (const auto& [window, names] : runs_by_window) {
        const fs::path mproject = L.Project(setting, window);
        const std::string tag = window > 0 ? setting + "-w" + std::to_string(window) : setting;
        const fs::path report = L.AttentionReport(tag, seed);
        std::string runs_csv;
        for (const auto& n : names) runs_csv += (runs_csv.empty() ? "" : ",") + n;
        ExperimentStep a;
        a.id = "attention/" + tag + "/s" + std::to_string(seed);
        a.stage = "attention";
        for (const auto& m : o.methods)
          if (m.saliency_window == window)
            a.deps.push_back("train/" + setting + "/" + ExperimentLayout::RunName(m, seed));
        const fs::path first_run = mproject / "runs" / names.front();
        a.args = [mproject, runs_csv, report, first_run, threads] {
          const Json split = LoadJsonFile(first_run / "run.json").at("split");
          std::string episodes;
          for (const auto& e : split.at("validation"))
            episodes += (episodes.empty() ? "" : ",") + e.get<std::string>();
          std::vector<std::string> args = {
              "attention",     mproject.string(), "--runs", runs_csv,     "--out",
              report.string(), "--threads",       threads,  "--progress", "none"};
          if (!episodes.empty()) args.insert(args.end(), {"--episodes", episodes});
          return args;
        };
        a.outputs_exist = [report] { return fs::exists(report / "summary.json"); };
        std::string key = "attention " + runs_csv + " @";
        for (const auto& id : a.deps) key += " " + id;
        for (const auto& p : plan)
          if (std::find(a.deps.begin(), a.deps.end(), p.step.id) != a.deps.end()) key += p.key;
        add(a, key);
      }
    }
  }
  return plan;
}

std::vector<ExperimentStep> PlanExperiment(const ExperimentOptions& options) {
  std::vector<ExperimentStep> steps;
  for (auto& p : Plan(options)) steps.push_back(std::move(p.step));
  return steps;
}

namespace {

pid_t Launch(const std::string& program, const std::vector<std::string>& args,
             const fs::path& log) {
  fs::create_directories(log.parent_path());
  {
    std::ofstream header(log, std::ios::app);
    header << "$ autofocus " << Join(args) << "\n";
  }
  const pid_t pid = ::fork();
  if (pid < 0) throw Error("", "experiment", std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
    const int in = ::open("/dev/null", O_RDONLY);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    if (in >= 0) ::dup2(in, 0);
    std::vector<std::string> owned = {program};
    owned.insert(owned.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : owned) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

// The last non-empty line of a log: the child's error message, for the failure list.
std::string LastLine(const fs::path& log) {
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty() && line.rfind("$ autofocus", 0) != 0) last = line;
  return last;
}

}  // namespace

ExperimentReport RunExperiment(const ExperimentOptions& options, const std::string& program,
                               const ProgressCallback& progress, const StopCheck& stop) {
  options.Check();
  const auto t0 = std::chrono::steady_clock::now();
  const ExperimentLayout L{options.out};
  fs::create_directories(L.root / "state");
  WriteFileAtomic(L.root / "experiment.json", options.ToJson().dump(2) + "\n");

  std::vector<PlannedStep> plan = Plan(options);
  enum class State { kPending, kRunning, kDone, kFailed, kSkipped };
  std::vector<State> state(plan.size(), State::kPending);
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < plan.size(); ++i) index[plan[i].step.id] = i;
  std::map<pid_t, size_t> running;
  ExperimentReport report;
  report.steps = static_cast<int>(plan.size());
  int finished = 0;
  auto report_progress = [&](const ExperimentStep& s) {
    if (progress) progress({s.stage, s.id, finished, report.steps, -1});
  };
  auto succeed = [&](size_t i) {
    if (plan[i].step.after) plan[i].step.after();
    WriteFileAtomic(L.Marker(plan[i].step.id), plan[i].key);
    state[i] = State::kDone;
    ++report.ran;
    ++finished;
    report_progress(plan[i].step);
  };
  auto fail = [&](size_t i, const std::string& why) {
    state[i] = State::kFailed;
    report.failed.push_back(plan[i].step.id + ": " + why + " (" + L.Log(plan[i].step.id).string() +
                            ")");
    ++finished;
    report_progress(plan[i].step);
  };

  for (;;) {
    if (stop && stop()) {
      for (const auto& [pid, i] : running) ::kill(pid, SIGTERM);
      for (const auto& [pid, i] : running) ::waitpid(pid, nullptr, 0);
      throw Cancelled();
    }
    bool progressed = false;
    for (size_t i = 0; i < plan.size(); ++i) {
      if (state[i] != State::kPending) continue;
      const ExperimentStep& s = plan[i].step;
      bool ready = true, blocked = false;
      for (const auto& d : s.deps) {
        const State ds = state[index.at(d)];
        if (ds == State::kFailed || ds == State::kSkipped) blocked = true;
        if (ds != State::kDone) ready = false;
      }
      if (blocked) {
        state[i] = State::kSkipped;
        report.skipped.push_back(s.id);
        ++finished;
        progressed = true;
        continue;
      }
      if (!ready) continue;
      const fs::path marker = L.Marker(s.id);
      if (fs::exists(marker) && ReadText(marker) == plan[i].key && s.outputs_exist()) {
        state[i] = State::kDone;
        ++report.reused;
        ++finished;
        progressed = true;
        continue;
      }
      if (s.inline_action) {
        try {
          s.inline_action();
          succeed(i);
        } catch (const std::exception& e) {
          fail(i, e.what());
        }
        progressed = true;
        continue;
      }
      if (static_cast<int>(running.size()) >= options.jobs) continue;
      fs::remove(marker);
      try {
        if (s.before) s.before();
        running[Launch(program, s.args(), L.Log(s.id))] = i;
        state[i] = State::kRunning;
        report_progress(s);
      } catch (const std::exception& e) {
        fail(i, e.what());
      }
      progressed = true;
    }
    if (running.empty()) {
      if (!progressed) break;
      continue;
    }
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0 && running.count(pid)) {
      const size_t i = running[pid];
      running.erase(pid);
      if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        try {
          succeed(i);
        } catch (const std::exception& e) {
          fail(i, e.what());
        }
      } else {
        const std::string why = WIFEXITED(status)
                                    ? "exit code " + std::to_string(WEXITSTATUS(status))
                                    : "killed by signal " + std::to_string(WTERMSIG(status));
        const std::string last = LastLine(L.Log(plan[i].step.id));
        fail(i, why + (last.empty() ? "" : ": " + last));
      }
    } else if (pid == 0 || (pid < 0 && errno == EINTR)) {
      // Polled rather than blocking so a stop request is seen within a tenth of a second.
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  report.table = BuildExperimentTable(options);
  WriteExperimentOutputs(options, report.table);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

}  // namespace autofocus

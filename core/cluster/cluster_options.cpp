#include "core/cluster/cluster_options.h"

#include <algorithm>
#include <cctype>

#include "core/base/error.h"

namespace autofocus {
namespace {

// The flag part of "--flag=value" or "--flag".
std::string FlagName(const std::string& arg) {
  return arg.substr(0, arg.find('='));
}

bool IsOneOf(const std::string& flag, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return flag == n; });
}

// Slurm's time formats: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S (digits and separators only).
bool LooksLikeSlurmTime(const std::string& t) {
  if (t == "infinite" || t == "UNLIMITED") return true;
  if (t.empty()) return false;
  int colons = 0, dashes = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c == ':') {
      ++colons;
    } else if (c == '-') {
      if (colons > 0 || i == 0) return false;
      ++dashes;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return colons <= 2 && dashes <= 1 && t.back() != ':' && t.back() != '-';
}

}  // namespace

void SlurmJobOptions::Check() const {
  if (!time.empty() && !LooksLikeSlurmTime(time)) {
    throw Error(
        "", "--time",
        "\"" + time + "\" is not a Slurm time (minutes, M:S, H:M:S, D-H, D-H:M or D-H:M:S)");
  }
  if (cpus_per_task < 0)
    throw Error("", "--cpus-per-task", "must be >= 1 (0 = the cluster's default)");
  for (const auto& a : sbatch_args) {
    // One `#SBATCH` line each: a newline or a second token would be read as something else.
    if (a.size() < 2 || a[0] != '-' || a.find_first_of(" \t\r\n") != std::string::npos) {
      throw Error(
          "", "--sbatch-arg",
          "\"" + a +
              "\" is not one sbatch option; give --opt=value as one argument, e.g. --mem=8G");
    }
  }
  for (const auto& [field, v] :
       {std::pair<const char*, const std::string&>{"--partition", partition}, {"--time", time}}) {
    if (v.find_first_of(" \t\r\n") != std::string::npos)
      throw Error("", field, "contains whitespace");
  }
  if (autofocus.empty() || !autofocus.is_absolute()) {
    throw Error("", "--autofocus",
                "the program path must be absolute (the tasks run it on other nodes)");
  }
}

void ArrayJobOptions::Check() const {
  slurm.Check();
  if (shards < 1 || shards > 100000) throw Error("", "--shards", "must be 1 .. 100000");
  for (const auto& a : run_args) {
    const std::string f = FlagName(a);
    if (IsOneOf(f, {"--shard", "--episodes"})) {
      throw Error("", f, "is set by the job itself (one shard per array task); drop it");
    }
    if (a.find_first_of("\r\n") != std::string::npos)
      throw Error("", "run flag", "contains a newline");
  }
  for (const auto& k : key_env) {
    const bool ok = !k.empty() && !std::isdigit(static_cast<unsigned char>(k[0])) &&
                    std::all_of(k.begin(), k.end(), [](char c) {
                      return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                    });
    if (!ok) throw Error("", "--vlm-key-env", "\"" + k + "\" is not an environment variable name");
  }
}

void TrainJobOptions::Check() const {
  slurm.Check();
  if (name.empty()) {
    throw Error("", "--name", "a training job needs a run name (a requeued job resumes runs/NAME)");
  }
  if (name.find('/') != std::string::npos || name == "." || name == "..") {
    throw Error("", "--name", "\"" + name + "\" is not a folder name");
  }
  if (nodes < 1) throw Error("", "--nodes", "must be >= 1");
  if (ntasks_per_node < 1) throw Error("", "--ntasks-per-node", "must be >= 1");
  for (const auto& a : train_args) {
    const std::string f = FlagName(a);
    if (IsOneOf(f, {"--resume", "--name", "--benchmark"})) {
      throw Error("", f, "is set by the job itself (it starts runs/NAME or resumes it); drop it");
    }
    if (a.find_first_of("\r\n") != std::string::npos)
      throw Error("", "train flag", "contains a newline");
  }
}

std::vector<std::string> KeyEnvNamesInArgs(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string f = FlagName(args[i]);
    if (!IsOneOf(f, {"--vlm-key-env", "--detector-key-env"})) continue;
    if (args[i].size() > f.size()) {
      out.push_back(args[i].substr(f.size() + 1));
    } else if (i + 1 < args.size()) {
      out.push_back(args[++i]);
    }
  }
  return out;
}

std::vector<std::string> TrainExecutionArgs(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string f = FlagName(args[i]);
    // Not --max-steps: it counts steps in total, so a resumed run given it again would stop at
    // once.
    if (!IsOneOf(
            f, {"--threads", "--workers", "--device", "--progress", "--dist", "--dist-timeout"})) {
      continue;
    }
    out.push_back(args[i]);
    if (args[i].size() == f.size() && i + 1 < args.size()) out.push_back(args[++i]);
  }
  return out;
}

}  // namespace autofocus

// Start-up benchmark: `bench_startup [--runs N] [--cli PATH] [--compare PATH] [--keep DIR]`.
// Generates a 2 x 20 frame sample project, a detections file and a saliency boxes file in a temp
// dir, then times child processes (fork + exec + wait, wall clock) round-robin so drift hits
// every command alike: the baselines `/bin/true` and the floor program (an empty main linked
// with the CLI's remaining shared libraries), then `autofocus --help`, `info`, `track`,
// `saliency render` and `validate`. `--compare` times a second CLI build (e.g. one from before
// the plugin boundary) in the same run. Prints medians and ratios against the baselines.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// Runs `args` with stdout/stderr to /dev/null; returns {exit code, wall ms}.
std::pair<int, double> RunChild(const std::vector<std::string>& args) {
  std::fflush(stdout);
  const auto t0 = Clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), ms};
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct Case {
  std::string name;               // printed label
  std::vector<std::string> args;  // argv, absolute program path first
  std::vector<double> ms;         // one wall time per run
};

// The CLI commands under test for the binary `cli`; `tag` prefixes the labels.
std::vector<Case> CliCases(const std::string& tag, const std::string& cli, const fs::path& dir) {
  const std::string p = (dir / "project").string();
  return {
      {tag + "--help", {cli, "--help"}, {}},
      {tag + "info", {cli, "info", p, "--json"}, {}},
      {tag + "track",
       {cli, "track", (dir / "dets.json").string(), "--out", (dir / "tracks.json").string()},
       {}},
      {tag + "saliency render",
       {cli, "saliency", "render", (dir / "boxes.json").string(), "--out", (dir / "s.npy").string(),
        "--threads", "1"},
       {}},
      {tag + "validate (decodes every frame)", {cli, "validate", p}, {}},
  };
}

void WriteInputs(const fs::path& dir) {
  std::ofstream dets(dir / "dets.json");
  dets << "{\"frames\":[";
  for (int t = 0; t < 20; ++t) {
    dets << (t ? "," : "") << "{\"detections\":[{\"box\":[" << 10 + t
         << ",20,60,80],\"label\":\"car\",\"score\":0.9},{\"box\":[100," << 50 + t
         << ",150,90],\"label\":\"sign\",\"score\":0.8}]}";
  }
  dets << "]}";
  std::ofstream boxes(dir / "boxes.json");
  boxes << "{\"width\":320,\"height\":180,\"frames\":[";
  for (int t = 0; t < 20; ++t) {
    boxes << (t ? "," : "") << "{\"objects\":[{\"box\":[" << 10 + t
          << ",20,60,80]},{\"point\":[200,100]}]}";
  }
  boxes << "]}";
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 30;
  std::string cli = AUTOFOCUS_CLI_PATH, compare, keep;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--cli" && i + 1 < argc) {
      cli = argv[++i];
    } else if (a == "--compare" && i + 1 < argc) {
      compare = argv[++i];
    } else if (a == "--keep" && i + 1 < argc) {
      keep = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: bench_startup [--runs N] [--cli PATH] [--compare PATH] [--keep DIR]\n");
      return 2;
    }
  }
  const fs::path dir = keep.empty() ? fs::temp_directory_path() /
                                          ("autofocus_startup_bench_" + std::to_string(::getpid()))
                                    : fs::path(keep);
  fs::create_directories(dir);
  if (!fs::exists(dir / "project")) {
    const auto [code, ms] = RunChild({cli, "sim", "generate", "--out", (dir / "project").string(),
                                      "--episodes", "2", "--frames", "20"});
    if (code != 0) {
      std::fprintf(stderr, "cannot generate the sample project with %s (exit %d)\n", cli.c_str(),
                   code);
      return 1;
    }
    (void)ms;
  }
  WriteInputs(dir);

  std::vector<Case> cases = {
      {"baseline /bin/true", {"/bin/true"}, {}},
      {"baseline floor (empty main, same libraries)", {AUTOFOCUS_FLOOR_PATH}, {}}};
  for (auto& c : CliCases("autofocus ", cli, dir)) cases.push_back(std::move(c));
  if (!compare.empty()) {
    for (auto& c : CliCases("compare   ", compare, dir)) cases.push_back(std::move(c));
  }
  // Two warm-up rounds fill the page cache; then round-robin so every case sees the same load.
  for (int round = -2; round < runs; ++round) {
    for (auto& c : cases) {
      const auto [code, ms] = RunChild(c.args);
      if (code != 0) {
        std::fprintf(stderr, "%s failed (exit %d)\n", c.name.c_str(), code);
        return 1;
      }
      if (round >= 0) c.ms.push_back(ms);
    }
  }
  const double base_true = Median(cases[0].ms);
  const double base_floor = Median(cases[1].ms);
  std::printf("start-up, median of %d runs (wall ms, fork+exec+exit)\n", runs);
  for (const auto& c : cases) {
    const double med = Median(c.ms);
    std::printf("  %-52s %8.1f ms  (min %6.1f)  %6.1fx /bin/true  %5.2fx floor\n", c.name.c_str(),
                med, *std::min_element(c.ms.begin(), c.ms.end()), med / base_true,
                med / base_floor);
  }
  if (keep.empty()) fs::remove_all(dir);
  return 0;
}

// Import benchmark: `import_bench [--episodes N] [--frames T] [--width W] [--height H]
// [--dir DIR] [--keep]` (defaults 200 x 400 x 320x180; AUTOFOCUS_BENCH_EPISODES /
// AUTOFOCUS_BENCH_FRAMES override the defaults for a quick run). Generates the dataset, measures
// a baseline (read every frame file's bytes once, on the same number of threads the importer
// uses), then runs the real CLI (`autofocus import folder`, then `autofocus validate`) as child
// processes and reports wall time and peak RSS (getrusage ru_maxrss of the child).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/importers/import_common.h"
#include "core/importers/sample_dataset.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct ChildResult {
  int exit_code = -1;     // exit status of the child
  double seconds = 0;     // wall time
  double max_rss_mb = 0;  // peak resident set size of the child
};

ChildResult RunChild(const std::vector<std::string>& args) {
  std::fflush(stdout);  // or the child's freopen flushes our buffered lines a second time
  const auto t0 = Clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Progress lines would only slow the terminal; the benchmark prints its own summary.
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  struct rusage ru {};
  ::wait4(pid, &status, 0, &ru);
  ChildResult r;
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.max_rss_mb = ru.ru_maxrss / 1024.0;  // ru_maxrss is in KiB on Linux
  return r;
}

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  autofocus::SampleFolderOptions gen;
  gen.episodes = EnvInt("AUTOFOCUS_BENCH_EPISODES", 200);
  gen.frames = EnvInt("AUTOFOCUS_BENCH_FRAMES", 400);
  gen.width = 320;
  gen.height = 180;
  fs::path dir;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--episodes") {
      gen.episodes = std::stoi(next());
    } else if (a == "--frames") {
      gen.frames = std::stoi(next());
    } else if (a == "--width") {
      gen.width = std::stoi(next());
    } else if (a == "--height") {
      gen.height = std::stoi(next());
    } else if (a == "--dir") {
      dir = next();
    } else if (a == "--keep") {
      keep = true;
    } else {
      std::fprintf(stderr,
                   "usage: import_bench [--episodes N] [--frames T] [--width W] [--height H] "
                   "[--dir DIR] [--keep]\n");
      return 2;
    }
  }
  if (dir.empty()) {
    std::mt19937_64 rng{std::random_device{}()};
    dir = fs::temp_directory_path() / ("autofocus-import-bench-" + std::to_string(rng() % 1000000));
  }
  fs::create_directories(dir);
  gen.out = dir / "raw";
  const fs::path project = dir / "project";
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::printf("import_bench: %d episodes x %d frames of %dx%d PNG in %s (%u hardware threads)\n",
              gen.episodes, gen.frames, gen.width, gen.height, dir.c_str(), threads);

  auto t0 = Clock::now();
  autofocus::WriteSampleFolder(gen);
  const double gen_s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::vector<fs::path> files;
  uint64_t bytes_on_disk = 0;
  for (const auto& e : fs::recursive_directory_iterator(gen.out)) {
    if (e.is_regular_file()) {
      files.push_back(e.path());
      bytes_on_disk += e.file_size();
    }
  }
  std::printf("generate: %.1f s, %zu files, %.1f MB\n", gen_s, files.size(), bytes_on_disk / 1e6);

  // Baseline: the least any importer must do, reading each file once (same thread count).
  t0 = Clock::now();
  std::atomic<uint64_t> read_bytes{0};
  autofocus::ParallelFor(
      files.size(), 0,
      [&](size_t i) {
        std::ifstream in(files[i], std::ios::binary);
        std::vector<char> buf(1 << 16);
        uint64_t n = 0;
        while (in.read(buf.data(), buf.size()) || in.gcount() > 0) n += in.gcount();
        read_bytes += n;
      },
      {});
  const double base_s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("baseline (read every file once): %.2f s (%.1f MB)\n", base_s, read_bytes / 1e6);

  // Second reference: read and decode every image in this process, the core of an import.
  t0 = Clock::now();
  autofocus::ParallelFor(
      files.size(), 0,
      [&](size_t i) {
        if (autofocus::IsImageFileName(files[i].filename().string())) {
          autofocus::DecodeImageFile(files[i]);
        }
      },
      {});
  const double decode_s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("decode reference (read + decode every image in-process): %.2f s\n", decode_s);

  const ChildResult imp = RunChild({AUTOFOCUS_CLI_PATH, "import", "folder", gen.out.string(),
                                    "--out", project.string()});
  std::printf("import: exit %d, %.2f s, peak RSS %.1f MB, %.2fx baseline, %.2fx decode\n",
              imp.exit_code, imp.seconds, imp.max_rss_mb, imp.seconds / base_s,
              imp.seconds / decode_s);
  const ChildResult val = RunChild({AUTOFOCUS_CLI_PATH, "validate", project.string()});
  std::printf("validate: exit %d, %.2f s, peak RSS %.1f MB, %.2fx baseline\n", val.exit_code,
              val.seconds, val.max_rss_mb, val.seconds / base_s);
  const bool ok = imp.exit_code == 0 && val.exit_code == 0;
  std::printf("targets (import RSS < 300 MB, time < 120 s): RSS %s, time %s\n",
              imp.max_rss_mb < 300 ? "met" : "MISSED", imp.seconds < 120 ? "met" : "MISSED");
  if (!keep) fs::remove_all(dir);
  return ok ? 0 : 1;
}

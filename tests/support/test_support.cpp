#include "tests/support/test_support.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

namespace autofocus::testing {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::mt19937_64 rng{std::random_device{}()};
  for (;;) {
    std::ostringstream name;
    name << "autofocus-test-" << std::hex << rng();
    path_ = fs::temp_directory_path() / name.str();
    if (fs::create_directory(path_)) break;
  }
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {

std::string ReadAllFd(int fd) {
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

}  // namespace

RunResult RunProgram(const std::string& program, const std::vector<std::string>& args) {
  // Capture into temp files rather than pipes so large outputs cannot deadlock the child.
  TempDir tmp;
  const fs::path out_path = tmp / "out", err_path = tmp / "err";
  pid_t pid = ::fork();
  if (pid == 0) {
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = ::open("/dev/null", O_RDONLY);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::dup2(in, 0);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(program.c_str(), argv.data());
    ::_exit(127);
  }
  RunResult r;
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  int fd = ::open(out_path.c_str(), O_RDONLY);
  r.out = ReadAllFd(fd);
  ::close(fd);
  fd = ::open(err_path.c_str(), O_RDONLY);
  r.err = ReadAllFd(fd);
  ::close(fd);
  return r;
}

RunResult RunCli(const std::vector<std::string>& args) { return RunProgram(AUTOFOCUS_CLI_PATH, args); }

void WriteText(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> ListDir(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

const std::filesystem::path& SmallSampleProject() {
  // Destroyed at exit: gtest_discover_tests runs every test in its own process, so a leaked
  // folder per process filled /tmp by gigabytes over a CI run.
  static TempDir dir;
  static const std::filesystem::path project = [] {
    const auto p = dir.path() / "P";
    const auto r = RunCli(
        {"demo", "--out", p.string(), "--episodes", "3", "--frames", "20", "--progress", "none"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return p;
  }();
  return project;
}

}  // namespace autofocus::testing

namespace autofocus::testing {
namespace {
const std::filesystem::path kOracleDir = std::filesystem::path(AUTOFOCUS_SOURCE_DIR) / "tests" / "node";
}  // namespace

std::string ParquetOracleUnavailable() {
  if (RunProgram("node", {"--version"}).exit_code != 0) {
    return "node is not installed (scripts/setup-deps installs Debian's nodejs): the independent Parquet read "
           "with hyparquet is skipped";
  }
  if (!std::filesystem::exists(kOracleDir / "node_modules" / "hyparquet" / "package.json") ||
      !std::filesystem::exists(kOracleDir / "node_modules" / "hyparquet-compressors" / "package.json")) {
    const RunResult r = RunProgram("npm", {"install", "--prefix", kOracleDir.string(), "--no-audit", "--no-fund"});
    if (r.exit_code != 0) {
      throw std::runtime_error("node is installed but installing hyparquet failed (npm install --prefix " +
                               kOracleDir.string() + "): " + r.err);
    }
  }
  return "";
}

nlohmann::json ReadParquetIndependently(const std::filesystem::path& file) {
  const RunResult r = RunProgram("node", {(kOracleDir / "read_parquet.mjs").string(), file.string()});
  if (r.exit_code != 0) throw std::runtime_error("hyparquet could not read " + file.string() + ": " + r.err);
  return nlohmann::json::parse(r.out);
}

}  // namespace autofocus::testing

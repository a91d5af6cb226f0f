#include "tests/support/test_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>

#include "core/base/process.h"

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

RunResult RunProgram(const std::string& program, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {program};
  argv.insert(argv.end(), args.begin(), args.end());
  const CommandResult r = RunCommand(argv);
  return {r.exit_code, r.out, r.err};
}

RunResult RunCli(const std::vector<std::string>& args) {
  return RunProgram(AUTOFOCUS_CLI_PATH, args);
}

KilledRun RunCliKilledAfterLine(const std::vector<std::string>& args, int line) {
  std::vector<std::string> argv = {AUTOFOCUS_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  int out[2];
  EXPECT_EQ(::pipe(out), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], 1);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 2);
    ::close(out[0]);
    ::execv(cargv[0], cargv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  KilledRun r;
  std::string pending;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    pending.append(buf, static_cast<size_t>(n));
    size_t nl;
    while (!r.killed && (nl = pending.find('\n')) != std::string::npos) {
      r.lines.push_back(pending.substr(0, nl));
      pending.erase(0, nl + 1);
      if (static_cast<int>(r.lines.size()) == line) {
        ::kill(pid, SIGKILL);
        r.killed = true;
      }
    }
  }
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

void WriteText(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> ListDir(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
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
const std::filesystem::path kOracleDir =
    std::filesystem::path(AUTOFOCUS_SOURCE_DIR) / "tests" / "node";
}  // namespace

std::string ParquetOracleUnavailable() {
  if (RunProgram("node", {"--version"}).exit_code != 0) {
    return "node is not installed (scripts/setup-deps installs Debian's nodejs): the independent "
           "Parquet read "
           "with hyparquet is skipped";
  }
  if (!std::filesystem::exists(kOracleDir / "node_modules" / "hyparquet" / "package.json") ||
      !std::filesystem::exists(kOracleDir / "node_modules" / "hyparquet-compressors" /
                               "package.json")) {
    const RunResult r =
        RunProgram("npm", {"install", "--prefix", kOracleDir.string(), "--no-audit", "--no-fund"});
    if (r.exit_code != 0) {
      throw std::runtime_error(
          "node is installed but installing hyparquet failed (npm install --prefix " +
          kOracleDir.string() + "): " + r.err);
    }
  }
  return "";
}

nlohmann::json ReadParquetIndependently(const std::filesystem::path& file) {
  const RunResult r =
      RunProgram("node", {(kOracleDir / "read_parquet.mjs").string(), file.string()});
  if (r.exit_code != 0)
    throw std::runtime_error("hyparquet could not read " + file.string() + ": " + r.err);
  return nlohmann::json::parse(r.out);
}

}  // namespace autofocus::testing

#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace autofocus::testing {

// A fresh directory under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// The result of running a program.
struct RunResult {
  int exit_code = -1;  // exit status, or 128+signal
  std::string out;     // captured stdout
  std::string err;     // captured stderr
};

// Runs the `autofocus` CLI built in this tree with `args` (no shell involved).
RunResult RunCli(const std::vector<std::string>& args);

// Runs any program with `args`.
RunResult RunProgram(const std::string& program, const std::vector<std::string>& args);

// What RunCliKilledAfterLine saw.
struct KilledRun {
  bool killed = false;             // SIGKILL was sent (false: the program exited first)
  int exit_code = -1;              // exit status, or 128+signal
  std::vector<std::string> lines;  // stdout lines read before the kill (all of them if none)
};

// Runs the CLI with `args`, reads its stdout line by line and sends SIGKILL right after the
// `line`-th line (>= 1) arrived: a kill point given by the program's own progress, so no sleep
// decides it, while the program goes on working until the signal lands. stderr is discarded.
KilledRun RunCliKilledAfterLine(const std::vector<std::string>& args, int line);

// Writes a text file (creating parent directories).
void WriteText(const std::filesystem::path& path, const std::string& text);

// Reads a whole file as bytes ("" when it cannot be read).
std::string ReadText(const std::filesystem::path& path);

// Lists the entries directly inside `dir` (names only, sorted).
std::vector<std::string> ListDir(const std::filesystem::path& dir);

// A free TCP port on loopback (the kernel's choice; nothing listens on it afterwards).
int FreeLoopbackPort();

// A 3-episode x 20-frame annotated sample project, made once per process with `autofocus demo`
// into a temporary folder that lives until the process ends (the train and studio tests).
const std::filesystem::path& SmallSampleProject();

}  // namespace autofocus::testing

namespace autofocus::testing {

// The independent Parquet reader the tests check our files with: hyparquet (npm) under node,
// tests/node/read_parquet.mjs. Returns "" when it can run, else why not; only a missing `node`
// is a reason to skip. When node is there but the npm packages are not, installs them (the
// same `npm install` scripts/setup-deps runs) and fails loudly if that fails.
std::string ParquetOracleUnavailable();

// Reads `file` with the oracle and returns its JSON (num_rows, columns, schema, codecs,
// metadata, rows); throws std::runtime_error with node's stderr when the read fails.
nlohmann::json ReadParquetIndependently(const std::filesystem::path& file);

}  // namespace autofocus::testing

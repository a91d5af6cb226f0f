#pragma once

#include <filesystem>
#include <string>
#include <vector>

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

// Writes a text file (creating parent directories).
void WriteText(const std::filesystem::path& path, const std::string& text);

// Lists the entries directly inside `dir` (names only, sorted).
std::vector<std::string> ListDir(const std::filesystem::path& dir);

}  // namespace autofocus::testing

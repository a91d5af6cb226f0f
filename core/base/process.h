#pragma once

// Running another program and capturing what it printed (no shell involved).

#include <string>
#include <vector>

namespace autofocus {

// What a finished program printed and returned.
struct CommandResult {
  int exit_code = -1;  // exit status, 128 + signal when killed; 127 when it could not be started
  std::string out;     // stdout
  std::string err;     // stderr
};

// Runs argv[0] (looked up on PATH) with the arguments, stdin from /dev/null, and waits for it.
// Throws Error when no temporary file can be made for the output.
CommandResult RunCommand(const std::vector<std::string>& argv);

}  // namespace autofocus

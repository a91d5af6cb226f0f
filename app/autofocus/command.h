#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace autofocus::cli {

// The work a parsed subcommand runs; returns the process exit code.
using Action = std::function<int()>;

// Adds one subcommand to `root`; stores the work to run into `action` from the
// subcommand's parse callback.
using CommandSetup = std::function<void(CLI::App& root, Action& action)>;

// Registers a subcommand (called from a static initialiser in each cmd_*.cpp). `order` sorts
// the subcommands in --help.
bool RegisterCommand(int order, CommandSetup setup);

// All registered setups, sorted by order.
std::vector<CommandSetup> RegisteredCommands();

// Replaces this process by the companion program `name` (next to this executable, else on
// PATH) with `args`: the commands that need LibTorch live in companion programs so that no
// other command maps it (tests/cli/startup_test.cpp). Returns only on failure (message printed,
// kExitFailure).
int ExecCompanion(const std::string& name, const std::vector<std::string>& args);

// Exit codes shared by every subcommand.
constexpr int kExitOk = 0;       // success
constexpr int kExitFailure = 1;  // the work failed (bad input, I/O, model errors)
constexpr int kExitUsage = 2;    // the command line was wrong

}  // namespace autofocus::cli

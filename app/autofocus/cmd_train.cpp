// `autofocus train PROJECT ...`: runs the separate program `autofocus-train` (next to this
// executable) with the same arguments. Training needs LibTorch (~0.4 s to load); keeping it in
// another program means no other command ever maps it (tests/cli/startup_test.cpp).
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

#include "app/autofocus/command.h"

namespace autofocus::cli {
namespace {

std::filesystem::path TrainProgram() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto next = self.parent_path() / "autofocus-train";
    if (std::filesystem::exists(next)) return next;
  }
  return "autofocus-train";  // looked up on PATH by execvp
}

int RunTrain(const std::vector<std::string>& args) {
  const auto program = TrainProgram();
  std::vector<std::string> owned = {program.string()};
  owned.insert(owned.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : owned) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush();
  execvp(argv[0], argv.data());
  std::cerr << "error: " << program.string() << ": cannot run the training program (" << std::strerror(errno)
            << "); this build may have no LibTorch (-DAUTOFOCUS_WITH_TORCH=OFF)\n";
  return kExitFailure;
}

const bool kRegistered = RegisterCommand(75, [](CLI::App& root, Action& action) {
  CLI::App* sub = root.add_subcommand(
      "train", "Train a saliency-regularised BC policy into PROJECT/runs/NAME (see `autofocus train --help`)");
  // Every argument, --help included, goes to autofocus-train, which parses them.
  sub->prefix_command();
  sub->set_help_flag();
  sub->allow_extras();
  sub->callback([sub, &action] {
    const std::vector<std::string> args = sub->remaining();
    action = [args] { return RunTrain(args); };
  });
});

}  // namespace
}  // namespace autofocus::cli

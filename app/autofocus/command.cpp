#include "app/autofocus/command.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace autofocus::cli {
namespace {

std::vector<std::pair<int, CommandSetup>>& Registry() {
  static std::vector<std::pair<int, CommandSetup>> r;
  return r;
}

}  // namespace

bool RegisterCommand(int order, CommandSetup setup) {
  Registry().emplace_back(order, std::move(setup));
  return true;
}

std::vector<CommandSetup> RegisteredCommands() {
  auto r = Registry();
  std::stable_sort(r.begin(), r.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<CommandSetup> out;
  for (auto& [o, s] : r) out.push_back(s);
  return out;
}

int ExecCompanion(const std::string& name, const std::vector<std::string>& args) {
  std::filesystem::path program = name;  // looked up on PATH by execvp
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec && std::filesystem::exists(self.parent_path() / name))
    program = self.parent_path() / name;
  std::vector<std::string> owned = {program.string()};
  owned.insert(owned.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : owned) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush();
  execvp(argv[0], argv.data());
  std::cerr << "error: " << program.string() << ": cannot run the program (" << std::strerror(errno)
            << "); this build may have no LibTorch (-DAUTOFOCUS_WITH_TORCH=OFF)\n";
  return kExitFailure;
}

}  // namespace autofocus::cli

#include "app/autofocus/command.h"

#include <algorithm>

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
  std::stable_sort(r.begin(), r.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<CommandSetup> out;
  for (auto& [o, s] : r) out.push_back(s);
  return out;
}

}  // namespace autofocus::cli

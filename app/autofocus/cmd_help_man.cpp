// `autofocus help-man DIR` (hidden): writes the man page of `autofocus` and of every subcommand
// into DIR, from the same CLI11 definitions --help prints; run at build time
// (app/CMakeLists.txt) so the installed pages never drift from the program.

#include <iostream>
#include <memory>
#include <string>

#include "app/autofocus/command.h"
#include "app/autofocus/man_page.h"

namespace autofocus::cli {
namespace {

const bool kRegistered = RegisterCommand(1000, [](CLI::App& root, Action& action) {
  CLI::App* sub = root.add_subcommand("help-man", "Write the man pages of every command into DIR");
  sub->group("");  // hidden from --help and from the pages themselves
  auto dir = std::make_shared<std::string>();
  sub->add_option("DIR", *dir, "Output directory")->required();
  sub->callback([&root, &action, dir] {
    action = [&root, dir] {
      for (const auto& file : WriteManPages(root, *dir)) std::cout << file << "\n";
      return kExitOk;
    };
  });
});

}  // namespace
}  // namespace autofocus::cli

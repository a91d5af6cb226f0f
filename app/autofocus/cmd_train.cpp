// `autofocus train PROJECT ...`: runs the separate program `autofocus-train` (next to this
// executable) with the same arguments. Training needs LibTorch (~0.4 s to load); keeping it in
// another program means no other command ever maps it (tests/cli/startup_test.cpp).

#include "app/autofocus/command.h"

namespace autofocus::cli {
namespace {

const bool kRegistered = RegisterCommand(75, [](CLI::App& root, Action& action) {
  CLI::App* sub = root.add_subcommand("train",
                                      "Train a saliency-regularised BC policy into "
                                      "PROJECT/runs/NAME (see `autofocus train --help`)");
  // Every argument, --help included, goes to autofocus-train, which parses them.
  sub->prefix_command();
  sub->set_help_flag();
  sub->allow_extras();
  sub->callback([sub, &action] {
    const std::vector<std::string> args = sub->remaining();
    action = [args] { return ExecCompanion("autofocus-train", args); };
  });
});

}  // namespace
}  // namespace autofocus::cli

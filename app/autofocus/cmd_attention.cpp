// `autofocus attention PROJECT --runs A,B ...`: runs the companion program
// `autofocus-attention` (next to this executable) with the same arguments. Attention maps need
// LibTorch (~0.4 s to load); keeping them in another program means no other command maps it
// (tests/cli/startup_test.cpp).

#include "app/autofocus/command.h"

namespace autofocus::cli {
namespace {

const bool kRegistered = RegisterCommand(77, [](CLI::App& root, Action& action) {
  CLI::App* sub = root.add_subcommand(
      "attention",
      "Attention maps of trained runs scored against saliency, gaze or ground truth (see "
      "`autofocus attention --help`)");
  // Every argument, --help included, goes to autofocus-attention, which parses them.
  sub->prefix_command();
  sub->set_help_flag();
  sub->allow_extras();
  sub->callback([sub, &action] {
    const std::vector<std::string> args = sub->remaining();
    action = [args] { return ExecCompanion("autofocus-attention", args); };
  });
});

}  // namespace
}  // namespace autofocus::cli

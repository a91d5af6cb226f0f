// `autofocus evaluate-policy RUN|policy.pt ...`: runs the companion program `autofocus-evaluate`
// (next to this executable) with the same arguments. A policy needs LibTorch (~0.4 s to load);
// keeping it in another program means no other command ever maps it.

#include "app/autofocus/command.h"

namespace autofocus::cli {
namespace {

const bool kRegistered = RegisterCommand(77, [](CLI::App& root, Action& action) {
  CLI::App* sub = root.add_subcommand(
      "evaluate-policy",
      "Closed-loop driving score of a policy in the sample world, seen/unseen routes, original "
      "or confounded (see `autofocus evaluate-policy --help`, docs/evaluation.md)");
  // Every argument, --help included, goes to autofocus-evaluate, which parses them.
  sub->prefix_command();
  sub->set_help_flag();
  sub->allow_extras();
  sub->callback([sub, &action] {
    const std::vector<std::string> args = sub->remaining();
    action = [args] { return ExecCompanion("autofocus-evaluate", args); };
  });
});

}  // namespace
}  // namespace autofocus::cli

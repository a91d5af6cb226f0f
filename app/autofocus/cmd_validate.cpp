// `autofocus validate PROJECT`: checks every artifact and frame reference of a project.
#include <iostream>
#include <memory>

#include "app/autofocus/command.h"
#include "app/autofocus/console_progress.h"
#include "core/importers/validate.h"

namespace autofocus::cli {
namespace {

// Command line of `validate`.
struct ValidateCli {
  std::string project;      // project directory
  ValidateOptions options;  // validator options
};

int RunValidate(const ValidateCli& c) {
  ConsoleProgress bar;
  const auto problems = ValidateProjectDir(c.project, bar.Callback(), {}, c.options);
  bar.Finish();
  for (const auto& p : problems) std::cout << p.ToString() << "\n";
  if (problems.empty()) {
    std::cout << "OK: " << c.project << " is valid\n";
    return kExitOk;
  }
  std::cerr << problems.size() << " problem" << (problems.size() == 1 ? "" : "s") << " found in "
            << c.project << "\n";
  return kExitFailure;
}

const bool kRegistered = RegisterCommand(30, [](CLI::App& root, Action& action) {
  auto c = std::make_shared<ValidateCli>();
  CLI::App* sub = root.add_subcommand(
      "validate", "Check every artifact and frame reference of a project (exit 0 when valid)");
  sub->add_option("PROJECT", c->project, "Project directory")->required();
  sub->add_option("--threads", c->options.threads, "Decode threads (0 = hardware threads)")
      ->check(CLI::NonNegativeNumber);
  sub->callback([c, &action] { action = [c] { return RunValidate(*c); }; });
});

}  // namespace
}  // namespace autofocus::cli

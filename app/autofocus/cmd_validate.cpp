// `autofocus validate PROJECT [--repair]`: checks every artifact and frame reference of a
// project, and lists or makes the repairs that are safe.
#include <iostream>
#include <memory>

#include "app/autofocus/command.h"
#include "app/autofocus/console_progress.h"
#include "core/base/error.h"
#include "core/importers/repair.h"
#include "core/importers/validate.h"

namespace autofocus::cli {
namespace {

// Command line of `validate`.
struct ValidateCli {
  std::string project;      // project directory
  ValidateOptions options;  // validator options
  bool repair = false;      // make the safe repairs, then validate again
};

// Prints the repairs made (or possible) and what cannot be repaired; returns the count made.
size_t PrintRepairs(const RepairReport& r, bool applied) {
  for (const auto& a : r.actions)
    std::cout << (applied ? "repaired: " : "can repair: ") << a.ToString() << "\n";
  for (const auto& u : r.unrepairable)
    std::cout << "cannot repair: " << u.reason << "\n  " << u.advice << "\n";
  if (applied && !r.actions.empty())
    std::cout << "moved files and the log of this repair: " << r.quarantine.string() << "\n";
  return r.actions.size();
}

int RunValidate(const ValidateCli& c) {
  if (c.repair) {
    RepairOptions ro;
    ro.apply = true;
    PrintRepairs(RepairProject(c.project, ro), true);
  }
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
  if (!c.repair) {
    // What --repair would do, so the user decides with the list in front of them.
    try {
      if (PrintRepairs(RepairProject(c.project), false) > 0)
        std::cerr << "run `autofocus validate " << c.project
                  << " --repair` to make the safe repairs (nothing is deleted)\n";
    } catch (const Error&) {
      // project.json itself is unreadable: the problem above already says so.
    }
  }
  return kExitFailure;
}

const bool kRegistered = RegisterCommand(30, [](CLI::App& root, Action& action) {
  auto c = std::make_shared<ValidateCli>();
  CLI::App* sub = root.add_subcommand(
      "validate", "Check every artifact and frame reference of a project (exit 0 when valid)");
  sub->add_option("PROJECT", c->project, "Project directory")->required();
  sub->add_option("--threads", c->options.threads, "Decode threads (0 = hardware threads)")
      ->check(CLI::NonNegativeNumber);
  sub->add_flag("--repair", c->repair,
                "Make the safe repairs first: move unreadable derived artifacts and leftovers of "
                "interrupted writes to PROJECT/quarantine/<time>/ (their stage re-runs), re-derive "
                "index entries; never deletes or rewrites source data");
  sub->callback([c, &action] { action = [c] { return RunValidate(*c); }; });
});

}  // namespace
}  // namespace autofocus::cli

// `autofocus runs PROJECT [--json]`: the training runs of a project (torch-free: reads run.json).
#include <cstdio>
#include <iostream>
#include <memory>

#include "app/autofocus/command.h"
#include "core/dataset/project_store.h"
#include "core/train/run_registry.h"

namespace autofocus::cli {
namespace {

struct RunsOptions {
  std::string project;  // project directory
  bool json = false;    // machine-readable output
};

int RunRuns(const RunsOptions& o) {
  const ProjectStore store = ProjectStore::Open(o.project);  // a clear error for a non-project
  const auto runs = ListRuns(store.root());
  if (o.json) {
    Json arr = Json::array();
    for (const auto& r : runs) arr.push_back(r.ToJson());
    std::cout << arr.dump(2) << "\n";
    return kExitOk;
  }
  if (runs.empty()) {
    std::printf("No runs in %s/runs\n", store.root().c_str());
    return kExitOk;
  }
  std::printf("%-28s %-10s %-11s %-9s %-12s %s\n", "NAME", "STATUS", "REGULARIZER", "EPOCHS", "BEST VAL BC", "POLICY");
  for (const auto& r : runs) {
    const std::string epochs = std::to_string(r.epochs_done) + "/" + std::to_string(r.epochs);
    const std::string best = r.best_val_bc >= 0 ? std::to_string(r.best_val_bc) : "-";
    std::printf("%-28s %-10s %-11s %-9s %-12s %s\n", r.name.c_str(), r.status.c_str(), r.regularizer.c_str(),
                epochs.c_str(), best.c_str(), r.has_policy ? "policy.pt" : "-");
  }
  return kExitOk;
}

const bool kRegistered = RegisterCommand(76, [](CLI::App& root, Action& action) {
  auto o = std::make_shared<RunsOptions>();
  CLI::App* sub = root.add_subcommand("runs", "List the training runs of a project (status, best validation loss)");
  sub->add_option("PROJECT", o->project, "Project directory")->required();
  sub->add_flag("--json", o->json, "Print a JSON array instead of a table");
  sub->callback([o, &action] { action = [o] { return RunRuns(*o); }; });
});

}  // namespace
}  // namespace autofocus::cli

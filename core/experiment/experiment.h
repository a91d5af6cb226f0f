#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/base/json_io.h"
#include "core/base/progress.h"
#include "core/experiment/experiment_options.h"

namespace autofocus {

// One unit of an experiment: a child `autofocus` command or an in-process action, run when its
// dependencies have finished and skipped when an earlier session already finished it with the
// same arguments (its marker under DIR/state/ says so).
struct ExperimentStep {
  std::string id;                 // unique, path-like: "train/confounded/bc-s0"
  std::string stage;              // data | annotate | variant | train | evaluate | attention
  std::vector<std::string> deps;  // ids that must have finished first
  // The child's `autofocus` arguments, built at launch (a train step resumes a killed run).
  std::function<std::vector<std::string>()> args;
  std::function<void()> inline_action;  // instead of a child: runs in-process
  std::function<bool()> outputs_exist;  // the step's outputs are there (marker alone is not enough)
  std::function<void()> before;         // before launch (e.g. clear a half-written staging folder)
  std::function<void()> after;          // after success (e.g. rename the staging folder)
};

// Paths of an experiment folder.
struct ExperimentLayout {
  std::filesystem::path root;  // DIR
  // DIR/data/<setting>[-w<window>]: the generated, annotated project of a setting.
  std::filesystem::path Project(const std::string& setting, int window = 0) const;
  // The run folder of method x seed in a setting.
  std::filesystem::path Run(const ExperimentMethod& m, const std::string& setting, int seed) const;
  static std::string RunName(const ExperimentMethod& m, int seed);
  std::filesystem::path AttentionReport(const std::string& setting, int seed) const;
  std::filesystem::path Log(const std::string& step_id) const;
  std::filesystem::path Marker(const std::string& step_id) const;
};

// What RunExperiment did.
struct ExperimentReport {
  int steps = 0;                     // steps in the plan
  int reused = 0;                    // finished by an earlier session
  int ran = 0;                       // run now and succeeded
  std::vector<std::string> failed;   // "id: reason (log file)"
  std::vector<std::string> skipped;  // not run because a dependency failed
  double seconds = 0;                // wall time of this call
  Json table;                        // table.json as written
};

// The steps of `options` in dependency order; `program` is the `autofocus` executable.
std::vector<ExperimentStep> PlanExperiment(const ExperimentOptions& options);

// Runs the plan with options.jobs children at once (`program` is the autofocus executable),
// then writes table.json, table.md, chart.png and the attention strips into options.out. A
// failed step costs its own cells, not the experiment. Throws Cancelled when `stop` fires
// (children get SIGTERM; a training run checkpoints and resumes next time).
ExperimentReport RunExperiment(const ExperimentOptions& options, const std::string& program,
                               const ProgressCallback& progress, const StopCheck& stop);

}  // namespace autofocus

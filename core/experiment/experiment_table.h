#pragma once

#include <opencv2/core.hpp>
#include <string>

#include "core/base/json_io.h"
#include "core/experiment/experiment_options.h"

namespace autofocus {

// table.json of an experiment folder from what its runs wrote: per method x split x setting the
// closed-loop driving score pooled over every route x seed rollout of every training seed
// (mean, standard error, rollouts, policies; the s.e. over the policies' means too), the share
// of attention inside the confound icons (confounded setting) and on key objects, and the
// AutoFocus-IL vs BC differences with their standard errors. Missing evaluations leave a cell
// with "runs": 0 and null values.
Json BuildExperimentTable(const ExperimentOptions& options);

// table.md: the paper-shaped table with the header of everything that defines it.
std::string ExperimentTableMarkdown(const Json& table);

// The bar chart (one group per split x setting, one bar per method, +-1 s.e. error bars).
cv::Mat ExperimentChart(const Json& table);

// One strip per setting and method (seed 0, the same validation frames for every method): the
// frame with the policy's activation attention overlaid, and strips/<setting>.png stacking the
// methods' strips with their labels. Returns the files written; methods without maps are left
// out (their names are listed in the stacked strip's caption).
std::vector<std::string> WriteAttentionStrips(const ExperimentOptions& options);

// Writes table.json, table.md, chart.png and the strips into options.out (atomically).
void WriteExperimentOutputs(const ExperimentOptions& options, const Json& table);

}  // namespace autofocus

#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/dataset/project_store.h"
#include "core/pipeline/pipeline_options.h"

namespace autofocus::cli {

// How `run` and `demo` show progress.
enum class ProgressMode { kBar, kJson, kNone };

// Runs the pipeline over `episodes` (empty = all) of `store` with backends built from
// `options`, prints progress and a summary, and returns the exit code (0 when every episode
// finished, 1 otherwise). `exchange_file` is the exchange cache to use.
int RunPipelineAndReport(ProjectStore& store, const PipelineOptions& options,
                         const std::vector<std::string>& episodes, ProgressMode mode,
                         const std::filesystem::path& exchange_file);

}  // namespace autofocus::cli

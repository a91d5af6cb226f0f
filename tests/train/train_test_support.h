#pragma once

// Helpers the train tests share (train_test.cpp, distributed_test.cpp).

#include <filesystem>
#include <vector>

#include "core/base/json_io.h"

namespace autofocus {

// One annotated sample project (3 episodes x 20 frames, `autofocus demo`) per test process.
const std::filesystem::path& SampleProject();

// The records of a metrics.jsonl file, in order.
std::vector<Json> ReadMetrics(const std::filesystem::path& file);

}  // namespace autofocus

#pragma once

// Shared fixtures of the train tests: one small annotated sample project, tiny options and
// readers for run folders.
#include <gtest/gtest.h>
#include <torch/script.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/base/json_io.h"
#include "core/train/train_options.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {

using testing::RunCli;
using testing::RunProgram;
using testing::TempDir;

// One annotated sample project (3 episodes x 20 frames) shared by the suite.
inline const std::filesystem::path& SampleProject() { return testing::SmallSampleProject(); }

// Small, fast settings: 72x128 input, 1 thread.
inline TrainOptions TinyOptions(const std::string& name) {
  TrainOptions o;
  o.name = name;
  o.regularizer = "gabril_mse";
  o.input_height = 72;
  o.input_width = 128;
  o.epochs = 2;
  o.batch = 16;
  o.threads = 1;
  o.val_fraction = 0.34;
  return o;
}

// The largest absolute difference between the parameters and buffers of two policy files.
inline double MaxParameterDifference(const std::filesystem::path& a,
                                     const std::filesystem::path& b) {
  auto ma = torch::jit::load(a.string()), mb = torch::jit::load(b.string());
  double worst = 0;
  auto compare = [&](const auto& la, const auto& lb) {
    auto ib = lb.begin();
    for (const auto& p : la) {
      EXPECT_EQ(p.name, (*ib).name);
      worst = std::max(worst, (p.value - (*ib).value).abs().max().template item<double>());
      ++ib;
    }
  };
  compare(ma.named_parameters(), mb.named_parameters());
  compare(ma.named_buffers(), mb.named_buffers());
  return worst;
}

// The metrics records of one type ("epoch" or "step") in file order.
inline std::vector<Json> ReadMetrics(const std::filesystem::path& file,
                                     const std::string& type = "epoch") {
  std::vector<Json> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Json j = ParseJsonText(line, file.string());
    if (j.value("type", "") == type) out.push_back(std::move(j));
  }
  return out;
}

}  // namespace
}  // namespace autofocus

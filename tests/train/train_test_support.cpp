#include "tests/train/train_test_support.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/support/test_support.h"

namespace autofocus {

const std::filesystem::path& SampleProject() {
  static testing::TempDir* dir =
      new testing::TempDir();  // leaked on purpose: lives for the whole process
  static const std::filesystem::path project = [] {
    const auto p = dir->path() / "P";
    const auto r = testing::RunCli(
        {"demo", "--out", p.string(), "--episodes", "3", "--frames", "20", "--progress", "none"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return p;
  }();
  return project;
}

std::vector<Json> ReadMetrics(const std::filesystem::path& file) {
  std::vector<Json> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(ParseJsonText(line, file.string()));
  }
  return out;
}

}  // namespace autofocus

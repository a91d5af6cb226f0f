#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/support/test_support.h"

namespace autofocus {

// The export suites' sample: a 3-episode x 24-frame annotated project made once per suite
// (`autofocus demo --seed 7`), copied fresh for each test that edits it.
class Export : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    const auto r =
        testing::RunCli({"demo", "--out", (dir_->path() / "pristine").string(), "--episodes", "3",
                         "--frames", "24", "--seed", "7", "--progress", "none"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  // A fresh copy of the annotated project.
  static std::filesystem::path Fresh(const std::string& name) {
    const std::filesystem::path p = dir_->path() / name;
    std::filesystem::copy(dir_->path() / "pristine", p, std::filesystem::copy_options::recursive);
    return p;
  }
  inline static testing::TempDir* dir_ = nullptr;  // the suite's folder
};

}  // namespace autofocus

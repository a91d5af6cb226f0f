// `autofocus --version` (issue 17): version, git revision, the Qt, OpenCV, LibTorch, HDF5 and
// libcurl versions, and where plugins and resources are found.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "tests/support/test_support.h"

namespace autofocus {
namespace {
namespace fs = std::filesystem;
using testing::RunCli;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(VersionTest, NamesTheVersionRevisionLibrariesAndLocations) {
  const auto r = RunCli({"--version"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = Lines(r.out);
  ASSERT_GE(lines.size(), 8u) << r.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_match(lines[0], m, std::regex(R"(autofocus (\S+) \(git (\S+)\))")))
      << lines[0];
  EXPECT_EQ(m[1].str(), AUTOFOCUS_PROJECT_VERSION);
  // Configured from a git checkout: a real revision, not the fallback.
  if (fs::exists(fs::path(AUTOFOCUS_SOURCE_DIR) / ".git")) {
    EXPECT_NE(m[2].str(), "unknown");
  }
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"Qt",
       R"(not used by the CLI \((the studio is built with 6\.\d+\.\d+|this build has no studio)\))"},
      {"OpenCV", R"(4\.\d+\.\d+.*)"},
      {"LibTorch", R"((\d+\.\d+\.\d+ \(build-time version; .*\)|not built .*))"},
      {"HDF5", R"(1\.\d+\.\d+.*)"},
      {"libcurl", R"(\d+\.\d+\.\d+.*)"},
      {"plugins", ".*/lib/autofocus"},
      {"resources", "/.*"}};
  for (size_t i = 0; i < expected.size(); ++i) {
    const std::string prefix = expected[i].first + ": ";
    ASSERT_EQ(lines[i + 1].rfind(prefix, 0), 0u) << lines[i + 1];
    EXPECT_TRUE(
        std::regex_match(lines[i + 1].substr(prefix.size()), std::regex(expected[i].second)))
        << lines[i + 1];
  }
  // The build tree finds the plugins built next to the CLI.
  EXPECT_EQ(lines[6], "plugins: " + (fs::path(AUTOFOCUS_CLI_PATH).parent_path().parent_path() /
                                     "lib" / "autofocus")
                                        .lexically_normal()
                                        .string());
}

}  // namespace
}  // namespace autofocus

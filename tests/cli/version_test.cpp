// `autofocus --version` (issue 17): version, git revision, the Qt, OpenCV, LibTorch, HDF5 and
// libcurl versions, and where plugins and resources are found; `autofocus help-man DIR` (the
// man pages the package installs) covers every command of --help.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "tests/support/test_support.h"

namespace autofocus {
namespace {
namespace fs = std::filesystem;
using testing::RunCli;
using testing::TempDir;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The subcommand names `autofocus --help` lists.
std::vector<std::string> HelpSubcommands() {
  const auto r = RunCli({"--help"});
  std::vector<std::string> names;
  bool in_list = false;
  for (const auto& line : Lines(r.out)) {
    if (line.rfind("Subcommands:", 0) == 0) {
      in_list = true;
    } else if (in_list && line.size() > 2 && line[0] == ' ') {
      names.push_back(line.substr(2, line.find(' ', 2) - 2));
    }
  }
  return names;
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

TEST(ManPagesTest, OnePagePerCommandFromItsOwnHelp) {
  TempDir dir;
  const auto r = RunCli({"help-man", dir.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Hidden: not in --help, so not in the pages either.
  EXPECT_EQ(RunCli({"--help"}).out.find("help-man"), std::string::npos);
  const std::string top = ReadText(dir / "autofocus.1");
  EXPECT_NE(top.find(".TH \"AUTOFOCUS\" \"1\""), std::string::npos) << top;
  EXPECT_EQ(top.find("help\\-man"), std::string::npos);
  const auto subs = HelpSubcommands();
  ASSERT_GE(subs.size(), 15u);
  for (const auto& sub : subs) {
    EXPECT_NE(top.find("\\fB" + std::regex_replace(sub, std::regex("-"), "\\-") + "\\fR"),
              std::string::npos)
        << sub;
    // train, attention and evaluate-policy are written by their companion programs.
    if (sub == "train" || sub == "attention" || sub == "evaluate-policy") {
      EXPECT_FALSE(fs::exists(dir / ("autofocus-" + sub + ".1"))) << sub;
    } else {
      EXPECT_TRUE(fs::exists(dir / ("autofocus-" + sub + ".1"))) << sub;
    }
  }
  // A page says what --help says: every option, its value and default.
  const std::string demo = ReadText(dir / "autofocus-demo.1");
  const std::string help = RunCli({"demo", "--help"}).out;
  EXPECT_NE(demo.find(".SH SYNOPSIS\n.nf\nautofocus demo [OPTIONS]\n"), std::string::npos) << demo;
  for (const char* option : {"episodes", "frames", "seed", "oracle", "preset"}) {
    EXPECT_NE(help.find(std::string("--") + option), std::string::npos) << option;
    EXPECT_NE(demo.find(std::string("\\fB\\-\\-") + option), std::string::npos) << option;
  }
  EXPECT_NE(demo.find("\\fIINT=12\\fR"), std::string::npos) << demo;
  EXPECT_NE(demo.find(".SH SEE ALSO\n\\fBautofocus\\fR(1)"), std::string::npos);
  // Nested commands get their own pages, linked from the parent's.
  EXPECT_TRUE(fs::exists(dir / "autofocus-sim-generate.1"));
  EXPECT_NE(ReadText(dir / "autofocus-sim.1").find("autofocus\\-sim\\-generate\\fR(1)"),
            std::string::npos);
}

// The build writes the companions' pages too (packaging/CMakeLists.txt), with a `.so` alias
// for the program whose name differs from its command.
TEST(ManPagesTest, TheBuildWritesTheCompanionProgramsPages) {
  const fs::path man =
      fs::path(AUTOFOCUS_CLI_PATH).parent_path().parent_path() / "share" / "man" / "man1";
  ASSERT_TRUE(fs::exists(man / "autofocus.1")) << man;
  if (!fs::exists(fs::path(AUTOFOCUS_CLI_PATH).parent_path() / "autofocus-train"))
    GTEST_SKIP() << "no LibTorch companions in this build";
  EXPECT_NE(ReadText(man / "autofocus-train.1").find("\\fB\\-\\-epochs\\fR"), std::string::npos);
  EXPECT_NE(ReadText(man / "autofocus-attention.1").find(".SH ARGUMENTS"), std::string::npos);
  EXPECT_NE(ReadText(man / "autofocus-evaluate-policy.1").find("\\fB\\-\\-routes\\fR"),
            std::string::npos);
  EXPECT_EQ(ReadText(man / "autofocus-evaluate.1"), ".so man1/autofocus-evaluate-policy.1\n");
}

}  // namespace
}  // namespace autofocus

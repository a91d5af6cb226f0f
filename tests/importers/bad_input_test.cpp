// Every bad input of the issue, through the core importer and through the CLI: the message names
// the file (and row/field/dataset) and the reason, the CLI exits 1, and no project directory
// (nor a staging directory) is left behind.
#include <gtest/gtest.h>

#include <functional>

#include "core/base/error.h"
#include "core/importers/folder_importer.h"
#include "core/importers/hdf5_importer.h"
#include "tests/importers/test_data.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;
using testing::WriteText;

// One bad input and the error it must produce.
struct BadCase {
  std::string name;                            // test name suffix
  std::string kind;                            // "folder" or "hdf5"
  std::string source;                          // ROOT / FILE, relative to the temp dir
  std::function<void(const fs::path&)> setup;  // builds the input in the temp dir
  std::string image_key;                       // --image-key, or empty
  std::string file;                            // expected suffix of Error::file()
  std::string where;                           // expected Error::where()
  std::string reason;                          // expected substring of Error::reason()
};

// Keeps gtest from dumping the raw bytes of a case in test names and failures.
void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

void CsvEpisode(const fs::path& dir, const std::string& csv, int frames) {
  for (int t = 0; t < frames; ++t) testing::WritePng(dir / ("frame_" + std::to_string(t) + ".png"), t);
  WriteText(dir / "actions.csv", csv);
}

std::vector<BadCase> Cases() {
  return {
      {"MissingRoot", "folder", "nope", [](const fs::path&) {}, "", "nope", "",
       "no such directory"},
      {"MissingHdf5", "hdf5", "nope.hdf5", [](const fs::path&) {}, "", "nope.hdf5", "",
       "no such file"},
      {"ImageDoesNotDecode", "folder", "raw",
       [](const fs::path& d) {
         testing::WriteImageEpisode(d / "raw" / "ep1", 3);
         WriteText(d / "raw" / "ep1" / "frame_1.png", "this is not a PNG");
       },
       "", "raw/ep1/frame_1.png", "", "image does not decode"},
      {"VideoFrameCountDiffers", "folder", "raw",
       [](const fs::path& d) {
         testing::WriteVideo(d / "raw" / "ep1" / "v.avi", 5);
         testing::WriteActionsCsv(d / "raw" / "ep1" / "actions.csv", 6);
       },
       "", "raw/ep1/v.avi", "", "video has 5 decodable frames but"},
      {"NanAction", "folder", "raw",
       [](const fs::path& d) { CsvEpisode(d / "raw" / "ep1", "throttle,steer\n0,0\n1,nan\n", 2); },
       "", "raw/ep1/actions.csv", "row 2 (line 3), column steer", "value is not finite (nan)"},
      {"InfiniteAction", "folder", "raw",
       [](const fs::path& d) { CsvEpisode(d / "raw" / "ep1", "throttle,steer\n-inf,0\n", 1); },
       "", "raw/ep1/actions.csv", "row 1 (line 2), column throttle",
       "value is not finite (-inf)"},
      {"RaggedCsvRow", "folder", "raw",
       [](const fs::path& d) {
         CsvEpisode(d / "raw" / "ep1", "throttle,steer\n0,0\n1,1\n2,2,2\n", 3);
       },
       "", "raw/ep1/actions.csv", "row 3 (line 4)",
       "has 3 fields but the header names 2 columns"},
      {"ActionRowsDifferFromImages", "folder", "raw",
       [](const fs::path& d) { CsvEpisode(d / "raw" / "ep1", "throttle,steer\n0,0\n", 2); },
       "", "raw/ep1/actions.csv", "", "has 1 action rows but"},
      {"FolderOutputExists", "folder", "raw",
       [](const fs::path& d) {
         testing::WriteImageEpisode(d / "raw" / "ep1", 2);
         WriteText(d / "p" / "keep.txt", "mine");
       },
       "", "p", "", "output path already exists"},
      {"TruncatedHdf5", "hdf5", "f.hdf5",
       [](const fs::path& d) {
         testing::WriteRobomimic(d / "f.hdf5", {});
         fs::resize_file(d / "f.hdf5", fs::file_size(d / "f.hdf5") / 2);
       },
       "", "f.hdf5", "", "truncated"},
      {"Hdf5WithoutData", "hdf5", "f.hdf5",
       [](const fs::path& d) {
         testing::RobomimicSpec s;
         s.data_group = false;
         testing::WriteRobomimic(d / "f.hdf5", s);
       },
       "", "f.hdf5", "data", "no 'data' group (not a robomimic-style file)"},
      {"UnknownImageKey", "hdf5", "f.hdf5",
       [](const fs::path& d) { testing::WriteRobomimic(d / "f.hdf5", {}); }, "wrist", "f.hdf5",
       "data/demo_0/obs/wrist",
       "no such image dataset (uint8 [T,H,W,3]); candidates: agentview_image"},
      {"Hdf5NanAction", "hdf5", "f.hdf5",
       [](const fs::path& d) {
         testing::RobomimicSpec s;
         s.nan_action = true;
         testing::WriteRobomimic(d / "f.hdf5", s);
       },
       "", "f.hdf5", "data/demo_0/actions[row 2, column a1]", "value is not finite"},
      {"Hdf5OutputExists", "hdf5", "f.hdf5",
       [](const fs::path& d) {
         testing::WriteRobomimic(d / "f.hdf5", {});
         WriteText(d / "p" / "keep.txt", "mine");
       },
       "", "p", "", "output path already exists"},
  };
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class BadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadInput, NamesFileAndReasonAndLeavesNothingBehind) {
  const BadCase& c = GetParam();
  TempDir dir;
  c.setup(dir.path());
  const std::vector<std::string> before = testing::ListDir(dir.path());
  const fs::path source = dir / c.source, out = dir / "p";

  // Core importer: structured error.
  try {
    if (c.kind == "folder") {
      FolderImportOptions o;
      o.root = source;
      o.out = out;
      FolderImporter(o).Run();
    } else {
      Hdf5ImportOptions o;
      o.file = source;
      o.out = out;
      o.image_key = c.image_key;
      Hdf5Importer(o).Run();
    }
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_TRUE(EndsWith(e.file(), c.file)) << e.what();
    EXPECT_EQ(e.where(), c.where) << e.what();
    EXPECT_NE(e.reason().find(c.reason), std::string::npos) << e.what();
  }
  EXPECT_EQ(testing::ListDir(dir.path()), before);

  // CLI: exit 1 and the same message on stderr.
  std::vector<std::string> args = {"import", c.kind, source.string(), "--out", out.string()};
  if (!c.image_key.empty()) args.insert(args.end(), {"--image-key", c.image_key});
  const auto r = testing::RunCli(args);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find(c.file), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(c.where), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(c.reason), std::string::npos) << r.err;
  EXPECT_EQ(testing::ListDir(dir.path()), before);
  if (c.reason == "output path already exists") {
    EXPECT_EQ(testing::ListDir(out), std::vector<std::string>{"keep.txt"});
  }
}

INSTANTIATE_TEST_SUITE_P(Importers, BadInput, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<BadCase>& info) {
                           return info.param.name;
                         });

TEST(BadInput, UsageErrorsExitTwo) {
  EXPECT_EQ(testing::RunCli({"import"}).exit_code, 2);
  EXPECT_EQ(testing::RunCli({"import", "folder", "x"}).exit_code, 2);  // --out missing
  EXPECT_EQ(testing::RunCli({"import", "hdf5"}).exit_code, 2);
  EXPECT_EQ(testing::RunCli({"validate"}).exit_code, 2);
  EXPECT_EQ(testing::RunCli({"sample", "folder"}).exit_code, 2);
  EXPECT_EQ(testing::RunCli({"import", "folder", "--help"}).exit_code, 0);
}

}  // namespace
}  // namespace autofocus

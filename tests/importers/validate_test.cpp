#include <gtest/gtest.h>

#include "core/importers/folder_importer.h"
#include "core/importers/validate.h"
#include "tests/importers/test_data.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;

void Import(const fs::path& root, const fs::path& out) {
  FolderImportOptions o;
  o.root = root;
  o.out = out;
  FolderImporter(o).Run();
}

// raw/ep1: 4 PNG frames 16x12; raw/ep2: a 3-frame video; imported by reference into p/.
void ImportMixed(const fs::path& dir) {
  testing::WriteImageEpisode(dir / "raw" / "ep1", 4);
  testing::WriteVideo(dir / "raw" / "ep2" / "v.avi", 3);
  testing::WriteActionsCsv(dir / "raw" / "ep2" / "actions.csv", 3);
  Import(dir / "raw", dir / "p");
}

TEST(Validate, ValidProjectHasNoProblemsAndCliExitsZero) {
  TempDir dir;
  ImportMixed(dir.path());
  int64_t last_done = 0, last_total = 0;
  const auto problems = ValidateProjectDir(dir / "p", [&](const Progress& p) {
    last_done = p.done;
    last_total = p.total;
  });
  EXPECT_TRUE(problems.empty()) << problems[0].ToString();
  EXPECT_EQ(last_total, 7);
  EXPECT_EQ(last_done, 7);
  const auto r = testing::RunCli({"validate", (dir / "p").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("is valid"), std::string::npos) << r.out;
}

TEST(Validate, ReportsEveryBrokenReference) {
  TempDir dir;
  ImportMixed(dir.path());
  fs::remove(dir / "raw" / "ep1" / "frame_1.png");
  testing::WriteText(dir / "raw" / "ep1" / "frame_3.png", "garbage");
  testing::WritePng(dir / "raw" / "ep1" / "frame_0.png", 0, 20, 12);  // wrong size
  testing::WriteVideo(dir / "raw" / "ep2" / "v.avi", 2);              // one frame short
  testing::WriteText(dir / "p" / "episodes" / "ep2" / "tracks.json", "{\"a\": ");

  const auto problems = ValidateProjectDir(dir / "p");
  ASSERT_EQ(problems.size(), 5u);
  const std::string ep1 = (dir / "raw" / "ep1").string();
  EXPECT_EQ(problems[0].file, ep1 + "/frame_0.png");
  EXPECT_EQ(problems[0].where, "frame 0");
  EXPECT_EQ(problems[0].reason, "image is 20x12 but the episode records 16x12");
  EXPECT_EQ(problems[1].file, ep1 + "/frame_1.png");
  EXPECT_EQ(problems[1].reason, "no such file");
  EXPECT_EQ(problems[2].file, ep1 + "/frame_3.png");
  EXPECT_EQ(problems[2].reason, "image does not decode");
  EXPECT_EQ(problems[3].file, (dir / "p" / "episodes" / "ep2" / "tracks.json").string());
  EXPECT_NE(problems[3].reason.find("malformed JSON"), std::string::npos);
  EXPECT_EQ(problems[4].file, (dir / "raw" / "ep2" / "v.avi").string());
  EXPECT_EQ(problems[4].reason, "video has 2 decodable frames but the episode has 3");

  const auto r = testing::RunCli({"validate", (dir / "p").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(ep1 + "/frame_1.png: frame 1: no such file"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("5 problems"), std::string::npos) << r.err;
}

TEST(Validate, BrokenEpisodeAndProjectFiles) {
  TempDir dir;
  testing::WriteImageEpisode(dir / "raw" / "ep1", 2);
  Import(dir / "raw", dir / "p");
  testing::WriteText(dir / "p" / "episodes" / "ep1" / "episode.json", "{}");
  auto problems = ValidateProjectDir(dir / "p");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].file, (dir / "p" / "episodes" / "ep1" / "episode.json").string());
  EXPECT_EQ(problems[0].where, "name");
  EXPECT_EQ(problems[0].reason, "missing field");

  testing::WriteText(dir / "p" / "project.json", "not json");
  problems = ValidateProjectDir(dir / "p");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].file, (dir / "p" / "project.json").string());
  EXPECT_NE(problems[0].reason.find("malformed JSON"), std::string::npos);
  EXPECT_EQ(testing::RunCli({"validate", (dir / "p").string()}).exit_code, 1);
  EXPECT_EQ(testing::RunCli({"validate", (dir / "missing").string()}).exit_code, 1);
}

}  // namespace
}  // namespace autofocus

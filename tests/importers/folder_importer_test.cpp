#include <gtest/gtest.h>

#include <atomic>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/importers/folder_importer.h"
#include "core/importers/validate.h"
#include "tests/importers/test_data.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;

ProjectInfo ImportFolder(const fs::path& root, const fs::path& out, bool copy = false) {
  FolderImportOptions o;
  o.root = root;
  o.out = out;
  o.copy = copy;
  return FolderImporter(o).Run();
}

TEST(FolderImporter, NaturalOrderForEpisodesAndFrames) {
  TempDir dir;
  for (const char* ep : {"run10", "run2", "run1"}) testing::WriteImageEpisode(dir / "raw" / ep, 12);
  const ProjectInfo info = ImportFolder(dir / "raw", dir / "p");
  ASSERT_EQ(info.episodes.size(), 3u);
  EXPECT_EQ(info.episodes[0].name, "run1");
  EXPECT_EQ(info.episodes[1].name, "run2");
  EXPECT_EQ(info.episodes[2].name, "run10");
  EXPECT_EQ(info.importer, "folder");
  EXPECT_EQ(info.name, "raw");
  EXPECT_EQ(fs::path(info.source_root), fs::absolute(dir / "raw").lexically_normal());
  EXPECT_EQ(info.image_width, 16);
  EXPECT_EQ(info.image_height, 12);
  ASSERT_EQ(info.action_spec.dims.size(), 2u);
  EXPECT_EQ(info.action_spec.Names(), (std::vector<std::string>{"throttle", "steer"}));
  EXPECT_FLOAT_EQ(info.action_spec.dims[0].min, 0.0);
  EXPECT_FLOAT_EQ(info.action_spec.dims[0].max, 1.1);
  EXPECT_FLOAT_EQ(info.action_spec.dims[1].min, -1.1);
  EXPECT_FLOAT_EQ(info.action_spec.dims[1].max, 0.0);

  const ProjectStore store = ProjectStore::Open(dir / "p");
  const Episode e = store.LoadEpisode("run2");
  ASSERT_EQ(e.num_frames, 12);
  EXPECT_EQ(e.source.kind, FrameSourceRef::Kind::kImages);
  EXPECT_EQ(e.source.files[2], "run2/frame_2.png");
  EXPECT_EQ(e.source.files[10], "run2/frame_10.png");
  EXPECT_FLOAT_EQ(e.actions[10][1], -1.0f);
  auto frames = store.OpenFrames(e);
  EXPECT_EQ(frames->Read(10).at<cv::Vec3b>(0, 0), cv::Vec3b(100, 200, 155));
  EXPECT_EQ(frames->Read(9).at<cv::Vec3b>(0, 0), cv::Vec3b(90, 180, 165));
}

TEST(FolderImporter, VideoEpisode) {
  TempDir dir;
  testing::WriteVideo(dir / "raw" / "drive" / "cam.avi", 7, 32, 24);
  testing::WriteActionsCsv(dir / "raw" / "drive" / "actions.csv", 7);
  const ProjectInfo info = ImportFolder(dir / "raw", dir / "p");
  ASSERT_EQ(info.episodes.size(), 1u);
  const Episode e = ProjectStore::Open(dir / "p").LoadEpisode("drive");
  EXPECT_EQ(e.source.kind, FrameSourceRef::Kind::kVideo);
  EXPECT_EQ(e.source.file, "drive/cam.avi");
  EXPECT_EQ(e.num_frames, 7);
  EXPECT_EQ(e.width, 32);
  EXPECT_EQ(e.height, 24);
}

TEST(FolderImporter, ActionsJsonObjectAndBareArray) {
  TempDir dir;
  for (int t = 0; t < 2; ++t) {
    testing::WritePng(dir / "a" / "ep1" / ("f" + std::to_string(t) + ".jpg"), 5);
    testing::WritePng(dir / "b" / "ep1" / ("f" + std::to_string(t) + ".bmp"), 5);
  }
  testing::WriteText(dir / "a" / "ep1" / "actions.json",
                     R"({"names": ["gas", "wheel"], "actions": [[0.5, -2], [1, 3]]})");
  testing::WriteText(dir / "b" / "ep1" / "actions.json", "[[1, 2, 3], [4, 5, 6]]");
  const ProjectInfo a = ImportFolder(dir / "a", dir / "pa");
  EXPECT_EQ(a.action_spec.Names(), (std::vector<std::string>{"gas", "wheel"}));
  EXPECT_DOUBLE_EQ(a.action_spec.dims[1].min, -2.0);
  EXPECT_DOUBLE_EQ(a.action_spec.dims[1].max, 3.0);
  const ProjectInfo b = ImportFolder(dir / "b", dir / "pb");
  EXPECT_EQ(b.action_spec.Names(), (std::vector<std::string>{"a0", "a1", "a2"}));
  const Episode e = ProjectStore::Open(dir / "pb").LoadEpisode("ep1");
  EXPECT_EQ(e.actions, (std::vector<std::vector<float>>{{1, 2, 3}, {4, 5, 6}}));
}

TEST(FolderImporter, CopyMakesTheProjectSelfContained) {
  TempDir dir;
  testing::WriteImageEpisode(dir / "raw" / "ep1", 3);
  testing::WriteVideo(dir / "raw" / "ep2" / "v.avi", 4);
  testing::WriteActionsCsv(dir / "raw" / "ep2" / "actions.csv", 4);
  const ProjectInfo info = ImportFolder(dir / "raw", dir / "p", /*copy=*/true);
  EXPECT_EQ(info.source_root, ".");
  const ProjectStore store = ProjectStore::Open(dir / "p");
  const Episode e1 = store.LoadEpisode("ep1");
  EXPECT_EQ(e1.source.files[1], "frames/ep1/frame_1.png");
  // Byte copies, never re-encoded.
  EXPECT_EQ(ReadFile(dir / "p" / "frames" / "ep1" / "frame_1.png"),
            ReadFile(dir / "raw" / "ep1" / "frame_1.png"));
  EXPECT_EQ(store.LoadEpisode("ep2").source.file, "frames/ep2/v.avi");
  EXPECT_EQ(ReadFile(dir / "p" / "frames" / "ep2" / "v.avi"),
            ReadFile(dir / "raw" / "ep2" / "v.avi"));
  fs::remove_all(dir / "raw");
  EXPECT_TRUE(ValidateProject(store).empty());
  EXPECT_EQ(store.OpenFrames(e1)->Read(2).at<cv::Vec3b>(0, 0), cv::Vec3b(20, 40, 235));
}

TEST(FolderImporter, CancelLeavesNothingBehind) {
  TempDir dir;
  testing::WriteImageEpisode(dir / "raw" / "ep1", 4);
  FolderImportOptions o;
  o.root = dir / "raw";
  o.out = dir / "p";
  std::atomic<bool> flag{true};
  EXPECT_THROW(FolderImporter(o).Run({}, StopOnFlag(flag)), Cancelled);
  EXPECT_EQ(testing::ListDir(dir.path()), std::vector<std::string>{"raw"});
}

TEST(FolderImporter, ReportsProgressPerFrame) {
  TempDir dir;
  testing::WriteImageEpisode(dir / "raw" / "ep1", 5);
  testing::WriteImageEpisode(dir / "raw" / "ep2", 3);
  FolderImportOptions o;
  o.root = dir / "raw";
  o.out = dir / "p";
  std::atomic<int64_t> calls{0}, last_total{0}, max_done{0};
  FolderImporter(o).Run([&](const Progress& p) {
    ++calls;
    last_total = p.total;
    if (p.done > max_done) max_done = p.done;
  });
  EXPECT_EQ(calls.load(), 8);
  EXPECT_EQ(last_total.load(), 8);
  EXPECT_EQ(max_done.load(), 8);
}

TEST(FolderImporter, OptionsCheck) {
  FolderImportOptions o;
  EXPECT_THROW(o.Check(), Error);
  o.root = "r";
  o.out = "o";
  EXPECT_NO_THROW(o.Check());
  o.threads = -1;
  EXPECT_THROW(o.Check(), Error);
}

}  // namespace
}  // namespace autofocus

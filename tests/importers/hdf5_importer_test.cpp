#include <gtest/gtest.h>

#include <dlfcn.h>
#include <hdf5.h>

#include "core/base/error.h"
#include "core/dataset/frame_source.h"
#include "core/importers/hdf5_importer.h"
#include "core/importers/validate.h"
#include "tests/importers/test_data.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {
namespace fs = std::filesystem;
using testing::RobomimicSpec;
using testing::TempDir;

Hdf5ImportOptions Options(const fs::path& file, const fs::path& out) {
  Hdf5ImportOptions o;
  o.file = file;
  o.out = out;
  return o;
}

TEST(Hdf5Importer, StateGazeAttributesGzipAndNaturalDemoOrder) {
  TempDir dir;
  RobomimicSpec spec;
  spec.demo_ids = {10, 2, 0};
  spec.gzip = true;
  spec.state = true;
  spec.gaze = true;
  testing::WriteRobomimic(dir / "lift.hdf5", spec);
  const ProjectInfo info = Hdf5Importer(Options(dir / "lift.hdf5", dir / "p")).Run();
  ASSERT_EQ(info.episodes.size(), 3u);
  EXPECT_EQ(info.episodes[0].name, "demo_0");
  EXPECT_EQ(info.episodes[1].name, "demo_2");
  EXPECT_EQ(info.episodes[2].name, "demo_10");
  EXPECT_EQ(info.name, "lift");
  EXPECT_EQ(info.importer, "hdf5");
  EXPECT_EQ(fs::path(info.source_root), fs::absolute(dir.path()).lexically_normal());
  EXPECT_EQ(info.image_width, 8);
  EXPECT_EQ(info.image_height, 6);
  EXPECT_EQ(info.action_spec.Names(), (std::vector<std::string>{"a0", "a1", "a2"}));
  EXPECT_DOUBLE_EQ(info.action_spec.dims[2].min, 1.0);
  EXPECT_DOUBLE_EQ(info.action_spec.dims[2].max, 5.0);

  const ProjectStore store = ProjectStore::Open(dir / "p");
  const Episode e = store.LoadEpisode("demo_2");
  EXPECT_EQ(e.num_frames, 5);
  EXPECT_EQ(e.source.kind, FrameSourceRef::Kind::kHdf5);
  EXPECT_EQ(e.source.file, "lift.hdf5");
  EXPECT_EQ(e.source.dataset, "data/demo_2/obs/agentview_image");
  EXPECT_EQ(e.actions[3], (std::vector<float>{3.f, 3.5f, 4.f}));
  ASSERT_EQ(e.state.count("robot0_eef_pos"), 1u);
  EXPECT_EQ(e.state.size(), 1u);  // gaze is not state
  EXPECT_EQ(e.state.at("robot0_eef_pos")[4], (std::vector<float>{4.f, 8.f, 12.f}));
  ASSERT_EQ(e.gaze.size(), 5u);
  ASSERT_EQ(e.gaze[1].size(), 2u);  // -1 padding dropped
  EXPECT_EQ(e.gaze[1][0], (GazePoint{0.25f, 0.5f}));
  EXPECT_EQ(e.gaze[1][1], (GazePoint{0.75f, 0.5f}));
  EXPECT_EQ(e.metadata["num_samples"], 5);
  EXPECT_EQ(e.metadata["task"], "lift");
  EXPECT_EQ(e.metadata["gaze_key"], "gaze_coords_front");
  EXPECT_FALSE(e.metadata.contains("model_file"));
  // Frames are read from the (gzip-compressed) file on demand; RGB in the file, BGR here.
  auto frames = store.OpenFrames(e);
  EXPECT_EQ(frames->Read(3).at<cv::Vec3b>(5, 7), cv::Vec3b(200, 100, 30));
  EXPECT_TRUE(ValidateProject(store).empty());
}

TEST(Hdf5Importer, AmbiguousImageKeyListsCandidatesAndExplicitKeyWorks) {
  TempDir dir;
  RobomimicSpec spec;
  spec.image_keys = {"robot0_eye_in_hand_image", "agentview_image"};
  testing::WriteRobomimic(dir / "two.hdf5", spec);
  try {
    Hdf5Importer(Options(dir / "two.hdf5", dir / "p")).Run();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), (dir / "two.hdf5").string());
    EXPECT_EQ(e.where(), "data/demo_0/obs");
    EXPECT_EQ(e.reason(),
              "several image datasets; choose one with --image-key: agentview_image, "
              "robot0_eye_in_hand_image");
  }
  EXPECT_FALSE(fs::exists(dir / "p"));
  auto o = Options(dir / "two.hdf5", dir / "p");
  o.image_key = "robot0_eye_in_hand_image";
  o.action_names = {"x", "y", "gripper"};
  const ProjectInfo info = Hdf5Importer(o).Run();
  EXPECT_EQ(info.action_spec.Names(), o.action_names);
  EXPECT_EQ(ProjectStore::Open(dir / "p").LoadEpisode("demo_1").source.dataset,
            "data/demo_1/obs/robot0_eye_in_hand_image");
}

TEST(Hdf5Importer, ActionNamesMustMatchTheColumns) {
  TempDir dir;
  testing::WriteRobomimic(dir / "f.hdf5", {});
  auto o = Options(dir / "f.hdf5", dir / "p");
  o.action_names = {"x", "y"};
  try {
    Hdf5Importer(o).Run();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "data/demo_0/actions");
    EXPECT_EQ(e.reason(), "has 3 columns but 2 action names were given (x, y)");
  }
  EXPECT_FALSE(fs::exists(dir / "p"));
}

TEST(Hdf5Importer, CopyPutsTheFileInsideTheProject) {
  TempDir dir;
  testing::WriteRobomimic(dir / "src" / "f.hdf5", {});
  auto o = Options(dir / "src" / "f.hdf5", dir / "p");
  o.copy = true;
  EXPECT_EQ(Hdf5Importer(o).Run().source_root, ".");
  fs::remove_all(dir / "src");
  const ProjectStore store = ProjectStore::Open(dir / "p");
  const Episode e = store.LoadEpisode("demo_0");
  EXPECT_EQ(e.source.file, "frames/f.hdf5");
  EXPECT_EQ(store.OpenFrames(e)->Read(4).at<cv::Vec3b>(0, 0), cv::Vec3b(200, 100, 40));
  EXPECT_TRUE(ValidateProject(store).empty());
}

// HDF5 1.10 loads filter plugins only when data passes through the pipeline, not when a dataset
// is created, so the test registers the Debian lzf plugin by hand to write its file. Reading goes
// through the CLI (a fresh process), which exercises the ordinary dynamic plugin loading.
// Returns an empty string on success, else why the plugin is unusable. Debian 12's
// hdf5-plugin-lzf 3.7.0-8 is not linked against liblzf ("undefined symbol: lzf_decompress");
// Hdf5Mutex() makes liblzf's symbols global first, as it does for every HDF5 user.
std::string RegisterLzfForWriting() {
  std::lock_guard<std::mutex> lock(Hdf5Mutex());
  void* lib = ::dlopen("/usr/lib/x86_64-linux-gnu/hdf5/serial/plugins/liblzf_filter.so", RTLD_NOW);
  if (!lib) return ::dlerror();
  using InfoFn = const void* (*)();
  auto info = reinterpret_cast<InfoFn>(::dlsym(lib, "H5PLget_plugin_info"));
  if (!info || H5Zregister(info()) < 0) return "cannot register the lzf filter";
  return "";
}

TEST(Hdf5Importer, LzfCompressedFrames) {
  TempDir dir;
  RobomimicSpec spec;
  spec.lzf = true;
  // scripts/setup-deps installs hdf5-plugin-lzf and liblzf1, so lzf must work.
  ASSERT_EQ(RegisterLzfForWriting(), "");
  testing::WriteRobomimic(dir / "lzf.hdf5", spec);
  const auto r = testing::RunCli(
      {"import", "hdf5", (dir / "lzf.hdf5").string(), "--out", (dir / "p").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(testing::RunCli({"validate", (dir / "p").string()}).exit_code, 0);
  const ProjectStore store = ProjectStore::Open(dir / "p");
  EXPECT_EQ(store.OpenFrames(store.LoadEpisode("demo_1"))->Read(2).at<cv::Vec3b>(1, 1),
            cv::Vec3b(200, 100, 20));
}

TEST(Hdf5Importer, FindImageKeys) {
  TempDir dir;
  RobomimicSpec spec;
  spec.image_keys = {"b_image", "a_image"};
  spec.state = true;
  testing::WriteRobomimic(dir / "f.hdf5", spec);
  EXPECT_EQ(FindImageKeys(dir / "f.hdf5", "data/demo_0/obs"),
            (std::vector<std::string>{"a_image", "b_image"}));
}

}  // namespace
}  // namespace autofocus

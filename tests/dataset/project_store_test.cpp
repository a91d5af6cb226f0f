#include <gtest/gtest.h>

#include "core/base/error.h"
#include "core/dataset/project_store.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {
using testing::TempDir;

ProjectInfo SampleInfo() {
  ProjectInfo info;
  info.name = "p";
  info.importer = "test";
  info.source_root = "/data/frames";
  info.image_width = 320;
  info.image_height = 180;
  info.action_spec.dims = {{"throttle", 0, 1, true, {}}, {"steer", -1, 1, true, {}}};
  return info;
}

TEST(ProjectStore, RoundTripsProjectAndEpisode) {
  TempDir dir;
  auto store = ProjectStore::Create(dir / "proj", SampleInfo());
  Episode e;
  e.name = "demo 0/a";
  e.num_frames = 2;
  e.width = 320;
  e.height = 180;
  e.source.files = {"demo_0/0.png", "demo_0/1.png"};
  e.actions = {{0.5f, 0.1f}, {0.25f, -0.2f}};
  e.gaze = {{{0.5f, 0.5f}}, {}};
  e.state["qpos"] = {{1, 2}, {3, 4}};
  store.SaveEpisode(e);
  store.Save();

  const auto again = ProjectStore::Open(dir / "proj");
  ASSERT_EQ(again.info().episodes.size(), 1u);
  EXPECT_EQ(again.info().episodes[0].dir, "episodes/demo_0_a");
  EXPECT_EQ(again.info().action_spec.Names(), (std::vector<std::string>{"throttle", "steer"}));
  EXPECT_EQ(again.SourceRoot(), std::filesystem::path("/data/frames"));
  const Episode back = again.LoadEpisode("demo 0/a");
  EXPECT_EQ(back.actions, e.actions);
  EXPECT_EQ(back.source.files, e.source.files);
  EXPECT_EQ(back.state.at("qpos"), e.state.at("qpos"));
  ASSERT_EQ(back.gaze.size(), 2u);
  EXPECT_FLOAT_EQ(back.gaze[0][0][1], 0.5f);
}

TEST(ProjectStore, RefusesNewerSchema) {
  TempDir dir;
  auto store = ProjectStore::Create(dir / "proj", SampleInfo());
  Json j = LoadJsonFile(dir / "proj" / "project.json");
  j["schema_version"] = kProjectSchemaVersion + 1;
  SaveJsonFile(dir / "proj" / "project.json", j);
  try {
    ProjectStore::Open(dir / "proj");
    FAIL();
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("project.json"), std::string::npos) << msg;
    EXPECT_NE(msg.find("newer"), std::string::npos) << msg;
  }
}

// An episode folder must stay inside the project: absolute paths and ".." are refused by name.
TEST(ProjectStore, EpisodeFoldersOutsideTheProjectAreRefused) {
  TempDir dir;
  auto store = ProjectStore::Create(dir / "proj", SampleInfo());
  Episode e;
  e.name = "a";
  e.num_frames = 1;
  e.source.files = {"0.png"};
  e.actions = {{0.5f, 0.1f}};
  store.SaveEpisode(e);
  store.Save();
  const Json good = LoadJsonFile(dir / "proj" / "project.json");
  for (const std::string bad : {"../x", "episodes/../../x", "/tmp/x"}) {
    Json j = good;
    j["episodes"][0]["dir"] = bad;
    SaveJsonFile(dir / "proj" / "project.json", j);
    try {
      ProjectStore::Open(dir / "proj");
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& ex) {
      EXPECT_NE(std::string(ex.what()).find("project.json: episodes.a.dir: must"), std::string::npos) << ex.what();
    }
  }
  Json j = good;
  j["episodes"][0]["dir"] = "episodes/./a";  // inside, if unusual
  SaveJsonFile(dir / "proj" / "project.json", j);
  EXPECT_NO_THROW(ProjectStore::Open(dir / "proj"));
}

TEST(ProjectStore, MissingAndCorruptFilesNameThemselves) {
  TempDir dir;
  std::filesystem::create_directories(dir / "empty");
  try {
    ProjectStore::Open(dir / "empty");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("project.json: no such file"), std::string::npos) << e.what();
  }
  auto store = ProjectStore::Create(dir / "proj", SampleInfo());
  Episode e;
  e.name = "ep";
  e.num_frames = 1;
  e.actions = {{0, 0}};
  store.SaveEpisode(e);
  store.Save();
  testing::WriteText(dir / "proj" / "episodes" / "ep" / "episode.json", "{\"name\": ");
  try {
    store.LoadEpisode("ep");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("episode.json"), std::string::npos) << e.what();
  }
}

TEST(ProjectStore, ArtifactsAreAtomicJson) {
  TempDir dir;
  auto store = ProjectStore::Create(dir / "proj", SampleInfo());
  Episode e;
  e.name = "ep";
  e.num_frames = 1;
  e.actions = {{0, 0}};
  store.SaveEpisode(e);
  EXPECT_FALSE(store.HasArtifact("ep", "tracks"));
  store.SaveArtifact("ep", "tracks", {{"n", 3}});
  EXPECT_TRUE(store.HasArtifact("ep", "tracks"));
  EXPECT_EQ(store.LoadArtifact("ep", "tracks")["n"], 3);
  EXPECT_EQ(testing::ListDir(dir / "proj" / "episodes" / "ep"),
            (std::vector<std::string>{"episode.json", "tracks.json"}));
}

}  // namespace
}  // namespace autofocus

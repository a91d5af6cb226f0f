#include <gtest/gtest.h>

#include "core/dataset/project_store.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {
using testing::RunCli;
using testing::TempDir;

TEST(Cli, HelpExitsZeroOnEveryLevel) {
  const auto r = RunCli({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("info"), std::string::npos);
  EXPECT_EQ(RunCli({"info", "--help"}).exit_code, 0);
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(RunCli({}).exit_code, 2);
  EXPECT_EQ(RunCli({"no-such-command"}).exit_code, 2);
  const auto r = RunCli({"info"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("PROJECT"), std::string::npos) << r.err;
  EXPECT_EQ(RunCli({"info", "x", "--no-such-flag"}).exit_code, 2);
}

TEST(Cli, FailuresExitOneAndNameThePath) {
  TempDir dir;
  const auto r = RunCli({"info", (dir / "missing").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("missing"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no such project directory"), std::string::npos) << r.err;
}

TEST(Cli, InfoJsonHasTheDocumentedFields) {
  TempDir dir;
  ProjectInfo info;
  info.name = "p";
  info.image_width = 320;
  info.image_height = 180;
  info.action_spec.dims = {{"throttle", 0, 1, true, {}}, {"steer", -1, 1, true, {}}};
  auto store = ProjectStore::Create(dir / "p", info);
  for (int i = 0; i < 2; ++i) {
    Episode e;
    e.name = "ep" + std::to_string(i);
    e.num_frames = 3 + i;
    e.actions.assign(static_cast<size_t>(e.num_frames), {0.f, 0.f});
    store.SaveEpisode(e);
  }
  store.Save();
  const auto r = RunCli({"info", (dir / "p").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = Json::parse(r.out);
  EXPECT_EQ(j["episodes"], 2);
  EXPECT_EQ(j["frames"], 7);
  EXPECT_EQ(j["action_names"], Json({"throttle", "steer"}));
  EXPECT_EQ(j["image_width"], 320);
  EXPECT_EQ(j["image_height"], 180);
  EXPECT_EQ(j["episode_list"][1], Json({{"name", "ep1"}, {"frames", 4}}));
}

}  // namespace
}  // namespace autofocus

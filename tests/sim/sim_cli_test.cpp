// `autofocus sim generate` end to end through the built CLI.
#include <gtest/gtest.h>

#include "core/dataset/project_store.h"
#include "tests/support/test_support.h"

namespace autofocus::sim {
namespace {
using testing::RunCli;
using testing::TempDir;

TEST(SimCli, GenerateWritesAProjectAndRejectsBadFlags) {
  TempDir dir;
  const auto r = RunCli({"sim", "generate", "--out", (dir / "p").string(), "--episodes", "2",
                         "--frames", "5", "--seed", "3", "--split", "unseen", "--confounded"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Wrote 2 episodes, 10 frames"), std::string::npos) << r.out;
  const ProjectStore store = ProjectStore::Open(dir / "p");
  EXPECT_EQ(store.LoadEpisode("episode_000").metadata["route_family"], "unseen-0");
  EXPECT_EQ(store.LoadEpisode("episode_000").metadata["confounded"], true);
  EXPECT_EQ(RunCli({"sim", "generate", "--out", (dir / "q").string(), "--split", "train"}).exit_code, 2);
  EXPECT_EQ(RunCli({"sim", "generate"}).exit_code, 2);
  const auto again = RunCli({"sim", "generate", "--out", (dir / "p").string(), "--frames", "3"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  const auto help = RunCli({"sim", "generate", "--help"});
  EXPECT_NE(help.out.find("oracle"), std::string::npos);
}

}  // namespace
}  // namespace autofocus::sim

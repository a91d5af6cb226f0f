// `autofocus` starts without LibTorch and without OpenCV's imgcodecs/videoio (issue "A CLI that
// starts instantly"): checked on the binary (DT_NEEDED), on what the dynamic loader really maps
// for the everyday commands (LD_DEBUG=libs), and through the plugin boundary: commands that read
// no frames run with no plugin at all, a frame-reading one names the missing plugin.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "tests/support/test_support.h"

namespace autofocus {
namespace {
using testing::RunCli;
using testing::RunProgram;
using testing::TempDir;

// Sets an environment variable for one scope; children started by RunCli inherit it.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const std::string& value) : name_(std::move(name)) {
    const char* old = std::getenv(name_.c_str());
    had_old_ = old != nullptr;
    if (old) old_ = old;
    ::setenv(name_.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (had_old_) {
      ::setenv(name_.c_str(), old_.c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_;
  bool had_old_ = false;
  std::string old_;
};

// The libraries that made `autofocus --help` take 0.45 s; "" when `text` names none.
std::string HeavyLibraryIn(const std::string& text) {
  for (const char* name :
       {"libtorch", "libc10", "autofocus_torchscript_plugin", "imgcodecs", "videoio", "libgdal"}) {
    if (text.find(name) != std::string::npos) return name;
  }
  return "";
}

// The "calling init: <library>" lines of LD_DEBUG=libs output: every library the process
// initialised, including those loaded later with dlopen.
std::vector<std::string> InitialisedLibraries(const std::string& ld_debug_output) {
  std::vector<std::string> libs;
  std::istringstream in(ld_debug_output);
  std::string line;
  while (std::getline(in, line)) {
    const auto pos = line.find("calling init: ");
    if (pos != std::string::npos) libs.push_back(line.substr(pos + 14));
  }
  return libs;
}

// Inputs for the commands under test: a small generated project, a detections file and a
// saliency boxes file.
struct Inputs {
  TempDir dir;
  std::string project, detections, boxes;
  Inputs() {
    project = (dir / "p").string();
    const auto r =
        RunCli({"sim", "generate", "--out", project, "--episodes", "1", "--frames", "4"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    detections = (dir / "dets.json").string();
    testing::WriteText(
        detections, R"({"frames":[{"detections":[{"box":[1,2,30,40],"label":"car","score":0.9}]},)"
                    R"({"detections":[{"box":[2,2,31,40],"label":"car","score":0.8}]}]})");
    boxes = (dir / "boxes.json").string();
    testing::WriteText(boxes,
                       R"({"width":64,"height":32,"frames":[{"objects":[{"box":[4,4,20,20]}]}]})");
  }
  // The everyday commands that must start instantly: name -> arguments.
  std::vector<std::pair<std::string, std::vector<std::string>>> QuickCommands() const {
    return {{"--help", {"--help"}},
            {"info", {"info", project, "--json"}},
            {"track", {"track", detections, "--out", (dir / "tracks.json").string()}},
            {"saliency render",
             {"saliency", "render", boxes, "--out", (dir / "s.npy").string(), "--threads", "1"}}};
  }
};

TEST(Startup, BinaryNeedsNeitherTorchNorImageCodecs) {
  const auto r = RunProgram("readelf", {"-d", "-W", AUTOFOCUS_CLI_PATH});
  if (r.exit_code == 127) GTEST_SKIP() << "readelf (binutils) is not installed";
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  std::string line;
  int needed = 0;
  while (std::getline(in, line)) {
    if (line.find("(NEEDED)") == std::string::npos) continue;
    ++needed;
    EXPECT_EQ(HeavyLibraryIn(line), "") << "autofocus links a heavy library: " << line;
  }
  EXPECT_GT(needed, 0) << "no DT_NEEDED entries parsed from:\n" << r.out;
}

TEST(Startup, QuickCommandsMapNoHeavyLibraryButFrameReadersLoadThePlugin) {
  Inputs inputs;
  ScopedEnv debug("LD_DEBUG", "libs");
  for (const auto& [name, args] : inputs.QuickCommands()) {
    const auto r = RunCli(args);
    ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
    const auto libs = InitialisedLibraries(r.err);
    ASSERT_FALSE(libs.empty()) << name << ": LD_DEBUG=libs printed nothing";
    for (const auto& lib : libs) {
      EXPECT_EQ(HeavyLibraryIn(lib), "") << name << " loaded " << lib;
    }
  }
  // The control: validate decodes frames, so the same check sees the image-I/O plugin and
  // imgcodecs being loaded, and still no LibTorch.
  const auto r = RunCli({"validate", inputs.project});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string all;
  for (const auto& lib : InitialisedLibraries(r.err)) all += lib + "\n";
  EXPECT_NE(all.find("autofocus_imageio_plugin.so"), std::string::npos) << all;
  EXPECT_NE(all.find("imgcodecs"), std::string::npos) << all;
  EXPECT_EQ(all.find("torch"), std::string::npos) << all;
}

TEST(Startup, QuickCommandsRunWithoutPluginsAndFrameReadersNameTheMissingOne) {
  Inputs inputs;
  TempDir empty;
  ScopedEnv plugins("AUTOFOCUS_PLUGIN_DIR", empty.path().string());
  for (const auto& [name, args] : inputs.QuickCommands()) {
    const auto r = RunCli(args);
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
  }
  const auto r = RunCli({"validate", inputs.project});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("autofocus_imageio_plugin.so: plugin not found; looked in: " +
                       empty.path().string()),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("AUTOFOCUS_PLUGIN_DIR"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace autofocus

// `autofocus saliency render` end to end: the .npy equals the library result bit for bit, bad
// input fails with a named field and leaves no output behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "core/base/npy.h"
#include "core/saliency/saliency_renderer.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {

using testing::ListDir;
using testing::RunCli;
using testing::RunProgram;
using testing::TempDir;
using testing::WriteText;

const char* kBoxes = R"({"width": 64, "height": 36, "frames": [
  {"objects": [{"box": [10, 5, 30, 15]}, {"point": [50.5, 20]}]},
  {"objects": []},
  {"objects": [{"box": [40, 10, 44, 34], "label": "pole"}]},
  {"objects": [{"point": [5, 30]}]}
]})";

TEST(SaliencyCli, RenderWritesTheLibraryMapsExactly) {
  TempDir dir;
  WriteText(dir / "boxes.json", kBoxes);
  const auto r = RunCli(
      {"saliency", "render", (dir / "boxes.json").string(), "--out", (dir / "maps.npy").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("4 x 36 x 64"), std::string::npos) << r.out;
  const NpyArray npy = ReadNpyFloat32(dir / "maps.npy");
  EXPECT_EQ(npy.shape, (std::vector<int64_t>{4, 36, 64}));
  const auto expected =
      RenderSaliencyEpisode(LoadSaliencyInput(dir / "boxes.json"), SaliencyOptions{}, 1);
  EXPECT_EQ(npy.data, expected);
}

TEST(SaliencyCli, EveryFlagReachesTheOptions) {
  TempDir dir;
  WriteText(dir / "boxes.json", kBoxes);
  const auto r = RunCli({"saliency",
                         "render",
                         (dir / "boxes.json").string(),
                         "--out",
                         (dir / "maps.npy").string(),
                         "--width",
                         "32",
                         "--height",
                         "20",
                         "--sigma0",
                         "7.5",
                         "--sigma-growth",
                         "linear",
                         "--beta",
                         "0.9",
                         "--delta",
                         "2",
                         "--decay",
                         "0.5",
                         "--window",
                         "2",
                         "--kernel",
                         "box",
                         "--box-max-aspect",
                         "4",
                         "--empty",
                         "uniform",
                         "--threads",
                         "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  SaliencyOptions o;
  o.output_width = 32;
  o.output_height = 20;
  o.sigma0 = 7.5;
  o.sigma_growth = SigmaGrowth::kLinear;
  o.beta = 0.9;
  o.delta = 2;
  o.decay = 0.5;
  o.window = 2;
  o.kernel = SaliencyKernel::kBox;
  o.box_max_aspect = 4;
  o.empty = EmptyPolicy::kUniform;
  const NpyArray npy = ReadNpyFloat32(dir / "maps.npy");
  EXPECT_EQ(npy.shape, (std::vector<int64_t>{4, 20, 32}));
  EXPECT_EQ(npy.data, RenderSaliencyEpisode(LoadSaliencyInput(dir / "boxes.json"), o, 1));
  // The options differ from the defaults in effect, not only on paper.
  EXPECT_NE(npy.data, RenderSaliencyEpisode(
                          LoadSaliencyInput(dir / "boxes.json"),
                          [] {
                            SaliencyOptions d;
                            d.output_width = 32;
                            d.output_height = 20;
                            return d;
                          }(),
                          1));
}

struct BadCase {
  std::string json;   // the input file
  std::string where;  // expected in the message
};

TEST(SaliencyCli, BadInputExitsOneNamesFileAndFieldAndWritesNothing) {
  const std::string head = R"({"width": 64, "height": 36, "frames": )";
  const std::vector<BadCase> cases = {
      {"{\"width\": 64,\n \"height\": 36,\n \"frames\": [ {\"objects\": [}]}", "line 3, column"},
      {head + R"([{"objects": []}, {"objects": [{"box": [9, 1, 3, 4]}]}]})",
       "frames[1].objects[0].box: x2 < x1"},
      {head + R"([{"objects": [{"point": [1, null]}]}]})", "frames[0].objects[0].point[1]"},
      {head + R"([{"objects": [{"box": ["NaN", 1, 3, 4]}]}]})", "frames[0].objects[0].box[0]"},
      {head + R"([{"objects": [{"point": [1e999, 4]}]}]})", "number overflow parsing '1e999'"},
      {R"({"width": -64, "height": 36, "frames": [{"objects": []}]})", "width"},
      {head + "[]}", "frames: the frame list is empty"},
  };
  for (const auto& c : cases) {
    TempDir dir;
    WriteText(dir / "boxes.json", c.json);
    const auto r = RunCli({"saliency", "render", (dir / "boxes.json").string(), "--out",
                           (dir / "maps.npy").string()});
    EXPECT_EQ(r.exit_code, 1) << c.json;
    EXPECT_NE(r.err.find((dir / "boxes.json").string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.where), std::string::npos) << r.err;
    EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{"boxes.json"}) << c.json;
  }
}

TEST(SaliencyCli, BadFlagsAreUsageErrors) {
  TempDir dir;
  WriteText(dir / "boxes.json", kBoxes);
  const std::string in = (dir / "boxes.json").string(), out = (dir / "maps.npy").string();
  EXPECT_EQ(RunCli({"saliency", "render", in}).exit_code, 2);  // --out missing
  EXPECT_EQ(RunCli({"saliency", "render", in, "--out", out, "--kernel", "round"}).exit_code, 2);
  EXPECT_EQ(RunCli({"saliency", "render", in, "--out", out, "--sigma0", "wide"}).exit_code, 2);
  const auto r = RunCli({"saliency", "render", in, "--out", out, "--beta", "1.5"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--beta"), std::string::npos) << r.err;
  EXPECT_EQ(RunCli({"saliency", "render", in, "--out", out, "--window", "0"}).exit_code, 2);
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{"boxes.json"});
  EXPECT_EQ(RunCli({"saliency", "render", "--help"}).exit_code, 0);
}

TEST(SaliencyCli, NumpyLoadsTheFile) {
  const std::string python = "/usr/bin/python3";
  if (!std::filesystem::exists(python) ||
      RunProgram(python, {"-c", "import numpy"}).exit_code != 0) {
    GTEST_SKIP() << "python3 with numpy is not available";
  }
  TempDir dir;
  WriteText(dir / "boxes.json", kBoxes);
  ASSERT_EQ(RunCli({"saliency", "render", (dir / "boxes.json").string(), "--out",
                    (dir / "maps.npy").string(), "--width", "40", "--height", "24"})
                .exit_code,
            0);
  SaliencyOptions o;
  o.output_width = 40;
  o.output_height = 24;
  const auto maps = RenderSaliencyEpisode(LoadSaliencyInput(dir / "boxes.json"), o, 1);
  const auto r = RunProgram(python, {"-c",
                                     "import sys, numpy\n"
                                     "a = numpy.load(sys.argv[1])\n"
                                     "print(a.dtype, a.shape, repr(float(a[2, 11, 17])), "
                                     "repr(float(a.sum(dtype=numpy.float64))))\n",
                                     (dir / "maps.npy").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string dtype, shape, value, total;
  std::getline(lines, dtype, ' ');
  std::getline(lines, shape, ')');
  lines >> value >> total;
  EXPECT_EQ(dtype, "float32");
  EXPECT_EQ(shape, "(4, 24, 40");
  // repr() round-trips, so the one element must be bit-identical.
  EXPECT_EQ(std::stod(value), static_cast<double>(maps[(2 * 24 + 11) * 40 + 17]));
  double sum = 0;
  for (float v : maps) sum += v;
  EXPECT_NEAR(std::stod(total), sum, 1e-9 * sum);  // numpy sums pairwise
  EXPECT_GT(sum, 100.0);
}

}  // namespace
}  // namespace autofocus

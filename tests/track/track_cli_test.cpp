#include <gtest/gtest.h>

#include <filesystem>

#include "core/base/atomic_file.h"
#include "core/base/json_io.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {
using testing::RunCli;
using testing::TempDir;
using testing::WriteText;

// Three frames: a car drifting right, a person standing still in frames 0-1 (with an extra
// field that must be carried over), and a top-level field that must survive.
const char* kDetections = R"({
  "source": "cam0",
  "frames": [
    {"detections": [{"box": [0, 0, 10, 10], "label": "car", "score": 0.9},
                    {"box": [50, 50, 60, 60], "label": "person", "score": 0.8}]},
    {"detections": [{"box": [50, 50, 60, 60], "label": "person", "score": 0.7, "note": "x"},
                    {"box": [1, 0, 11, 10], "label": "car", "score": 0.9}]},
    {"detections": [{"box": [2, 0, 12, 10], "label": "car", "score": 0.95}]}
  ]
})";

TEST(TrackCli, WritesIdsTracksAndSegments) {
  TempDir dir;
  WriteText(dir / "d.json", kDetections);
  const auto r = RunCli({"track", (dir / "d.json").string(), "--out", (dir / "t.json").string(),
                         "--preset", "paper"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json expected = Json::parse(R"({
    "source": "cam0",
    "frames": [
      {"detections": [{"box": [0, 0, 10, 10], "label": "car", "score": 0.9, "id": 0},
                      {"box": [50, 50, 60, 60], "label": "person", "score": 0.8, "id": 1}]},
      {"detections": [{"box": [50, 50, 60, 60], "label": "person", "score": 0.7, "note": "x", "id": 1},
                      {"box": [1, 0, 11, 10], "label": "car", "score": 0.9, "id": 0}]},
      {"detections": [{"box": [2, 0, 12, 10], "label": "car", "score": 0.95, "id": 0}]}
    ],
    "tracks": [{"id": 0, "label": "car", "first_frame": 0, "last_frame": 2, "length": 3},
               {"id": 1, "label": "person", "first_frame": 0, "last_frame": 1, "length": 2}],
    "segments": [{"start": 0, "end": 1, "ids": [0, 1]}, {"start": 2, "end": 2, "ids": [0]}]
  })");
  EXPECT_EQ(LoadJsonFile(dir / "t.json"), expected);
}

TEST(TrackCli, OptionsReachTheTracker) {
  TempDir dir;
  WriteText(dir / "d.json", kDetections);
  // The person track (2 frames) is dropped: its detections go, segments become one.
  auto r = RunCli({"track", (dir / "d.json").string(), "--out", (dir / "t.json").string(),
                   "--min-track-length", "3", "--preset", "paper"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json out = LoadJsonFile(dir / "t.json");
  EXPECT_EQ(out["frames"][1]["detections"],
            Json::parse(R"([{"box": [1, 0, 11, 10], "label": "car", "score": 0.9, "id": 0}])"));
  EXPECT_EQ(out["tracks"].size(), 1u);
  EXPECT_EQ(out["segments"], Json::parse(R"([{"start": 0, "end": 2, "ids": [0]}])"));

  // --iou 0.95: the car's 1-px steps (IoU 9/11) no longer continue its track.
  r = RunCli({"track", (dir / "d.json").string(), "--out", (dir / "t.json").string(), "--iou",
              "0.95", "--mode", "greedy", "--preset", "paper"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  out = LoadJsonFile(dir / "t.json");
  EXPECT_EQ(out["frames"][2]["detections"][0]["id"], 3);
  EXPECT_EQ(out["segments"], Json::parse(R"([{"start": 0, "end": 0, "ids": [0, 1]},
      {"start": 1, "end": 1, "ids": [1, 2]}, {"start": 2, "end": 2, "ids": [3]}])"));

  // --min-segment-length 2 absorbs the last one-frame segment into the previous one.
  r = RunCli({"track", (dir / "d.json").string(), "--out", (dir / "t.json").string(),
              "--min-segment-length", "2", "--preset", "paper"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(LoadJsonFile(dir / "t.json")["segments"],
            Json::parse(R"([{"start": 0, "end": 2, "ids": [0, 1]}])"));
}

TEST(TrackCli, MaxGapAndLabelGatingFlags) {
  TempDir dir;
  WriteText(dir / "d.json", R"({"frames": [
    {"detections": [{"box": [0, 0, 10, 10], "label": "car"}]},
    {"detections": []},
    {"detections": [{"box": [0, 0, 10, 10], "label": "truck"}]}]})");
  const auto ids = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"track", (dir / "d.json").string(), "--out",
                                     (dir / "t.json").string(), "--preset", "paper"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = RunCli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const Json out = LoadJsonFile(dir / "t.json");
    return std::vector<int>{out["frames"][0]["detections"][0]["id"].get<int>(),
                            out["frames"][2]["detections"][0]["id"].get<int>()};
  };
  EXPECT_EQ(ids({}), (std::vector<int>{0, 1}));
  EXPECT_EQ(ids({"--max-gap", "1"}), (std::vector<int>{0, 1}));  // gated by label
  EXPECT_EQ(ids({"--no-label-gating"}), (std::vector<int>{0, 1}));  // gap not bridged
  EXPECT_EQ(ids({"--max-gap", "1", "--no-label-gating"}), (std::vector<int>{0, 0}));
}

// Runs `track` on `input` and expects exit 1, an error naming the file and `message`, and the
// previous output file untouched.
void ExpectBadInput(const std::string& input, const std::string& message) {
  TempDir dir;
  WriteText(dir / "d.json", input);
  WriteText(dir / "t.json", "previous");
  const auto r = RunCli({"track", (dir / "d.json").string(), "--out", (dir / "t.json").string()});
  EXPECT_EQ(r.exit_code, 1) << input;
  EXPECT_EQ(r.err, "error: " + (dir / "d.json").string() + ": " + message + "\n") << input;
  EXPECT_EQ(ReadFile(dir / "t.json"), "previous");
  EXPECT_EQ(testing::ListDir(dir.path()), (std::vector<std::string>{"d.json", "t.json"}));
}

TEST(TrackCli, BadInputNamesFileAndField) {
  ExpectBadInput("{\"frames\": [\n  {\"detections\": [}\n]}",
                 "line 2, column 19: malformed JSON (syntax error while parsing value - "
                 "unexpected '}'; expected '[', '{', or a literal)");
  ExpectBadInput(R"({"frames": []})", "frames: empty frame list");
  ExpectBadInput(R"({"frame": []})", "frames: missing field");
  ExpectBadInput(R"({"frames": [{"detections": []}, {"detections": [{"box": [0, 0, 10, 10], "label": "car"}, {"box": [10, 0, 5, 10], "label": "car"}]}]})",
                 "frames[1].detections[1].box: negative width (x2 < x1)");
  ExpectBadInput(R"({"frames": [{"detections": [{"box": [0, 10, 10, 5], "label": "car"}]}]})",
                 "frames[0].detections[0].box: negative height (y2 < y1)");
  ExpectBadInput(R"({"frames": [{"detections": [{"box": [0, 0, "NaN", 10], "label": "car"}]}]})",
                 "frames[0].detections[0].box[2]: expected a number, got \"NaN\"");
  ExpectBadInput(R"({"frames": [{"detections": [{"box": [0, 0, 1e39, 10], "label": "car"}]}]})",
                 "frames[0].detections[0].box[2]: not a finite number: 1e+39");
  ExpectBadInput(R"({"frames": [{"detections": [{"box": [0, 0, 1e400, 10], "label": "car"}]}]})",
                 "malformed JSON ([json.exception.out_of_range.406] number overflow parsing "
                 "'1e400')");
  ExpectBadInput(R"({"frames": [{"detections": [{"box": [0, 0, 10], "label": "car"}]}]})",
                 "frames[0].detections[0].box: expected [x1, y1, x2, y2]");
  ExpectBadInput(R"({"frames": [{"detections": []}, {"detections": []}, {"detections": [{"box": [0, 0, 10, 10]}]}]})",
                 "frames[2].detections[0].label: missing field");
  ExpectBadInput(R"({"frames": [{"detections": [{"box": [0, 0, 10, 10], "label": ""}]}]})",
                 "frames[0].detections[0].label: empty label");
  ExpectBadInput(R"({"frames": [{}]})", "frames[0].detections: missing field");
}

TEST(TrackCli, UsageErrorsExitTwo) {
  TempDir dir;
  WriteText(dir / "d.json", kDetections);
  EXPECT_EQ(RunCli({"track", (dir / "d.json").string()}).exit_code, 2);  // no --out
  EXPECT_EQ(RunCli({"track", (dir / "d.json").string(), "--out", (dir / "t.json").string(),
                    "--mode", "sort"}).exit_code, 2);
  EXPECT_EQ(RunCli({"track", (dir / "d.json").string(), "--out", (dir / "t.json").string(),
                    "--max-gap", "-1"}).exit_code, 2);
  EXPECT_EQ(RunCli({"track", (dir / "d.json").string(), "--out", (dir / "t.json").string(),
                    "--iou", "0"}).exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir / "t.json"));
  // A missing input file is a failure (exit 1) that names it.
  const auto r = RunCli({"track", (dir / "nope.json").string(), "--out", (dir / "t.json").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nope.json"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "t.json"));
}


// tests/data/track/*_tracks_120.json were written by `autofocus track` before the annotation-cost
// defaults existed, from the oracle detections next to them: --preset paper must reproduce them
// byte for byte.
TEST(TrackCli, PaperPresetReproducesTheOldOutputByteForByte) {
  TempDir dir;
  const std::filesystem::path data = std::filesystem::path(AUTOFOCUS_TEST_DATA_DIR) / "track";
  const std::string in = (data / "oracle_detections_120.json").string();
  auto r = RunCli({"track", in, "--out", (dir / "a.json").string(), "--preset", "paper"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(dir / "a.json"), ReadFile(data / "paper_tracks_120.json"));
  r = RunCli({"track", in, "--out", (dir / "b.json").string(), "--preset", "paper", "--mode", "greedy",
              "--max-gap", "2", "--min-segment-length", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(dir / "b.json"), ReadFile(data / "paper_greedy_gap2_tracks_120.json"));
  // The defaults: far fewer tracks and sub-sequences on the same detections.
  r = RunCli({"track", in, "--out", (dir / "c.json").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json paper = LoadJsonFile(data / "paper_tracks_120.json");
  const Json def = LoadJsonFile(dir / "c.json");
  EXPECT_LT(def["tracks"].size() * 3, paper["tracks"].size());
  EXPECT_LT(def["segments"].size() * 5, paper["segments"].size());
}

}  // namespace
}  // namespace autofocus

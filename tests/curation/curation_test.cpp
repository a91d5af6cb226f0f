#include <gtest/gtest.h>

#include "core/base/error.h"
#include "core/curation/edit.h"
#include "tests/curation/curation_fixture.h"

namespace autofocus {
namespace {

using testing::FixtureState;

std::vector<int> Ids(const std::vector<Detection>& dets) {
  std::vector<int> out;
  for (const auto& d : dets) out.push_back(d.id);
  return out;
}

// Applies `edit`, checks `expect` on the result, then that the inverse restores the original
// exactly and that the inverse of the inverse reproduces the edited state exactly.
template <typename Expect>
void RoundTrip(Edit edit, Expect expect) {
  CurationState s = FixtureState();
  const CurationState original = s;
  Edit inverse = ApplyEdit(s, edit);
  expect(s);
  const CurationState edited = s;
  Edit redo = ApplyEdit(s, inverse);
  EXPECT_TRUE(s == original) << "undo of " << edit.op << " did not restore the state";
  ApplyEdit(s, redo);
  EXPECT_TRUE(s == edited) << "redo of " << edit.op << " did not reproduce the edit";
  // A journaled record replays to the same state.
  CurationState replay = original;
  Edit copy = Edit::FromJson(edit.ToJson(), "journal", "line 1");
  ApplyEdit(replay, copy);
  EXPECT_TRUE(replay == edited) << "replay of " << edit.op << " differs";
}

TEST(CurationState, LoadsFixtureAndDerivesKeyBoxes) {
  const CurationState s = FixtureState();
  ASSERT_EQ(s.num_frames(), 10);
  ASSERT_EQ(s.segments.size(), 2u);
  EXPECT_EQ(s.segments[0].key_ids, std::vector<int>({1}));
  EXPECT_EQ(Ids(s.KeyBoxes(2)), std::vector<int>({1}));
  EXPECT_EQ(Ids(s.KeyBoxes(7)), std::vector<int>({3}));
  EXPECT_EQ(s.MaxTrackId(), 3);
  EXPECT_EQ(s.segments[0].DecidedBy(), "model");
}

// Integers of the artifacts are range-checked: a float far beyond int (what a fuzzer writes)
// is a clear error naming the file and field, not an undefined conversion.
TEST(CurationState, HugeFloatsInArtifactsAreErrorsNamingTheField) {
  auto expect_error = [](Json keys, const std::string& field) {
    try {
      CurationStateFromJson("ep", 10, testing::FixtureTracks(), keys, "key_objects.json");
      ADD_FAILURE() << "accepted " << field;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("key_objects.json: " + field), std::string::npos) << e.what();
    }
  };
  Json keys = testing::FixtureKeyObjects();
  keys["segments"][1]["end"] = 1e300;
  expect_error(keys, "segments[1].end");
  keys = testing::FixtureKeyObjects();
  keys["segments"][0]["key_ids"] = Json::array({9.1e301});
  expect_error(keys, "segments[0].key_ids[0]");
  keys = testing::FixtureKeyObjects();
  keys["segments"][0]["start"] = 0.0;  // an integral float is an integer
  EXPECT_EQ(CurationStateFromJson("ep", 10, testing::FixtureTracks(), keys, "key_objects.json").segments[0].start, 0);
}

TEST(CurationEdit, SetKeyTogglesAndRecordsProvenance) {
  RoundTrip(MakeSetKeyEdit("ep", 0, 2, true), [](const CurationState& s) {
    EXPECT_EQ(s.segments[0].key_ids, std::vector<int>({1, 2}));
    EXPECT_EQ(s.segments[0].DecidedBy(), "person");
    EXPECT_EQ(s.segments[0].decided.at(2), "person");
    EXPECT_EQ(s.segments[1].DecidedBy(), "model");
    EXPECT_EQ(Ids(s.KeyBoxes(3)), std::vector<int>({1, 2}));
    EXPECT_EQ(Ids(s.KeyBoxes(5)), std::vector<int>({3}));
  });
  RoundTrip(MakeSetKeyEdit("ep", 5, 3, false), [](const CurationState& s) {
    EXPECT_TRUE(s.segments[1].key_ids.empty());
    EXPECT_TRUE(s.KeyBoxes(9).empty());
  });
}

TEST(CurationEdit, UndoOfKeyToggleReturnsProvenanceToModel) {
  CurationState s = FixtureState();
  Edit e = MakeSetKeyEdit("ep", 0, 1, false);
  Edit inv = ApplyEdit(s, e);
  EXPECT_EQ(s.segments[0].DecidedBy(), "person");
  ApplyEdit(s, inv);
  EXPECT_EQ(s.segments[0].DecidedBy(), "model");
  EXPECT_TRUE(s.segments[0].decided.empty());
}

TEST(CurationEdit, AddBoxNewTrackJoinsSubsequence) {
  Edit e = MakeAddBoxEdit("ep", 6, Box{1, 2, 3, 4}, "bike");
  RoundTrip(e, [](const CurationState& s) {
    ASSERT_EQ(s.tracked[6].size(), 3u);
    EXPECT_EQ(s.tracked[6][2].id, 4);
    EXPECT_EQ(s.tracked[6][2].label, "bike");
    EXPECT_EQ(s.tracked[6][2].box, (Box{1, 2, 3, 4}));
    EXPECT_EQ(s.segments[1].ids, std::vector<int>({1, 3, 4}));
    EXPECT_EQ(Ids(s.KeyBoxes(6)), std::vector<int>({3}));
  });
  CurationState s = FixtureState();
  ApplyEdit(s, e);
  EXPECT_EQ(e.params.at("id"), 4);  // the chosen ID is recorded for a deterministic replay
}

TEST(CurationEdit, DeleteMoveResizeBox) {
  RoundTrip(MakeDeleteBoxEdit("ep", 0, 1), [](const CurationState& s) {
    EXPECT_EQ(Ids(s.tracked[0]), std::vector<int>({2}));
    EXPECT_TRUE(s.KeyBoxes(0).empty());
    EXPECT_EQ(Ids(s.KeyBoxes(1)), std::vector<int>({1}));
  });
  RoundTrip(MakeMoveBoxEdit("ep", 7, 3, Box{90, 25, 130, 55}), [](const CurationState& s) {
    EXPECT_EQ(s.tracked[7][1].box, (Box{90, 25, 130, 55}));
    EXPECT_EQ(s.KeyBoxes(7)[0].box, (Box{90, 25, 130, 55}));
  });
  RoundTrip(MakeMoveBoxEdit("ep", 7, 3, Box{100, 20, 160, 70}, true), [](const CurationState& s) {
    EXPECT_EQ(s.tracked[7][1].box, (Box{100, 20, 160, 70}));
  });
}

TEST(CurationEdit, MergeTracks) {
  RoundTrip(MakeMergeTracksEdit("ep", 2, 3), [](const CurationState& s) {
    for (int t = 5; t < 10; ++t) EXPECT_EQ(Ids(s.tracked[static_cast<size_t>(t)]), std::vector<int>({1, 2}));
    EXPECT_EQ(s.segments[1].ids, std::vector<int>({1, 2}));
    EXPECT_EQ(s.segments[1].key_ids, std::vector<int>({2}));  // 3 was key: the merged track is
    EXPECT_EQ(s.segments[0].key_ids, std::vector<int>({1}));
  });
}

TEST(CurationEdit, MergeOverlappingTracksFailsWithoutChange) {
  CurationState s = FixtureState();
  const CurationState original = s;
  Edit e = MakeMergeTracksEdit("ep", 1, 2);
  try {
    ApplyEdit(s, e);
    FAIL() << "expected Error";
  } catch (const Error& err) {
    EXPECT_EQ(err.reason(), "tracks 1 and 2 are both in frame 0");
  }
  EXPECT_TRUE(s == original);
}

TEST(CurationEdit, SplitTrack) {
  Edit e = MakeSplitTrackEdit("ep", 1, 3);
  RoundTrip(e, [](const CurationState& s) {
    EXPECT_EQ(Ids(s.tracked[2]), std::vector<int>({1, 2}));
    EXPECT_EQ(Ids(s.tracked[3]), std::vector<int>({4, 2}));
    EXPECT_EQ(Ids(s.tracked[9]), std::vector<int>({4, 3}));
    EXPECT_EQ(s.segments[0].ids, std::vector<int>({1, 2, 4}));  // straddles the split
    EXPECT_EQ(s.segments[0].key_ids, std::vector<int>({1, 4}));
    EXPECT_EQ(s.segments[1].ids, std::vector<int>({3, 4}));
    EXPECT_EQ(s.segments[1].key_ids, std::vector<int>({3}));
    EXPECT_EQ(Ids(s.KeyBoxes(4)), std::vector<int>({4}));
  });
}

TEST(CurationEdit, ExcludeIncludeFramesAndEpisode) {
  RoundTrip(MakeExcludeFramesEdit("ep", {3, 4, 3}, true), [](const CurationState& s) {
    EXPECT_EQ(s.excluded_frames, std::vector<int>({3, 4}));
  });
  CurationState s = FixtureState();
  Edit ex = MakeExcludeFramesEdit("ep", {3}, true);
  ApplyEdit(s, ex);
  Edit inc = MakeExcludeFramesEdit("ep", {3, 4}, false);
  Edit inv = ApplyEdit(s, inc);
  EXPECT_TRUE(s.excluded_frames.empty());
  EXPECT_EQ(inv.params.at("frames"), Json::array({3}));  // only what changed comes back
  RoundTrip(MakeExcludeEpisodeEdit("ep", true), [](const CurationState& s2) { EXPECT_TRUE(s2.episode_excluded); });
}

TEST(CurationEdit, FlagAndUnflag) {
  RoundTrip(MakeFlagFrameEdit("ep", 4, true, "occluded pedestrian"), [](const CurationState& s) {
    ASSERT_EQ(s.flags.size(), 1u);
    EXPECT_EQ(s.flags.at(4), "occluded pedestrian");
  });
  CurationState s = FixtureState();
  Edit f1 = MakeFlagFrameEdit("ep", 4, true, "a");
  ApplyEdit(s, f1);
  Edit f2 = MakeFlagFrameEdit("ep", 4, true, "b");
  Edit inv = ApplyEdit(s, f2);
  ApplyEdit(s, inv);
  EXPECT_EQ(s.flags.at(4), "a");
  Edit un = MakeFlagFrameEdit("ep", 4, false);
  Edit back = ApplyEdit(s, un);
  EXPECT_TRUE(s.flags.empty());
  ApplyEdit(s, back);
  EXPECT_EQ(s.flags.at(4), "a");
}

TEST(CurationEdit, BadEditsNameTheProblem) {
  CurationState s = FixtureState();
  Edit e = MakeSetKeyEdit("ep", 1, 1, true);
  EXPECT_THROW(ApplyEdit(s, e), Error);
  Edit d = MakeDeleteBoxEdit("ep", 0, 3);
  try {
    ApplyEdit(s, d);
    FAIL();
  } catch (const Error& err) {
    EXPECT_EQ(err.reason(), "track 3 has no box in frame 0");
  }
  Edit f = MakeFlagFrameEdit("ep", 10, true);
  EXPECT_THROW(ApplyEdit(s, f), Error);
  Edit other = MakeFlagFrameEdit("other", 1, true);
  EXPECT_THROW(ApplyEdit(s, other), Error);
  EXPECT_TRUE(s == FixtureState());
}

TEST(CurationBake, BakedFileRestoresStateAndProvenance) {
  CurationState s = FixtureState();
  std::vector<Edit> edits = {MakeSetKeyEdit("ep", 0, 2, true), MakeMoveBoxEdit("ep", 1, 1, Box{0, 0, 5, 5}),
                             MakeExcludeFramesEdit("ep", {8}, true), MakeFlagFrameEdit("ep", 2, true, "check")};
  for (auto& e : edits) ApplyEdit(s, e);
  const Json baked = BakeKeyObjects(s, 4);
  EXPECT_EQ(baked.at("input_hash"), "in");  // the pipeline keeps its key-object stage
  EXPECT_NE(baked.at("output_hash"), "out");  // ... and re-renders saliency
  EXPECT_EQ(baked.at("segments")[0].at("decided_by"), "person");
  EXPECT_EQ(baked.at("segments")[0].at("decided_by_object"), (Json{{"2", "person"}}));
  EXPECT_EQ(baked.at("segments")[1].at("decided_by"), "model");
  EXPECT_EQ(baked.at("segments")[0].at("key_ids"), Json::array({1, 2}));
  ASSERT_EQ(baked.at("frames").size(), 10u);
  EXPECT_EQ(baked.at("frames")[1].at("objects")[0].at("box"), Json::array({0, 0, 5, 5}));
  EXPECT_EQ(baked.at("frames")[1].at("objects").size(), 2u);
  EXPECT_EQ(baked.at("segments")[0].at("iterations"), Json::array());  // the model's record stays
  CurationState back = CurationStateFromJson("ep", 10, testing::FixtureTracks(), baked, "key_objects.json");
  EXPECT_TRUE(back == s);
  EXPECT_EQ(back.baked_seq, 4);
}

}  // namespace
}  // namespace autofocus

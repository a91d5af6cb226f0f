#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "core/base/error.h"
#include "core/curation/edit_journal.h"
#include "tests/curation/curation_fixture.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {

using testing::FixtureState;
using testing::TempDir;

// The i-th edit of a long deterministic session (alternating kinds over all frames).
Edit SessionEdit(int i) {
  const int frame = i % 10;
  switch (i % 3) {
    case 0:
      return MakeFlagFrameEdit("ep", frame, true, "note " + std::to_string(i));
    case 1:
      return MakeMoveBoxEdit("ep", frame, 1, Box{static_cast<float>(i), 1, static_cast<float>(i + 20), 30});
    default:
      return MakeSetKeyEdit("ep", frame < 5 ? 0 : 5, 1, i % 2 == 0);
  }
}

CurationState StateAfter(int n) {
  CurationState s = FixtureState();
  for (int i = 0; i < n; ++i) {
    Edit e = SessionEdit(i);
    ApplyEdit(s, e);
  }
  return s;
}

TEST(EditJournal, AppendsAndReplaysDoUndoRedo) {
  TempDir dir;
  const auto path = EditJournal::ProjectFile(dir.path());
  CurationState live = FixtureState();
  {
    EditJournal j(path);
    Edit a = MakeSetKeyEdit("ep", 0, 2, true);
    Edit inv_a = ApplyEdit(live, a);
    const long long seq_a = j.Append(a);
    Edit b = MakeDeleteBoxEdit("ep", 3, 2);
    Edit inv_b = ApplyEdit(live, b);
    j.Append(b);
    // Undo b, then redo it, then undo it again: each is journaled as the edit actually applied.
    Edit redo_b = ApplyEdit(live, inv_b);
    const long long undo_seq = j.Append(inv_b, "undo", 2);
    Edit again = ApplyEdit(live, redo_b);
    j.Append(redo_b, "redo", undo_seq);
    ApplyEdit(live, again);
    j.Append(again, "undo", 2);
    EXPECT_EQ(seq_a, 1);
    EXPECT_EQ(j.last_seq(), 5);
    (void)inv_a;
  }
  const JournalContents c = ReadJournal(path);
  ASSERT_EQ(c.entries.size(), 5u);
  EXPECT_FALSE(c.torn_tail);
  EXPECT_EQ(c.entries[2].kind, "undo");
  EXPECT_EQ(c.entries[2].of, 2);
  CurationState replayed = FixtureState();
  const ReplayReport r = ReplayJournal(replayed, c.entries);
  EXPECT_EQ(r.applied, 5);
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_TRUE(replayed == live);
  EXPECT_EQ(replayed.segments[0].key_ids, std::vector<int>({1, 2}));
  EXPECT_EQ(replayed.tracked[3].size(), 2u);  // the delete was undone
  // A journal of another episode does not touch this one.
  EditJournal j2(path);
  EXPECT_EQ(j2.EntriesFor("ep").size(), 5u);
  EXPECT_TRUE(j2.EntriesFor("other").empty());
  EXPECT_EQ(j2.EntriesFor("ep", 3).size(), 2u);
}

TEST(EditJournal, TornLastLineIsSkippedAndRepaired) {
  TempDir dir;
  const auto path = dir / "journal.jsonl";
  {
    EditJournal j(path);
    j.Append(MakeFlagFrameEdit("ep", 1, true, "x"));
  }
  {
    std::ofstream out(path, std::ios::app);
    out << R"({"seq":2,"kind":"do","op":"flag_fr)";
  }
  JournalContents c = ReadJournal(path);
  EXPECT_TRUE(c.torn_tail);
  ASSERT_EQ(c.entries.size(), 1u);
  EditJournal j(path);
  EXPECT_EQ(j.last_seq(), 1);
  EXPECT_EQ(j.Append(MakeFlagFrameEdit("ep", 2, true, "y")), 2);
  c = ReadJournal(path);
  EXPECT_FALSE(c.torn_tail);
  ASSERT_EQ(c.entries.size(), 2u);
  EXPECT_EQ(c.entries[1].edit.params.at("note"), "y");
}

TEST(EditJournal, CorruptMiddleLineNamesFileAndLine) {
  TempDir dir;
  const auto path = dir / "journal.jsonl";
  testing::WriteText(path, "{\"seq\":1,\"op\":\"flag_frame\",\"episode\":\"ep\",\"params\":{\"frame\":1}}\nnot json\n"
                           "{\"seq\":3,\"op\":\"flag_frame\",\"episode\":\"ep\",\"params\":{\"frame\":2}}\n");
  try {
    ReadJournal(path);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), path.string());
    EXPECT_EQ(e.where(), "line 2");
  }
}

TEST(EditJournal, ReplaySkipsEditsThatNoLongerFit) {
  std::vector<JournalEntry> entries(2);
  entries[0].seq = 1;
  entries[0].edit = MakeSetKeyEdit("ep", 0, 7, true);  // track 7 does not exist (re-tracked)
  entries[1].seq = 2;
  entries[1].edit = MakeSetKeyEdit("ep", 0, 2, true);
  CurationState s = FixtureState();
  const ReplayReport r = ReplayJournal(s, entries);
  EXPECT_EQ(r.applied, 1);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("journal record 1"), std::string::npos);
  EXPECT_EQ(s.segments[0].key_ids, std::vector<int>({1, 2}));
  // Entries already baked into key_objects.json are not applied twice.
  CurationState baked = FixtureState();
  baked.baked_seq = 2;
  EXPECT_EQ(ReplayJournal(baked, entries).applied, 0);
}

// A child process edits and journals as fast as it can and is SIGKILLed mid-session; every
// edit it acknowledged (after Append returned) must be restored by a replay.
TEST(EditJournal, EveryAcknowledgedEditSurvivesKill) {
  TempDir dir;
  const auto path = EditJournal::ProjectFile(dir.path());
  constexpr int kEdits = 1000000;  // far more than it can write before the kill
  constexpr int kKillAfter = 60;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    EditJournal journal(path);
    CurationState s = FixtureState();
    for (int i = 0; i < kEdits; ++i) {
      Edit e = SessionEdit(i);
      ApplyEdit(s, e);
      journal.Append(e);
      const char ack = 1;
      if (write(fds[1], &ack, 1) != 1) _exit(3);
    }
    _exit(0);
  }
  close(fds[1]);
  int acked = 0;
  char buf;
  while (acked < kKillAfter && read(fds[0], &buf, 1) == 1) ++acked;
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  close(fds[0]);
  ASSERT_EQ(acked, kKillAfter);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child finished before it was killed";

  const JournalContents c = ReadJournal(path);
  const int restored = static_cast<int>(c.entries.size());
  EXPECT_GE(restored, acked);
  EXPECT_LT(restored, kEdits);
  CurationState replayed = FixtureState();
  const ReplayReport r = ReplayJournal(replayed, c.entries);
  EXPECT_EQ(r.applied, restored);
  EXPECT_TRUE(replayed == StateAfter(restored));
  EXPECT_EQ(replayed.flags.at(0), "note " + std::to_string(((restored - 1) / 30) * 30));
}

}  // namespace
}  // namespace autofocus

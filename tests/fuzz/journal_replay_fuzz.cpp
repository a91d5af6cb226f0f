// Fuzz target: the curation journal replay (core/curation/edit_journal.h). The input is a
// curation/journal.jsonl; it is read (ReadJournal) and replayed (ReplayJournal) over the
// 10-frame fixture of the curation tests (episode "ep", tracks 1-3, two sub-sequences), as the
// studio and training do. Each entry is also applied on its own to check the promises of
// ApplyEdit: an Error leaves the state unchanged, and the returned inverse restores it exactly.
// The replayed state is baked and restored (what BakeToProject writes must load back equal).

#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "core/curation/edit_journal.h"
#include "tests/curation/curation_fixture.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using autofocus::CurationState;
using autofocus::Error;

constexpr size_t kMaxEntries = 64;  // bounds the cost of one input

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::filesystem::path file = autofocus::fuzz::ScratchDir() / "curation" / "journal.jsonl";
  autofocus::fuzz::WriteBytes(file, data, size);
  autofocus::JournalContents journal;
  try {
    journal = autofocus::ReadJournal(file);
  } catch (const Error&) {
    return 0;
  }
  if (journal.entries.size() > kMaxEntries) journal.entries.resize(kMaxEntries);

  static const CurationState fixture = autofocus::testing::FixtureState();
  CurationState replayed = fixture;
  autofocus::ReplayJournal(replayed, journal.entries);

  CurationState state = fixture;
  for (const auto& entry : journal.entries) {
    if (entry.edit.episode != state.episode) continue;
    const CurationState before = state;
    autofocus::Edit edit = entry.edit;
    autofocus::Edit inverse;
    try {
      inverse = autofocus::ApplyEdit(state, edit);
    } catch (const Error&) {
      if (!(state == before)) autofocus::fuzz::Violated("a failed edit changed the state");
      continue;
    }
    // unmerge_tracks / unsplit_track restore the sub-sequence snapshots their record carries
    // (written by ApplyEdit as the inverse of a merge / split); a record with made-up snapshots
    // may leave a state whose inverse no longer applies, which is not a broken promise.
    if (edit.op == "unmerge_tracks" || edit.op == "unsplit_track") continue;
    CurationState undone = state;
    try {
      autofocus::ApplyEdit(undone, inverse);
    } catch (const Error& e) {
      autofocus::fuzz::Violated(std::string("the inverse of an edit does not apply: ") + e.what());
    }
    if (!(undone == before)) autofocus::fuzz::Violated("the inverse of an edit does not restore");
  }

  const autofocus::Json baked = autofocus::BakeKeyObjects(replayed, 1);
  try {
    const CurationState restored = autofocus::CurationStateFromJson(
        replayed.episode, replayed.num_frames(), autofocus::testing::FixtureTracks(), baked,
        "key_objects.json");
    if (!(restored == replayed)) autofocus::fuzz::Violated("a baked state does not restore equal");
  } catch (const Error& e) {
    autofocus::fuzz::Violated(std::string("a baked state does not load: ") + e.what());
  }
  return 0;
}

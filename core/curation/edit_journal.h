#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/curation/edit.h"

namespace autofocus {

// One line of the journal: an edit as it was applied, and why.
struct JournalEntry {
  long long seq = 0;        // 1, 2, 3, ... in append order
  std::string kind = "do";  // "do" (new edit), "undo" (the inverse of entry `of`), "redo"
  long long of = 0;         // undo/redo: the seq of the edit undone/redone (0 for "do")
  Edit edit;                // the edit applied (for an undo: the inverse)
  Json ToJson() const;
};

// The result of reading a journal.
struct JournalContents {
  std::vector<JournalEntry> entries;  // complete records in order
  bool torn_tail = false;             // a partial last line (crash mid-append) was skipped
};

// Reads a journal; a missing file is empty. A last line without its newline or that does not
// parse (a torn append) is skipped and reported; a bad line before the last throws Error
// naming the file and the line.
JournalContents ReadJournal(const std::filesystem::path& path);

// The append-only record of every curation edit of a project (JSON lines at
// <project>/curation/journal.jsonl). Each Append is fsync'ed before it returns, so a crash or
// kill -9 loses nothing acknowledged; replaying the entries in order over the pipeline's
// artifacts reproduces the curated state (undo entries carry the inverse, so replay is a plain
// fold).
class EditJournal {
 public:
  // Opens (creates lazily) the journal at `path`; reads it to continue the sequence and
  // truncates a torn tail so the next record starts on a fresh line.
  explicit EditJournal(std::filesystem::path path);

  // The journal file of a project.
  static std::filesystem::path ProjectFile(const std::filesystem::path& project_root);

  // Appends one applied edit durably and returns its seq.
  long long Append(const Edit& edit, const std::string& kind = "do", long long of = 0);
  const std::filesystem::path& path() const { return path_; }
  // Sequence number of the last record (0 when empty).
  long long last_seq() const { return seq_; }
  // Every complete entry for `episode` with seq > `after`, in order.
  std::vector<JournalEntry> EntriesFor(const std::string& episode, long long after = 0) const;

 private:
  std::filesystem::path path_;
  long long seq_ = 0;
  std::vector<JournalEntry> entries_;
};

// What a replay did.
struct ReplayReport {
  int applied = 0;                    // entries applied
  std::vector<std::string> warnings;  // entries that no longer fit (e.g. the pipeline re-ran
                                      // tracking and the track is gone), one line each
};

// Applies `entries` to `state` in order; an entry that does not fit is skipped with a warning
// (the rest still apply). Only entries of state.episode with seq > state.baked_seq count.
ReplayReport ReplayJournal(CurationState& state, const std::vector<JournalEntry>& entries);

// The curated state of an episode: its artifacts with the project's journal replayed on top.
CurationState LoadCuratedEpisode(const ProjectStore& store, const std::string& episode,
                                 ReplayReport* report = nullptr);
// The same with the journal's entries already read (ReadJournal once for many episodes).
CurationState LoadCuratedEpisode(const ProjectStore& store, const std::string& episode,
                                 const std::vector<JournalEntry>& journal,
                                 ReplayReport* report = nullptr);

}  // namespace autofocus

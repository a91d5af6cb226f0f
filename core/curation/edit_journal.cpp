#include "core/curation/edit_journal.h"

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/dataset/project_store.h"

namespace autofocus {
namespace fs = std::filesystem;

namespace {

JournalEntry EntryFromJson(const Json& j, const std::string& file, const std::string& where) {
  JournalEntry e;
  if (!j.is_object()) throw Error(file, where, "a journal record must be a JSON object");
  const Json& seq = RequireField(j, "seq", file, where);
  if (!seq.is_number_integer()) throw Error(file, where + ".seq", "must be an integer");
  e.seq = seq.get<long long>();
  const Json kind = j.value("kind", Json("do"));
  if (!kind.is_string()) throw Error(file, where + ".kind", "must be do, undo or redo");
  e.kind = kind.get<std::string>();
  const Json of = j.value("of", Json(0));
  if (!of.is_number_integer()) throw Error(file, where + ".of", "must be an integer");
  e.of = of.get<long long>();
  if (e.kind != "do" && e.kind != "undo" && e.kind != "redo")
    throw Error(file, where + ".kind", "must be do, undo or redo");
  e.edit = Edit::FromJson(j, file, where);
  return e;
}

}  // namespace

Json JournalEntry::ToJson() const {
  Json j = edit.ToJson();
  j["seq"] = seq;
  j["kind"] = kind;
  if (of > 0) j["of"] = of;
  return j;
}

JournalContents ReadJournal(const fs::path& path) {
  JournalContents out;
  std::error_code ec;
  if (!fs::exists(path, ec)) return out;
  const std::string text = ReadFile(path);
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    ++line_no;
    const size_t nl = text.find('\n', pos);
    const bool complete = nl != std::string::npos;
    const std::string line = text.substr(pos, complete ? nl - pos : std::string::npos);
    pos = complete ? nl + 1 : text.size();
    const bool last = pos >= text.size();
    if (line.empty()) continue;
    if (!complete) {
      // An append that was cut short by a crash: never acknowledged, so it is dropped.
      out.torn_tail = true;
      break;
    }
    try {
      out.entries.push_back(EntryFromJson(ParseJsonText(line, path.string()), path.string(),
                                          "line " + std::to_string(line_no)));
    } catch (const Error& e) {
      if (last) {
        out.torn_tail = true;
        break;
      }
      throw Error(path.string(), "line " + std::to_string(line_no), e.reason());
    }
  }
  return out;
}

EditJournal::EditJournal(fs::path path) : path_(std::move(path)) {
  JournalContents c = ReadJournal(path_);
  entries_ = std::move(c.entries);
  if (!entries_.empty()) seq_ = entries_.back().seq;
  if (c.torn_tail) {
    // Rewrite without the torn line so the next append starts on a clean line.
    std::string text;
    for (const auto& e : entries_) text += e.ToJson().dump() + "\n";
    WriteFileAtomic(path_, text);
  }
}

fs::path EditJournal::ProjectFile(const fs::path& project_root) {
  return project_root / "curation" / "journal.jsonl";
}

long long EditJournal::Append(const Edit& edit, const std::string& kind, long long of) {
  JournalEntry e;
  e.seq = seq_ + 1;
  e.kind = kind;
  e.of = of;
  e.edit = edit;
  const bool created = !fs::exists(path_);
  if (created) fs::create_directories(path_.parent_path());
  AppendFileDurable(path_, e.ToJson().dump() + "\n");
  // A new file's directory entry must be durable too, or the first records could vanish.
  if (created) SyncDirectory(path_.parent_path());
  seq_ = e.seq;
  entries_.push_back(std::move(e));
  return seq_;
}

std::vector<JournalEntry> EditJournal::EntriesFor(const std::string& episode,
                                                  long long after) const {
  std::vector<JournalEntry> out;
  for (const auto& e : entries_) {
    if (e.edit.episode == episode && e.seq > after) out.push_back(e);
  }
  return out;
}

ReplayReport ReplayJournal(CurationState& state, const std::vector<JournalEntry>& entries) {
  ReplayReport report;
  for (const auto& entry : entries) {
    if (entry.edit.episode != state.episode || entry.seq <= state.baked_seq) continue;
    Edit e = entry.edit;
    try {
      ApplyEdit(state, e);
      ++report.applied;
    } catch (const Error& err) {
      report.warnings.push_back("journal record " + std::to_string(entry.seq) + " (" +
                                DescribeEdit(entry.edit) + ") no longer applies: " + err.reason());
    }
  }
  return report;
}

CurationState LoadCuratedEpisode(const ProjectStore& store, const std::string& episode,
                                 ReplayReport* report) {
  return LoadCuratedEpisode(store, episode,
                            ReadJournal(EditJournal::ProjectFile(store.root())).entries, report);
}

CurationState LoadCuratedEpisode(const ProjectStore& store, const std::string& episode,
                                 const std::vector<JournalEntry>& journal, ReplayReport* report) {
  CurationState state = LoadCurationState(store, episode);
  ReplayReport r = ReplayJournal(state, journal);
  if (report) *report = std::move(r);
  return state;
}

}  // namespace autofocus

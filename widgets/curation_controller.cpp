#include "widgets/curation_controller.h"

#include <algorithm>

#include "core/base/error.h"
#include "widgets/studio_document.h"

namespace autofocus {

CurationController::CurationController(StudioDocument* doc, QObject* parent)
    : QObject(parent), doc_(doc), stack_(new QUndoStack(this)) {
  stack_->setObjectName("curationUndoStack");
  connect(doc_, &StudioDocument::projectChanged, this, &CurationController::OnProjectChanged);
  connect(doc_, &StudioDocument::episodeChanged, this, &CurationController::OnEpisodeChanged);
  OnProjectChanged();
  OnEpisodeChanged();
}

CurationController::~CurationController() = default;

void CurationController::OnProjectChanged() {
  const QString path = doc_->projectPath();
  if (path == project_) return;
  project_ = path;
  stack_->clear();
  states_.clear();
  journal_.reset();
  if (path.isEmpty()) return;
  try {
    journal_ = std::make_unique<EditJournal>(EditJournal::ProjectFile(path.toStdString()));
  } catch (const Error& e) {
    Q_EMIT message(2, QString(), tr("Cannot open the curation journal: %1").arg(QString::fromStdString(e.what())));
  }
}

CurationState& CurationController::StateFor(const std::string& episode) {
  auto it = states_.find(episode);
  if (it != states_.end()) return it->second;
  const ProjectStore* store = doc_->store();
  if (!store) throw Error("", episode, "no project is open");
  CurationState s = LoadCurationState(*store, episode);
  if (journal_) {
    const ReplayReport r = ReplayJournal(s, journal_->EntriesFor(episode, s.baked_seq));
    for (const auto& w : r.warnings) Q_EMIT message(1, QString::fromStdString(episode), QString::fromStdString(w));
    if (r.applied > 0) {
      Q_EMIT message(0, QString::fromStdString(episode), tr("Restored %n curation edit(s) from the journal", "", r.applied));
    }
  }
  return states_.emplace(episode, std::move(s)).first->second;
}

const CurationState* CurationController::current() const {
  auto it = states_.find(doc_->currentEpisodeName().toStdString());
  return it == states_.end() ? nullptr : &it->second;
}

void CurationController::OnEpisodeChanged() {
  OnProjectChanged();  // episodeChanged follows projectChanged; be robust to either order
  const std::string name = doc_->currentEpisodeName().toStdString();
  if (name.empty() || !doc_->store() || !doc_->episode()) {
    Q_EMIT stateChanged();
    return;
  }
  try {
    // The document parsed the artifacts as stored; the curated state may differ (journal).
    states_.erase(name);
    const CurationState& s = StateFor(name);
    SyncDocument(s, EditEffect{}, true);
  } catch (const Error& e) {
    Q_EMIT message(2, QString::fromStdString(name), QString::fromStdString(e.what()));
  }
  Q_EMIT stateChanged();
}

void CurationController::SyncDocument(const CurationState& s, const EditEffect& fx, bool everything) {
  if (doc_->currentEpisodeName().toStdString() != s.episode || !doc_->episode()) return;
  const int n = std::min(s.num_frames(), doc_->frameCount());
  if (n <= 0) return;
  int first = everything ? 0 : std::max(0, fx.first_frame);
  int last = everything ? n - 1 : std::min(n - 1, fx.last_frame);
  if (first <= last) {
    doc_->SetTrackedDetections(first, {s.tracked.begin() + first, s.tracked.begin() + last + 1});
  }
  if (everything || fx.segments_changed) {
    // Key boxes follow from the tracked boxes and the key IDs; the document recomputes them.
    const int segs = static_cast<int>(std::min(s.segments.size(), doc_->episode()->segments.size()));
    for (int i = 0; i < segs; ++i) {
      const CurationSegment& seg = s.segments[static_cast<size_t>(i)];
      const StudioSegment& ds = doc_->episode()->segments[static_cast<size_t>(i)];
      // Membership first: merges, splits and deleted boxes change it without a reopen.
      doc_->SetSegmentIds(i, seg.ids);
      if (everything && ds.key_ids == seg.key_ids && ds.decided_by == seg.DecidedBy()) continue;
      doc_->SetSegmentKeyIds(i, seg.key_ids, seg.DecidedBy());
    }
  }
  if (first <= last) {
    std::vector<std::vector<Detection>> keys;
    for (int t = first; t <= last; ++t) keys.push_back(s.KeyBoxes(t));
    doc_->SetKeyBoxes(first, keys);
  }
  std::vector<int> flagged;
  for (const auto& [f, note] : s.flags) flagged.push_back(f);
  doc_->SetFlaggedFrames(std::move(flagged));
}

Edit CurationController::ApplyAndJournal(Edit& edit, const std::string& kind, long long of, long long* seq) {
  CurationState& s = StateFor(edit.episode);
  EditEffect fx;
  Edit inverse = ApplyEdit(s, edit, &fx);
  long long n = 0;
  if (journal_) {
    try {
      n = journal_->Append(edit, kind, of);
    } catch (const Error&) {
      ApplyEdit(s, inverse);  // not durable -> not done
      throw;
    }
  }
  if (seq) *seq = n;
  SyncDocument(s, fx, false);
  Q_EMIT stateChanged();
  return inverse;
}

bool CurationController::Push(Edit edit) {
  if (edit.episode.empty()) edit.episode = doc_->currentEpisodeName().toStdString();
  // Try it on a copy first: a command that fails in redo() would be deleted by push() and the
  // stack must only ever hold edits that applied.
  try {
    CurationState probe = StateFor(edit.episode);
    Edit copy = edit;
    ApplyEdit(probe, copy);
  } catch (const Error& e) {
    Q_EMIT message(2, QString::fromStdString(edit.episode), QString::fromStdString(e.what()));
    return false;
  }
  stack_->push(new CurationCommand(this, std::move(edit)));  // runs redo() once
  return true;
}

int CurationController::Bake() {
  const ProjectStore* store = doc_->store();
  if (!store || !journal_) return 0;
  int written = 0;
  for (auto& [name, s] : states_) {
    if (journal_->EntriesFor(name, s.baked_seq).empty()) continue;
    try {
      const Json baked = BakeKeyObjects(s, journal_->last_seq());
      store->SaveArtifact(name, "key_objects", baked);
      s.base = baked;
      s.baked_seq = journal_->last_seq();
      ++written;
      Q_EMIT message(0, QString::fromStdString(name), tr("Baked the curation into key_objects.json"));
    } catch (const Error& e) {
      Q_EMIT message(2, QString::fromStdString(name), QString::fromStdString(e.what()));
    }
  }
  return written;
}

CurationCommand::CurationCommand(CurationController* controller, Edit edit)
    : controller_(controller), edit_(std::move(edit)) {
  setText(QString::fromStdString(DescribeEdit(edit_)));
}

void CurationCommand::redo() {
  if (!ok_) return;
  try {
    const bool first = do_seq_ == 0;
    inverse_ = controller_->ApplyAndJournal(edit_, first ? "do" : "redo", first ? 0 : undo_seq_, first ? &do_seq_ : nullptr);
    if (first && do_seq_ == 0) do_seq_ = -1;  // no journal (no project): still mark as done
  } catch (const Error& e) {
    ok_ = false;
    error_ = QString::fromStdString(e.what());
    setObsolete(true);
  }
}

void CurationCommand::undo() {
  if (!ok_) return;
  try {
    edit_ = controller_->ApplyAndJournal(inverse_, "undo", do_seq_, &undo_seq_);
  } catch (const Error& e) {
    Q_EMIT controller_->message(2, QString::fromStdString(edit_.episode), QString::fromStdString(e.what()));
  }
}

}  // namespace autofocus

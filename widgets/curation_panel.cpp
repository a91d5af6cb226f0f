#include "widgets/curation_panel.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

#include "core/curation/edit.h"
#include "widgets/curation_controller.h"
#include "widgets/curation_object_model.h"
#include "widgets/studio_document.h"

namespace autofocus {

CurationPanel::CurationPanel(StudioDocument* doc, CurationController* curation, QWidget* parent)
    : QWidget(parent), doc_(doc), curation_(curation) {
  setObjectName("curationPanel");
  model_ = new CurationObjectModel(doc_, curation_, this);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  status_ = new QLabel(this);
  status_->setObjectName("curationStatus");
  status_->setWordWrap(true);
  table_ = new QTableView(this);
  table_->setObjectName("curationObjects");
  table_->setModel(model_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  table_->verticalHeader()->setVisible(false);
  // Columns sized to their contents and the label taking the rest, so the table fits the side
  // dock without a horizontal scroll bar.
  QHeaderView* header = table_->horizontalHeader();
  header->setMinimumSectionSize(24);
  for (int c = 0; c < CurationObjectModel::kColumnCount; ++c)
    header->setSectionResizeMode(c, QHeaderView::ResizeToContents);
  header->setSectionResizeMode(CurationObjectModel::kLabel, QHeaderView::Stretch);
  table_->setAlternatingRowColors(true);
  table_->setWordWrap(false);
  auto* bar = new QToolBar(this);
  bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
  AddAction("action_toggle_key", tr("Toggle Key"), Qt::Key_K, tr("Make the selected objects key / pruned for this sub-sequence"));
  AddAction("action_delete_box", tr("Delete Box"), QKeySequence::Delete, tr("Delete the selected object's box in this frame"));
  AddAction("action_merge_tracks", tr("Merge Tracks"), QKeySequence(Qt::CTRL | Qt::Key_M), tr("Merge the second selected track into the first"));
  AddAction("action_split_track", tr("Split Track"), QKeySequence(Qt::CTRL | Qt::Key_E), tr("Split the selected track at the current frame"));
  AddAction("action_exclude_frame", tr("Exclude Frame"), Qt::Key_X, tr("Exclude / include the current frame"));
  AddAction("action_exclude_episode", tr("Exclude Episode"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X), tr("Exclude / include the whole episode"));
  AddAction("action_flag_frame", tr("Flag Frame"), Qt::Key_F, tr("Flag / unflag the current frame with the note"));
  for (QAction* a : actions_) bar->addAction(a);
  connect(actions_[0], &QAction::triggered, this, &CurationPanel::ToggleSelectedKey);
  connect(actions_[1], &QAction::triggered, this, &CurationPanel::DeleteSelectedBox);
  connect(actions_[2], &QAction::triggered, this, &CurationPanel::MergeSelected);
  connect(actions_[3], &QAction::triggered, this, &CurationPanel::SplitSelected);
  connect(actions_[4], &QAction::triggered, this, &CurationPanel::ToggleExcludeFrame);
  connect(actions_[5], &QAction::triggered, this, &CurationPanel::ToggleExcludeEpisode);
  connect(actions_[6], &QAction::triggered, this, &CurationPanel::ToggleFlag);
  note_ = new QLineEdit(this);
  note_->setObjectName("curationNote");
  note_->setPlaceholderText(tr("Note for a flagged frame"));
  layout->addWidget(status_);
  layout->addWidget(table_, 1);
  layout->addWidget(bar);
  layout->addWidget(note_);
  connect(curation_, &CurationController::stateChanged, this, &CurationPanel::UpdateStatus);
  connect(doc_, &StudioDocument::currentFrameChanged, this, &CurationPanel::UpdateStatus);
  // Selecting a row selects the track in every view.
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& cur) { doc_->SetSelectedTrack(model_->trackId(cur.row())); });
  UpdateStatus();
}

QAction* CurationPanel::AddAction(const char* name, const QString& text, const QKeySequence& key, const QString& tip) {
  auto* a = new QAction(text, this);
  a->setObjectName(QString::fromLatin1(name));
  a->setShortcut(key);
  // Window-wide, so the shortcuts work while the frame view has the focus.
  a->setShortcutContext(Qt::WindowShortcut);
  a->setToolTip(tip);
  a->setStatusTip(tip);
  actions_.append(a);
  return a;
}

QList<int> CurationPanel::SelectedIds() const {
  QList<int> ids;
  for (const QModelIndex& i : table_->selectionModel()->selectedRows()) ids << model_->trackId(i.row());
  if (ids.isEmpty() && doc_->selectedTrack() >= 0) ids << doc_->selectedTrack();
  return ids;
}

void CurationPanel::UpdateStatus() {
  const CurationState* s = curation_->current();
  if (!s) {
    status_->setText(tr("Open an episode to curate it."));
    return;
  }
  const int frame = doc_->currentFrame();
  const int si = s->SegmentAt(frame);
  QString text = si >= 0 ? tr("Sub-sequence %1–%2 (decided by %3)")
                               .arg(s->segments[static_cast<size_t>(si)].start)
                               .arg(s->segments[static_cast<size_t>(si)].end)
                               .arg(s->segments[static_cast<size_t>(si)].DecidedBy() == kDecidedByPerson ? tr("person") : tr("model"))
                         : tr("No sub-sequence at this frame");
  if (s->IsExcluded(frame)) text += tr(" · frame excluded");
  auto f = s->flags.find(frame);
  if (f != s->flags.end()) text += tr(" · flagged: %1").arg(QString::fromStdString(f->second));
  if (s->episode_excluded) text += tr(" · episode excluded");
  status_->setText(text);
}

void CurationPanel::ToggleSelectedKey() {
  const CurationState* s = curation_->current();
  const int si = s ? s->SegmentAt(doc_->currentFrame()) : -1;
  if (si < 0) return;
  const CurationSegment& seg = s->segments[static_cast<size_t>(si)];
  const int start = seg.start;
  for (int id : SelectedIds()) {
    if (std::binary_search(seg.ids.begin(), seg.ids.end(), id)) curation_->Push(MakeSetKeyEdit(s->episode, start, id, !seg.IsKey(id)));
  }
}

void CurationPanel::DeleteSelectedBox() {
  const CurationState* s = curation_->current();
  if (!s) return;
  for (int id : SelectedIds()) {
    if (s->FindBox(doc_->currentFrame(), id) >= 0) curation_->Push(MakeDeleteBoxEdit(s->episode, doc_->currentFrame(), id));
  }
}

void CurationPanel::MergeSelected() {
  const CurationState* s = curation_->current();
  const QList<int> ids = SelectedIds();
  if (!s || ids.size() != 2) {
    Q_EMIT curation_->message(1, doc_->currentEpisodeName(), tr("Select exactly two tracks to merge"));
    return;
  }
  curation_->Push(MakeMergeTracksEdit(s->episode, ids[0], ids[1]));
}

void CurationPanel::SplitSelected() {
  const CurationState* s = curation_->current();
  const QList<int> ids = SelectedIds();
  if (!s || ids.size() != 1) {
    Q_EMIT curation_->message(1, doc_->currentEpisodeName(), tr("Select one track to split"));
    return;
  }
  curation_->Push(MakeSplitTrackEdit(s->episode, ids[0], doc_->currentFrame()));
}

void CurationPanel::ToggleExcludeFrame() {
  const CurationState* s = curation_->current();
  if (!s) return;
  const int frame = doc_->currentFrame();
  curation_->Push(MakeExcludeFramesEdit(s->episode, {frame}, !s->IsExcluded(frame)));
}

void CurationPanel::ToggleExcludeEpisode() {
  const CurationState* s = curation_->current();
  if (s) curation_->Push(MakeExcludeEpisodeEdit(s->episode, !s->episode_excluded));
}

void CurationPanel::ToggleFlag() {
  const CurationState* s = curation_->current();
  if (!s) return;
  const int frame = doc_->currentFrame();
  const bool flagged = s->flags.count(frame) > 0;
  curation_->Push(MakeFlagFrameEdit(s->episode, frame, !flagged, note_->text().toStdString()));
  if (!flagged) note_->clear();
}

}  // namespace autofocus

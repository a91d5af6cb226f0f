#include "widgets/curation_object_model.h"

#include "core/curation/edit.h"
#include "widgets/curation_controller.h"
#include "widgets/studio_document.h"

namespace autofocus {

CurationObjectModel::CurationObjectModel(StudioDocument* doc, CurationController* curation, QObject* parent)
    : QAbstractTableModel(parent), doc_(doc), curation_(curation) {
  connect(curation_, &CurationController::stateChanged, this, &CurationObjectModel::Refresh);
  connect(doc_, &StudioDocument::currentFrameChanged, this, &CurationObjectModel::Refresh);
  Refresh();
}

void CurationObjectModel::Refresh() {
  const CurationState* s = curation_->current();
  const int si = s ? s->SegmentAt(doc_->currentFrame()) : -1;
  const int start = si >= 0 ? s->segments[static_cast<size_t>(si)].start : -1;
  const std::vector<int> ids = si >= 0 ? s->segments[static_cast<size_t>(si)].ids : std::vector<int>{};
  if (start != segment_start_ || ids != ids_) {
    // A different row set: reset (rows are few, a reset is cheap and keeps views simple).
    beginResetModel();
    segment_start_ = start;
    ids_ = ids;
    endResetModel();
  } else if (!ids_.empty()) {
    Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, kColumnCount - 1));
  }
}

int CurationObjectModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(ids_.size());
}

int CurationObjectModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : kColumnCount; }

int CurationObjectModel::trackId(int row) const {
  return row >= 0 && row < static_cast<int>(ids_.size()) ? ids_[static_cast<size_t>(row)] : -1;
}

QVariant CurationObjectModel::data(const QModelIndex& index, int role) const {
  const CurationState* s = curation_->current();
  if (!index.isValid() || !s || index.row() >= rowCount()) return {};
  const int si = s->SegmentStartingAt(segment_start_);
  if (si < 0) return {};
  const CurationSegment& seg = s->segments[static_cast<size_t>(si)];
  const int id = ids_[static_cast<size_t>(index.row())];
  const int frame = doc_->currentFrame();
  const int b = s->FindBox(frame, id);
  const Detection* det = b >= 0 ? &s->tracked[static_cast<size_t>(frame)][static_cast<size_t>(b)] : nullptr;
  if (role == Qt::CheckStateRole && index.column() == kKey) return seg.IsKey(id) ? Qt::Checked : Qt::Unchecked;
  if (role == Qt::UserRole) return id;
  if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
  switch (index.column()) {
    case kKey:
      return seg.IsKey(id) ? tr("key") : tr("pruned");
    case kId:
      return id;
    case kLabel: {
      if (det) return QString::fromStdString(det->label);
      for (const auto& f : s->tracked) {
        for (const auto& d : f) {
          if (d.id == id) return QString::fromStdString(d.label);
        }
      }
      return QString();
    }
    case kDecidedBy: {
      auto it = seg.decided.find(id);
      return it == seg.decided.end() ? tr("model") : (it->second == kDecidedByPerson ? tr("person") : tr("model"));
    }
    case kBox:
      if (!det) return tr("not in this frame");
      return QStringLiteral("%1, %2 – %3, %4")
          .arg(det->box.x1, 0, 'f', 0)
          .arg(det->box.y1, 0, 'f', 0)
          .arg(det->box.x2, 0, 'f', 0)
          .arg(det->box.y2, 0, 'f', 0);
    default:
      return {};
  }
}

QVariant CurationObjectModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, orientation, role);
  switch (section) {
    case kKey:
      return tr("Key");
    case kId:
      return tr("ID");
    case kLabel:
      return tr("Label");
    case kDecidedBy:
      return tr("Decided by");
    case kBox:
      return tr("Box (this frame)");
    default:
      return {};
  }
}

Qt::ItemFlags CurationObjectModel::flags(const QModelIndex& index) const {
  if (!index.isValid()) return Qt::NoItemFlags;
  Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
  if (index.column() == kKey) f |= Qt::ItemIsUserCheckable;
  return f;
}

bool CurationObjectModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (!index.isValid() || index.column() != kKey || role != Qt::CheckStateRole || segment_start_ < 0) return false;
  const bool key = value.toInt() == Qt::Checked;
  const int id = trackId(index.row());
  const CurationState* s = curation_->current();
  if (!s) return false;
  const int si = s->SegmentStartingAt(segment_start_);
  if (si < 0 || s->segments[static_cast<size_t>(si)].IsKey(id) == key) return false;
  // The command's redo updates the state; stateChanged() then refreshes this model.
  return curation_->Push(MakeSetKeyEdit(s->episode, segment_start_, id, key));
}

}  // namespace autofocus

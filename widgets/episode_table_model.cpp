#include "widgets/episode_table_model.h"

namespace autofocus {

EpisodeTableModel::EpisodeTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void EpisodeTableModel::SetProject(const ProjectStore* store) {
  beginResetModel();
  store_ = store;
  endResetModel();
}

int EpisodeTableModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() || !store_) return 0;
  return static_cast<int>(store_->info().episodes.size());
}

int EpisodeTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant EpisodeTableModel::data(const QModelIndex& index, int role) const {
  if (!store_ || !index.isValid() || index.row() >= rowCount()) return {};
  const auto& e = store_->info().episodes[static_cast<size_t>(index.row())];
  if (role == Qt::DisplayRole || role == Qt::EditRole) {
    switch (index.column()) {
      case kName:
        return QString::fromStdString(e.name);
      case kFrames:
        return e.num_frames;
      default:
        return {};
    }
  }
  if (role == Qt::TextAlignmentRole && index.column() == kFrames) {
    return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
  }
  return {};
}

QVariant EpisodeTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kName:
      return tr("Episode");
    case kFrames:
      return tr("Frames");
    default:
      return {};
  }
}

}  // namespace autofocus

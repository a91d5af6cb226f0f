#pragma once

#include <QAbstractTableModel>

#include "core/dataset/project_store.h"

namespace autofocus {

// Lists a project's episodes (name, frame count) from the project index only: no episode file
// and no frame is read, so large projects open instantly.
class EpisodeTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  // Columns shown.
  enum Column { kName = 0, kFrames, kColumnCount };

  explicit EpisodeTableModel(QObject* parent = nullptr);
  // Replaces the listed project (nullptr clears); the store must outlive the model.
  void SetProject(const ProjectStore* store);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  const ProjectStore* store_ = nullptr;
};

}  // namespace autofocus

#pragma once

#include <QAbstractTableModel>
#include <vector>

namespace autofocus {

class CurationController;
class StudioDocument;

// The objects of the current sub-sequence (one row per track ID): key checkbox, ID, label,
// who decided, and the box in the current frame. Unchecking/checking "Key" pushes a set_key
// command on the curation undo stack (Tiled style: setData is an undoable edit).
class CurationObjectModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  // Columns.
  enum Column { kKey = 0, kId, kLabel, kDecidedBy, kBox, kColumnCount };

  CurationObjectModel(StudioDocument* doc, CurationController* curation, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

  // Track ID of a row, or -1.
  int trackId(int row) const;
  // Start frame of the sub-sequence shown, or -1.
  int segmentStart() const { return segment_start_; }
  // Rebuilds the rows from the curated state and the cursor.
  void Refresh();

 private:
  StudioDocument* doc_;
  CurationController* curation_;
  int segment_start_ = -1;
  std::vector<int> ids_;
};

}  // namespace autofocus

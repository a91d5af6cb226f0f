#pragma once

#include <QString>
#include <QWidget>

class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace autofocus {

class TrainDock;
class TrainRunsModel;

// The "Training Runs" dock: the table of TrainRunsModel (sortable), Refresh, Resume of the
// selected stopped run and Show Curves (its metrics.jsonl in the Train dock's plot).
class TrainRunsPanel : public QWidget {
  Q_OBJECT
 public:
  TrainRunsPanel(TrainRunsModel* model, TrainDock* dock, QWidget* parent = nullptr);

  // The selected run's name, or empty.
  QString selectedRun() const;
  // Selects run `name` (when listed).
  void SelectRun(const QString& name);
  QTableView* table() const { return table_; }

 private:
  void UpdateButtons();

  TrainRunsModel* model_;
  TrainDock* dock_;
  QSortFilterProxyModel* proxy_;
  QTableView* table_;
  QPushButton* refresh_;
  QPushButton* resume_;
  QPushButton* curves_;
  QString keep_;  // the selected run across a model reset
};

}  // namespace autofocus

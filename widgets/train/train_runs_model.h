#pragma once

#include <QAbstractTableModel>
#include <QString>
#include <vector>

#include "core/train/run_registry.h"
#include "widgets/train/train_run_files.h"

class QFileSystemWatcher;
class QTimer;

namespace autofocus {

// One row of the training Runs table: what ListRuns() reports plus the config fields the
// table shows that RunSummary does not carry.
struct TrainRunRow {
  RunSummary summary;    // name, status, created, regulariser, best validation BC, policy
  QString model;         // config.model
  QString target;        // config.target
  double lambda = -1;    // config.lambda (resolved; < 0 unknown)
  double fraction = -1;  // config.fraction (< 0 unknown)
  double seconds = -1;   // training time over all sessions (< 0 unknown)
  std::vector<RunEvaluation> evaluations;  // closed-loop scores (RUN/evaluations/*.json)
  QString notes;                           // runs/NAME/notes.md
};

// The training runs of a project (PROJECT/runs/*/run.json through ListRuns), one row each.
// Refresh() re-reads them; a QFileSystemWatcher on runs/, every run folder (run.json is
// replaced atomically, which changes its folder) and every evaluations/ folder refreshes
// after a short debounce.
class TrainRunsModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  // Columns.
  enum Column {
    kName = 0,
    kStatus,
    kCreated,
    kDuration,
    kModel,
    kRegularizer,
    kLambda,
    kTarget,
    kFraction,
    kBestValBc,
    kClosedLoop,
    kPolicy,
    kNotes,
    kColumnCount
  };

  explicit TrainRunsModel(QObject* parent = nullptr);

  // The project whose runs are listed (empty = none); refreshes at once.
  void SetProject(const QString& project_dir);
  const QString& project() const { return project_; }
  // Re-reads every run.json.
  void Refresh();
  // The row of run `name`, or -1.
  int RowOf(const QString& name) const;
  // Row `row` (no bounds check beyond the assertion of std::vector::at).
  const TrainRunRow& run(int row) const { return rows_.at(static_cast<size_t>(row)); }

  // A run.json status in the UI language.
  static QString StatusText(const std::string& status);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 Q_SIGNALS:
  // The rows were re-read.
  void refreshed();

 private:
  void UpdateWatches();

  QString project_;
  std::vector<TrainRunRow> rows_;
  QFileSystemWatcher* watcher_;
  QTimer* debounce_;
};

}  // namespace autofocus

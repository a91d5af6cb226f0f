#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>

class QAction;
class QDialog;
class QLineEdit;
class QMenu;
class QProcess;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QToolButton;
class QUndoStack;

namespace autofocus {

class LogModel;
class TrainDock;
class TrainEvalView;
class TrainRunsModel;

// The "Training Runs" dock: the table of TrainRunsModel (sortable, a text filter, several rows
// selectable), and the run actions: Show Curves (several selected runs are overlaid), Compare
// Config (the fields that differ between two runs), Resume, Rename, Notes, Delete (to
// PROJECT/trash/runs, after one confirmation), Export Policy, Evaluate in the Sample World
// (an `autofocus evaluate-policy RUN --json` child) and Compare Attention (disabled until the
// attention view is installed). Rename, Notes and Delete are undoable on the panel's own
// QUndoStack (Undo / Redo in the context menu); failures go to the one log.
class TrainRunsPanel : public QWidget {
  Q_OBJECT
 public:
  TrainRunsPanel(TrainRunsModel* model, TrainDock* dock, LogModel* log, QWidget* parent = nullptr);
  ~TrainRunsPanel() override;

  // The selected run's name (the current row of a multiple selection), or empty.
  QString selectedRun() const;
  // Every selected run, in table order.
  QStringList selectedRuns() const;
  // Selects run `name` (when listed).
  void SelectRun(const QString& name);
  // Selects these runs (the listed ones).
  void SelectRuns(const QStringList& names);
  QTableView* table() const { return table_; }
  // The text filter over every column.
  QLineEdit* filterEdit() const { return filter_; }
  QUndoStack* undoStack() const { return stack_; }
  // An action by objectName (action_train_runs_*), for tests and menus.
  QAction* action(const QString& object_name) const;

  // Renames a run (undoable); false, logged, when refused.
  bool Rename(const QString& old_name, const QString& new_name);
  // Moves runs to the project's trash (undoable); `confirm` asks once first.
  bool Trash(const QStringList& names, bool confirm);
  // Replaces a run's notes (undoable).
  bool SetNotes(const QString& name, const QString& text);
  // Shows the config differences of two runs in a non-modal dialog (returned; owned by the
  // panel); nullptr, logged, when a config cannot be read.
  QDialog* ShowConfigDiff(const QString& a, const QString& b);
  // Copies a finished run's policy.pt + policy.json into `folder`.
  bool ExportPolicyTo(const QString& name, const QString& folder);
  // Runs `autofocus evaluate-policy RUN --json --video RUN/evaluations/videos` for a run; the
  // outcome goes to the log and the per-route table opens in a results window.
  bool Evaluate(const QString& name);
  // Stops a running evaluation (SIGTERM; its failure is logged as usual).
  void CancelEvaluation();
  // An evaluation child is going.
  bool evaluating() const;
  // The per-route results window of the last successful evaluation (nullptr before one).
  TrainEvalView* evalView() const { return eval_view_; }
  // Whether Compare Attention has a view to open (set by the attention view when installed).
  void SetAttentionAvailable(bool available);

 Q_SIGNALS:
  // An evaluation ended: the run and its JSON output (empty on failure). The per-route
  // results view connects here.
  void evaluationFinished(const QString& run, const QByteArray& json);
  // Compare Attention was chosen for these runs (the attention view connects here).
  void compareAttentionRequested(const QStringList& runs);

 private:
  void UpdateButtons();
  void ShowContextMenu(const QPoint& pos);
  // Adds the actions named `first`, then the edit, run and undo groups, to `menu`.
  void FillMenu(QMenu* menu, const QStringList& first) const;
  QString Project() const;
  // Refused (logged) when `name` is being trained.
  bool Busy(const QString& name, const QString& what) const;
  void Log(int severity, const QString& message) const;

  TrainRunsModel* model_;
  TrainDock* dock_;
  LogModel* log_;
  QSortFilterProxyModel* proxy_;
  QTableView* table_;
  QLineEdit* filter_;
  QPushButton* refresh_;
  QPushButton* resume_;
  QPushButton* curves_;
  QToolButton* more_;
  QUndoStack* stack_;
  QProcess* eval_ = nullptr;
  TrainEvalView* eval_view_ = nullptr;
  QProgressBar* eval_progress_ = nullptr;  // shown while an evaluation runs
  QPushButton* eval_cancel_ = nullptr;     // stops it
  QByteArray eval_err_;                    // stderr not yet split into lines
  QString eval_messages_;                  // stderr lines that were not progress
  QString eval_run_;
  bool attention_available_ = false;
  QStringList keep_;  // the selected runs across a model reset
};

}  // namespace autofocus

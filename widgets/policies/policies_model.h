#pragma once

#include <QAbstractTableModel>
#include <QMap>
#include <QStringList>
#include <vector>

namespace autofocus {

// The project's trained runs as policies to compare (Policies panel): name, regulariser, target,
// status, best validation BC, closed-loop score and attention state, with a check box per row;
// checked policies get their attention maps computed in the background (PoliciesPanel).
class PoliciesModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  // Columns, in display order.
  enum Column {
    kName = 0,
    kRegularizer,
    kTarget,
    kStatus,
    kValBc,
    kScore,
    kAttention,
    kColumnCount
  };

  explicit PoliciesModel(QObject* parent = nullptr);

  // Lists PROJECT/runs (empty dir: no rows). Check marks of runs still present are kept.
  void SetProject(const QString& dir);
  QString project() const { return project_; }
  // Re-reads the runs folder.
  void Refresh();
  // Checked runs with a policy, in row order.
  QStringList checkedRuns() const;
  // Checks or unchecks `run` (no-op for unknown runs or runs without policy.pt).
  void SetChecked(const QString& run, bool checked);
  // What the Attention column shows for `run` ("cached", "computing", "failed: ...").
  void SetAttentionState(const QString& run, const QString& state);
  // Row of `run`, -1 when absent.
  int RowOf(const QString& run) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 Q_SIGNALS:
  // The set of checked runs changed.
  void checkedChanged(const QStringList& runs);

 private:
  // One run as listed.
  struct Row {
    QString name, regularizer, target, status, score;
    double best_val_bc = -1;
    bool has_policy = false;
    bool checked = false;
    QString attention;
  };
  std::vector<Row> rows_;
  QString project_;
};

}  // namespace autofocus

#pragma once

#include <QString>
#include <QWidget>

#include "core/base/json_io.h"

class QLabel;
class QPushButton;
class QTableWidget;

namespace autofocus {

// The result of one `autofocus evaluate-policy --json` in a window: one row per route x seed
// (family, completion, infractions by kind, score, video) and the mean +- standard error; the
// video folder opens in the desktop's file manager.
class TrainEvalView : public QWidget {
  Q_OBJECT

 public:
  explicit TrainEvalView(QWidget* parent = nullptr);
  // Shows `result` (the evaluate-policy JSON) of `run`; false (and an empty table) when it has
  // no "runs" list.
  bool SetResult(const QString& run, const Json& result);
  // The table (tests read it).
  QTableWidget* table() const { return table_; }
  // The summary line ("mean 46.3 +- 6.1 over 20 runs ...").
  QString summary() const;

 private:
  QLabel* summary_;
  QTableWidget* table_;
  QPushButton* videos_;
  QString video_dir_;
};

}  // namespace autofocus

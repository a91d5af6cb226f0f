#pragma once

#include <QString>
#include <QWidget>
#include <array>
#include <filesystem>

#include "core/base/json_io.h"

class QCheckBox;
class QCustomPlot;
class QLabel;
class QTimer;

namespace autofocus {

// Live training curves (QCustomPlot): training loss, BC and regulariser from "step" metrics
// records, validation BC from "epoch" records, against the global step. Records only append
// data; one single-shot timer coalesces the replots (PlotJuggler style), so a fast run cannot
// flood the UI. A check box switches the y axis to a log scale.
class TrainCurves : public QWidget {
  Q_OBJECT
 public:
  // The curves.
  enum Series { kLoss = 0, kBc, kReg, kValBc, kSeriesCount };

  explicit TrainCurves(QWidget* parent = nullptr);

  // Removes every point.
  void Clear();
  // Adds one metrics record ({"type":"step"|"epoch","step",...}); other records are ignored.
  void AddRecord(const Json& record);
  // Clears, then adds every record of a run's metrics.jsonl (unreadable lines are skipped).
  void LoadMetricsFile(const std::filesystem::path& file);
  // Points of one curve.
  int pointCount(Series s) const { return counts_[static_cast<size_t>(s)]; }
  // Replots done so far (tests check the coalescing).
  int replotCount() const { return replots_; }
  // Log-scale y axis.
  void SetLogScale(bool on);
  bool logScale() const;
  // The plot (nullptr when built without QCustomPlot).
  QCustomPlot* plot() const { return plot_; }

 private:
  void ScheduleReplot();
  void Replot();

  QCustomPlot* plot_ = nullptr;
  QCheckBox* log_scale_ = nullptr;
  QTimer* replot_timer_ = nullptr;
  std::array<int, kSeriesCount> counts_{};
  int replots_ = 0;
};

}  // namespace autofocus

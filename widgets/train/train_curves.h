#pragma once

#include <QPointF>
#include <QString>
#include <QVector>
#include <QWidget>
#include <array>
#include <filesystem>
#include <vector>

#include "core/base/json_io.h"

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QSlider;
class QTimer;

namespace autofocus {

// Live training curves (QCustomPlot) against the global step: training loss, BC and
// regulariser, validation BC (dots), learning rate, samples/s and the data-wait share, from the
// "step" metrics records ("epoch" records give validation BC, and everything when a run logs
// per epoch only). A view selector shows the losses, the learning rate, the throughput or the
// data wait. Records only append raw points; the smoothing slider (TensorBoard's debiased EMA)
// and the log-scale toggle apply at display time, and one single-shot timer coalesces the
// replots, so a fast run cannot flood the UI. Other runs can be overlaid (one colour each).
class TrainCurves : public QWidget {
  Q_OBJECT
 public:
  // The curves.
  enum Series { kLoss = 0, kBc, kReg, kValBc, kLr, kSamplesPerS, kDataWait, kSeriesCount };
  // What the plot shows.
  enum View { kLosses = 0, kLearningRate, kThroughput, kDataWaitShare, kViewCount };

  explicit TrainCurves(QWidget* parent = nullptr);

  // Removes every point of the main run (overlays stay).
  void Clear();
  // Adds one metrics record ({"type":"step"|"epoch","step",...}) to the main run; other
  // records are ignored.
  void AddRecord(const Json& record);
  // Clears, then adds every record of a run's metrics.jsonl (unreadable lines are skipped).
  void LoadMetricsFile(const std::filesystem::path& file);
  // The label of the main run in the legend (empty: the series names alone).
  void SetMainLabel(const QString& label);
  // Replaces the overlaid runs: (label, metrics.jsonl) pairs drawn next to the main run.
  void SetOverlays(const std::vector<std::pair<QString, std::filesystem::path>>& runs);
  // Overlaid runs.
  int overlayCount() const { return static_cast<int>(tracks_.size()) - 1; }
  // Raw points of one curve of the main run (track 0) or of overlay track-1.
  int pointCount(Series s, int track = 0) const;
  // The values drawn for one curve (smoothed), for tests.
  QVector<double> displayedValues(Series s, int track = 0) const;
  // Replots done so far (tests check the coalescing).
  int replotCount() const { return replots_; }
  // Log-scale y axis.
  void SetLogScale(bool on);
  bool logScale() const;
  // EMA smoothing weight in [0, 0.99] (0 = raw).
  void SetSmoothing(double weight);
  double smoothing() const;
  // The view shown.
  void SetView(View view);
  View view() const;
  // The plot (nullptr when built without QCustomPlot).
  QCustomPlot* plot() const { return plot_; }

 private:
  // One run's raw points.
  struct Track {
    QString label;                                       // legend prefix
    std::array<std::vector<QPointF>, kSeriesCount> raw;  // (step, value) per series
    bool has_steps = false;  // step records seen (epoch ones add val only)
  };
  // Appends a record's values to `t`; whether any was added.
  static bool AddTo(Track* t, const Json& record);
  static void LoadInto(Track* t, const std::filesystem::path& file);
  void ScheduleReplot();
  void Replot();

  QCustomPlot* plot_ = nullptr;
  QCheckBox* log_scale_ = nullptr;
  QSlider* smoothing_ = nullptr;
  QLabel* smoothing_value_ = nullptr;
  QComboBox* view_ = nullptr;
  QTimer* replot_timer_ = nullptr;
  std::vector<Track> tracks_;  // [0] the main run, then the overlays
  int replots_ = 0;
};

}  // namespace autofocus

#pragma once

#include <QString>
#include <QWidget>

#include "widgets/train/train_process.h"

class QLabel;
class QProgressBar;
class QPushButton;

namespace autofocus {

class LogModel;
class TrainCurves;
class TrainForm;

// The "Train" dock: the options form (TrainForm over TrainOptions), Start / Stop / Resume of an
// `autofocus train ... --progress json` child process (TrainProcess), a progress bar with the
// ETA, the last metrics and the live curves (TrainCurves). Start is enabled only while the
// options pass Check() and a project is open; outcomes and failures go to the one log.
// The last options started are kept in QSettings (train/options).
class TrainDock : public QWidget {
  Q_OBJECT
 public:
  TrainDock(LogModel* log, QWidget* parent = nullptr);
  ~TrainDock() override;

  // The project runs go to (empty = none open).
  void SetProject(const QString& project_dir);
  const QString& project() const { return project_; }
  // Starts a new run with the form's options (name from the form, else run-<UTC time>);
  // false, with the reason in the log, when it cannot.
  bool Start();
  // Asks the running child to checkpoint and stop.
  void Stop();
  // Resumes run `name` (empty: the run this dock last started or resumed).
  bool Resume(const QString& name = QString());
  bool running() const { return process_->running(); }
  // The run last started or resumed here.
  const QString& lastRun() const { return last_run_; }
  // Loads a run's metrics.jsonl into the curves (ignored while a run is going).
  void ShowRun(const QString& name);

  // Parts, for tests and the install code.
  TrainForm* form() const { return form_; }
  TrainCurves* curves() const { return curves_; }
  TrainProcess* process() const { return process_; }
  QPushButton* startButton() const { return start_; }
  QPushButton* stopButton() const { return stop_; }
  QPushButton* resumeButton() const { return resume_; }
  QLabel* statusLabel() const { return status_; }
  QProgressBar* progressBar() const { return progress_; }

 Q_SIGNALS:
  // A run ended (after the log has its row): name and how.
  void runFinished(const QString& name, autofocus::TrainProcess::Outcome outcome);

 private:
  void UpdateButtons();
  void OnProgress(const QString& stage, const QString& item, qint64 done, qint64 total, double eta);
  void OnMetrics(const TrainLine& line);
  void OnFinished(TrainProcess::Outcome outcome, const QString& reason);
  void LoadSettings();
  void SaveSettings() const;

  LogModel* log_;
  TrainProcess* process_;
  TrainForm* form_;
  TrainCurves* curves_;
  QPushButton* start_;
  QPushButton* stop_;
  QPushButton* resume_;
  QProgressBar* progress_;
  QLabel* status_;
  QLabel* metrics_;
  QString project_;
  QString last_run_;
  bool last_resumable_ = false;  // the last run ended stopped, failed or crashed
};

}  // namespace autofocus

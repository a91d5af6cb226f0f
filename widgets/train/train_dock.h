#pragma once

#include <QList>
#include <QMap>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QWidget>

#include "widgets/train/train_process.h"

class QLabel;
class QProgressBar;
class QPushButton;

namespace autofocus {

class LogModel;
class RunFollower;
class TrainCurves;
class TrainForm;
class TrainProbe;

// The "Train" dock: the options form (TrainForm over TrainOptions) with the estimated time
// per epoch from a measured probe (TrainProbe), Start / Add to Queue / Stop / Resume of
// `autofocus train ... --progress json` child processes (TrainProcess), a progress bar, the
// ETA, the last metrics and the live curves (TrainCurves). Queued runs start one after another
// (train/max_concurrent at a time, default 1). A run left going when the studio closed is
// followed through its metrics.jsonl (RunFollower) when its project is opened again.
// Start is enabled only while the options pass Check() and a project is open; outcomes and
// failures go to the one log. The last options started are kept in QSettings (train/options).
class TrainDock : public QWidget {
  Q_OBJECT
 public:
  // What closing the studio does with runs still going.
  enum class CloseChoice { kAsk, kStop, kLeaveRunning, kCancel };

  TrainDock(LogModel* log, QWidget* parent = nullptr);
  ~TrainDock() override;

  // The project runs go to (empty = none open). Follows a run of it that a trainer left
  // running by the studio is still training.
  void SetProject(const QString& project_dir);
  const QString& project() const { return project_; }
  // Starts a new run with the form's options (name from the form, else run-<UTC time>);
  // false, with the reason in the log, when it cannot (invalid, no project, busy).
  bool Start();
  // Adds the form's options to the queue (they start when a slot is free, at once when idle);
  // returns the run's name, empty (with the reason in the log) when refused.
  QString Enqueue();
  // Names of the queued runs, in order.
  QStringList queuedRuns() const;
  // Drops every queued run.
  void ClearQueue();
  // Runs trained at the same time (QSettings train/max_concurrent, default 1).
  static int maxConcurrent();
  static void SetMaxConcurrent(int n);
  // Asks the running child (or the followed trainer) to checkpoint and stop.
  void Stop();
  // Resumes run `name` (empty: the run this dock last started or resumed).
  bool Resume(const QString& name = QString());
  // The dock's own child is training.
  bool running() const { return process_->running(); }
  // A child of the dock, a background queue slot or a followed trainer is going.
  bool busy() const;
  // Runs going now (own children and the followed one).
  QStringList activeRuns() const;
  // The run last started or resumed here.
  const QString& lastRun() const { return last_run_; }
  // Loads a run's metrics.jsonl into the curves (ignored while a run is going).
  void ShowRun(const QString& name);
  // The first run's curves with the others overlaid (while a run is going: the live run with
  // the others overlaid).
  void ShowRuns(const QStringList& names);

  // Measures the step time of the form's options (estimateLabel() shows the result).
  bool Probe();
  // Follows run `name` trained by a process the studio does not own.
  bool Follow(const QString& name);
  // The run followed (empty when none).
  QString followedRun() const;

  // What closing does with runs still going: the setting train/on_close ("stop", "leave";
  // anything else asks once, through a dialog parented to `parent`).
  CloseChoice AskClose(QWidget* parent);
  // Carries out `choice` for every run going; false for kCancel. kStop waits (up to
  // `wait_ms`) for the checkpoints; kLeaveRunning detaches the children (RUN/trainer.pid
  // lets a later studio follow and stop them). Queued runs are dropped either way.
  bool PrepareClose(CloseChoice choice, int wait_ms = 30000);

  // Parts, for tests and the install code.
  TrainForm* form() const { return form_; }
  TrainCurves* curves() const { return curves_; }
  TrainProcess* process() const { return process_; }
  TrainProbe* probe() const { return probe_; }
  QPushButton* startButton() const { return start_; }
  QPushButton* queueButton() const { return queue_; }
  QPushButton* stopButton() const { return stop_; }
  QPushButton* resumeButton() const { return resume_; }
  QPushButton* probeButton() const { return probe_button_; }
  QLabel* statusLabel() const { return status_; }
  QLabel* etaLabel() const { return eta_; }
  QLabel* estimateLabel() const { return estimate_; }
  QLabel* queueLabel() const { return queue_label_; }
  QProgressBar* progressBar() const { return progress_; }

 Q_SIGNALS:
  // A run ended (after the log has its row): name and how.
  void runFinished(const QString& name, autofocus::TrainProcess::Outcome outcome);
  // A queued run started (in the dock's own process or a background slot).
  void runStarted(const QString& name);

 private:
  // A run waiting for a slot.
  struct Queued {
    TrainOptions options;  // with the name set
    QString name;          // its run folder
  };
  void UpdateButtons();
  void UpdateEstimate();
  void UpdateQueueLabel();
  // Checks the form and picks the run name; false (logged) when it cannot.
  bool TakeForm(Queued* out);
  bool NameTaken(const QString& name) const;
  bool StartIn(TrainProcess* p, const Queued& q);
  void Pump();
  void OnProgress(const QString& stage, const QString& item, qint64 done, qint64 total, double eta);
  void OnMetrics(const TrainLine& line);
  void OnFinished(TrainProcess::Outcome outcome, const QString& reason);
  void OnBackgroundFinished(TrainProcess* p, TrainProcess::Outcome outcome, const QString& reason);
  // Logs how a run ended; returns the text (for the status line).
  QString LogOutcome(const QString& name, TrainProcess::Outcome outcome, const QString& reason,
                     const Json& summary);
  void OnProbeFinished(const QString& key, double ms, double wait, const QString& error);
  void OnFollowEnded(const QString& status);
  void LoadSettings();
  void SaveSettings() const;

  LogModel* log_;
  TrainProcess* process_;
  QList<TrainProcess*> background_;  // queue slots beyond the first (train/max_concurrent > 1)
  TrainProbe* probe_;
  RunFollower* follower_;
  TrainForm* form_;
  TrainCurves* curves_;
  QPushButton* start_;
  QPushButton* queue_;
  QPushButton* clear_queue_;
  QPushButton* stop_;
  QPushButton* resume_;
  QPushButton* probe_button_;
  QProgressBar* progress_;
  QLabel* status_;
  QLabel* eta_;
  QLabel* estimate_;
  QLabel* queue_label_;
  QLabel* metrics_;
  QString project_;
  QString last_run_;
  QString followed_;
  QList<Queued> queue_items_;
  QMap<QString, QPair<double, double>> probes_;  // probe key -> (ms per step, data wait)
  bool last_resumable_ = false;                  // the last run ended stopped, failed or crashed
  bool closing_ = false;                         // PrepareClose ran: nothing new starts
};

}  // namespace autofocus

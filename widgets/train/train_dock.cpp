#include "widgets/train/train_dock.h"

#include <QAction>
#include <QCheckBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QThread>
#include <QVBoxLayout>
#include <climits>
#include <cmath>
#include <csignal>

#include "core/dataset/project_store.h"
#include "core/train/run_registry.h"
#include "widgets/log_model.h"
#include "widgets/train/train_curves.h"
#include "widgets/train/train_follow.h"
#include "widgets/train/train_form.h"
#include "widgets/train/train_probe.h"

namespace autofocus {
namespace {

constexpr char kSettingsKey[] = "train/options";
constexpr char kConcurrencyKey[] = "train/max_concurrent";
constexpr char kOnCloseKey[] = "train/on_close";

QString Eta(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds)) return QString();
  const qint64 s = std::llround(seconds);
  if (s < 60) return TrainDock::tr("%1 s left").arg(s);
  if (s < 3600) return TrainDock::tr("%1 min %2 s left").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
  return TrainDock::tr("%1 h %2 min left").arg(s / 3600).arg((s / 60) % 60, 2, 10, QChar('0'));
}

QString Seconds(double s) {
  const QLocale c = QLocale::c();
  if (s < 90) return TrainDock::tr("%1 s").arg(c.toString(s, 'f', s < 10 ? 1 : 0));
  if (s < 5400) return TrainDock::tr("%1 min").arg(c.toString(s / 60, 'f', 1));
  return TrainDock::tr("%1 h").arg(c.toString(s / 3600, 'f', 1));
}

QString RunDir(const QString& project, const QString& name) {
  return QString::fromStdString(RunDirectory(project.toStdString(), name.toStdString()).string());
}

// The HDF5 filter keys ("mask:NAME" data filters) of a project's episodes. Reads every
// episode.json once per project opened; an unreadable project has none.
QStringList SavedFilters(const QString& project) {
  QStringList out;
  try {
    const ProjectStore store = ProjectStore::Open(project.toStdString());
    for (const auto& e : store.info().episodes) {
      const Json masks = store.LoadEpisode(e.name).metadata.value("hdf5_masks", Json::array());
      for (const Json& m : masks) {
        if (m.is_string() && !out.contains(QString::fromStdString(m.get<std::string>())))
          out << QString::fromStdString(m.get<std::string>());
      }
    }
  } catch (const std::exception&) {
  }
  out.sort();
  return out;
}

}  // namespace

TrainDock::TrainDock(LogModel* log, QWidget* parent)
    : QWidget(parent),
      log_(log),
      process_(new TrainProcess(this)),
      probe_(new TrainProbe(this)),
      follower_(new RunFollower(this)) {
  setObjectName("trainDock");
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* split = new QSplitter(Qt::Vertical, this);
  layout->addWidget(split, 1);

  auto* top = new QWidget(split);
  auto* top_layout = new QVBoxLayout(top);
  top_layout->setContentsMargins(0, 0, 0, 0);
  form_ = new TrainForm(top);
  auto* scroll = new QScrollArea(top);
  scroll->setWidget(form_);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  top_layout->addWidget(scroll, 1);
  auto* estimate_row = new QHBoxLayout;
  probe_button_ = new QPushButton(tr("Measure"), top);
  probe_button_->setObjectName("trainProbe");
  probe_button_->setToolTip(
      tr("Time a few training steps of these options on the project's frames (GABRIL CNN, "
         "the real loader) and estimate the time per epoch"));
  estimate_ = new QLabel(tr("Time per epoch: not measured"), top);
  estimate_->setObjectName("trainEstimate");
  estimate_->setWordWrap(true);
  estimate_row->addWidget(probe_button_);
  estimate_row->addWidget(estimate_, 1);
  top_layout->addLayout(estimate_row);
  split->addWidget(top);

  auto* live = new QWidget(split);
  auto* live_layout = new QVBoxLayout(live);
  live_layout->setContentsMargins(0, 0, 0, 0);
  auto* buttons = new QHBoxLayout;
  start_ = new QPushButton(tr("Start"), live);
  start_->setObjectName("trainStart");
  queue_ = new QPushButton(tr("Add to Queue"), live);
  queue_->setObjectName("trainQueue");
  queue_->setToolTip(tr("Start this run when the runs before it have ended"));
  stop_ = new QPushButton(tr("Stop"), live);
  stop_->setObjectName("trainStop");
  stop_->setToolTip(
      tr("Finish the current step, write last.ckpt and end the run (it can be resumed)"));
  resume_ = new QPushButton(tr("Resume"), live);
  resume_->setObjectName("trainResume");
  resume_->setToolTip(tr("Continue the last stopped run from its checkpoint"));
  buttons->addWidget(start_);
  buttons->addWidget(queue_);
  buttons->addWidget(stop_);
  buttons->addWidget(resume_);
  buttons->addStretch(1);
  live_layout->addLayout(buttons);
  auto* queue_row = new QHBoxLayout;
  queue_label_ = new QLabel(live);
  queue_label_->setObjectName("trainQueueLabel");
  queue_label_->setWordWrap(true);
  clear_queue_ = new QPushButton(tr("Clear Queue"), live);
  clear_queue_->setObjectName("trainClearQueue");
  queue_row->addWidget(queue_label_, 1);
  queue_row->addWidget(clear_queue_);
  live_layout->addLayout(queue_row);
  progress_ = new QProgressBar(live);
  progress_->setObjectName("trainProgress");
  progress_->setRange(0, 1);
  progress_->setValue(0);
  auto* progress_row = new QHBoxLayout;
  progress_row->addWidget(progress_, 1);
  eta_ = new QLabel(live);
  eta_->setObjectName("trainEta");
  eta_->setToolTip(tr("Estimated time left of the run being trained"));
  progress_row->addWidget(eta_);
  live_layout->addLayout(progress_row);
  status_ = new QLabel(tr("Idle"), live);
  status_->setObjectName("trainStatus");
  status_->setWordWrap(true);
  live_layout->addWidget(status_);
  metrics_ = new QLabel(live);
  metrics_->setObjectName("trainMetrics");
  metrics_->setWordWrap(true);
  live_layout->addWidget(metrics_);
  curves_ = new TrainCurves(live);
  live_layout->addWidget(curves_, 1);
  split->addWidget(live);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 1);

  // Keyboard: only while the dock has the focus (listed in the F1 dialog).
  auto* start_action = new QAction(tr("Start Training"), this);
  start_action->setObjectName("action_train_start");
  start_action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
  start_action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  start_action->setToolTip(tr("Start a run with the Train dock's options"));
  addAction(start_action);
  connect(start_action, &QAction::triggered, this, [this] {
    if (start_->isEnabled()) Start();
  });
  auto* queue_action = new QAction(tr("Add Training Run to Queue"), this);
  queue_action->setObjectName("action_train_queue");
  queue_action->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Return));
  queue_action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  queue_action->setToolTip(tr("Queue a run with the Train dock's options"));
  addAction(queue_action);
  connect(queue_action, &QAction::triggered, this, [this] {
    if (queue_->isEnabled()) Enqueue();
  });
  connect(start_, &QPushButton::clicked, this, [this] { Start(); });
  connect(queue_, &QPushButton::clicked, this, [this] { Enqueue(); });
  connect(clear_queue_, &QPushButton::clicked, this, &TrainDock::ClearQueue);
  connect(stop_, &QPushButton::clicked, this, &TrainDock::Stop);
  connect(resume_, &QPushButton::clicked, this, [this] { Resume(); });
  connect(probe_button_, &QPushButton::clicked, this, [this] { Probe(); });
  connect(form_, &TrainForm::validityChanged, this, &TrainDock::UpdateButtons);
  connect(form_, &TrainForm::edited, this, &TrainDock::UpdateEstimate);
  connect(process_, &TrainProcess::progress, this, &TrainDock::OnProgress);
  connect(process_, &TrainProcess::metrics, this, &TrainDock::OnMetrics);
  connect(process_, &TrainProcess::finished, this, &TrainDock::OnFinished);
  connect(probe_, &TrainProbe::finished, this, &TrainDock::OnProbeFinished);
  connect(follower_, &RunFollower::ended, this, &TrainDock::OnFollowEnded);
  LoadSettings();
  UpdateButtons();
  UpdateQueueLabel();
}

TrainDock::~TrainDock() = default;

int TrainDock::maxConcurrent() {
  return std::max(1, QSettings().value(kConcurrencyKey, 1).toInt());
}

void TrainDock::SetMaxConcurrent(int n) {
  QSettings().setValue(kConcurrencyKey, std::max(1, n));
}

void TrainDock::SetProject(const QString& project_dir) {
  if (project_dir != project_) {
    queue_items_.clear();  // queued runs belong to the project they were queued for
    follower_->Stop();
    followed_.clear();
    form_->SetSavedFilters(project_dir.isEmpty() ? QStringList() : SavedFilters(project_dir));
  }
  project_ = project_dir;
  if (!running()) {
    last_run_.clear();
    last_resumable_ = false;
  }
  // A trainer the studio left running (or one started from a terminal with its pid written)
  // is followed again.
  if (!project_.isEmpty() && !busy()) {
    for (const RunSummary& s : ListRuns(project_.toStdString())) {
      if (s.status != "running") continue;
      const QString name = QString::fromStdString(s.name);
      if (RunFollower::LivePid(RunDir(project_, name)) > 0) {
        Follow(name);
        break;
      }
    }
  }
  UpdateQueueLabel();
  UpdateButtons();
  UpdateEstimate();
}

bool TrainDock::busy() const {
  return running() || !background_.isEmpty() || follower_->following();
}

QStringList TrainDock::activeRuns() const {
  QStringList out;
  if (running()) out << process_->runName();
  for (const TrainProcess* p : background_) out << p->runName();
  if (follower_->following()) out << followed_;
  return out;
}

QString TrainDock::followedRun() const {
  return follower_->following() ? followed_ : QString();
}

void TrainDock::UpdateButtons() {
  const bool mine = running() || follower_->following();
  const bool can = form_->valid() && !project_.isEmpty() && !closing_;
  start_->setEnabled(!busy() && can);
  const QString why = form_->valid() ? (project_.isEmpty() ? tr("Open a project first") : QString())
                                     : form_->errorText();
  start_->setToolTip(why);
  queue_->setEnabled(can);
  queue_->setToolTip(why.isEmpty() ? tr("Start this run when the runs before it have ended") : why);
  const bool stopping = running() ? process_->stopRequested() : false;
  stop_->setEnabled(mine && !stopping);
  resume_->setEnabled(!busy() && last_resumable_ && !last_run_.isEmpty() && !project_.isEmpty());
  probe_button_->setEnabled(form_->valid() && !project_.isEmpty() && !probe_->running());
  clear_queue_->setEnabled(!queue_items_.isEmpty());
}

void TrainDock::UpdateQueueLabel() {
  QStringList names = queuedRuns();
  queue_label_->setText(names.isEmpty() ? tr("Queue: empty")
                                        : tr("Queue: %1").arg(names.join(QStringLiteral(", "))));
  clear_queue_->setEnabled(!names.isEmpty());
}

void TrainDock::UpdateEstimate() {
  if (project_.isEmpty() || !form_->valid()) {
    estimate_->setText(tr("Time per epoch: not measured"));
    return;
  }
  const TrainOptions o = form_->options();
  const auto it = probes_.constFind(TrainProbe::Key(project_, o));
  if (it == probes_.constEnd()) {
    estimate_->setText(probe_->running() ? tr("Time per epoch: measuring...")
                                         : tr("Time per epoch: not measured (Measure)"));
    return;
  }
  const double epoch =
      TrainProbe::EpochSeconds(it->first, TrainProbe::TrainSamples(project_, o), o.batch);
  QString text =
      tr("Time per epoch: about %1 (%2 ms per step, data wait %3 %)")
          .arg(epoch >= 0 ? Seconds(epoch) : tr("?"), QLocale::c().toString(it->first, 'f', 0),
               QLocale::c().toString(100 * it->second, 'f', 0));
  if (epoch >= 0 && o.epochs > 0)
    text += tr("; %1 for %2 epochs").arg(Seconds(epoch * o.epochs)).arg(o.epochs);
  if (o.model != "gabril-cnn")
    text += tr(" — measured with the GABRIL CNN, not %1").arg(QString::fromStdString(o.model));
  estimate_->setText(text);
}

bool TrainDock::Probe() {
  if (project_.isEmpty() || !form_->valid()) return false;
  probe_->SetCli(process_->cli());
  QString error;
  if (!probe_->Start(project_, form_->options(), &error)) {
    log_->Add(LogModel::kError, {}, tr("Cannot measure the step time: %1").arg(error));
    return false;
  }
  UpdateEstimate();
  UpdateButtons();
  return true;
}

void TrainDock::OnProbeFinished(const QString& key, double ms, double wait, const QString& error) {
  if (ms < 0) {
    log_->Add(LogModel::kWarning, {}, tr("Measuring the step time failed: %1").arg(error));
    estimate_->setText(tr("Time per epoch: the measurement failed"));
  } else {
    probes_.insert(key, {ms, wait});
    UpdateEstimate();
  }
  UpdateButtons();
}

bool TrainDock::NameTaken(const QString& name) const {
  if (QDir(RunDir(project_, name)).exists()) return true;
  if (activeRuns().contains(name)) return true;
  for (const Queued& q : queue_items_) {
    if (q.name == name) return true;
  }
  return false;
}

bool TrainDock::TakeForm(Queued* out) {
  if (project_.isEmpty()) {
    log_->Add(LogModel::kError, {}, tr("Open a project before starting a training run."));
    return false;
  }
  if (!form_->valid()) {
    log_->Add(LogModel::kError, {}, tr("Training options are invalid: %1").arg(form_->errorText()));
    return false;
  }
  out->options = form_->options();
  out->name = QString::fromStdString(out->options.name);
  if (out->name.isEmpty()) {
    // The name must be known to resume; the CLI's own default is the same time stamp. Runs
    // queued within one second get a suffix.
    const QString stamp = "run-" + QDateTime::currentDateTimeUtc().toString("yyyyMMdd-HHmmss");
    out->name = stamp;
    for (int n = 2; NameTaken(out->name); ++n) out->name = stamp + "-" + QString::number(n);
  } else if (NameTaken(out->name)) {
    log_->Add(LogModel::kError, {},
              tr("A run named %1 exists or is queued; choose another name.").arg(out->name));
    return false;
  }
  out->options.name = out->name.toStdString();
  return true;
}

bool TrainDock::Start() {
  if (busy()) {
    log_->Add(LogModel::kError, {},
              tr("A training run is going; Add to Queue starts this one after it."));
    return false;
  }
  Queued q;
  if (!TakeForm(&q)) return false;
  return StartIn(process_, q);
}

QString TrainDock::Enqueue() {
  Queued q;
  if (closing_ || !TakeForm(&q)) return QString();
  queue_items_ << q;
  // A name is used once: the next queued run gets its own.
  if (!form_->options().name.empty()) {
    TrainOptions o = form_->options();
    o.name.clear();
    form_->SetOptions(o);
  }
  log_->Add(LogModel::kInfo, {}, tr("Training run %1 queued").arg(q.name));
  Pump();
  UpdateQueueLabel();
  UpdateButtons();
  return q.name;
}

QStringList TrainDock::queuedRuns() const {
  QStringList out;
  for (const Queued& q : queue_items_) out << q.name;
  return out;
}

void TrainDock::ClearQueue() {
  if (queue_items_.isEmpty()) return;
  log_->Add(LogModel::kInfo, {}, tr("Queue cleared: %1").arg(queuedRuns().join(", ")));
  queue_items_.clear();
  UpdateQueueLabel();
  UpdateButtons();
}

void TrainDock::Pump() {
  while (!queue_items_.isEmpty() && !closing_ && activeRuns().size() < maxConcurrent()) {
    const Queued q = queue_items_.takeFirst();
    if (!running() && !follower_->following()) {
      StartIn(process_, q);
      continue;
    }
    // A further slot: trained in the background, its outcome logged, the curves stay on the
    // dock's own run.
    auto* p = new TrainProcess(this);
    p->SetCli(process_->cli());
    connect(p, &TrainProcess::finished, this, [this, p](TrainProcess::Outcome o, const QString& r) {
      OnBackgroundFinished(p, o, r);
    });
    background_ << p;
    QString error;
    if (!p->Start(project_, q.options, q.name, &error)) {
      background_.removeOne(p);
      p->deleteLater();
      log_->Add(LogModel::kError, {}, tr("Training run %1 could not start: %2").arg(q.name, error));
      continue;
    }
    log_->Add(LogModel::kInfo, {}, tr("Training run %1 started in the background").arg(q.name));
    Q_EMIT runStarted(q.name);
  }
  UpdateQueueLabel();
}

bool TrainDock::StartIn(TrainProcess* p, const Queued& q) {
  QString error;
  if (!p->Start(project_, q.options, q.name, &error)) {
    log_->Add(LogModel::kError, {}, tr("Training run %1 could not start: %2").arg(q.name, error));
    return false;
  }
  SaveSettings();
  last_run_ = q.name;
  last_resumable_ = false;
  curves_->Clear();
  curves_->SetOverlays({});
  curves_->SetMainLabel(QString());
  progress_->setRange(0, 0);  // busy until the first progress line
  eta_->clear();
  status_->setText(tr("Starting %1...").arg(q.name));
  metrics_->clear();
  log_->Add(LogModel::kInfo, {}, tr("Training run %1 started").arg(q.name));
  UpdateButtons();
  Q_EMIT runStarted(q.name);
  return true;
}

void TrainDock::Stop() {
  if (follower_->following()) {
    const qint64 pid = RunFollower::LivePid(RunDir(project_, followed_));
    if (pid > 0) ::kill(static_cast<pid_t>(pid), SIGTERM);
    status_->setText(tr("Stopping %1 (writing a checkpoint)...").arg(followed_));
    stop_->setEnabled(false);
    return;
  }
  if (!running()) return;
  process_->Stop();
  status_->setText(tr("Stopping %1 (writing a checkpoint)...").arg(process_->runName()));
  UpdateButtons();
}

bool TrainDock::Resume(const QString& requested) {
  const QString name = requested.isEmpty() ? last_run_ : requested;
  if (project_.isEmpty() || name.isEmpty()) {
    log_->Add(LogModel::kError, {}, tr("No training run to resume."));
    return false;
  }
  if (busy()) {
    log_->Add(LogModel::kError, {}, tr("A training run is going; resume %1 after it.").arg(name));
    return false;
  }
  QString error;
  if (!process_->Resume(project_, name, &error)) {
    log_->Add(LogModel::kError, {}, tr("Training run %1 could not resume: %2").arg(name, error));
    return false;
  }
  last_run_ = name;
  last_resumable_ = false;
  // The curves continue from what the run has recorded (metrics past the checkpoint are dropped
  // by the trainer, so nothing is drawn twice).
  curves_->LoadMetricsFile(RunDirectory(project_.toStdString(), name.toStdString()) /
                           "metrics.jsonl");
  progress_->setRange(0, 0);
  eta_->clear();
  status_->setText(tr("Resuming %1...").arg(name));
  log_->Add(LogModel::kInfo, {}, tr("Training run %1 resumed").arg(name));
  UpdateButtons();
  return true;
}

void TrainDock::ShowRun(const QString& name) {
  ShowRuns({name});
}

void TrainDock::ShowRuns(const QStringList& names) {
  if (project_.isEmpty() || names.isEmpty()) return;
  auto file = [this](const QString& n) {
    return RunDirectory(project_.toStdString(), n.toStdString()) / "metrics.jsonl";
  };
  std::vector<std::pair<QString, std::filesystem::path>> overlays;
  const bool live = running() || follower_->following();
  const QString live_name = running() ? process_->runName() : followed_;
  for (int i = live ? 0 : 1; i < names.size(); ++i) {
    if (live && names[i] == live_name) continue;
    overlays.emplace_back(names[i], file(names[i]));
  }
  if (!live) {
    curves_->LoadMetricsFile(file(names.front()));
    status_->setText(names.size() == 1
                         ? tr("Curves of %1").arg(names.front())
                         : tr("Curves of %1 and %2 more").arg(names.front()).arg(names.size() - 1));
  }
  curves_->SetMainLabel(overlays.empty() ? QString() : (live ? live_name : names.front()));
  curves_->SetOverlays(overlays);
}

bool TrainDock::Follow(const QString& name) {
  if (project_.isEmpty() || running()) return false;
  followed_ = name;
  curves_->Clear();
  curves_->SetOverlays({});
  curves_->SetMainLabel(QString());
  progress_->setRange(0, 0);
  eta_->clear();
  status_->setText(tr("Following %1 (trained by a process outside the studio)").arg(name));
  follower_->Follow(RunDir(project_, name), [this](const Json& r) {
    curves_->AddRecord(r);
    TrainLine line;
    line.kind = TrainLine::kMetrics;
    line.json = r;
    OnMetrics(line);
  });
  // The follower may have found the run already ended.
  if (follower_->following())
    log_->Add(LogModel::kInfo, {}, tr("Following training run %1").arg(name));
  UpdateButtons();
  return true;
}

void TrainDock::OnFollowEnded(const QString& status) {
  const QString name = followed_;
  followed_.clear();
  progress_->setRange(0, 1);
  progress_->setValue(status == "completed" ? 1 : 0);
  const TrainProcess::Outcome outcome = status == "completed" ? TrainProcess::Outcome::kCompleted
                                        : status == "stopped" ? TrainProcess::Outcome::kStopped
                                                              : TrainProcess::Outcome::kFailed;
  Json summary = Json::object();
  try {
    summary["best_val_bc"] =
        LoadJsonFile(RunDirectory(project_.toStdString(), name.toStdString()) / "run.json")
            .value("best_val_bc", -1.0);
  } catch (const std::exception&) {
  }
  last_run_ = name;
  last_resumable_ = outcome != TrainProcess::Outcome::kCompleted;
  status_->setText(LogOutcome(name, outcome,
                              outcome == TrainProcess::Outcome::kFailed
                                  ? tr("the trainer ended while the run said \"%1\"").arg(status)
                                  : QString(),
                              summary));
  eta_->clear();
  UpdateButtons();
  Q_EMIT runFinished(name, outcome);
  Pump();
}

void TrainDock::OnProgress(const QString&, const QString& item, qint64 done, qint64 total,
                           double eta) {
  if (total > 0) {
    progress_->setRange(0, static_cast<int>(std::min<qint64>(total, INT_MAX)));
    progress_->setValue(static_cast<int>(std::min(done, total)));
  }
  const QString left = Eta(eta);
  eta_->setText(left.isEmpty() ? QString() : tr("ETA %1").arg(left));
  status_->setText(item);
}

void TrainDock::OnMetrics(const TrainLine& line) {
  const Json& r = line.json;
  if (!follower_->following()) curves_->AddRecord(r);  // the follower adds its own
  auto num = [&](const char* key) {
    return r.contains(key) && r[key].is_number() ? r[key].get<double>() : NAN;
  };
  const QLocale c = QLocale::c();
  QStringList parts;
  parts << tr("epoch %1").arg(r.value("epoch", 0));
  if (std::isfinite(num("lr"))) parts << tr("lr %1").arg(c.toString(num("lr"), 'g', 3));
  if (std::isfinite(num("samples_per_s")))
    parts << tr("%1 samples/s").arg(c.toString(num("samples_per_s"), 'f', 1));
  if (std::isfinite(num("data_wait")))
    parts << tr("data wait %1 %").arg(c.toString(100 * num("data_wait"), 'f', 1));
  if (r.value("type", "") == "epoch" && std::isfinite(num("val_bc")))
    parts << tr("validation BC %1").arg(c.toString(num("val_bc"), 'g', 4));
  metrics_->setText(parts.join(QStringLiteral(" · ")));
}

QString TrainDock::LogOutcome(const QString& name, TrainProcess::Outcome outcome,
                              const QString& reason, const Json& sum) {
  const double best = sum.value("best_val_bc", -1.0);
  switch (outcome) {
    case TrainProcess::Outcome::kCompleted: {
      const QString text = best >= 0 ? tr("Training run %1 completed: best validation BC %2")
                                           .arg(name, QLocale::c().toString(best, 'g', 5))
                                     : tr("Training run %1 completed").arg(name);
      log_->Add(LogModel::kInfo, {}, text);
      return text;
    }
    case TrainProcess::Outcome::kStopped: {
      const QString text =
          reason.isEmpty()
              ? tr("Training run %1 stopped with a checkpoint; Resume continues it").arg(name)
              : tr("Training run %1 stopped: %2").arg(name, reason);
      log_->Add(LogModel::kWarning, {}, text);
      return text;
    }
    case TrainProcess::Outcome::kFailed:
    case TrainProcess::Outcome::kCrashed:
      break;
  }
  const QString text = tr("Training run %1 failed: %2").arg(name, reason);
  log_->Add(LogModel::kError, {}, text);
  return text;
}

void TrainDock::OnFinished(TrainProcess::Outcome outcome, const QString& reason) {
  const QString name = process_->runName();
  progress_->setRange(0, 1);
  progress_->setValue(outcome == TrainProcess::Outcome::kCompleted ? 1 : 0);
  eta_->clear();
  last_resumable_ = outcome != TrainProcess::Outcome::kCompleted;
  status_->setText(LogOutcome(name, outcome, reason, process_->summary()));
  UpdateButtons();
  Q_EMIT runFinished(name, outcome);
  // The next queued run starts after the registry has seen this one end.
  Pump();
  UpdateButtons();
}

void TrainDock::OnBackgroundFinished(TrainProcess* p, TrainProcess::Outcome outcome,
                                     const QString& reason) {
  const QString name = p->runName();
  LogOutcome(name, outcome, reason, p->summary());
  background_.removeOne(p);
  p->deleteLater();
  UpdateButtons();
  Q_EMIT runFinished(name, outcome);
  Pump();
  UpdateButtons();
}

TrainDock::CloseChoice TrainDock::AskClose(QWidget* parent) {
  const QStringList runs = activeRuns();
  if (runs.isEmpty()) return CloseChoice::kStop;  // nothing to ask about
  const QString setting = QSettings().value(kOnCloseKey).toString();
  if (setting == "stop") return CloseChoice::kStop;
  if (setting == "leave") return CloseChoice::kLeaveRunning;
  QMessageBox box(QMessageBox::Question, tr("Training is going"),
                  tr("Training run %1 is going. Stop it (a checkpoint is written; Resume "
                     "continues it) or leave it running after the studio closes?")
                      .arg(runs.join(", ")),
                  QMessageBox::NoButton, parent);
  if (!queue_items_.isEmpty())
    box.setInformativeText(
        tr("Queued runs that have not started are dropped: %1").arg(queuedRuns().join(", ")));
  QPushButton* stop = box.addButton(tr("Stop"), QMessageBox::DestructiveRole);
  QPushButton* leave = box.addButton(tr("Leave Running"), QMessageBox::AcceptRole);
  box.addButton(QMessageBox::Cancel);
  auto* remember = new QCheckBox(tr("Do not ask again"), &box);
  box.setCheckBox(remember);
  box.setDefaultButton(leave);
  box.exec();
  CloseChoice c = CloseChoice::kCancel;
  if (box.clickedButton() == stop) c = CloseChoice::kStop;
  if (box.clickedButton() == leave) c = CloseChoice::kLeaveRunning;
  if (remember->isChecked() && c != CloseChoice::kCancel)
    QSettings().setValue(kOnCloseKey, c == CloseChoice::kStop ? "stop" : "leave");
  return c;
}

bool TrainDock::PrepareClose(CloseChoice choice, int wait_ms) {
  if (choice == CloseChoice::kCancel) return false;
  if (choice == CloseChoice::kAsk) return PrepareClose(AskClose(window()), wait_ms);
  closing_ = true;
  queue_items_.clear();
  QList<TrainProcess*> all = background_;
  if (running()) all.prepend(process_);
  if (choice == CloseChoice::kLeaveRunning) {
    for (TrainProcess* p : all) {
      const QString name = p->runName();
      const QString dir = RunDir(project_, name);
      // The run folder appears once the trainer has loaded its data; a later studio finds the
      // trainer through trainer.pid in it.
      QElapsedTimer t;
      t.start();
      while (!QDir(dir).exists() && t.elapsed() < 5000 && p->running()) QThread::msleep(50);
      const qint64 pid = p->Detach();
      if (pid > 0 && RunFollower::WritePid(dir, pid)) {
        log_->Add(LogModel::kInfo, {},
                  tr("Training run %1 left running (pid %2)").arg(name).arg(pid));
      } else if (pid > 0) {
        log_->Add(LogModel::kWarning, {},
                  tr("Training run %1 left running (pid %2); no pid file, so the studio will not "
                     "follow it")
                      .arg(name)
                      .arg(pid));
      }
    }
    follower_->Stop();  // a followed trainer goes on by itself
    return true;
  }
  // Stop: SIGTERM to every trainer, then wait for their checkpoints.
  for (TrainProcess* p : all) p->Stop();
  if (follower_->following()) {
    const qint64 pid = RunFollower::LivePid(RunDir(project_, followed_));
    if (pid > 0) ::kill(static_cast<pid_t>(pid), SIGTERM);
    follower_->Stop();
  }
  QElapsedTimer t;
  t.start();
  for (TrainProcess* p : all) {
    while (p->running() && t.elapsed() < wait_ms) {
      QCoreApplication::processEvents(QEventLoop::ExcludeUserInputEvents, 50);
    }
  }
  return true;
}

void TrainDock::LoadSettings() {
  const QString text = QSettings().value(kSettingsKey).toString();
  if (text.isEmpty()) return;
  // Options saved by another version may no longer parse or pass Check(): keep the defaults.
  try {
    form_->SetOptions(
        TrainOptions::FromJson(ParseJsonText(text.toStdString(), kSettingsKey), kSettingsKey));
  } catch (const std::exception&) {
  }
}

void TrainDock::SaveSettings() const {
  TrainOptions o = form_->options();
  o.name.clear();  // a name is used once; the next run gets a new one
  QSettings().setValue(kSettingsKey, QString::fromStdString(o.ToJson().dump()));
}

}  // namespace autofocus

#include "widgets/train/train_dock.h"

#include <QDateTime>
#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QVBoxLayout>
#include <climits>
#include <cmath>

#include "core/train/run_registry.h"
#include "widgets/log_model.h"
#include "widgets/train/train_curves.h"
#include "widgets/train/train_form.h"

namespace autofocus {
namespace {

constexpr char kSettingsKey[] = "train/options";

QString Eta(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds)) return QString();
  const qint64 s = std::llround(seconds);
  if (s < 60) return TrainDock::tr("%1 s left").arg(s);
  return TrainDock::tr("%1 min %2 s left").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

}  // namespace

TrainDock::TrainDock(LogModel* log, QWidget* parent)
    : QWidget(parent), log_(log), process_(new TrainProcess(this)) {
  setObjectName("trainDock");
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* split = new QSplitter(Qt::Vertical, this);
  layout->addWidget(split, 1);

  form_ = new TrainForm(this);
  auto* scroll = new QScrollArea(split);
  scroll->setWidget(form_);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  split->addWidget(scroll);

  auto* live = new QWidget(split);
  auto* live_layout = new QVBoxLayout(live);
  live_layout->setContentsMargins(0, 0, 0, 0);
  auto* buttons = new QHBoxLayout;
  start_ = new QPushButton(tr("Start"), live);
  start_->setObjectName("trainStart");
  stop_ = new QPushButton(tr("Stop"), live);
  stop_->setObjectName("trainStop");
  stop_->setToolTip(
      tr("Finish the current step, write last.ckpt and end the run (it can be resumed)"));
  resume_ = new QPushButton(tr("Resume"), live);
  resume_->setObjectName("trainResume");
  resume_->setToolTip(tr("Continue the last stopped run from its checkpoint"));
  buttons->addWidget(start_);
  buttons->addWidget(stop_);
  buttons->addWidget(resume_);
  buttons->addStretch(1);
  live_layout->addLayout(buttons);
  progress_ = new QProgressBar(live);
  progress_->setObjectName("trainProgress");
  progress_->setRange(0, 1);
  progress_->setValue(0);
  live_layout->addWidget(progress_);
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

  connect(start_, &QPushButton::clicked, this, [this] { Start(); });
  connect(stop_, &QPushButton::clicked, this, &TrainDock::Stop);
  connect(resume_, &QPushButton::clicked, this, [this] { Resume(); });
  connect(form_, &TrainForm::validityChanged, this, &TrainDock::UpdateButtons);
  connect(process_, &TrainProcess::progress, this, &TrainDock::OnProgress);
  connect(process_, &TrainProcess::metrics, this, &TrainDock::OnMetrics);
  connect(process_, &TrainProcess::finished, this, &TrainDock::OnFinished);
  LoadSettings();
  UpdateButtons();
}

TrainDock::~TrainDock() = default;

void TrainDock::SetProject(const QString& project_dir) {
  project_ = project_dir;
  if (!running()) {
    last_run_.clear();
    last_resumable_ = false;
  }
  UpdateButtons();
}

void TrainDock::UpdateButtons() {
  const bool busy = running();
  start_->setEnabled(!busy && form_->valid() && !project_.isEmpty());
  start_->setToolTip(form_->valid() ? (project_.isEmpty() ? tr("Open a project first") : QString())
                                    : form_->errorText());
  stop_->setEnabled(busy && !process_->stopRequested());
  resume_->setEnabled(!busy && last_resumable_ && !last_run_.isEmpty() && !project_.isEmpty());
  form_->setEnabled(!busy);
}

bool TrainDock::Start() {
  if (project_.isEmpty()) {
    log_->Add(LogModel::kError, {}, tr("Open a project before starting a training run."));
    return false;
  }
  if (!form_->valid()) {
    log_->Add(LogModel::kError, {}, tr("Training options are invalid: %1").arg(form_->errorText()));
    return false;
  }
  const TrainOptions o = form_->options();
  QString name = QString::fromStdString(o.name);
  if (name.isEmpty()) {
    // The name must be known to resume; the CLI's own default is the same time stamp.
    name = "run-" + QDateTime::currentDateTimeUtc().toString("yyyyMMdd-HHmmss");
  }
  QString error;
  if (!process_->Start(project_, o, name, &error)) {
    log_->Add(LogModel::kError, {}, tr("Training run %1 could not start: %2").arg(name, error));
    return false;
  }
  SaveSettings();
  last_run_ = name;
  last_resumable_ = false;
  curves_->Clear();
  progress_->setRange(0, 0);  // busy until the first progress line
  status_->setText(tr("Starting %1...").arg(name));
  metrics_->clear();
  log_->Add(LogModel::kInfo, {}, tr("Training run %1 started").arg(name));
  UpdateButtons();
  return true;
}

void TrainDock::Stop() {
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
  status_->setText(tr("Resuming %1...").arg(name));
  log_->Add(LogModel::kInfo, {}, tr("Training run %1 resumed").arg(name));
  UpdateButtons();
  return true;
}

void TrainDock::ShowRun(const QString& name) {
  if (running() || project_.isEmpty()) return;
  curves_->LoadMetricsFile(RunDirectory(project_.toStdString(), name.toStdString()) /
                           "metrics.jsonl");
  status_->setText(tr("Curves of %1").arg(name));
}

void TrainDock::OnProgress(const QString&, const QString& item, qint64 done, qint64 total,
                           double eta) {
  if (total > 0) {
    progress_->setRange(0, static_cast<int>(std::min<qint64>(total, INT_MAX)));
    progress_->setValue(static_cast<int>(std::min(done, total)));
  }
  const QString left = Eta(eta);
  status_->setText(left.isEmpty() ? item : QStringLiteral("%1 — %2").arg(item, left));
}

void TrainDock::OnMetrics(const TrainLine& line) {
  const Json& r = line.json;
  curves_->AddRecord(r);
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

void TrainDock::OnFinished(TrainProcess::Outcome outcome, const QString& reason) {
  const QString name = process_->runName();
  progress_->setRange(0, 1);
  progress_->setValue(outcome == TrainProcess::Outcome::kCompleted ? 1 : 0);
  last_resumable_ = outcome != TrainProcess::Outcome::kCompleted;
  const Json& sum = process_->summary();
  const double best = sum.value("best_val_bc", -1.0);
  switch (outcome) {
    case TrainProcess::Outcome::kCompleted: {
      const QString text = best >= 0 ? tr("Training run %1 completed: best validation BC %2")
                                           .arg(name, QLocale::c().toString(best, 'g', 5))
                                     : tr("Training run %1 completed").arg(name);
      log_->Add(LogModel::kInfo, {}, text);
      status_->setText(text);
      break;
    }
    case TrainProcess::Outcome::kStopped: {
      const QString text =
          reason.isEmpty()
              ? tr("Training run %1 stopped with a checkpoint; Resume continues it").arg(name)
              : tr("Training run %1 stopped: %2").arg(name, reason);
      log_->Add(LogModel::kWarning, {}, text);
      status_->setText(text);
      break;
    }
    case TrainProcess::Outcome::kFailed:
    case TrainProcess::Outcome::kCrashed: {
      const QString text = tr("Training run %1 failed: %2").arg(name, reason);
      log_->Add(LogModel::kError, {}, text);
      status_->setText(text);
      break;
    }
  }
  UpdateButtons();
  Q_EMIT runFinished(name, outcome);
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

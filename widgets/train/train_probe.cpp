#include "widgets/train/train_probe.h"

#include <cmath>

#include "core/dataset/project_store.h"
#include "widgets/train/train_process.h"

namespace autofocus {
namespace {

// Two timed steps after the warm-up: long enough to include a data wait, short enough
// (seconds on the sample project) to run as the user edits.
constexpr int kProbeSteps = 2;

// The regulariser the probe times: BenchmarkTrainingStep knows every regulariser by name;
// without a target map there is no regulariser term.
std::string ProbeRegularizer(const TrainOptions& o) {
  if (o.target == "none" || o.regularizer.empty()) return "none";
  return o.regularizer;
}

}  // namespace

TrainProbe::TrainProbe(QObject* parent) : QObject(parent), cli_(DefaultAutofocusCli()) {}

TrainProbe::~TrainProbe() {
  if (running()) {
    process_->disconnect(this);
    process_->kill();  // a probe writes nothing: no checkpoint to wait for
    process_->waitForFinished(2000);
  }
}

bool TrainProbe::running() const {
  return process_ && process_->state() != QProcess::NotRunning;
}

QString TrainProbe::Key(const QString& project, const TrainOptions& o) {
  return QStringLiteral("%1|%2|%3x%4|%5|%6|%7")
      .arg(project, QString::fromStdString(ProbeRegularizer(o)))
      .arg(o.input_height)
      .arg(o.input_width)
      .arg(o.batch)
      .arg(o.threads)
      .arg(o.data_workers);
}

qint64 TrainProbe::TrainSamples(const QString& project, const TrainOptions& o) {
  try {
    const ProjectStore store = ProjectStore::Open(project.toStdString());
    qint64 frames = 0;
    for (const auto& e : store.info().episodes) frames += e.num_frames;
    return static_cast<qint64>(std::llround(static_cast<double>(frames) * (1.0 - o.val_fraction)));
  } catch (const std::exception&) {
    return -1;
  }
}

double TrainProbe::EpochSeconds(double ms_per_step, qint64 samples, int batch) {
  if (ms_per_step < 0 || samples <= 0 || batch <= 0) return -1;
  const qint64 steps = (samples + batch - 1) / batch;
  return ms_per_step * static_cast<double>(steps) / 1000.0;
}

bool TrainProbe::Start(const QString& project, const TrainOptions& o, QString* error) {
  if (project.isEmpty() || cli_.isEmpty()) {
    if (error) *error = tr("no project or no autofocus program");
    return false;
  }
  if (running()) {
    process_->disconnect(this);
    process_->kill();
    process_->waitForFinished(2000);
  }
  if (process_) process_->deleteLater();
  process_ = new QProcess(this);
  process_->setProcessChannelMode(QProcess::SeparateChannels);
  key_ = Key(project, o);
  args_ = {"train",
           "--benchmark",
           "--benchmark-project",
           project,
           "--benchmark-steps",
           QString::number(kProbeSteps),
           "--benchmark-regularizers",
           QString::fromStdString(ProbeRegularizer(o)),
           "--batch",
           QString::number(o.batch),
           "--input-size",
           QStringLiteral("%1x%2").arg(o.input_height).arg(o.input_width),
           "--workers",
           QString::number(o.data_workers)};
  if (o.threads > 0) args_ << "--threads" << QString::number(o.threads);
  QProcess* p = process_;
  const QString key = key_;
  connect(p, &QProcess::finished, this, [this, p, key](int code, QProcess::ExitStatus status) {
    const QByteArray out = p->readAllStandardOutput();
    const QString err = QString::fromUtf8(p->readAllStandardError()).trimmed();
    if (status != QProcess::NormalExit || code != 0) {
      Q_EMIT finished(key, -1, -1,
                      err.isEmpty() ? tr("the probe ended with exit code %1").arg(code)
                                    : err.section('\n', -1));
      return;
    }
    // One JSON line per regulariser timed; the probe asks for one.
    for (const QByteArray& line : out.split('\n')) {
      const Json j = Json::parse(line.constData(), line.constData() + line.size(), nullptr, false);
      if (j.is_object() && j.contains("ms_per_step") && j["ms_per_step"].is_number()) {
        Q_EMIT finished(key, j["ms_per_step"].get<double>(), j.value("data_wait", 0.0), QString());
        return;
      }
    }
    Q_EMIT finished(key, -1, -1, tr("the probe printed no timing"));
  });
  connect(p, &QProcess::errorOccurred, this, [this, p, key](QProcess::ProcessError e) {
    if (e != QProcess::FailedToStart) return;
    Q_EMIT finished(key, -1, -1, tr("cannot start %1: %2").arg(cli_, p->errorString()));
  });
  p->start(cli_, args_);
  return true;
}

}  // namespace autofocus

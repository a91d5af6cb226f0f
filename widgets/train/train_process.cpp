#include "widgets/train/train_process.h"

#include <unistd.h>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryFile>
#include <csignal>

namespace autofocus {
namespace {

// Exit codes of autofocus-train after SIGTERM / SIGINT: 128 + signal, with last.ckpt written.
constexpr int kExitTerm = 143;
constexpr int kExitInt = 130;
// stderr is kept for the failure message only; a chatty child must not grow the studio.
constexpr int kMaxStderr = 64 * 1024;

}  // namespace

TrainLine ParseTrainLine(const QByteArray& line) {
  TrainLine out;
  Json j = Json::parse(line.constData(), line.constData() + line.size(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return out;
  // A field of the wrong type (value() throws) makes the line "other", never a crash.
  try {
    if (j.contains("metrics") && j["metrics"].is_object()) {
      out.kind = TrainLine::kMetrics;
      out.json = j["metrics"];
      return out;
    }
    if (j.contains("stage")) {
      out.kind = TrainLine::kProgress;
      out.stage = QString::fromStdString(j.value("stage", ""));
      out.item = QString::fromStdString(j.value("item", ""));
      out.done = j.value("done", static_cast<qint64>(0));
      out.total = j.value("total", static_cast<qint64>(0));
      out.eta_seconds = j.value("eta_seconds", -1.0);
      out.json = std::move(j);
      return out;
    }
    if (j.contains("run") && j.contains("status")) {
      out.kind = TrainLine::kSummary;
      out.json = std::move(j);
    }
  } catch (const Json::exception&) {
    return TrainLine();
  }
  return out;
}

QString DefaultAutofocusCli() {
  const QString next = QDir(QCoreApplication::applicationDirPath()).filePath("autofocus");
  if (QFileInfo(next).isExecutable()) return next;
  const QString env = qEnvironmentVariable("AUTOFOCUS_CLI");
  if (!env.isEmpty() && QFileInfo(env).isExecutable()) return env;
  return QStandardPaths::findExecutable("autofocus");
}

TrainProcess::TrainProcess(QObject* parent) : QObject(parent), cli_(DefaultAutofocusCli()) {}

TrainProcess::~TrainProcess() {
  if (!running()) return;
  // QProcess's destructor would SIGKILL the child and lose the epoch in progress: ask it to
  // checkpoint first, and only then let the destructor kill what is left.
  process_->disconnect(this);
  process_->terminate();
  process_->waitForFinished(5000);
}

bool TrainProcess::running() const {
  return process_ && process_->state() != QProcess::NotRunning;
}

QString TrainProcess::stderrTail(int lines) const {
  QStringList all = QString::fromUtf8(stderr_).split('\n', Qt::SkipEmptyParts);
  while (all.size() > lines) all.removeFirst();
  return all.join(" | ").trimmed();
}

bool TrainProcess::Start(const QString& project, const TrainOptions& options, const QString& name,
                         QString* error) {
  if (running()) {
    if (error) *error = tr("a training run is already going");
    return false;
  }
  TrainOptions o = options;
  o.name = name.toStdString();
  // The child checks again, but failing here keeps an invalid form from spawning anything.
  try {
    o.Check();
  } catch (const std::exception& e) {
    if (error) *error = QString::fromUtf8(e.what());
    return false;
  }
  config_ = std::make_unique<QTemporaryFile>(QDir::temp().filePath("autofocus-train-XXXXXX.json"));
  if (!config_->open()) {
    if (error) *error = tr("cannot write a temporary config file: %1").arg(config_->errorString());
    return false;
  }
  config_->write(QByteArray::fromStdString(o.ToJson().dump(2)));
  config_->flush();
  project_ = project;
  name_ = name;
  return Launch(
      {"train", project, "--config", config_->fileName(), "--name", name, "--progress", "json"},
      error);
}

bool TrainProcess::Resume(const QString& project, const QString& name, QString* error) {
  if (running()) {
    if (error) *error = tr("a training run is already going");
    return false;
  }
  config_.reset();
  project_ = project;
  name_ = name;
  return Launch({"train", project, "--resume", name, "--progress", "json"}, error);
}

bool TrainProcess::Launch(const QStringList& args, QString* error) {
  if (cli_.isEmpty()) {
    if (error) *error = tr("the autofocus command-line program was not found next to the studio");
    return false;
  }
  if (process_) process_->deleteLater();  // a finished child's object
  process_ = new QProcess(this);
  args_ = args;
  stdout_buffer_.clear();
  stderr_.clear();
  summary_ = Json::object();
  stop_requested_ = false;
  finished_emitted_ = false;
  connect(process_, &QProcess::readyReadStandardOutput, this, &TrainProcess::ReadStdout);
  connect(process_, &QProcess::readyReadStandardError, this, [this] {
    stderr_ += process_->readAllStandardError();
    if (stderr_.size() > kMaxStderr) stderr_ = stderr_.right(kMaxStderr);
  });
  connect(process_, &QProcess::started, this, &TrainProcess::started);
  connect(process_, &QProcess::finished, this, &TrainProcess::OnFinished);
  connect(process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
    // Only a failed start has no finished() to follow; crashes are handled in OnFinished.
    if (e != QProcess::FailedToStart || finished_emitted_) return;
    finished_emitted_ = true;
    // Queued: QProcess may report this from inside start(), before the caller has set up.
    const QString reason = tr("cannot start %1: %2").arg(cli_, process_->errorString());
    QMetaObject::invokeMethod(
        this, [this, reason] { Q_EMIT finished(Outcome::kFailed, reason); }, Qt::QueuedConnection);
  });
#ifdef Q_OS_UNIX
  // Runs in the forked child before exec: a session of its own keeps a terminal's SIGINT/SIGHUP
  // away, and an ignored SIGPIPE (inherited through exec) lets a detached trainer outlive the
  // pipe to the studio. A trainer the studio still owns is unaffected: it is read until it ends.
  process_->setChildProcessModifier([] {
    ::setsid();
    ::signal(SIGPIPE, SIG_IGN);
  });
#endif
  process_->start(cli_, args);
  if (error) error->clear();
  return true;
}

void TrainProcess::Stop() {
  if (!running()) return;
  stop_requested_ = true;
  process_->terminate();
}

qint64 TrainProcess::pid() const {
  return running() ? process_->processId() : 0;
}

qint64 TrainProcess::Detach() {
  if (!running()) return 0;
  const qint64 id = process_->processId();
  QProcess* p = process_;
  p->disconnect(this);
  // QProcess's destructor kills a running child: the object is let go of on purpose and only
  // drains the pipes (a full pipe would block the trainer) until the child or the studio ends.
  p->setParent(nullptr);
  connect(p, &QProcess::readyReadStandardOutput, p, [p] { p->readAllStandardOutput(); });
  connect(p, &QProcess::readyReadStandardError, p, [p] { p->readAllStandardError(); });
  process_ = nullptr;
  config_.reset();  // read by the trainer as it started, before any step
  finished_emitted_ = true;
  return id;
}

void TrainProcess::ReadStdout() {
  stdout_buffer_ += process_->readAllStandardOutput();
  int nl;
  while ((nl = stdout_buffer_.indexOf('\n')) >= 0) {
    const QByteArray line = stdout_buffer_.left(nl).trimmed();
    stdout_buffer_.remove(0, nl + 1);
    if (line.isEmpty()) continue;
    TrainLine t = ParseTrainLine(line);
    switch (t.kind) {
      case TrainLine::kProgress:
        Q_EMIT progress(t.stage, t.item, t.done, t.total, t.eta_seconds);
        break;
      case TrainLine::kMetrics:
        Q_EMIT metrics(t);
        break;
      case TrainLine::kSummary:
        summary_ = std::move(t.json);
        break;
      case TrainLine::kOther:
        break;
    }
  }
}

void TrainProcess::OnFinished(int exit_code, QProcess::ExitStatus status) {
  ReadStdout();  // the summary line may arrive together with the exit
  stderr_ += process_->readAllStandardError();
  config_.reset();
  if (finished_emitted_) return;
  finished_emitted_ = true;
  const QString tail = stderrTail();
  if (status == QProcess::CrashExit) {
    if (stop_requested_) {
      // SIGTERM before the trainer installed its handler (still loading): nothing was trained.
      Q_EMIT finished(Outcome::kStopped, tr("stopped before the first checkpoint"));
    } else {
      Q_EMIT finished(Outcome::kCrashed, tail.isEmpty()
                                             ? tr("the training process crashed")
                                             : tr("the training process crashed: %1").arg(tail));
    }
    return;
  }
  if (exit_code == 0) {
    const std::string s = summary_.value("status", "completed");
    Q_EMIT finished(s == "stopped" ? Outcome::kStopped : Outcome::kCompleted, QString());
    return;
  }
  if (exit_code == kExitTerm || exit_code == kExitInt) {
    // The trainer exits 128 + signal only after writing last.ckpt, whoever sent the signal.
    Q_EMIT finished(Outcome::kStopped, stop_requested_
                                           ? QString()
                                           : tr("stopped by a signal from outside the studio"));
    return;
  }
  Q_EMIT finished(Outcome::kFailed,
                  tail.isEmpty() ? tr("exit code %1").arg(exit_code)
                                 : tr("exit code %1: %2").arg(QString::number(exit_code), tail));
}

}  // namespace autofocus

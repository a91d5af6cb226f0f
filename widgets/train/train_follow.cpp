#include "widgets/train/train_follow.h"

#include <QDir>
#include <QFile>
#include <QFileSystemWatcher>
#include <QSaveFile>
#include <QTimer>
#include <csignal>

namespace autofocus {
namespace {

constexpr int kPollMs = 1000;

QString RunStatus(const QString& dir) {
  try {
    return QString::fromStdString(
        LoadJsonFile(QDir(dir).filePath("run.json").toStdString()).value("status", ""));
  } catch (const std::exception&) {
    return QString();  // being replaced: the next poll reads it
  }
}

}  // namespace

RunFollower::RunFollower(QObject* parent)
    : QObject(parent), watcher_(new QFileSystemWatcher(this)), poll_(new QTimer(this)) {
  poll_->setInterval(kPollMs);
  connect(poll_, &QTimer::timeout, this, &RunFollower::Poll);
  connect(watcher_, &QFileSystemWatcher::fileChanged, this, &RunFollower::Poll);
  connect(watcher_, &QFileSystemWatcher::directoryChanged, this, &RunFollower::Poll);
}

void RunFollower::Follow(const QString& run_dir, std::function<void(const Json&)> on_record) {
  Stop();
  dir_ = run_dir;
  offset_ = 0;
  on_record_ = std::move(on_record);
  watcher_->addPath(dir_);
  const QString metrics = QDir(dir_).filePath("metrics.jsonl");
  if (QFile::exists(metrics)) watcher_->addPath(metrics);
  poll_->start();
  Poll();
}

void RunFollower::Stop() {
  poll_->stop();
  const QStringList paths = watcher_->files() + watcher_->directories();
  if (!paths.isEmpty()) watcher_->removePaths(paths);
  dir_.clear();
}

void RunFollower::Poll() {
  if (dir_.isEmpty()) return;
  const QString metrics = QDir(dir_).filePath("metrics.jsonl");
  // A resume trims the file by rewriting it: the watch moves to the new file.
  if (QFile::exists(metrics) && !watcher_->files().contains(metrics)) watcher_->addPath(metrics);
  QFile f(metrics);
  if (f.open(QIODevice::ReadOnly)) {
    if (f.size() < offset_) offset_ = 0;  // rewritten shorter: read it again
    f.seek(offset_);
    const QByteArray data = f.readAll();
    // Only complete lines: the trainer may be half-way through one.
    const qsizetype end = data.lastIndexOf('\n');
    if (end >= 0) {
      offset_ += end + 1;
      for (const QByteArray& line : data.left(end).split('\n')) {
        const Json j =
            Json::parse(line.constData(), line.constData() + line.size(), nullptr, false);
        if (!j.is_discarded() && on_record_) on_record_(j);
      }
    }
  }
  QString status = RunStatus(dir_);
  if (status.isEmpty()) return;
  // A trainer killed with SIGKILL leaves "running" behind: its pid tells. The status is read
  // again after the pid check: the trainer may have written its last status and exited between.
  if (status == "running" && LivePid(dir_) == 0) status = RunStatus(dir_);
  if (status.isEmpty()) return;
  if (status != "running" || LivePid(dir_) == 0) {
    Stop();
    Q_EMIT ended(status);
  }
}

bool RunFollower::WritePid(const QString& run_dir, qint64 pid) {
  QSaveFile f(QDir(run_dir).filePath("trainer.pid"));
  if (!f.open(QIODevice::WriteOnly)) return false;
  f.write(QByteArray::number(pid) + "\n");
  return f.commit();
}

qint64 RunFollower::LivePid(const QString& run_dir) {
  QFile f(QDir(run_dir).filePath("trainer.pid"));
  if (!f.open(QIODevice::ReadOnly)) return 0;
  bool ok = false;
  const qint64 pid = f.readAll().trimmed().toLongLong(&ok);
  if (!ok || pid <= 0) return 0;
  // A pid is reused after its process ends: it counts only while it is still a trainer.
  QFile cmd(QStringLiteral("/proc/%1/cmdline").arg(pid));
  if (!cmd.open(QIODevice::ReadOnly)) return 0;
  const QByteArray line = cmd.readAll();
  return line.contains("autofocus") ? pid : 0;
}

}  // namespace autofocus

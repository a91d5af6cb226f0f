#pragma once

#include <QObject>
#include <QString>
#include <functional>

#include "core/base/json_io.h"

class QFileSystemWatcher;
class QTimer;

namespace autofocus {

// Follows a run trained by a process the studio does not own (left running when the studio
// closed, or started from a terminal): the new lines of RUN/metrics.jsonl go to a callback and
// the end of the run (run.json no longer "running", or the trainer's pid gone) is signalled.
// A QFileSystemWatcher on the file and the run folder wakes it; a 1 s timer covers watchers
// that miss events (network file systems) and a metrics file rewritten by a resume.
class RunFollower : public QObject {
  Q_OBJECT
 public:
  explicit RunFollower(QObject* parent = nullptr);

  // Starts following `run_dir`; `on_record` gets every metrics record from the start of the file.
  void Follow(const QString& run_dir, std::function<void(const Json&)> on_record);
  // Stops following (no signal).
  void Stop();
  bool following() const { return !dir_.isEmpty(); }
  // The run folder followed.
  const QString& runDir() const { return dir_; }

  // Writes RUN/trainer.pid (the pid of a trainer left running by the studio).
  static bool WritePid(const QString& run_dir, qint64 pid);
  // The pid in RUN/trainer.pid when that process is still an autofocus trainer, else 0.
  static qint64 LivePid(const QString& run_dir);

 Q_SIGNALS:
  // The followed run ended with run.json `status`.
  void ended(const QString& status);

 private:
  void Poll();

  QFileSystemWatcher* watcher_;
  QTimer* poll_;
  QString dir_;
  qint64 offset_ = 0;
  std::function<void(const Json&)> on_record_;
};

}  // namespace autofocus

#pragma once

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <memory>

#include "core/base/json_io.h"
#include "core/train/train_options.h"

class QTemporaryFile;

namespace autofocus {

// One stdout line of `autofocus train --progress json`, classified.
struct TrainLine {
  // What the line is.
  enum Kind { kOther = 0, kProgress, kMetrics, kSummary };
  Kind kind = kOther;       // kOther: not JSON or not one of the three shapes
  Json json;                // the whole line (for kMetrics: the "metrics" object)
  QString stage;            // progress: stage ("train")
  QString item;             // progress: what is being worked on
  qint64 done = 0;          // progress: steps done
  qint64 total = 0;         // progress: steps in the run
  double eta_seconds = -1;  // progress: estimated seconds left (< 0 unknown)
};

// Classifies one line: {"stage",...} progress, {"metrics":{...}} metrics, {"run","status"} summary.
TrainLine ParseTrainLine(const QByteArray& line);

// The `autofocus` CLI the studio launches: next to the studio binary, else $AUTOFOCUS_CLI,
// else `autofocus` on PATH; empty when none is found.
QString DefaultAutofocusCli();

// Runs one `autofocus train` child process (a crash in training cannot take the studio down)
// and turns its JSON lines into signals. Start writes the options to a temporary --config file;
// Stop sends SIGTERM (the trainer checkpoints and exits 143); Resume runs `--resume NAME`.
class TrainProcess : public QObject {
  Q_OBJECT
 public:
  // How a run ended.
  enum class Outcome { kCompleted, kStopped, kFailed, kCrashed };
  Q_ENUM(Outcome)

  explicit TrainProcess(QObject* parent = nullptr);
  // Asks a running child to stop (SIGTERM) and waits a little for its checkpoint.
  ~TrainProcess() override;

  // The CLI to run (DefaultAutofocusCli() unless set).
  void SetCli(const QString& path) { cli_ = path; }
  const QString& cli() const { return cli_; }
  // Starts a new run NAME of PROJECT with `options`; false (and `error`) when it cannot start.
  bool Start(const QString& project, const TrainOptions& options, const QString& name,
             QString* error = nullptr);
  // Continues the stopped run NAME of PROJECT.
  bool Resume(const QString& project, const QString& name, QString* error = nullptr);
  // SIGTERM to the child (no-op when idle).
  void Stop();
  // Lets the running child go on without the studio ("leave it running" on close): this
  // object forgets it (no finished() follows) and its output is drained and dropped until the
  // studio exits. The child was started in its own session with SIGPIPE ignored, so neither
  // the studio's exit nor its terminal ends it. Returns the child's pid (0 when idle).
  qint64 Detach();
  // The child's pid (0 when idle).
  qint64 pid() const;
  bool running() const;
  bool stopRequested() const { return stop_requested_; }
  // The run being trained (or last trained) and its project.
  const QString& runName() const { return name_; }
  const QString& project() const { return project_; }
  // The arguments of the last launch (for the log and tests).
  const QStringList& arguments() const { return args_; }
  // The last summary line of the child (empty object when there was none).
  const Json& summary() const { return summary_; }
  // The tail of the child's stderr.
  QString stderrTail(int lines = 3) const;

 Q_SIGNALS:
  // The child started.
  void started();
  // A progress line.
  void progress(const QString& stage, const QString& item, qint64 done, qint64 total,
                double eta_seconds);
  // A metrics line; line.json is the record ("type" step or epoch). (A TrainLine rather than a
  // bare Json: Qt's metatype traits on nlohmann::json's converting operators are not worth it.)
  void metrics(const autofocus::TrainLine& line);
  // The child ended (or could not be started): how, and a one-line reason for failures.
  void finished(autofocus::TrainProcess::Outcome outcome, const QString& reason);

 private:
  bool Launch(const QStringList& args, QString* error);
  void ReadStdout();
  void OnFinished(int exit_code, QProcess::ExitStatus status);

  QString cli_;
  QProcess* process_ = nullptr;
  std::unique_ptr<QTemporaryFile> config_;  // the --config file, kept until the child ends
  QString project_;
  QString name_;
  QStringList args_;
  QByteArray stdout_buffer_;
  QByteArray stderr_;
  Json summary_ = Json::object();
  bool stop_requested_ = false;
  bool finished_emitted_ = false;
};

}  // namespace autofocus

#pragma once

#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include "core/train/train_options.h"

namespace autofocus {

// The estimated time per epoch of the Train dock, from a short measured probe: one
// `autofocus train --benchmark --benchmark-project PROJECT --benchmark-regularizers REG
// --benchmark-steps N` child (the real loader on the project's frames at the form's batch,
// input size, threads and workers; the GABRIL CNN) gives ms per step, times the steps of an
// epoch (training frames of the project / batch). Results are cached per probe key.
class TrainProbe : public QObject {
  Q_OBJECT
 public:
  explicit TrainProbe(QObject* parent = nullptr);
  ~TrainProbe() override;

  // The CLI to run.
  void SetCli(const QString& path) { cli_ = path; }
  // Starts a probe of `options` on `project` (kills a probe still going); false when it
  // cannot start (no project, no CLI).
  bool Start(const QString& project, const TrainOptions& options, QString* error = nullptr);
  bool running() const;
  // The arguments of the last probe.
  const QStringList& arguments() const { return args_; }
  // What identifies a probe of `options`: the settings the step time depends on.
  static QString Key(const QString& project, const TrainOptions& options);
  // Training samples per epoch of `options` on `project`: the project's frames minus the
  // validation share (an upper bound with a flagged/unflagged/mask filter); -1 when unreadable.
  static qint64 TrainSamples(const QString& project, const TrainOptions& options);
  // Seconds per epoch for `ms_per_step`.
  static double EpochSeconds(double ms_per_step, qint64 samples, int batch);

 Q_SIGNALS:
  // The probe ended: ms per step and data-wait share (< 0 and `error` on failure).
  void finished(const QString& key, double ms_per_step, double data_wait, const QString& error);

 private:
  QString cli_;
  QProcess* process_ = nullptr;
  QString key_;
  QStringList args_;
};

}  // namespace autofocus

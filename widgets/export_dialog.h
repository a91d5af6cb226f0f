#pragma once

#include <QDialog>

#include "core/export/export.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace autofocus {

class LogModel;
class MainWindow;
class StudioJob;

// File > Export: a form over ExportOptions (the struct `autofocus export` binds), remembered in
// QSettings between exports.
class ExportDialog : public QDialog {
  Q_OBJECT
 public:
  // `current_episode` (may be empty) is offered as the "current episode" choice.
  ExportDialog(const QString& project_name, const QString& current_episode, QWidget* parent = nullptr);
  // The options the form says (out, format, episodes, curation, saliency, split, compression,
  // LeRobot video codec).
  ExportOptions options() const;
  // Saves the form to QSettings (called when the export starts).
  void Remember() const;

 private:
  QString current_episode_;
  QComboBox* format_ = nullptr;
  QComboBox* episodes_ = nullptr;
  QComboBox* saliency_ = nullptr;
  QSpinBox* seed_ = nullptr;
  QDoubleSpinBox* share_ = nullptr;
  QComboBox* compress_ = nullptr;
  QComboBox* video_codec_ = nullptr;
  QLineEdit* out_ = nullptr;
  QCheckBox* force_ = nullptr;
};

// Runs RunExport() for the project open in `window` as a background job (progress and cancel in
// the status bar); the summary or the error goes to `log`. Returns the job (owned by the window),
// or nullptr when no project is open or another job runs.
StudioJob* StartExport(MainWindow* window, LogModel* log, const ExportOptions& options);

// Adds File > Export... to `window`.
void InstallExport(MainWindow* window, LogModel* log);

}  // namespace autofocus

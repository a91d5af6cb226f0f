#pragma once

#include <QPointer>
#include <QWidget>
#include <memory>

#include "core/base/json_io.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;

namespace autofocus {

class LogModel;
class StudioDocument;
class StudioJob;

// Backend settings of a studio pipeline run (what `autofocus run` takes as flags).
struct RunSettings {
  QString vlm_kind = "oracle";   // "oracle" (sample-world projects) | "openai"
  QString vlm_url;               // OpenAI-compatible server root
  QString vlm_model;             // model name
  QString vlm_key_env;           // NAME of the environment variable holding the API key
  QString detector_kind = "oracle";  // oracle | qwen | roboflow | torchscript
  QString detector_url;          // detector server root
  QString detector_model;        // model name, or TorchScript file
  // The pipeline options JSON: `base` (defaults < project settings) patched with these.
  Json Apply(Json base) const;
};

// The "Runs" dock: pick episodes, set the backends (VLM endpoint URL, model, key variable name,
// detector kind/URL/model), check the connection with the endpoint doctor, start the pipeline
// with progress and ETA, cancel. Work runs on StudioJob threads; results of a superseded job are
// dropped; every per-episode outcome and doctor check goes to the log model, never to a dialog.
class RunsPanel : public QWidget {
  Q_OBJECT
 public:
  RunsPanel(StudioDocument* doc, LogModel* log, QWidget* parent = nullptr);
  ~RunsPanel() override;

  // The settings as the form shows them.
  RunSettings settings() const;
  void SetSettings(const RunSettings& s);
  // Starts a pipeline run on the checked episodes (all when none is checked). Returns false
  // (and logs why) when no project is open or a run is already going.
  bool StartRun();
  // Runs the endpoint doctor for the configured VLM/detector on a worker thread.
  void CheckConnection();
  // Cancels the running job, if any.
  void Cancel();
  bool running() const;
  // Checks exactly these episodes in the list.
  void SetCheckedEpisodes(const QStringList& names);

 Q_SIGNALS:
  // A run ended (after the log has its rows); the views should reload.
  void runFinished(bool ok);

 private:
  void Populate();
  void SaveSettings() const;
  void StartJob(StudioJob* job);

  StudioDocument* doc_;
  LogModel* log_;
  QListWidget* episodes_;
  QComboBox* vlm_kind_;
  QLineEdit* vlm_url_;
  QLineEdit* vlm_model_;
  QLineEdit* vlm_key_env_;
  QComboBox* det_kind_;
  QLineEdit* det_url_;
  QLineEdit* det_model_;
  QPushButton* check_;
  QPushButton* run_;
  QPushButton* cancel_;
  QProgressBar* progress_;
  QLabel* status_;
  QPointer<StudioJob> job_;  // the current job; older jobs' signals are ignored
};

}  // namespace autofocus

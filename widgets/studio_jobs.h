#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/base/progress.h"
#include "core/saliency/saliency_options.h"
#include "core/sim/sample_project.h"

namespace autofocus {

// Runs one long core job (import, sample generation, saliency re-render) on its own thread and
// re-emits the core ProgressCallback as queued Qt signals. Cancel() sets the atomic flag the
// job's StopCheck reads. The object may be deleted while the job runs: the destructor cancels
// and joins, and nothing is emitted after that.
class StudioJob : public QObject {
  Q_OBJECT
 public:
  // The work: gets a progress callback and a stop check; throws Error/Cancelled on failure.
  using Work = std::function<void(const ProgressCallback&, const StopCheck&)>;

  StudioJob(QString title, Work work, QObject* parent = nullptr);
  ~StudioJob() override;

  // Starts the thread (once).
  void Start();
  // Asks the job to stop at its next stop check.
  void Cancel();
  bool cancelled() const { return stop_.load(); }
  bool running() const { return running_.load(); }
  const QString& title() const { return title_; }
  // Blocks until the job has finished (tests, shutdown); queued signals still need the event loop.
  void Wait();

 Q_SIGNALS:
  // Progress of the job (delivered on the UI thread).
  void progress(const QString& stage, const QString& item, qint64 done, qint64 total, double eta_seconds);
  // The job ended: ok, or cancelled, or failed with `error`.
  void finished(bool ok, bool cancelled, const QString& error);

 private:
  QString title_;
  Work work_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> running_{false};
  std::shared_ptr<std::atomic<bool>> alive_ = std::make_shared<std::atomic<bool>>(true);
};

// Re-renders the saliency of `episodes` (names; empty = all) of the project at `project_dir`
// with `options` and stores saliency.json (parameters, per-frame coverage and peak, with the
// pipeline's input hash so `autofocus run` sees the stage as current), then saves the
// parameters in project.json settings.saliency (and settings.pipeline.saliency when present).
// Episodes without key_objects.json are skipped. Returns the number of episodes rendered.
int ApplySaliencyToProject(const std::filesystem::path& project_dir, const std::vector<std::string>& episodes,
                           const SaliencyOptions& options, const ProgressCallback& progress = {},
                           const StopCheck& stop = {});

// Generates a sample-world project at `out` (must not exist) and annotates it with the pipeline's
// default options (the scene oracle stands in for the VLM and the detector): what File > New
// Sample Project, the tests and the benchmark use. Throws Error when an episode failed.
void GenerateAnnotatedSampleProject(const sim::SampleWorldOptions& world, const std::filesystem::path& out,
                                    const ProgressCallback& progress = {}, const StopCheck& stop = {});

}  // namespace autofocus

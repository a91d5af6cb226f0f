#include "widgets/studio_jobs.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <QMetaObject>
#include <QPointer>
#include <chrono>

#include "core/base/error.h"
#include "core/base/hash.h"
#include "core/dataset/project_store.h"
#include "core/exchange/exchange_cache.h"
#include "core/pipeline/backend_factory.h"
#include "core/pipeline/pipeline.h"
#include "core/saliency/saliency_renderer.h"

namespace autofocus {

StudioJob::StudioJob(QString title, Work work, QObject* parent)
    : QObject(parent), title_(std::move(title)), work_(std::move(work)) {}

StudioJob::~StudioJob() {
  alive_->store(false);
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

void StudioJob::Start() {
  if (thread_.joinable()) return;
  running_.store(true);
  QPointer<StudioJob> self(this);
  auto alive = alive_;
  thread_ = std::thread([this, self, alive] {
    // Progress is throttled to ~30 updates/s: the UI only needs to look alive, and a job that
    // reports per frame must not flood the event queue.
    auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
    ProgressCallback cb = [&, self, alive](const Progress& p) {
      const auto now = std::chrono::steady_clock::now();
      if (p.done < p.total && now - last < std::chrono::milliseconds(33)) return;
      last = now;
      if (!alive->load()) return;
      const QString stage = QString::fromStdString(p.stage), item = QString::fromStdString(p.item);
      const qint64 done = p.done, total = p.total;
      const double eta = p.eta_seconds;
      QMetaObject::invokeMethod(
          this, [self, stage, item, done, total, eta] {
            if (self) Q_EMIT self->progress(stage, item, done, total, eta);
          },
          Qt::QueuedConnection);
    };
    bool ok = false, cancelled = false;
    QString error;
    try {
      work_(cb, [this] { return stop_.load(); });
      ok = true;
    } catch (const Cancelled&) {
      cancelled = true;
    } catch (const std::exception& e) {
      error = QString::fromStdString(e.what());
    }
    if (stop_.load() && !ok) cancelled = true;
    running_.store(false);
    if (!alive->load()) return;
    QMetaObject::invokeMethod(
        this, [self, ok, cancelled, error] {
          if (self) Q_EMIT self->finished(ok, cancelled, error);
        },
        Qt::QueuedConnection);
  });
}

void StudioJob::Cancel() { stop_.store(true); }

void StudioJob::Wait() {
  if (thread_.joinable()) thread_.join();
}

int ApplySaliencyToProject(const std::filesystem::path& project_dir, const std::vector<std::string>& requested,
                           const SaliencyOptions& options, const ProgressCallback& progress, const StopCheck& stop) {
  options.Check();
  ProjectStore store = ProjectStore::Open(project_dir);
  std::vector<std::string> names = requested;
  if (names.empty()) {
    for (const auto& e : store.info().episodes) names.push_back(e.name);
  }
  int64_t total_frames = 0;
  for (const auto& e : store.info().episodes) {
    if (std::find(names.begin(), names.end(), e.name) != names.end()) total_frames += e.num_frames;
  }
  const auto start = std::chrono::steady_clock::now();
  int64_t done_frames = 0;
  int rendered = 0;
  for (const std::string& name : names) {
    ThrowIfStopped(stop);
    const int index = store.FindEpisode(name);
    if (index < 0) throw Error((project_dir / "project.json").string(), "episodes", "no episode named " + name);
    const auto& entry = store.info().episodes[static_cast<size_t>(index)];
    if (!store.HasArtifact(name, "key_objects")) {
      done_frames += entry.num_frames;
      continue;
    }
    const Json keys = store.LoadArtifact(name, "key_objects");
    const Episode ep = store.LoadEpisode(name);
    const int64_t base = done_frames;
    auto per_frame = [&](const Progress& p) {
      if (!progress) return;
      Progress q;
      q.stage = "saliency";
      q.item = name;
      q.done = base + p.done;
      q.total = total_frames;
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      q.eta_seconds = q.done > 0 ? elapsed * (q.total - q.done) / q.done : -1;
      progress(q);
    };
    // One thread: the machine also has to keep the UI responsive. The artifact carries the
    // pipeline's own input hash, so a later `autofocus run` keeps this result.
    const Json art = RenderSaliencyArtifact(ep, keys, options, 1, per_frame, stop);
    ThrowIfStopped(stop);
    store.SaveArtifact(name, "saliency", art);
    done_frames += entry.num_frames;
    ++rendered;
  }
  ThrowIfStopped(stop);
  Json& settings = store.mutable_info().settings;
  if (!settings.is_object()) settings = Json::object();
  settings["saliency"] = options.ToJson();
  if (settings.contains("pipeline") && settings["pipeline"].is_object()) settings["pipeline"]["saliency"] = options.ToJson();
  store.Save();
  return rendered;
}

void GenerateAnnotatedSampleProject(const sim::SampleWorldOptions& world, const std::filesystem::path& out,
                                    const ProgressCallback& progress, const StopCheck& stop) {
  sim::GenerateSampleProject(world, out, progress, stop);
  ProjectStore store = ProjectStore::Open(out);
  PipelineOptions options;  // defaults: the scene oracle for both the VLM and the detector
  RunBackends backends = MakeRunBackends(store, options, ExchangeCache::ProjectFile(store.root()));
  PipelineController controller(store, options, backends.AsPipeline());
  const PipelineReport report = controller.Run({}, progress, stop);
  if (report.Failed() > 0) {
    for (const auto& e : report.episodes) {
      if (!e.ok) {
        throw Error(store.EpisodeDir(e.episode).string(), e.failed_stage,
                    std::to_string(report.Failed()) + " episode(s) failed; first: " + e.error);
      }
    }
  }
}

}  // namespace autofocus

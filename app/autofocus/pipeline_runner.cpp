#include "app/autofocus/pipeline_runner.h"

#include <csignal>
#include <cstdio>
#include <iostream>

#include "app/autofocus/command.h"
#include "app/autofocus/console_progress.h"
#include "core/base/error.h"
#include "core/pipeline/backend_factory.h"
#include "core/pipeline/pipeline.h"

namespace autofocus::cli {
namespace {

std::atomic<bool> g_interrupted{false};
void OnSignal(int) { g_interrupted = true; }

}  // namespace

int RunPipelineAndReport(ProjectStore& store, const PipelineOptions& options,
                         const std::vector<std::string>& episodes, ProgressMode mode,
                         const std::filesystem::path& exchange_file) {
  RunBackends backends = MakeRunBackends(store, options, exchange_file);
  PipelineController controller(store, options, backends.AsPipeline());

  // Ctrl-C stops at the next check; finished stages and answered calls stay on disk.
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  ConsoleProgress bar;
  ProgressCallback cb;
  if (mode == ProgressMode::kBar) {
    cb = bar.Callback();
  } else if (mode == ProgressMode::kJson) {
    cb = [](const Progress& p) {
      Json j = {{"event", "progress"}, {"stage", p.stage}, {"episode", p.item},
                {"done", p.done}, {"total", p.total}};
      if (p.eta_seconds >= 0) j["eta_s"] = p.eta_seconds;
      std::cout << j.dump() << std::endl;
    };
  }
  PipelineReport report;
  try {
    report = controller.Run(episodes, cb, [] { return g_interrupted.load(); });
  } catch (const Cancelled&) {
    bar.Finish();
    std::cerr << "interrupted: finished stages and answered model calls are kept; run again to resume\n";
    return 130;
  }
  bar.Finish();
  const auto vc = backends.vlm->counters();
  const auto dc = backends.detector->counters();
  if (mode == ProgressMode::kJson) {
    Json done = report.ToJson();
    done["event"] = "done";
    done["calls"] = {{"vlm", vc.calls}, {"vlm_cached", vc.hits}, {"detector", dc.calls},
                     {"detector_cached", dc.hits}, {"offline_misses", vc.offline_misses + dc.offline_misses}};
    std::cout << done.dump() << std::endl;
  } else {
    int ok = 0;
    for (const auto& e : report.episodes) ok += e.ok ? 1 : 0;
    std::printf("Pipeline: %d/%zu episodes complete in %.1f s\n", ok, report.episodes.size(), report.seconds);
    std::printf("  VLM (%s, %s): %lld calls, %lld answered from the exchange cache\n",
                backends.vlm->Kind().c_str(), backends.vlm->Model().c_str(),
                static_cast<long long>(vc.calls), static_cast<long long>(vc.hits));
    std::printf("  detector (%s, %s): %lld calls, %lld answered from the exchange cache\n",
                backends.detector->Kind().c_str(), backends.detector->Model().c_str(),
                static_cast<long long>(dc.calls), static_cast<long long>(dc.hits));
    for (const auto& e : report.episodes) {
      if (!e.ok) std::printf("  FAILED %s at %s: %s\n", e.episode.c_str(), e.failed_stage.c_str(), e.error.c_str());
    }
    if (report.FailedFrames() > 0 || report.Undecided() > 0) {
      std::printf("  %d frame(s) with failed detection (recorded empty, flagged), %d undecided sub-sequence(s) "
                  "(every candidate kept, flagged for review); run again to retry them\n",
                  report.FailedFrames(), report.Undecided());
      for (const auto& e : report.episodes) {
        if (e.ok && (e.failed_frames > 0 || e.undecided > 0)) {
          std::printf("    %s: %d failed frame(s), %d undecided\n", e.episode.c_str(), e.failed_frames, e.undecided);
        }
      }
    }
    const int64_t misses = vc.offline_misses + dc.offline_misses;
    if (misses > 0) {
      std::printf("  offline: %lld model calls are not in the exchange cache (VLM %lld, detector %lld)\n",
                  static_cast<long long>(misses), static_cast<long long>(vc.offline_misses),
                  static_cast<long long>(dc.offline_misses));
    }
  }
  return report.Failed() == 0 ? kExitOk : kExitFailure;
}

}  // namespace autofocus::cli

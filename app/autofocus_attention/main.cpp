// `autofocus-attention`: the LibTorch half of `autofocus attention` (which execs this program
// so the `autofocus` binary itself never loads LibTorch). Computes (or reads from the project's
// cache) attention maps of runs on episodes and scores them against a reference map.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "app/autofocus/console_progress.h"
#include "app/autofocus/man_page.h"
#include "core/attention/attention_maps.h"
#include "core/attention/attention_options.h"
#include "core/attention/attention_reference.h"
#include "core/attention/attention_scoring.h"
#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/base/strings.h"
#include "core/train/run_registry.h"

namespace {

// "a, b,,c" -> {"a", "b", "c"}.
std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& part : autofocus::Split(text, ',')) {
    std::string t = autofocus::Trim(part);
    if (!t.empty()) out.push_back(std::move(t));
  }
  return out;
}

std::string Format4(const autofocus::Json& v) {
  if (v.is_null()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v.get<double>());
  return buf;
}

// The run's training options (gaze-map parameters for the gaze reference); defaults when
// run.json has none.
autofocus::TrainOptions RunTrainOptions(const std::filesystem::path& run_dir) {
  using namespace autofocus;
  const auto file = run_dir / "run.json";
  if (!std::filesystem::exists(file)) return {};
  const Json run = LoadJsonFile(file);
  if (!run.contains("config")) return {};
  return TrainOptions::FromJson(run["config"], file.string());
}

}  // namespace

namespace autofocus {

// Another run's attention as the reference (policy vs policy): its maps with the same method
// and options, negative values clipped, bilinear to width x height; key objects, distractors and
// the icon region come from the saliency reference (ground truth when there are no key
// objects), and there are no fixations, so NSS and AUC-Judd stay null.
ReferenceEpisode PolicyReference(const ProjectStore& store, const std::string& run,
                                 const std::string& episode, const AttentionOptions& o,
                                 const TrainOptions& train, int width, int height,
                                 const ProgressCallback& progress) {
  ReferenceEpisode ref;
  try {
    ref = BuildReference(store, episode, "saliency", train, width, height);
  } catch (const Error&) {
    ref = BuildReference(store, episode, "ground-truth", train, width, height);
  }
  const AttentionMaps maps =
      RunAttention(store, run, episode, o, progress, StopOnFlag(cli::StopRequested()));
  const size_t frame = static_cast<size_t>(width) * static_cast<size_t>(height);
  ref.kind = "run:" + run;
  ref.maps.assign(static_cast<size_t>(maps.frames) * frame, 0.f);
  for (int64_t t = 0; t < maps.frames; ++t) {
    std::vector<float> clipped(maps.frame(t), maps.frame(t) + maps.frame_size());
    for (float& v : clipped) v = std::max(0.f, v);
    ResizeBilinear(clipped.data(), static_cast<int>(maps.height), static_cast<int>(maps.width),
                   height, width, ref.maps.data() + static_cast<size_t>(t) * frame);
  }
  for (auto& f : ref.fixations) f.clear();
  return ref;
}

}  // namespace autofocus

int main(int argc, char** argv) {
  using namespace autofocus;
  std::string project, runs_text, episodes_text, reference = "saliency", out_dir,
                                                 progress_mode = "bar", evidence_text = "raise";
  bool json = false;
  AttentionOptions o;
  CLI::App app{"Attention maps of trained policies scored against a reference (docs/attention.md)"};
  app.name("autofocus attention");
  app.add_option("PROJECT", project, "Project directory")->required();
  app.add_option("--runs", runs_text, "Runs under PROJECT/runs, comma-separated")->required();
  app.add_option("--episodes", episodes_text, "Episodes, comma-separated (default: all)");
  app.add_option("--method", o.method, "activation | gradcam | input-gradient")
      ->check(CLI::IsMember(AttentionMethods()))
      ->capture_default_str();
  app.add_option("--action", o.action,
                 "Action dimension for gradcam/input-gradient (default: the first)");
  app.add_option("--evidence", evidence_text,
                 "Which sign of a Grad-CAM map is scored: raise | lower | abs")
      ->check(CLI::IsMember({"raise", "lower", "abs"}))
      ->capture_default_str();
  app.add_option("--smoothgrad", o.smoothgrad_samples,
                 "input-gradient: average over N noisy copies (SmoothGrad; 0 = off)")
      ->capture_default_str();
  app.add_option("--smoothgrad-sigma", o.smoothgrad_sigma, "SmoothGrad noise std (input units)")
      ->capture_default_str();
  app.add_option("--seed", o.seed, "SmoothGrad noise seed")->capture_default_str();
  app.add_option("--reference", reference,
                 "saliency | gaze | ground-truth | run:NAME (another run's attention)")
      ->check([](const std::string& v) -> std::string {
        const auto& kinds = ReferenceKinds();
        if (std::find(kinds.begin(), kinds.end(), v) != kinds.end()) return {};
        if (v.rfind("run:", 0) == 0 && v.size() > 4) return {};
        return "expected saliency, gaze, ground-truth or run:NAME, got \"" + v + "\"";
      })
      ->capture_default_str();
  app.add_option("--out", out_dir,
                 "Report folder: RUN/EPISODE.json per-frame scores and summary.json "
                 "(default PROJECT/attention/report)");
  app.add_flag("--json", json, "Print summary.json on stdout");
  app.add_flag("--amp", o.amp, "bfloat16 autocast (about 2x faster on CPUs with bf16 support)");
  app.add_option("--batch", o.batch, "Frames per forward pass")->capture_default_str();
  app.add_option("--threads", o.threads, "LibTorch threads (0 = library default)")
      ->capture_default_str();
  app.add_option("--progress", progress_mode, "bar | json | none")
      ->check(CLI::IsMember({"bar", "json", "none"}))
      ->capture_default_str();
  if (const int rc = cli::MaybeWriteManPages(app, argc, argv); rc >= 0) return rc;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  Evidence evidence = Evidence::kRaise;
  ParseEvidence(evidence_text, &evidence);  // validated by IsMember
  try {
    o.Check();
  } catch (const Error& e) {
    std::cerr << "error: --" << e.where() << ": " << e.reason()
              << "\nRun with --help for more information.\n";
    return 2;
  }
  return cli::RunReportingErrors([&]() -> int {
    cli::InstallStopSignals();  // polled between batches

    const ProjectStore store = ProjectStore::Open(project);
    std::vector<std::string> episodes = SplitList(episodes_text);
    if (episodes.empty())
      for (const auto& e : store.info().episodes) episodes.push_back(e.name);
    for (const auto& e : episodes)
      if (store.FindEpisode(e) < 0)
        throw Error((store.root() / "project.json").string(), "--episodes",
                    "no episode \"" + e + "\"");
    const std::vector<std::string> runs = SplitList(runs_text);
    if (runs.empty()) throw Error("", "--runs", "names no run");
    const std::filesystem::path out =
        out_dir.empty() ? store.root() / "attention" / "report" : std::filesystem::path(out_dir);

    cli::ConsoleProgress bar;
    const ProgressCallback progress = cli::ProgressForMode(progress_mode, bar, stderr);
    // References depend on the episode and the policy's input size, not on the run: built
    // once and shared by runs of the same input size.
    std::map<std::string, ReferenceEpisode> references;
    Json summary{{"project", store.root().string()},
                 {"method", o.method},
                 {"reference", reference},
                 {"evidence", o.method == "gradcam" ? Json(evidence_text) : Json(nullptr)},
                 {"runs", Json::array()}};
    for (const auto& run : runs) {
      const auto run_dir = RunDirectory(store.root(), run);
      const PolicySpec spec = PolicySpec::Load(run_dir);
      const TrainOptions train = RunTrainOptions(run_dir);
      const AttentionOptions resolved = ResolveAttentionOptions(spec, o);
      std::vector<FrameAttentionScore> pooled;
      Json run_json{{"run", run},
                    {"model", spec.model},
                    {"regularizer", spec.regularizer},
                    {"action", resolved.UsesAction() ? Json(resolved.action) : Json(nullptr)},
                    {"episodes", Json::array()}};
      for (const auto& episode : episodes) {
        ThrowIfStopped(StopOnFlag(cli::StopRequested()));
        bool cached = false;
        const AttentionMaps maps = RunAttention(store, run, episode, o, progress,
                                                StopOnFlag(cli::StopRequested()), &cached);
        const std::string key =
            episode + "@" + std::to_string(spec.width) + "x" + std::to_string(spec.height);
        auto it = references.find(key);
        if (it == references.end())
          it = references
                   .emplace(key, reference.rfind("run:", 0) == 0
                                     ? PolicyReference(store, reference.substr(4), episode, o,
                                                       train, spec.width, spec.height, progress)
                                     : BuildReference(store, episode, reference, train, spec.width,
                                                      spec.height))
                   .first;
        const auto scores = ScoreAttention(maps, it->second, evidence);
        Json report = ScoresJson(scores);
        report["run"] = run;
        report["episode"] = episode;
        report["method"] = o.method;
        report["reference"] = reference;
        report["maps"] = AttentionCachePath(store.root(), run, episode,
                                            AttentionCacheKey(resolved, resolved.action))
                             .string();
        std::filesystem::create_directories(out / run);
        WriteFileAtomic(out / run / (episode + ".json"), report.dump(1) + "\n");
        run_json["episodes"].push_back(
            {{"episode", episode}, {"cached", cached}, {"mean", report["mean"]}});
        pooled.insert(pooled.end(), scores.begin(), scores.end());
      }
      run_json["mean"] = MeanScoresJson(pooled);
      summary["runs"].push_back(run_json);
    }
    bar.Finish();
    std::filesystem::create_directories(out);
    WriteFileAtomic(out / "summary.json", summary.dump(1) + "\n");
    if (json) {
      std::printf("%s\n", summary.dump().c_str());
      return 0;
    }
    std::printf("%-24s %8s %8s %8s %8s %8s %8s\n", "run", "nss", "cc", "kl", "sim", "auc_judd",
                "mass_key");
    for (const auto& r : summary["runs"]) {
      auto f = [&](const char* k) { return Format4(r["mean"][k]); };
      std::printf("%-24s %8s %8s %8s %8s %8s %8s\n", r["run"].get<std::string>().c_str(),
                  f("nss").c_str(), f("cc").c_str(), f("kl").c_str(), f("sim").c_str(),
                  f("auc_judd").c_str(), f("mass_key").c_str());
    }
    std::printf("(%s vs %s; per-frame scores in %s)\n", o.method.c_str(), reference.c_str(),
                out.string().c_str());
    return 0;
  });
}

// `autofocus run PROJECT ...`: the annotation pipeline on a project.
#include <iostream>
#include <memory>

#include "app/autofocus/command.h"
#include "app/autofocus/pipeline_runner.h"
#include "core/base/error.h"
#include "core/base/strings.h"
#include "core/cluster/cluster_job.h"
#include "core/exchange/exchange_cache.h"

namespace autofocus::cli {
namespace {

struct RunOptions {
  std::string project;        // project directory
  std::string config;         // options JSON file
  std::string preset;         // "default" | "paper": the base the other settings override
  std::string vlm_url;        // OpenAI-compatible server (switches vlm.kind to "openai")
  std::string vlm_model;      // model name
  std::string vlm_key_env;    // NAME of the API key variable
  std::string detector;       // detector kind
  std::string detector_url;   // detector server URL
  std::string detector_model; // detector model (TorchScript file, or model name)
  std::string detector_key_env;  // NAME of the detector's API key variable
  std::string episodes;       // comma-separated episode names
  std::string shard;          // "i/N"
  std::string progress = "bar";  // bar | json | none
  bool offline = false;       // exchange cache only
  int episode_workers = 0;    // 0 = from options
  int request_workers = 0;    // 0 = from options
};

int RunRun(const RunOptions& o) {
  ProjectStore store = ProjectStore::Open(o.project);
  // Options: defaults < the project's last run < --config < flags. An explicit --preset replaces
  // the defaults and the last run's method settings (its backends and saliency are kept).
  Json merged = (o.preset.empty() ? PipelineOptions{} : PipelineOptions::Preset(o.preset, "--preset")).ToJson();
  const Json& saved = store.info().settings;
  if (saved.contains("pipeline")) {
    if (o.preset.empty()) {
      merged.merge_patch(saved["pipeline"]);
    } else {
      for (const char* k : {"vlm", "detector"}) {
        if (saved["pipeline"].contains(k)) merged[k] = saved["pipeline"][k];
      }
    }
  }
  if (saved.contains("saliency")) merged["saliency"] = saved["saliency"];
  std::string origin = (store.root() / "project.json").string();
  if (!o.config.empty()) {
    merged.merge_patch(LoadJsonFile(o.config));
    origin = o.config;
  }
  if (!o.vlm_url.empty()) merged["vlm"] = {{"kind", "openai"}, {"base_url", o.vlm_url}};
  if (!o.vlm_model.empty()) merged["vlm"]["model"] = o.vlm_model;
  if (!o.vlm_key_env.empty()) merged["vlm"]["api_key_env"] = o.vlm_key_env;
  if (!o.detector.empty() && o.detector != merged["detector"].value("kind", "")) {
    merged["detector"] = {{"kind", o.detector}};
  }
  if (!o.detector_url.empty()) merged["detector"]["base_url"] = o.detector_url;
  if (!o.detector_key_env.empty()) merged["detector"]["api_key_env"] = o.detector_key_env;
  if (!o.detector_model.empty()) {
    merged["detector"][merged["detector"]["kind"] == "torchscript" ? "model_path" : "model"] = o.detector_model;
  }
  if (o.offline) merged["offline"] = true;
  if (o.episode_workers > 0) merged["episode_workers"] = o.episode_workers;
  if (o.request_workers > 0) merged["request_workers"] = o.request_workers;
  const PipelineOptions options = PipelineOptions::FromJson(merged, origin);

  std::vector<std::string> episodes;
  if (!o.episodes.empty()) {
    for (const auto& n : Split(o.episodes, ',')) {
      if (!Trim(n).empty()) episodes.push_back(Trim(n));
    }
  }
  std::filesystem::path exchange_file = ExchangeCache::ProjectFile(store.root());
  if (!o.shard.empty()) {
    const auto parts = Split(o.shard, '/');
    int i = -1, n = 0;
    try {
      if (parts.size() == 2) {
        i = std::stoi(parts[0]);
        n = std::stoi(parts[1]);
      }
    } catch (const std::exception&) {
    }
    if (n < 1 || i < 0 || i >= n) throw Error("", "--shard", "expected i/N with 0 <= i < N, got \"" + o.shard + "\"");
    if (episodes.empty()) {
      for (const auto& e : store.info().episodes) episodes.push_back(e.name);
    }
    // Deterministic: the k-th episode (in project order) belongs to shard k mod N.
    episodes = ShardEpisodes(episodes, i, n);
    if (episodes.empty()) {
      std::cerr << "shard " << o.shard << " has no episodes\n";
      return kExitOk;
    }
    // Each shard appends to its own exchange file, so array jobs never contend for one lock.
    exchange_file = ExchangeCache::ShardFile(store.root(), i, n);
  }
  const ProgressMode mode = o.progress == "json" ? ProgressMode::kJson
                            : o.progress == "none" ? ProgressMode::kNone : ProgressMode::kBar;
  return RunPipelineAndReport(store, options, episodes, mode, exchange_file);
}

const bool kRegistered = RegisterCommand(40, [](CLI::App& root, Action& action) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* sub = root.add_subcommand(
      "run", "Run the annotation pipeline (VLM context -> detect -> track -> key objects -> saliency)");
  sub->add_option("PROJECT", o->project, "Project directory")->required();
  sub->add_option("--config", o->config, "Pipeline options JSON (see docs/pipeline.md)")->check(CLI::ExistingFile);
  sub->add_option("--preset", o->preset,
                  "Method settings: default (measured annotation-cost defaults) or paper (the paper's "
                  "tracker and sub-sequence rule exactly)")
      ->check(CLI::IsMember({"default", "paper"}));
  sub->add_option("--vlm-url", o->vlm_url, "OpenAI-compatible server, e.g. http://127.0.0.1:8000");
  sub->add_option("--vlm-model", o->vlm_model, "Model name as served");
  sub->add_option("--vlm-key-env", o->vlm_key_env, "NAME of the environment variable holding the API key");
  sub->add_option("--detector", o->detector, "Detector: oracle (sample world only), qwen, roboflow, torchscript");
  sub->add_option("--detector-url", o->detector_url,
                  "Detector server URL (roboflow; qwen: default the VLM's --vlm-url)");
  sub->add_option("--detector-model", o->detector_model,
                  "TorchScript file, or detector model name (qwen: default the VLM's --vlm-model)");
  sub->add_option("--detector-key-env", o->detector_key_env,
                  "NAME of the environment variable with the detector's API key (qwen: default the VLM's)");
  sub->add_option("--episodes", o->episodes, "Comma-separated episode names (default: all)");
  sub->add_option("--shard", o->shard, "Process shard i of N (0-based, e.g. 3/16) for job arrays");
  sub->add_option("--progress", o->progress, "Progress output: bar (stderr), json (one object per line on stdout), none")
      ->check(CLI::IsMember({"bar", "json", "none"}));
  sub->add_flag("--offline", o->offline, "Answer only from the exchange cache; report what is missing");
  sub->add_option("--episode-workers", o->episode_workers, "Episodes processed at once");
  sub->add_option("--request-workers", o->request_workers, "Model requests in flight at once");
  sub->callback([o, &action] { action = [o] { return RunRun(*o); }; });
});

}  // namespace
}  // namespace autofocus::cli

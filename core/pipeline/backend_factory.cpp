#include "core/pipeline/backend_factory.h"

#include "core/base/error.h"
#include "core/detect/detector_factory.h"
#include "core/sim/ground_truth.h"
#include "core/sim/scene_oracle.h"
#include "core/vlm/prompt_template.h"

namespace autofocus {
namespace fs = std::filesystem;
namespace {

std::shared_ptr<const sim::GroundTruthStore> Truth(const ProjectStore& store, const char* who) {
  for (const auto& e : store.info().episodes) {
    if (store.HasArtifact(e.name, sim::kGroundTruthArtifact)) return sim::GroundTruthStore::FromProject(store.root());
  }
  throw Error(store.root().string(), who,
              "the scene oracle answers from ground truth, which only sample-world projects "
              "(autofocus demo / autofocus sim generate) have; configure a real model instead");
}

}  // namespace

RunBackends MakeRunBackends(const ProjectStore& store, const PipelineOptions& options,
                            const fs::path& exchange_file) {
  const std::string file = (store.root() / "project.json").string();
  RunBackends out;
  out.cache = std::make_shared<ExchangeCache>(exchange_file);

  CachingOptions vlm_cache;
  vlm_cache.offline = options.offline;
  std::shared_ptr<VlmBackend> vlm;
  const std::string vlm_kind = options.vlm.value("kind", "");
  if (vlm_kind == "oracle") {
    const auto oracle = sim::SceneOracleOptions::FromJson(options.vlm.value("oracle", Json::object()), file);
    vlm = std::make_shared<sim::SceneOracleVlm>(Truth(store, "vlm.kind"), oracle);
    vlm_cache.parameters = {{"oracle", oracle.ToJson()}};
  } else if (vlm_kind == "openai") {
    OpenAiVlmOptions o = OpenAiVlmOptionsFromJson(options.vlm, file);
    if (o.prompt_dir.empty() && fs::is_directory(store.root() / "prompts")) {
      o.prompt_dir = (store.root() / "prompts").string();  // per-project template overrides
    }
    if (o.domain.empty()) o.domain = options.domain;
    o.max_key_objects = options.max_key_objects;
    vlm_cache.global_context_template_hash = LoadPromptTemplate("global_context_" + o.domain + ".txt", o.prompt_dir).hash();
    vlm_cache.key_objects_template_hash = LoadPromptTemplate("key_objects_" + o.domain + ".txt", o.prompt_dir).hash();
    // Everything that shapes answers is part of the cache key; the key variable name is not.
    vlm_cache.parameters = {{"temperature", o.temperature}, {"seed", o.seed},
                            {"max_pixels", o.max_pixels}, {"min_pixels", o.min_pixels},
                            {"jpeg_quality", o.jpeg_quality}, {"use_json_schema", o.use_json_schema},
                            {"max_tokens", o.max_tokens}, {"max_key_objects", o.max_key_objects},
                            {"domain", o.domain}};
    vlm = std::make_shared<OpenAiVlmBackend>(o);
  } else {
    throw Error(file, "vlm.kind", "unknown VLM backend \"" + vlm_kind + "\" (use \"openai\" or \"oracle\")");
  }
  out.vlm = std::make_shared<CachingVlmBackend>(vlm, out.cache, vlm_cache);

  CachingOptions det_cache;
  det_cache.offline = options.offline;
  std::shared_ptr<Detector> det;
  const std::string det_kind = options.detector.value("kind", "");
  if (det_kind == "oracle") {
    const auto oracle = sim::SceneOracleOptions::FromJson(options.detector.value("oracle", Json::object()), file);
    det = std::make_shared<sim::SceneOracleDetector>(Truth(store, "detector.kind"), oracle);
    det_cache.parameters = {{"oracle", oracle.ToJson()}};
  } else {
    DetectorConfigContext context;
    context.origin = file;
    context.base_dir = store.root();
    // A Qwen grounding detector talks to the VLM's server unless its own settings say otherwise.
    Json det_config = options.detector;
    if (det_kind == "qwen" && vlm_kind == "openai") det_config = InheritOpenAiConnection(options.vlm, det_config);
    det = MakeDetector(det_config, context);
    det_cache.parameters = WithoutTransport(det_config);
  }
  out.detector = std::make_shared<CachingDetector>(det, out.cache, det_cache);
  return out;
}

}  // namespace autofocus

#include "core/pipeline/backend_factory.h"

#include "core/base/error.h"
#include "core/detect/detector_factory.h"
#include "core/sim/ground_truth.h"
#include "core/sim/scene_oracle.h"
#include "core/vlm/prompt_template.h"

namespace autofocus {
namespace fs = std::filesystem;
namespace {

template <typename T>
void Read(const Json& j, const char* key, T* out, const std::string& file, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) return;
  try {
    *out = it->get<T>();
  } catch (const Json::exception&) {
    throw Error(file, where + "." + key, "has the wrong type");
  }
}

std::shared_ptr<const sim::GroundTruthStore> Truth(const ProjectStore& store, const char* who) {
  for (const auto& e : store.info().episodes) {
    if (store.HasArtifact(e.name, sim::kGroundTruthArtifact)) return sim::GroundTruthStore::FromProject(store.root());
  }
  throw Error(store.root().string(), who,
              "the scene oracle answers from ground truth, which only sample-world projects "
              "(autofocus demo / autofocus sim generate) have; configure a real model instead");
}

}  // namespace

OpenAiVlmOptions OpenAiVlmOptionsFromJson(const Json& j, const std::string& file) {
  const std::string w = "vlm";
  static const std::vector<std::string> known = {
      "kind", "base_url", "extra_base_urls", "endpoint_selection", "max_in_flight", "model",
      "api_key_env", "max_pixels", "min_pixels", "jpeg_quality", "temperature", "seed",
      "use_json_schema", "max_tokens", "connect_timeout_s", "total_timeout_s", "retry",
      "max_key_objects", "repair", "domain", "prompt_dir"};
  for (const auto& [k, v] : j.items()) {
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      throw Error(file, w + "." + k, k == "api_key" ? "never put a key in a file: set api_key_env to the NAME of an environment variable"
                                                     : "unknown option");
    }
  }
  OpenAiVlmOptions o;
  Read(j, "base_url", &o.base_url, file, w);
  Read(j, "extra_base_urls", &o.extra_base_urls, file, w);
  Read(j, "endpoint_selection", &o.endpoint_selection, file, w);
  Read(j, "max_in_flight", &o.max_in_flight, file, w);
  Read(j, "model", &o.model, file, w);
  Read(j, "api_key_env", &o.api_key_env, file, w);
  Read(j, "max_pixels", &o.max_pixels, file, w);
  Read(j, "min_pixels", &o.min_pixels, file, w);
  Read(j, "jpeg_quality", &o.jpeg_quality, file, w);
  Read(j, "temperature", &o.temperature, file, w);
  Read(j, "seed", &o.seed, file, w);
  Read(j, "use_json_schema", &o.use_json_schema, file, w);
  Read(j, "max_tokens", &o.max_tokens, file, w);
  Read(j, "connect_timeout_s", &o.connect_timeout_s, file, w);
  Read(j, "total_timeout_s", &o.total_timeout_s, file, w);
  Read(j, "max_key_objects", &o.max_key_objects, file, w);
  Read(j, "repair", &o.repair, file, w);
  Read(j, "domain", &o.domain, file, w);
  Read(j, "prompt_dir", &o.prompt_dir, file, w);
  if (j.contains("retry")) {
    const Json& r = j["retry"];
    Read(r, "max_attempts", &o.retry.max_attempts, file, w + ".retry");
    Read(r, "base_delay_s", &o.retry.base_delay_s, file, w + ".retry");
    Read(r, "max_delay_s", &o.retry.max_delay_s, file, w + ".retry");
    Read(r, "honour_retry_after", &o.retry.honour_retry_after, file, w + ".retry");
  }
  try {
    o.Check();
  } catch (const Error& e) {
    throw Error(file, e.where().empty() ? w : w + "." + e.where(), e.reason());
  }
  return o;
}

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
    det = MakeDetector(options.detector, context);
    det_cache.parameters = WithoutTransport(options.detector);
  }
  out.detector = std::make_shared<CachingDetector>(det, out.cache, det_cache);
  return out;
}

}  // namespace autofocus

#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "core/dataset/project_store.h"
#include "core/exchange/caching_backends.h"
#include "core/exchange/exchange_cache.h"
#include "core/pipeline/pipeline.h"
#include "core/vlm/openai_vlm_backend.h"

namespace autofocus {

// The models of one run, each behind the project's exchange cache.
struct RunBackends {
  std::shared_ptr<ExchangeCache> cache;          // the record of every call
  std::shared_ptr<CachingVlmBackend> vlm;        // global context + key objects
  std::shared_ptr<CachingDetector> detector;     // detection
  // The backends as the pipeline takes them.
  PipelineBackends AsPipeline() const { return {vlm, detector}; }
};

// Builds the backends `options.vlm` / `options.detector` describe, wrapped by an exchange cache
// on `exchange_file` (offline when options.offline). VLM kinds: "oracle" (the scene oracle; only
// sample-world projects) and "openai" (any OpenAI-compatible server; see OpenAiVlmOptionsFromJson in core/vlm).
// Detector kinds: "oracle" and those of core/detect's factory (relative model paths resolve
// against the project folder; a "qwen" detector inherits the VLM's connection settings, see
// InheritOpenAiConnection). A project folder `prompts/`
// overrides the bundled prompt templates. Throws Error naming the field on a bad config.
RunBackends MakeRunBackends(const ProjectStore& store, const PipelineOptions& options,
                            const std::filesystem::path& exchange_file);

}  // namespace autofocus

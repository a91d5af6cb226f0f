#pragma once

// The project's cache of computed attention maps, so the studio scrubs them without
// recomputing: PROJECT/attention/<run>/<episode>/<key>.npy (float16 [T, h, w], the raw signed
// map at feature or input resolution) and <key>.json (provenance). A cached map is used only
// when its provenance identity (policy.pt and episode.json sha256, method options) matches,
// so retraining a run invalidates it. Torch-free.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/attention/attention_options.h"
#include "core/base/json_io.h"
#include "core/dataset/project_store.h"
#include "core/train/observation.h"

namespace autofocus {

// Raw attention maps of one episode: frames x height x width floats, C order.
struct AttentionMaps {
  int64_t frames = 0, height = 0, width = 0;  // shape
  std::vector<float> data;                    // raw signed values
  Json provenance = Json::object();           // what produced them (the cache's .json)

  // Floats per frame.
  size_t frame_size() const { return static_cast<size_t>(height * width); }
  // Frame t's map.
  const float* frame(int64_t t) const {
    return data.data() + static_cast<size_t>(t) * frame_size();
  }
};

// The cache file stem of a method: "activation", "gradcam-steer", "input-gradient-brake".
std::string AttentionCacheKey(const AttentionOptions& options, const std::string& action_name);

// PROJECT/attention/<run>/<episode>/<key>.npy.
std::filesystem::path AttentionCachePath(const std::filesystem::path& project,
                                         const std::string& run, const std::string& episode,
                                         const std::string& key);

// What a cached map must match: {"policy_sha256", "episode_sha256", "options"}.
Json AttentionIdentity(const std::filesystem::path& policy_pt,
                       const std::filesystem::path& episode_json, const AttentionOptions& options);

// The cached maps at `npy` when its .json identity equals `identity`; nullopt when missing,
// unreadable or stale (a stale entry is left for WriteAttentionCache to replace).
std::optional<AttentionMaps> ReadAttentionCache(const std::filesystem::path& npy,
                                                const Json& identity);

// Writes maps.data as float16 and maps.provenance (+ identity, shape), each file atomically;
// the old .json is removed first so a crash never leaves a .json vouching for another array.
void WriteAttentionCache(const std::filesystem::path& npy, const AttentionMaps& maps,
                         const Json& identity);

// `options` with `action` resolved against the policy ("" = its first action; cleared for
// methods without an action). Throws Error naming policy.json for an unknown action.
AttentionOptions ResolveAttentionOptions(const PolicySpec& spec, AttentionOptions options);

// Where run `run`'s maps of `episode` are cached and the identity they must have (reads
// policy.json and hashes policy.pt and episode.json; no LibTorch).
struct RunCacheEntry {
  std::filesystem::path npy;  // PROJECT/attention/<run>/<episode>/<key>.npy
  Json identity;              // AttentionIdentity of the run's policy.pt
  AttentionOptions options;   // resolved options
};
RunCacheEntry RunAttentionCacheEntry(const ProjectStore& store, const std::string& run,
                                     const std::string& episode, const AttentionOptions& options);

}  // namespace autofocus

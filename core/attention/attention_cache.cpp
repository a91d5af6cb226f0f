#include "core/attention/attention_cache.h"

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/base/hash.h"
#include "core/base/npy.h"
#include "core/train/run_registry.h"

namespace autofocus {
namespace {

std::filesystem::path ProvenancePath(const std::filesystem::path& npy) {
  auto p = npy;
  p.replace_extension(".json");
  return p;
}

}  // namespace

std::string AttentionCacheKey(const AttentionOptions& options, const std::string& action_name) {
  std::string key = options.method;
  if (options.UsesAction()) key += "-" + action_name;
  if (options.smoothgrad_samples > 0) key += "-smoothgrad";
  // float32 and bfloat16 maps of one method live side by side instead of evicting each other.
  if (options.amp) key += "-amp";
  return key;
}

std::filesystem::path AttentionCachePath(const std::filesystem::path& project,
                                         const std::string& run, const std::string& episode,
                                         const std::string& key) {
  return project / "attention" / run / episode / (key + ".npy");
}

Json AttentionIdentity(const std::filesystem::path& policy_pt,
                       const std::filesystem::path& episode_json, const AttentionOptions& options) {
  // Content hashes, not modification times: a retrained run rewrites policy.pt (new hash) and
  // a copied project keeps its cache valid.
  return Json{{"policy_sha256", Sha256Hex(ReadFile(policy_pt))},
              {"episode_sha256", Sha256Hex(ReadFile(episode_json))},
              {"options", options.IdentityJson()}};
}

std::optional<AttentionMaps> ReadAttentionCache(const std::filesystem::path& npy,
                                                const Json& identity) {
  const auto json = ProvenancePath(npy);
  if (!std::filesystem::exists(npy) || !std::filesystem::exists(json)) return std::nullopt;
  try {
    const Json prov = LoadJsonFile(json);
    if (!prov.contains("identity") || prov["identity"] != identity) return std::nullopt;
    NpyArray arr = ReadNpyAsFloat32(npy);
    if (arr.shape.size() != 3) return std::nullopt;
    AttentionMaps m;
    m.frames = arr.shape[0];
    m.height = arr.shape[1];
    m.width = arr.shape[2];
    m.data = std::move(arr.data);
    m.provenance = prov;
    return m;
  } catch (const Error&) {
    return std::nullopt;  // unreadable: recompute and overwrite
  }
}

void WriteAttentionCache(const std::filesystem::path& npy, const AttentionMaps& maps,
                         const Json& identity) {
  std::filesystem::create_directories(npy.parent_path());
  // The old provenance goes first: a crash mid-write then leaves an entry without .json (a
  // miss), never an old .json vouching for a new array.
  std::error_code ec;
  std::filesystem::remove(ProvenancePath(npy), ec);
  WriteNpyFloat16(npy, {maps.frames, maps.height, maps.width}, maps.data.data(), maps.data.size());
  Json prov = maps.provenance;
  prov["format"] = "autofocus-attention";
  prov["identity"] = identity;
  prov["shape"] = {maps.frames, maps.height, maps.width};
  prov["dtype"] = "float16";
  WriteFileAtomic(ProvenancePath(npy), prov.dump(2) + "\n");
}

AttentionOptions ResolveAttentionOptions(const PolicySpec& spec, AttentionOptions options) {
  if (!options.UsesAction()) {
    options.action.clear();
    return options;
  }
  try {
    options.action =
        spec.action_names[static_cast<size_t>(ActionIndex(spec.action_names, options.action))];
  } catch (const Error& e) {
    throw Error(spec.file.string(), "action", e.reason());
  }
  return options;
}

RunCacheEntry RunAttentionCacheEntry(const ProjectStore& store, const std::string& run,
                                     const std::string& episode, const AttentionOptions& options) {
  const auto dir = RunDirectory(store.root(), run);
  if (!std::filesystem::exists(dir / "policy.pt"))
    throw Error((dir / "policy.pt").string(), "run",
                "no policy for run \"" + run + "\" (not finished, or no such run)");
  RunCacheEntry e;
  e.options = ResolveAttentionOptions(PolicySpec::Load(dir), options);
  e.identity =
      AttentionIdentity(dir / "policy.pt", store.EpisodeDir(episode) / "episode.json", e.options);
  e.npy = AttentionCachePath(store.root(), run, episode,
                             AttentionCacheKey(e.options, e.options.action));
  return e;
}

}  // namespace autofocus

#include "core/export/export.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>
#include <set>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/base/hash.h"
#include "core/base/strings.h"
#include "core/curation/curation_state.h"
#include "core/curation/edit_journal.h"
#include "core/export/exporters.h"
#include "core/saliency/saliency_options.h"
#include "core/saliency/saliency_renderer.h"

namespace autofocus {
namespace fs = std::filesystem;
namespace {

std::string JoinNames(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

const std::vector<std::string>& ExportFormats() {
  static const std::vector<std::string> k = {"robomimic",  "folder", "coco",   "mot",
                                             "cvat-video", "yolo",   "lerobot"};
  return k;
}

void ExportOptions::Check() const {
  const auto& f = ExportFormats();
  if (std::find(f.begin(), f.end(), format) == f.end()) {
    throw Error("", "--format",
                "unknown format '" + format + "' (expected " + JoinNames(f, ", ") + ")");
  }
  if (out.empty()) throw Error("", "--out", "required");
  if (saliency != "maps" && saliency != "points" && saliency != "none") {
    throw Error("", "--saliency", "must be maps, points or none, got '" + saliency + "'");
  }
  if (format == "lerobot") {
    if (compress != "gzip" && compress != "none" && compress != "snappy" && compress != "zstd") {
      throw Error("", "--compress",
                  "must be gzip, snappy, zstd or none for lerobot, got '" + compress + "'");
    }
  } else if (compress != "gzip" && compress != "none") {
    throw Error("", "--compress", "must be gzip or none, got '" + compress + "'");
  }
  if (video_codec != "h264" && video_codec != "av1") {
    throw Error("", "--video-codec", "must be h264 or av1, got '" + video_codec + "'");
  }
  if (fps < 0) throw Error("", "--fps", "must be positive (or 0: the episodes' own)");
  if (!(valid_share >= 0 && valid_share < 1)) throw Error("", "--valid-share", "must be in [0, 1)");
  if (image_key.empty() || image_key.find('/') != std::string::npos) {
    throw Error("", "--image-key", "must be a non-empty name without '/'");
  }
}

std::unique_ptr<Exporter> MakeExporter(const std::string& format) {
  if (format == "robomimic") return MakeRobomimicExporter();
  if (format == "folder") return MakeFolderExporter();
  if (format == "coco") return MakeCocoExporter();
  if (format == "mot") return MakeMotExporter();
  if (format == "cvat-video") return MakeCvatVideoExporter();
  if (format == "yolo") return MakeYoloExporter();
  if (format == "lerobot") return MakeLeRobotExporter();
  throw Error("", "--format", "unknown format '" + format + "'");
}

namespace {
Json DamagedJson(const std::vector<std::pair<std::string, std::string>>& damaged) {
  Json j = Json::array();
  for (const auto& [name, error] : damaged) j.push_back({{"episode", name}, {"error", error}});
  return j;
}
}  // namespace

Json ExportSummary::ToJson() const {
  return {{"out", out.string()},
          {"format", format},
          {"episodes", episodes},
          {"frames", frames},
          {"excluded_episodes", excluded_episodes},
          {"excluded_frames", excluded_frames},
          {"damaged_episodes", DamagedJson(damaged_episodes)},
          {"files", files.size()},
          {"validated", validated},
          {"seconds", seconds}};
}

std::vector<float> GazeCoords(const std::vector<Detection>& key, int width, int height) {
  std::vector<float> out(10, -1.f);
  const float sx = width > 1 ? 1.f / static_cast<float>(width - 1) : 1.f;
  const float sy = height > 1 ? 1.f / static_cast<float>(height - 1) : 1.f;
  for (size_t k = 0; k < key.size() && k < 5; ++k) {
    out[2 * k] = std::clamp(key[k].box.CenterX() * sx, 0.f, 1.f);
    out[2 * k + 1] = std::clamp(key[k].box.CenterY() * sy, 0.f, 1.f);
  }
  return out;
}

namespace {

// Episodes in the validation split: a seeded shuffle of the exported episodes, the first
// round(share * n) of it (at least one when share > 0 and there are two or more episodes).
std::set<std::string> ValidEpisodes(const std::vector<std::string>& names, uint64_t seed,
                                    double share) {
  std::vector<std::string> order = names;
  std::mt19937_64 rng(seed);
  for (size_t i = order.size(); i > 1; --i) {
    std::swap(order[i - 1], order[static_cast<size_t>(rng() % i)]);
  }
  size_t n = static_cast<size_t>(share * static_cast<double>(order.size()) + 0.5);
  if (share > 0 && n == 0 && order.size() >= 2) n = 1;
  if (n >= order.size() && !order.empty()) n = order.size() - 1;  // keep a training split
  return {order.begin(), order.begin() + static_cast<long>(n)};
}

// SHA-256 of a file, streamed.
std::string FileSha256(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  Sha256 h;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0) h.Update(std::string_view(buf.data(), static_cast<size_t>(in.gcount())));
  }
  return h.FinalHex();
}

}  // namespace

std::vector<ExportEpisode> CollectExportEpisodes(const ProjectStore& store,
                                                 const ExportOptions& options,
                                                 ExportSummary* summary, const StopCheck& stop) {
  std::vector<std::string> names = options.episodes;
  if (names.empty()) {
    for (const auto& e : store.info().episodes) names.push_back(e.name);
  }
  for (const auto& n : names) {
    if (store.FindEpisode(n) < 0)
      throw Error(store.root().string(), "--episodes", "no episode named '" + n + "'");
  }
  SaliencyOptions sal;
  if (store.info().settings.contains("saliency")) {
    sal = SaliencyOptions::FromJson(store.info().settings["saliency"],
                                    (store.root() / "project.json").string(), "settings.saliency");
  }
  std::vector<ExportEpisode> out;
  std::vector<std::string> kept;
  // The journal is the project's, not the episode's: read it once for all of them.
  const std::vector<JournalEntry> journal =
      options.curated ? ReadJournal(EditJournal::ProjectFile(store.root())).entries
                      : std::vector<JournalEntry>{};
  for (const auto& name : names) {
    ThrowIfStopped(stop);
    CurationState state;
    ExportEpisode ep;
    try {
      state = options.curated ? LoadCuratedEpisode(store, name, journal)
                              : LoadCurationState(store, name);
      if (!(options.curated && state.episode_excluded)) ep.episode = store.LoadEpisode(name);
    } catch (const Error& e) {
      // One unreadable episode costs that episode, not the export: it is named in the summary
      // and the manifest, and the split below is drawn over the readable ones.
      if (summary) summary->damaged_episodes.emplace_back(name, e.what());
      continue;
    }
    if (options.curated && state.episode_excluded) {
      if (summary) summary->excluded_episodes.push_back(name);
      continue;
    }
    const auto key_all = state.AllKeyBoxes();
    const int T = ep.episode.num_frames;
    for (int t = 0; t < T; ++t) {
      if (options.curated && state.IsExcluded(t)) {
        if (summary) ++summary->excluded_frames;
        continue;
      }
      ExportFrame f;
      f.index = t;
      if (t < state.num_frames()) f.tracked = state.tracked[static_cast<size_t>(t)];
      if (t < static_cast<int>(key_all.size())) f.key = key_all[static_cast<size_t>(t)];
      if (options.curated) {
        auto it = state.flags.find(t);
        if (it != state.flags.end()) f.flag = it->second.empty() ? "flagged" : it->second;
      }
      ep.frames.push_back(std::move(f));
    }
    if (options.saliency == "maps" && !ep.frames.empty()) {
      // Eq. 1 is temporal: render from every frame's key boxes, then keep the exported frames.
      SaliencyInput in;
      in.image_width = ep.episode.width;
      in.image_height = ep.episode.height;
      in.frames.resize(static_cast<size_t>(T));
      for (int t = 0; t < T && t < static_cast<int>(key_all.size()); ++t) {
        for (const auto& d : key_all[static_cast<size_t>(t)])
          in.frames[static_cast<size_t>(t)].push_back(d.box);
      }
      SaliencyOptions full = sal;
      full.output_width = 0;  // at frame resolution, the size the frames are exported at
      full.output_height = 0;
      const std::vector<float> maps = RenderSaliencyEpisode(in, full, 2, {}, stop);
      const size_t per =
          static_cast<size_t>(ep.episode.width) * static_cast<size_t>(ep.episode.height);
      ep.saliency.resize(per * ep.frames.size());
      for (size_t i = 0; i < ep.frames.size(); ++i) {
        std::copy_n(maps.begin() + static_cast<long>(per * static_cast<size_t>(ep.frames[i].index)),
                    per, ep.saliency.begin() + static_cast<long>(per * i));
      }
    }
    kept.push_back(name);
    out.push_back(std::move(ep));
  }
  const std::set<std::string> valid = ValidEpisodes(kept, options.split_seed, options.valid_share);
  for (auto& ep : out) ep.valid = valid.count(ep.episode.name) > 0;
  return out;
}

ExportSummary RunExport(const ProjectStore& store, const ExportOptions& options,
                        const ProgressCallback& progress, const StopCheck& stop) {
  options.Check();
  const auto start = std::chrono::steady_clock::now();
  const std::unique_ptr<Exporter> exporter = MakeExporter(options.format);
  const fs::path out = fs::absolute(options.out);
  if (fs::exists(out) && !options.force) {
    throw Error(out.string(), "--out", "already exists (use --force to replace it)");
  }
  if (!out.parent_path().empty() && !fs::is_directory(out.parent_path())) {
    throw Error(out.string(), "--out",
                "its folder " + out.parent_path().string() + " does not exist");
  }
  ExportSummary summary;
  summary.out = out;
  summary.format = options.format;
  const std::vector<ExportEpisode> episodes = CollectExportEpisodes(store, options, &summary, stop);
  if (episodes.empty() && !summary.damaged_episodes.empty())
    throw Error(store.root().string(), "--episodes",
                "nothing to export: every episode is excluded or damaged (first: " +
                    summary.damaged_episodes.front().second + ")");
  if (episodes.empty())
    throw Error(store.root().string(), "--episodes", "nothing to export (every episode excluded)");
  for (const auto& e : episodes) summary.frames += static_cast<long>(e.frames.size());
  summary.episodes = static_cast<int>(episodes.size());

  // Everything goes into a staging folder next to `out`; a file format writes its file inside
  // it, and the folder (or the file) is renamed into place only after validation.
  StagingDirectory staging(out.parent_path() / (out.filename().string() + ".export"));
  const fs::path dest =
      exporter->SingleFile() ? staging.path() / out.filename() : staging.path() / "data";
  exporter->Write(store, episodes, options, dest, progress, stop);
  ThrowIfStopped(stop);
  exporter->Validate(episodes, options, dest);
  summary.validated = true;

  // The manifest: provenance and the hash of every written file.
  Json files = Json::object();
  if (exporter->SingleFile()) {
    files[out.filename().string()] = FileSha256(dest);
    summary.files.push_back(out.filename().string());
  } else {
    std::vector<fs::path> all;
    for (const auto& entry : fs::recursive_directory_iterator(dest)) {
      if (entry.is_regular_file()) all.push_back(entry.path());
    }
    std::sort(all.begin(), all.end());
    for (const auto& p : all) {
      const std::string rel = fs::relative(p, dest).generic_string();
      files[rel] = FileSha256(p);
      summary.files.push_back(rel);
    }
  }
  Json eps = Json::array();
  for (const auto& e : episodes) {
    std::vector<int> idx;
    for (const auto& f : e.frames) idx.push_back(f.index);
    eps.push_back({{"episode", e.episode.name},
                   {"frames", idx.size()},
                   {"first_frame", idx.empty() ? 0 : idx.front()},
                   {"last_frame", idx.empty() ? 0 : idx.back()},
                   {"frame_indices", idx},
                   {"split", e.valid ? "valid" : "train"}});
  }
  Json models = Json::object();
  for (const auto& e : episodes) {
    for (const char* art : {"context", "detections", "key_objects"}) {
      if (!store.HasArtifact(e.episode.name, art)) continue;
      const Json a = store.LoadArtifact(e.episode.name, art);
      if (a.contains("provenance"))
        models[art] =
            a["provenance"].value("backend", "") + " / " + a["provenance"].value("model", "");
    }
    break;  // one run's backends: the first episode names them
  }
  Json templates = Json::array();
  if (!episodes.empty() && store.HasArtifact(episodes.front().episode.name, "key_objects")) {
    std::set<std::string> hashes;
    for (const Json& s : store.LoadArtifact(episodes.front().episode.name, "key_objects")
                             .value("segments", Json::array())) {
      for (const Json& it : s.value("iterations", Json::array())) {
        const std::string h = it.value("record", Json::object()).value("template_hash", "");
        if (!h.empty()) hashes.insert(h);
      }
    }
    for (const auto& h : hashes) templates.push_back(h);
  }
  Json manifest = {{"format", options.format},
                   {"format_version", 1},
                   {"source_project", store.root().string()},
                   {"project_name", store.info().name},
                   {"episodes", eps},
                   {"options",
                    {{"curated", options.curated},
                     {"saliency", options.saliency},
                     {"split_seed", options.split_seed},
                     {"valid_share", options.valid_share},
                     {"compress", options.compress},
                     {"image_key", options.image_key},
                     {"video_codec", options.video_codec},
                     {"fps", options.fps}}},
                   {"pipeline", store.info().settings.value("pipeline", Json::object())},
                   {"saliency_parameters", store.info().settings.value("saliency", Json::object())},
                   {"models", models},
                   {"template_hashes", templates},
                   {"curation",
                    {{"applied", options.curated},
                     {"excluded_episodes", summary.excluded_episodes},
                     {"excluded_frames", summary.excluded_frames}}},
                   {"damaged_episodes", DamagedJson(summary.damaged_episodes)},
                   {"code_version", "autofocus " AUTOFOCUS_EXPORT_VERSION},
                   {"time", NowIso8601()},
                   {"sha256", files}};
  const fs::path manifest_path = exporter->SingleFile()
                                     ? staging.path() / (out.filename().string() + ".manifest.json")
                                     : dest / "manifest.json";
  SaveJsonFile(manifest_path, manifest);
  ThrowIfStopped(stop);

  if (options.force && fs::exists(out)) fs::remove_all(out);
  if (exporter->SingleFile()) {
    const fs::path final_manifest =
        out.parent_path() / (out.filename().string() + ".manifest.json");
    if (options.force && fs::exists(final_manifest)) fs::remove(final_manifest);
    // The data file first, its manifest second: a manifest never describes a missing file.
    fs::rename(dest, out);
    fs::rename(manifest_path, final_manifest);
  } else {
    fs::rename(dest, out);
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace autofocus

#include "core/importers/hdf5_importer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/base/strings.h"
#include "core/importers/hdf5_util.h"
#include "core/importers/import_common.h"

namespace autofocus {
namespace fs = std::filesystem;
using hdf5::DatasetInfo;
using hdf5::Hdf5Session;

namespace {

// Reads a numeric dataset of any rank as floats (HDF5 converts); empty when it is missing.
std::vector<float> ReadAllFloats(hid_t f, const std::string& path, std::vector<hsize_t>* dims) {
  if (!hdf5::IsDataset(f, path)) return {};
  hdf5::Handle d(H5Dopen2(f, path.c_str(), H5P_DEFAULT));
  hdf5::Handle space(H5Dget_space(d.get()));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank <= 0) return {};
  dims->assign(static_cast<size_t>(rank), 0);
  H5Sget_simple_extent_dims(space.get(), dims->data(), nullptr);
  size_t n = 1;
  for (hsize_t v : *dims) n *= static_cast<size_t>(v);
  std::vector<float> out(n);
  if (n > 0 && H5Dread(d.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    return {};
  return out;
}

// AutoFocus Studio's own exports carry the key boxes in `<demo>/annotations/` (key_boxes
// [T,K,4], key_track_ids [T,K], -1 padding; labels as a JSON attribute): they come back as the
// episode's tracks.json and key_objects.json, one sub-sequence with every track key, marked
// imported (a later `autofocus run` recomputes them from the model answers).
void ImportKeyBoxes(hid_t f, const std::string& file, const std::string& group,
                    const std::string& episode, size_t frames, ProjectStore& store) {
  std::vector<hsize_t> bdims, idims;
  const std::vector<float> boxes = ReadAllFloats(f, group + "/annotations/key_boxes", &bdims);
  const std::vector<float> ids = ReadAllFloats(f, group + "/annotations/key_track_ids", &idims);
  if (boxes.empty() || ids.empty()) return;
  if (bdims.size() != 3 || bdims[0] != frames || bdims[2] != 4 || idims.size() != 2 ||
      idims[0] != frames || idims[1] != bdims[1]) {
    throw Error(file, group + "/annotations",
                "key_boxes [T,K,4] and key_track_ids [T,K] do not match the demo");
  }
  Json labels = Json::object();
  const Json attrs = hdf5::ReadAttributes(f, group + "/annotations", 1 << 20);
  if (attrs.contains("labels") && attrs["labels"].is_string()) {
    labels = Json::parse(attrs["labels"].get<std::string>(), nullptr, false);
    if (!labels.is_object()) labels = Json::object();
  }
  const size_t K = static_cast<size_t>(bdims[1]);
  Json track_frames = Json::array(), key_frames = Json::array();
  std::map<int, std::array<int, 3>> life;  // id -> first, last, count
  for (size_t t = 0; t < frames; ++t) {
    Json dets = Json::array();
    for (size_t k = 0; k < K; ++k) {
      const int id = static_cast<int>(ids[t * K + k]);
      if (id < 0) continue;
      const float* b = &boxes[(t * K + k) * 4];
      const std::string label = labels.value(std::to_string(id), std::string("object"));
      dets.push_back(
          {{"box", {b[0], b[1], b[2], b[3]}}, {"label", label}, {"score", 1.0}, {"id", id}});
      auto it = life.find(id);
      if (it == life.end()) {
        life[id] = {static_cast<int>(t), static_cast<int>(t), 1};
      } else {
        it->second[1] = static_cast<int>(t);
        ++it->second[2];
      }
    }
    track_frames.push_back({{"detections", dets}});
    key_frames.push_back({{"objects", dets}});
  }
  std::vector<int> all;
  Json tracks = Json::array();
  for (const auto& [id, l] : life) {
    all.push_back(id);
    tracks.push_back({{"id", id},
                      {"label", labels.value(std::to_string(id), std::string("object"))},
                      {"first_frame", l[0]},
                      {"last_frame", l[1]},
                      {"length", l[2]}});
  }
  const Json provenance = {
      {"backend", "import"}, {"model", "hdf5 annotations"}, {"time", NowIso8601()}};
  const Json segment = {{"start", 0}, {"end", static_cast<int>(frames) - 1}, {"ids", all}};
  store.SaveArtifact(
      episode, "tracks",
      {{"stage", "track"},
       {"input_hash", "imported"},
       {"output_hash", "imported"},
       {"provenance", provenance},
       {"result",
        {{"frames", track_frames}, {"tracks", tracks}, {"segments", Json::array({segment})}}}});
  Json seg = segment;
  seg["frame"] = 0;
  seg["key_ids"] = all;
  seg["status"] = "ok";
  seg["decided_by"] = "import";
  seg["iterations"] = Json::array();
  store.SaveArtifact(episode, "key_objects",
                     {{"stage", "key_objects"},
                      {"input_hash", "imported"},
                      {"output_hash", "imported"},
                      {"complete", true},
                      {"provenance", provenance},
                      {"segments", Json::array({seg})},
                      {"frames", key_frames}});
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s;
}

void SortNatural(std::vector<std::string>* v) {
  std::sort(v->begin(), v->end(),
            [](const std::string& a, const std::string& b) { return NaturalLess(a, b); });
}

bool IsGazeKey(const std::string& key) {
  return key.rfind("gaze_coords", 0) == 0;
}

std::vector<std::string> ImageKeysLocked(hid_t file, const std::string& file_name,
                                         const std::string& group) {
  std::vector<std::string> keys;
  for (const auto& k : hdf5::ListChildren(file, group, false)) {
    if (hdf5::GetDatasetInfo(file, file_name, group + "/" + k).IsImageStack()) keys.push_back(k);
  }
  SortNatural(&keys);
  return keys;
}

// Gaze rows [T][2k] -> up to k points per frame; points with a negative or non-finite
// coordinate are padding (AutoFocus-IL pads with -1) and dropped.
std::vector<std::vector<GazePoint>> GazeFromRows(const std::vector<std::vector<float>>& rows) {
  std::vector<std::vector<GazePoint>> out(rows.size());
  for (size_t t = 0; t < rows.size(); ++t) {
    for (size_t i = 0; i + 1 < rows[t].size(); i += 2) {
      const float x = rows[t][i], y = rows[t][i + 1];
      if (std::isfinite(x) && std::isfinite(y) && x >= 0 && y >= 0) out[t].push_back({x, y});
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> FindImageKeys(const fs::path& file, const std::string& group) {
  Hdf5Session session;
  hdf5::Handle f = hdf5::OpenFile(file.string());
  return ImageKeysLocked(f.get(), file.string(), group);
}

void Hdf5ImportOptions::Check() const {
  if (file.empty()) throw Error("", "file", "the HDF5 file is required");
  if (out.empty()) throw Error("", "out", "the output project path is required");
  std::set<std::string> seen;
  for (const auto& n : action_names) {
    if (n.empty()) throw Error("", "action_names", "empty action name");
    if (!seen.insert(n).second)
      throw Error("", "action_names", "duplicate action name \"" + n + "\"");
  }
}

Hdf5Importer::Hdf5Importer(Hdf5ImportOptions options) : options_(std::move(options)) {
  options_.Check();
}

ProjectInfo Hdf5Importer::Run(const ProgressCallback& progress, const StopCheck& stop) const {
  const fs::path path = fs::absolute(options_.file).lexically_normal();
  const std::string file = options_.file.string();
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error(file, "", "no such file");
  if (!fs::is_regular_file(path, ec)) throw Error(file, "", "not a regular file");

  // Episodes are written to the staging project as they are read, so only one demo's numbers
  // are in memory at a time; frames stay in the file.
  StagingDirectory staging(options_.out);
  ProjectInfo info;
  info.name = options_.name.empty() ? path.stem().string() : options_.name;
  info.importer = "hdf5";
  info.source_root = options_.copy ? "." : path.parent_path().string();
  ProjectStore store = ProjectStore::Create(staging.path(), info);
  ActionRangeAccumulator ranges;
  std::vector<std::string> action_names = options_.action_names;
  std::string image_key = options_.image_key;
  {
    Hdf5Session session;
    hdf5::Handle f = hdf5::OpenFile(file);
    if (!hdf5::IsGroup(f.get(), "data")) {
      throw Error(file, "data", "no 'data' group (not a robomimic-style file)");
    }
    if (action_names.empty()) {
      // AutoFocus Studio's own exports name the action columns (data attribute action_names).
      const Json attrs = hdf5::ReadAttributes(f.get(), "data", 1 << 16);
      if (attrs.contains("action_names") && attrs["action_names"].is_string()) {
        const Json names = Json::parse(attrs["action_names"].get<std::string>(), nullptr, false);
        if (names.is_array() &&
            std::all_of(names.begin(), names.end(), [](const Json& n) { return n.is_string(); })) {
          action_names = names.get<std::vector<std::string>>();
        }
      }
    }
    std::vector<std::string> demos = hdf5::ListChildren(f.get(), "data", true);
    SortNatural(&demos);
    if (demos.empty()) throw Error(file, "data", "no demo groups (expected data/demo_<k>)");

    const std::string first_obs = "data/" + demos[0] + "/obs";
    if (!hdf5::IsGroup(f.get(), first_obs)) throw Error(file, first_obs, "missing group");
    const std::vector<std::string> candidates = ImageKeysLocked(f.get(), file, first_obs);
    if (image_key.empty()) {
      if (candidates.empty()) {
        std::vector<std::string> keys = hdf5::ListChildren(f.get(), first_obs, false);
        SortNatural(&keys);
        throw Error(file, first_obs,
                    "no image dataset (uint8 [T,H,W,3]) found; obs keys: " +
                        (keys.empty() ? std::string("(none)") : Join(keys)));
      }
      if (candidates.size() > 1) {
        throw Error(file, first_obs,
                    "several image datasets; choose one with --image-key: " + Join(candidates));
      }
      image_key = candidates[0];
    } else if (std::find(candidates.begin(), candidates.end(), image_key) == candidates.end()) {
      throw Error(file, first_obs + "/" + image_key,
                  "no such image dataset (uint8 [T,H,W,3]); candidates: " +
                      (candidates.empty() ? std::string("(none)") : Join(candidates)));
    }

    // robomimic filter keys (mask/train, mask/valid, mask/20_percent, ...): which named subsets
    // each demo belongs to, kept in the episode metadata so training can split or filter by them.
    std::map<std::string, std::vector<std::string>> masks_of;
    if (hdf5::IsGroup(f.get(), "mask")) {
      for (const std::string& key : hdf5::ListChildren(f.get(), "mask", false)) {
        for (const std::string& d : hdf5::ReadStrings(f.get(), file, "mask/" + key))
          masks_of[d].push_back(key);
      }
    }

    ProgressCounter counter(progress, "import", static_cast<int64_t>(demos.size()));
    for (const std::string& demo : demos) {
      ThrowIfStopped(stop);
      const std::string group = "data/" + demo;
      const std::string obs = group + "/obs";
      const std::string image_path = obs + "/" + image_key;
      if (!hdf5::IsDataset(f.get(), image_path)) {
        throw Error(file, image_path, "image dataset missing in this demo");
      }
      const DatasetInfo img = hdf5::GetDatasetInfo(f.get(), file, image_path);
      if (!img.IsImageStack()) {
        throw Error(file, image_path, "expected uint8 [T,H,W,3] frames");
      }
      const size_t frames = img.dims[0];
      if (frames == 0) throw Error(file, image_path, "demo has no frames");
      // Read the first and last frame: catches truncated data and missing filters at import
      // time without reading (or copying) the whole stack.
      std::vector<unsigned char> buf;
      for (hsize_t idx : {hsize_t{0}, hsize_t(frames - 1)}) {
        if (!hdf5::ReadImageFrame(f.get(), image_path, img, idx, &buf)) {
          throw Error(file, image_path + "[" + std::to_string(idx) + "]",
                      "frame cannot be read (truncated file or missing compression filter)");
        }
      }

      Episode e;
      e.name = demo;
      e.num_frames = static_cast<int>(frames);
      e.height = static_cast<int>(img.dims[1]);
      e.width = static_cast<int>(img.dims[2]);
      e.source.kind = FrameSourceRef::Kind::kHdf5;
      e.source.file =
          options_.copy ? "frames/" + path.filename().string() : path.filename().string();
      e.source.dataset = image_path;

      const std::string actions_path = group + "/actions";
      if (!hdf5::IsDataset(f.get(), actions_path)) {
        throw Error(file, actions_path, "actions dataset missing");
      }
      e.actions = hdf5::ReadFloatRows(f.get(), file, actions_path);
      if (e.actions.size() != frames) {
        throw Error(file, actions_path,
                    "has " + std::to_string(e.actions.size()) + " rows but " + image_path +
                        " has " + std::to_string(frames) + " frames");
      }
      const size_t dims = e.actions[0].size();
      if (action_names.empty()) action_names = DefaultActionNames(dims);
      if (action_names.size() != dims) {
        throw Error(file, actions_path,
                    "has " + std::to_string(dims) + " columns but " +
                        std::to_string(action_names.size()) + " action names were given (" +
                        Join(action_names) + ")");
      }
      RequireFinite(e.actions, action_names, file, actions_path);

      std::vector<std::string> keys = hdf5::ListChildren(f.get(), obs, false);
      SortNatural(&keys);
      for (const std::string& key : keys) {
        if (key == image_key) continue;
        const std::string p = obs + "/" + key;
        const DatasetInfo info = hdf5::GetDatasetInfo(f.get(), file, p);
        // Other cameras, depth maps and strings are not state: only numeric [T] / [T,D].
        if (!info.IsNumeric() || info.dims.empty() || info.dims.size() > 2) continue;
        if (info.dims[0] != frames) {
          throw Error(file, p,
                      "has " + std::to_string(info.dims[0]) + " rows but the demo has " +
                          std::to_string(frames) + " frames");
        }
        std::vector<std::vector<float>> rows = hdf5::ReadFloatRows(f.get(), file, p);
        if (IsGazeKey(key)) {
          if (rows[0].size() % 2 != 0) {
            throw Error(file, p,
                        "gaze needs an even number of columns (x,y pairs), got " +
                            std::to_string(rows[0].size()));
          }
          if (e.gaze.empty()) {
            e.gaze = GazeFromRows(rows);
            e.metadata["gaze_key"] = key;
          }
          continue;
        }
        RequireFinite(rows, {}, file, p);
        e.state[key] = std::move(rows);
      }
      Json attrs = hdf5::ReadAttributes(f.get(), group);
      for (auto& [k, v] : attrs.items()) e.metadata[k] = v;
      e.metadata["hdf5_group"] = group;
      if (masks_of.count(demo)) e.metadata["hdf5_masks"] = masks_of[demo];
      ranges.Add(e.actions);
      if (store.info().episodes.empty()) {
        store.mutable_info().image_width = e.width;
        store.mutable_info().image_height = e.height;
      }
      store.SaveEpisode(e);
      ImportKeyBoxes(f.get(), file, group, demo, frames, store);
      counter.Advance(1, demo);
    }
  }

  if (options_.copy) {
    // A byte copy of the whole file: frames are never re-encoded.
    ThrowIfStopped(stop);
    fs::create_directories(staging.path() / "frames");
    fs::copy_file(path, staging.path() / "frames" / path.filename(), ec);
    if (ec) throw Error(file, "", "cannot copy into the project: " + ec.message());
  }
  store.mutable_info().action_spec = ranges.Spec(action_names);
  store.Save();
  staging.Commit();
  return store.info();
}

}  // namespace autofocus

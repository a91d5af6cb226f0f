// robomimic-style HDF5 (FORMATS.md): data/demo_<i> sorted by integer, num_samples, data.total,
// data.env_args, actions/rewards/dones/states, obs/<image key> uint8 [N,H,W,3] chunked per frame
// and gzip-compressed (not LZF: stock HDF5 readers lack it), next_obs/, mask/train and
// mask/valid, saliency as obs/saliency uint8 [N,H,W,1] and obs/gaze_coords_autofocus [N,10],
// key boxes in annotations/.
#include <hdf5.h>
#include <zlib.h>

#include <algorithm>
#include <thread>
#include <cmath>
#include <cstring>
#include <opencv2/imgproc.hpp>

#include "core/base/error.h"
#include "core/export/exporters.h"
#include "core/importers/hdf5_util.h"

namespace autofocus {
namespace fs = std::filesystem;
using hdf5::Handle;

namespace {

constexpr int kMaxKey = 5;  // key boxes per frame kept in annotations/ (AutoFocus-IL: 5 points)

void Check(herr_t status, const std::string& file, const std::string& where) {
  if (status < 0) throw Error(file, where, "HDF5 write failed");
}

Handle CreateGroup(hid_t loc, const std::string& name, const std::string& file) {
  Handle g(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!g.valid()) throw Error(file, name, "cannot create HDF5 group");
  return g;
}

void AttrInt64(hid_t loc, const char* name, int64_t v, const std::string& file) {
  Handle space(H5Screate(H5S_SCALAR));
  Handle a(H5Acreate2(loc, name, H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT));
  if (!a.valid()) throw Error(file, name, "cannot create HDF5 attribute");
  Check(H5Awrite(a.get(), H5T_NATIVE_INT64, &v), file, name);
}

// A variable-length UTF-8 string attribute (h5py reads it as str; json.loads takes it).
void AttrString(hid_t loc, const char* name, const std::string& v, const std::string& file) {
  Handle type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  Handle space(H5Screate(H5S_SCALAR));
  Handle a(H5Acreate2(loc, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
  if (!a.valid()) throw Error(file, name, "cannot create HDF5 attribute");
  const char* p = v.c_str();
  Check(H5Awrite(a.get(), type.get(), &p), file, name);
}

// Creates a dataset of `dims`; chunked by `chunk` (empty = contiguous) with deflate `gzip`
// (0 = none).
Handle CreateDataset(hid_t loc, const std::string& name, hid_t type, const std::vector<hsize_t>& dims,
                     const std::vector<hsize_t>& chunk, int gzip, const std::string& file) {
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
  if (!chunk.empty()) {
    Check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), file, name);
    if (gzip > 0) Check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(gzip)), file, name);
  }
  Handle d(H5Dcreate2(loc, name.c_str(), type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT));
  if (!d.valid()) throw Error(file, name, "cannot create HDF5 dataset");
  return d;
}

template <typename T>
void WriteAll(hid_t loc, const std::string& name, hid_t file_type, hid_t mem_type, const std::vector<hsize_t>& dims,
              const std::vector<T>& data, const std::string& file) {
  Handle d = CreateDataset(loc, name, file_type, dims, {}, 0, file);
  if (!data.empty()) Check(H5Dwrite(d.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), file, name);
}

// Writes frame `i` (H*W*C bytes) into a [N,H,W,C] dataset.
void WriteFrame(hid_t dset, hsize_t i, const std::vector<hsize_t>& dims, const uint8_t* data, const std::string& file,
                const std::string& where) {
  Handle fspace(H5Dget_space(dset));
  const hsize_t start[4] = {i, 0, 0, 0};
  const hsize_t count[4] = {1, dims[1], dims[2], dims[3]};
  Check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr), file, where);
  Handle mspace(H5Screate_simple(4, count, nullptr));
  Check(H5Dwrite(dset, H5T_NATIVE_UINT8, mspace.get(), fspace.get(), H5P_DEFAULT, data), file, where);
}

// A 1-D dataset of fixed-length, null-padded ASCII strings (numpy 'S'), as robomimic's masks.
void WriteStrings(hid_t loc, const std::string& name, const std::vector<std::string>& v, const std::string& file) {
  size_t len = 1;
  for (const auto& s : v) len = std::max(len, s.size());
  Handle type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), len);
  H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  std::vector<char> buf(len * v.size(), '\0');
  for (size_t i = 0; i < v.size(); ++i) std::memcpy(buf.data() + i * len, v[i].data(), v[i].size());
  const hsize_t n = v.size();
  Handle space(H5Screate_simple(1, &n, nullptr));
  Handle d(H5Dcreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!d.valid()) throw Error(file, name, "cannot create HDF5 dataset");
  if (!v.empty()) Check(H5Dwrite(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), file, name);
}

// One frame's chunk, deflated the way HDF5's deflate filter stores it (a zlib stream), so it
// can be written with H5Dwrite_chunk: each frame is compressed once, on a worker thread, and
// the same bytes serve obs[i] and next_obs[i - 1].
std::vector<uint8_t> Deflate(const uint8_t* data, size_t n, int level) {
  uLongf len = compressBound(static_cast<uLong>(n));
  std::vector<uint8_t> out(len);
  if (compress2(out.data(), &len, data, static_cast<uLong>(n), level) != Z_OK) {
    throw Error("", "deflate", "zlib compression failed");
  }
  out.resize(len);
  return out;
}

// Writes chunk `i` of a per-frame chunked dataset: deflated bytes (gzip) or raw ones.
void WriteChunk(hid_t dset, hsize_t i, const std::vector<uint8_t>& bytes, const std::string& file,
                const std::string& where) {
  const hsize_t offset[4] = {i, 0, 0, 0};
  Check(H5Dwrite_chunk(dset, H5P_DEFAULT, 0, offset, bytes.size(), bytes.data()), file, where);
}

class RobomimicExporter : public Exporter {
 public:
  std::string Format() const override { return "robomimic"; }
  bool SingleFile() const override { return true; }

  void Write(const ProjectStore& store, const std::vector<ExportEpisode>& episodes, const ExportOptions& options,
             const fs::path& dest, const ProgressCallback& progress, const StopCheck& stop) const override {
    const std::string file = dest.string();
    hdf5::Hdf5Session session;
    Handle f(H5Fcreate(file.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT));
    if (!f.valid()) throw Error(file, "", "cannot create the HDF5 file");
    Handle data = CreateGroup(f.get(), "data", file);
    const int gzip = options.compress == "gzip" ? 4 : 0;
    int64_t total = 0;
    long done = 0, all = 0;
    for (const auto& e : episodes) all += static_cast<long>(e.frames.size());
    std::vector<std::string> train, valid;
    for (size_t k = 0; k < episodes.size(); ++k) {
      const ExportEpisode& ep = episodes[k];
      const Episode& e = ep.episode;
      const std::string demo = "demo_" + std::to_string(k);
      (ep.valid ? valid : train).push_back(demo);
      const hsize_t N = ep.frames.size();
      const hsize_t H = static_cast<hsize_t>(e.height), W = static_cast<hsize_t>(e.width);
      Handle g = CreateGroup(data.get(), demo, file);
      AttrInt64(g.get(), "num_samples", static_cast<int64_t>(N), file);
      Json meta = {{"episode", e.name}, {"source_project", store.root().string()}};
      Json idx = Json::array(), flags = Json::object();
      for (const auto& fr : ep.frames) {
        idx.push_back(fr.index);
        if (!fr.flag.empty()) flags[std::to_string(fr.index)] = fr.flag;
      }
      meta["frame_indices"] = idx;
      if (!flags.empty()) meta["flags"] = flags;
      if (!e.metadata.empty()) meta["metadata"] = e.metadata;
      AttrString(g.get(), "ep_meta", meta.dump(), file);
      total += static_cast<int64_t>(N);

      // Low-dimensional data.
      const hsize_t A = e.actions.empty() ? 0 : e.actions.front().size();
      std::vector<float> actions, rewards(N, 0.f);
      std::vector<int64_t> dones(N, 0);
      if (N > 0) dones[N - 1] = 1;
      for (const auto& fr : ep.frames) {
        const auto& a = e.actions.at(static_cast<size_t>(fr.index));
        actions.insert(actions.end(), a.begin(), a.end());
      }
      WriteAll(g.get(), "actions", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {N, A}, actions, file);
      WriteAll(g.get(), "rewards", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {N}, rewards, file);
      WriteAll(g.get(), "dones", H5T_STD_I64LE, H5T_NATIVE_INT64, {N}, dones, file);
      // `states` is required by robomimic's loader; off-simulator it is the concatenated
      // state (or one zero column).
      std::vector<float> states;
      hsize_t D = 0;
      for (const auto& [key, rows] : e.state) D += rows.empty() ? 0 : rows.front().size();
      if (D == 0) D = 1;
      for (const auto& fr : ep.frames) {
        size_t before = states.size();
        for (const auto& [key, rows] : e.state) {
          const auto& r = rows.at(static_cast<size_t>(fr.index));
          states.insert(states.end(), r.begin(), r.end());
        }
        if (states.size() == before) states.push_back(0.f);
      }
      WriteAll(g.get(), "states", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {N, D}, states, file);

      Handle obs = CreateGroup(g.get(), "obs", file);
      Handle next = CreateGroup(g.get(), "next_obs", file);
      for (const auto& [key, rows] : e.state) {
        const hsize_t d = rows.empty() ? 0 : rows.front().size();
        std::vector<float> v, nv;
        for (size_t i = 0; i < N; ++i) {
          const auto& r = rows.at(static_cast<size_t>(ep.frames[i].index));
          const auto& rn = rows.at(static_cast<size_t>(ep.frames[std::min<size_t>(i + 1, N - 1)].index));
          v.insert(v.end(), r.begin(), r.end());
          nv.insert(nv.end(), rn.begin(), rn.end());
        }
        WriteAll(obs.get(), key, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {N, d}, v, file);
        WriteAll(next.get(), key, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {N, d}, nv, file);
      }
      if (options.saliency != "none") {
        std::vector<float> coords, ncoords;
        for (size_t i = 0; i < N; ++i) {
          const auto c = GazeCoords(ep.frames[i].key, e.width, e.height);
          const auto cn = GazeCoords(ep.frames[std::min<size_t>(i + 1, N - 1)].key, e.width, e.height);
          coords.insert(coords.end(), c.begin(), c.end());
          ncoords.insert(ncoords.end(), cn.begin(), cn.end());
        }
        WriteAll(obs.get(), "gaze_coords_autofocus", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {N, 10}, coords, file);
        WriteAll(next.get(), "gaze_coords_autofocus", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {N, 10}, ncoords, file);
      }
      // Key boxes (and their track IDs) for tools that want the boxes, not the maps.
      Handle ann = CreateGroup(g.get(), "annotations", file);
      std::vector<float> boxes(N * kMaxKey * 4, -1.f);
      std::vector<int32_t> ids(N * kMaxKey, -1);
      Json labels = Json::object();
      for (size_t i = 0; i < N; ++i) {
        const auto& key = ep.frames[i].key;
        for (size_t k2 = 0; k2 < key.size() && k2 < static_cast<size_t>(kMaxKey); ++k2) {
          const Box& b = key[k2].box;
          float* p = &boxes[(i * kMaxKey + k2) * 4];
          p[0] = b.x1, p[1] = b.y1, p[2] = b.x2, p[3] = b.y2;
          ids[i * kMaxKey + k2] = key[k2].id;
          labels[std::to_string(key[k2].id)] = key[k2].label;
        }
      }
      WriteAll(ann.get(), "key_boxes", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {N, static_cast<hsize_t>(kMaxKey), 4}, boxes, file);
      WriteAll(ann.get(), "key_track_ids", H5T_STD_I32LE, H5T_NATIVE_INT32, {N, static_cast<hsize_t>(kMaxKey)}, ids, file);
      AttrString(ann.get(), "labels", labels.dump(), file);
      AttrString(ann.get(), "layout", "key_boxes [N,5,4] x1,y1,x2,y2 in pixels, -1 padding; key_track_ids [N,5]", file);

      // Frames (and saliency maps) frame by frame: bounded memory, one chunk per frame.
      const std::vector<hsize_t> idims = {N, H, W, 3}, sdims = {N, H, W, 1};
      const std::vector<hsize_t> ichunk = gzip ? std::vector<hsize_t>{1, H, W, 3} : std::vector<hsize_t>{};
      const std::vector<hsize_t> schunk = gzip ? std::vector<hsize_t>{1, H, W, 1} : std::vector<hsize_t>{};
      Handle img = CreateDataset(obs.get(), options.image_key, H5T_STD_U8LE, idims, ichunk, gzip, file);
      Handle nimg = CreateDataset(next.get(), options.image_key, H5T_STD_U8LE, idims, ichunk, gzip, file);
      const bool maps = options.saliency == "maps" && !ep.saliency.empty();
      Handle sal, nsal;
      if (maps) {
        sal = CreateDataset(obs.get(), "saliency", H5T_STD_U8LE, sdims, schunk, gzip, file);
        nsal = CreateDataset(next.get(), "saliency", H5T_STD_U8LE, sdims, schunk, gzip, file);
      }
      const std::string where = demo + "/obs/" + options.image_key;
      // Frames are decoded and compressed in batches on two workers (compression is most of an
      // export's time); HDF5 writes stay on this thread.
      const size_t kBatch = 16;
      const size_t frame_bytes = static_cast<size_t>(H * W * 3), map_bytes = static_cast<size_t>(H * W);
      std::vector<std::vector<uint8_t>> img_chunks, map_chunks;
      std::vector<cv::Mat> raw;  // uncompressed frames (compress none)
      for (hsize_t b0 = 0; b0 < N; b0 += kBatch) {
        ThrowIfStopped(stop);
        const size_t nb = static_cast<size_t>(std::min<hsize_t>(kBatch, N - b0));
        img_chunks.assign(nb, {});
        map_chunks.assign(nb, {});
        raw.assign(nb, cv::Mat());
        std::string error;
        auto work = [&](size_t worker, size_t workers) {
          try {
            auto frames = store.OpenFrames(e);  // one frame source per worker (not thread-safe)
            for (size_t j = worker; j < nb; j += workers) {
              const hsize_t i = b0 + j;
              cv::Mat rgb = ToRgb(frames->Read(ep.frames[i].index));
              if (rgb.rows != static_cast<int>(H) || rgb.cols != static_cast<int>(W)) {
                throw Error(store.root().string(), e.name + " frame " + std::to_string(ep.frames[i].index),
                            "frame size differs from the episode's " + std::to_string(W) + "x" + std::to_string(H));
              }
              std::vector<uint8_t> m8;
              if (maps) {
                m8.resize(map_bytes);
                const float* m = ep.saliency.data() + i * H * W;
                for (size_t p = 0; p < map_bytes; ++p) m8[p] = static_cast<uint8_t>(std::lround(255.f * std::clamp(m[p], 0.f, 1.f)));
              }
              if (gzip) {
                img_chunks[j] = Deflate(rgb.data, frame_bytes, gzip);
                if (maps) map_chunks[j] = Deflate(m8.data(), map_bytes, gzip);
              } else {
                raw[j] = rgb;
                map_chunks[j] = std::move(m8);
              }
            }
          } catch (const std::exception& ex) {
            error = ex.what();
          }
        };
        std::thread helper(work, 1, 2);
        work(0, 2);
        helper.join();
        if (!error.empty()) throw Error(file, where, error);
        for (size_t j = 0; j < nb; ++j) {
          const hsize_t i = b0 + j;
          if (gzip) {
            WriteChunk(img.get(), i, img_chunks[j], file, where);
            if (i > 0) WriteChunk(nimg.get(), i - 1, img_chunks[j], file, where);
            if (i + 1 == N) WriteChunk(nimg.get(), i, img_chunks[j], file, where);
            if (maps) {
              WriteChunk(sal.get(), i, map_chunks[j], file, where);
              if (i > 0) WriteChunk(nsal.get(), i - 1, map_chunks[j], file, where);
              if (i + 1 == N) WriteChunk(nsal.get(), i, map_chunks[j], file, where);
            }
          } else {
            WriteFrame(img.get(), i, idims, raw[j].data, file, where);
            if (i > 0) WriteFrame(nimg.get(), i - 1, idims, raw[j].data, file, where);
            if (i + 1 == N) WriteFrame(nimg.get(), i, idims, raw[j].data, file, where);
            if (maps) {
              WriteFrame(sal.get(), i, sdims, map_chunks[j].data(), file, where);
              if (i > 0) WriteFrame(nsal.get(), i - 1, sdims, map_chunks[j].data(), file, where);
              if (i + 1 == N) WriteFrame(nsal.get(), i, sdims, map_chunks[j].data(), file, where);
            }
          }
          ++done;
        }
        if (progress) progress({"export", e.name, done, all, -1});
      }
    }
    AttrInt64(data.get(), "total", total, file);
    AttrString(data.get(), "action_names", Json(store.info().action_spec.Names()).dump(), file);
    // A non-simulator dataset: robomimic's gym type with no kwargs (FORMATS.md).
    AttrString(data.get(), "env_args",
               Json{{"env_name", store.info().name}, {"type", 2}, {"env_kwargs", Json::object()}}.dump(), file);
    Handle mask = CreateGroup(f.get(), "mask", file);
    WriteStrings(mask.get(), "train", train, file);
    WriteStrings(mask.get(), "valid", valid, file);
    Check(H5Fflush(f.get(), H5F_SCOPE_GLOBAL), file, "");
  }

  void Validate(const std::vector<ExportEpisode>& episodes, const ExportOptions& options,
                const fs::path& dest) const override {
    const std::string file = dest.string();
    hdf5::Hdf5Session session;
    Handle f = hdf5::OpenFile(file);
    const auto demos = hdf5::ListChildren(f.get(), "data", /*groups=*/true);
    if (demos.size() != episodes.size()) {
      throw Error(file, "data", "has " + std::to_string(demos.size()) + " demos, wrote " + std::to_string(episodes.size()));
    }
    for (size_t k = 0; k < episodes.size(); ++k) {
      const std::string g = "data/demo_" + std::to_string(k);
      const hsize_t N = episodes[k].frames.size();
      for (const std::string& ds : std::vector<std::string>{"actions", "rewards", "dones", "states", "obs/" + options.image_key,
                                   "next_obs/" + options.image_key, "annotations/key_boxes"}) {
        const auto info = hdf5::GetDatasetInfo(f.get(), file, g + "/" + ds);
        if (info.dims.empty() || info.dims[0] != N) {
          throw Error(file, g + "/" + ds, "first dimension is not num_samples " + std::to_string(N));
        }
      }
      const auto img = hdf5::GetDatasetInfo(f.get(), file, g + "/obs/" + options.image_key);
      if (!img.IsImageStack()) throw Error(file, g + "/obs/" + options.image_key, "is not a uint8 [N,H,W,3] stack");
    }
  }
};

}  // namespace

std::unique_ptr<Exporter> MakeRobomimicExporter() { return std::make_unique<RobomimicExporter>(); }

}  // namespace autofocus

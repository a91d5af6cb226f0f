#include "tests/importers/test_data.h"

#include <hdf5.h>

#include <limits>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>
#include <sstream>
#include <stdexcept>

#include "tests/support/test_support.h"

namespace autofocus::testing {
namespace fs = std::filesystem;

void WritePng(const fs::path& path, int v, int w, int h) {
  fs::create_directories(path.parent_path());
  cv::Mat img(h, w, CV_8UC3, cv::Scalar(v, (2 * v) % 256, 255 - v));
  if (!cv::imwrite(path.string(), img)) throw std::runtime_error("cannot write " + path.string());
}

void WriteVideo(const fs::path& path, int frames, int w, int h) {
  fs::create_directories(path.parent_path());
  cv::VideoWriter writer(path.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10,
                         cv::Size(w, h));
  if (!writer.isOpened()) throw std::runtime_error("cannot write " + path.string());
  for (int t = 0; t < frames; ++t) writer.write(cv::Mat(h, w, CV_8UC3, cv::Scalar(10 * t, 50, 90)));
}

void WriteActionsCsv(const fs::path& path, int rows) {
  std::ostringstream s;
  s << "throttle,steer\n";
  for (int t = 0; t < rows; ++t) s << t / 10.0 << "," << -t / 10.0 << "\n";
  WriteText(path, s.str());
}

void WriteImageEpisode(const fs::path& dir, int frames, int w, int h) {
  for (int t = 0; t < frames; ++t) WritePng(dir / ("frame_" + std::to_string(t) + ".png"), 10 * t, w, h);
  WriteActionsCsv(dir / "actions.csv", frames);
}

namespace {

void Check(herr_t st, const char* what) {
  if (st < 0) throw std::runtime_error(std::string("HDF5 call failed: ") + what);
}

hid_t MakeDcpl(const RobomimicSpec& s, int rank, const hsize_t* dims) {
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  if (s.gzip || s.lzf) {
    std::vector<hsize_t> chunk(dims, dims + rank);
    chunk[0] = 1;
    Check(H5Pset_chunk(dcpl, rank, chunk.data()), "chunk");
    if (s.lzf) {
      Check(H5Pset_filter(dcpl, 32000, H5Z_FLAG_MANDATORY, 0, nullptr), "lzf");
    } else {
      Check(H5Pset_deflate(dcpl, 6), "deflate");
    }
  }
  return dcpl;
}

void WriteDataset(hid_t loc, const std::string& name, hid_t file_type, hid_t mem_type, int rank,
                  const hsize_t* dims, const void* data, const RobomimicSpec& s) {
  hid_t space = H5Screate_simple(rank, dims, nullptr);
  hid_t dcpl = MakeDcpl(s, rank, dims);
  hid_t d = H5Dcreate2(loc, name.c_str(), file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  if (d < 0) throw std::runtime_error("cannot create dataset " + name);
  Check(H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write");
  H5Dclose(d);
  H5Pclose(dcpl);
  H5Sclose(space);
}

void WriteStringAttr(hid_t loc, const std::string& name, const std::string& value) {
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, value.size());
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(loc, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
  Check(H5Awrite(a, type, value.data()), "attr");
  H5Aclose(a);
  H5Sclose(space);
  H5Tclose(type);
}

}  // namespace

void WriteRobomimic(const fs::path& path, const RobomimicSpec& s) {
  fs::create_directories(path.parent_path());
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0) throw std::runtime_error("cannot create " + path.string());
  hid_t data = H5Gcreate2(f, s.data_group ? "data" : "mask", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const size_t T = static_cast<size_t>(s.frames);
  for (int id : s.demo_ids) {
    hid_t demo = H5Gcreate2(data, ("demo_" + std::to_string(id)).c_str(), H5P_DEFAULT,
                            H5P_DEFAULT, H5P_DEFAULT);
    hid_t obs = H5Gcreate2(demo, "obs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const hsize_t idims[4] = {T, hsize_t(s.height), hsize_t(s.width), 3};
    std::vector<uint8_t> pixels(T * s.height * s.width * 3);
    for (size_t t = 0; t < T; ++t) {
      for (size_t p = 0; p < size_t(s.height * s.width); ++p) {
        uint8_t* px = &pixels[(t * s.height * s.width + p) * 3];
        px[0] = uint8_t(10 * t);
        px[1] = 100;
        px[2] = 200;
      }
    }
    for (const auto& key : s.image_keys) {
      WriteDataset(obs, key, H5T_STD_U8LE, H5T_NATIVE_UINT8, 4, idims, pixels.data(), s);
    }
    const hsize_t adims[2] = {T, hsize_t(s.action_dims)};
    std::vector<float> actions(T * s.action_dims);
    for (size_t t = 0; t < T; ++t) {
      for (int j = 0; j < s.action_dims; ++j) actions[t * s.action_dims + j] = t + 0.5f * j;
    }
    if (s.nan_action) actions[2 * s.action_dims + 1] = std::numeric_limits<float>::quiet_NaN();
    WriteDataset(demo, "actions", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 2, adims, actions.data(), s);
    if (s.state) {
      const hsize_t sdims[2] = {T, 3};
      std::vector<double> st(T * 3);
      for (size_t t = 0; t < T; ++t) {
        for (size_t j = 0; j < 3; ++j) st[t * 3 + j] = double(t * (j + 1));
      }
      WriteDataset(obs, "robot0_eef_pos", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, sdims, st.data(), s);
    }
    if (s.gaze) {
      const hsize_t gdims[2] = {T, 10};
      std::vector<float> g;
      for (size_t t = 0; t < T; ++t) {
        for (float v : {0.25f, 0.5f, 0.75f, 0.5f, -1.f, -1.f, -1.f, -1.f, -1.f, -1.f}) g.push_back(v);
      }
      WriteDataset(obs, "gaze_coords_front", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 2, gdims, g.data(), s);
    }
    // Attributes as robomimic writes them: a count, a short string and a huge model XML.
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(demo, "num_samples", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    const int64_t n = s.frames;
    Check(H5Awrite(a, H5T_NATIVE_INT64, &n), "num_samples");
    H5Aclose(a);
    H5Sclose(space);
    WriteStringAttr(demo, "task", "lift");
    WriteStringAttr(demo, "model_file", std::string(5000, 'x'));
    H5Gclose(obs);
    H5Gclose(demo);
  }
  H5Gclose(data);
  H5Fclose(f);
}

}  // namespace autofocus::testing

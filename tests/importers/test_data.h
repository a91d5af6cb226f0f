#pragma once
// Builders of small datasets for the importer tests (folders of PNGs, videos, robomimic HDF5).

#include <filesystem>
#include <string>
#include <vector>

namespace autofocus::testing {

// Writes a w x h PNG whose every pixel is BGR (v, 2v mod 256, 255-v).
void WritePng(const std::filesystem::path& path, int v, int w = 16, int h = 12);

// Writes an MJPG .avi with `frames` frames of w x h.
void WriteVideo(const std::filesystem::path& path, int frames, int w = 32, int h = 24);

// Writes actions.csv "throttle,steer" with row t = (t/10, -t/10).
void WriteActionsCsv(const std::filesystem::path& path, int rows);

// Writes dir/frame_0.png .. frame_{n-1}.png (pixel value 10*t) and actions.csv.
void WriteImageEpisode(const std::filesystem::path& dir, int frames, int w = 16, int h = 12);

// What WriteRobomimic puts in each demo.
struct RobomimicSpec {
  std::vector<int> demo_ids = {0, 1};  // data/demo_<id>, created in this order
  int frames = 5;                       // T
  int width = 8;                        // W
  int height = 6;                       // H
  int action_dims = 3;                  // A
  std::vector<std::string> image_keys = {"agentview_image"};  // uint8 [T,H,W,3] obs
  bool gzip = false;                    // deflate-compressed, chunked datasets
  bool lzf = false;                     // lzf filter (id 32000) instead of gzip
  bool state = false;                   // obs/robot0_eef_pos float64 [T,3]
  bool gaze = false;                    // obs/gaze_coords_front float32 [T,10]
  bool nan_action = false;              // actions[2][1] = NaN in every demo
  bool data_group = true;               // false: write "mask" instead of "data"
};

// Writes a robomimic-style file with the HDF5 C API. Image pixel (t,y,x) = RGB (10t, 100, 200);
// actions[t][j] = t + 0.5j; state[t] = (t, 2t, 3t); gaze row = 2 points (0.25,0.5),(0.75,0.5)
// then -1 padding; attributes num_samples=T, task="lift", model_file = 5000 chars.
void WriteRobomimic(const std::filesystem::path& path, const RobomimicSpec& spec);

}  // namespace autofocus::testing

#pragma once

// The binary interface between core (image_io.cpp) and autofocus_imageio_plugin.so, which is
// the only code that calls OpenCV's imgcodecs and videoio. Only OpenCV core types, std::string
// and std::vector cross it (both sides use the same shared libopencv_core and libstdc++), errors
// come back as strings and no exception crosses it. Bump kImageIoAbiVersion on any change.

#include <cstddef>
#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace autofocus::imageio_plugin {

// Version of the table below; the loader refuses a plugin built for another one.
constexpr int kImageIoAbiVersion = 1;
// File name of the plugin and the extern "C" function it exports.
constexpr const char* kImageIoPluginFile = "autofocus_imageio_plugin.so";
constexpr const char* kImageIoPluginSymbol = "autofocus_imageio_plugin_api";

// Function table returned by the plugin. Functions that can fail return false (or null) and,
// when given, set *error to OpenCV's message ("" when OpenCV gave none).
struct ImageIoApi {
  int abi_version;  // kImageIoAbiVersion of the plugin build
  // cv::imread(path, IMREAD_UNCHANGED); false when missing or undecodable.
  bool (*read_file)(const std::string& path, cv::Mat* out, std::string* error);
  // cv::imdecode(bytes, IMREAD_UNCHANGED).
  bool (*decode)(const uint8_t* data, size_t size, cv::Mat* out, std::string* error);
  // cv::imencode(ext, image, out, params).
  bool (*encode)(const std::string& ext, const cv::Mat& image, const std::vector<int>& params,
                 std::vector<uint8_t>* out, std::string* error);
  // cv::imwrite(path, image, params).
  bool (*write_file)(const std::string& path, const cv::Mat& image, const std::vector<int>& params,
                     std::string* error);
  // A cv::VideoCapture on `path`; null when it cannot be opened.
  void* (*video_open)(const std::string& path, std::string* error);
  // Decodes the next frame; false at the end or on a decode error.
  bool (*video_read)(void* video, cv::Mat* frame);
  // Sets CAP_PROP_POS_FRAMES; false when the backend refuses.
  bool (*video_seek)(void* video, int index);
  // CAP_PROP_FRAME_COUNT (the container's estimate), -1 when unknown.
  int (*video_frame_count)(void* video);
  // Releases and frees a handle from video_open (null is ignored).
  void (*video_close)(void* video);
  // A cv::VideoWriter; `fourcc` has 4 characters. Null when it cannot be created.
  void* (*writer_open)(const std::string& path, const std::string& fourcc, double fps, int width,
                       int height, std::string* error);
  // Appends one frame.
  bool (*writer_write)(void* writer, const cv::Mat& frame, std::string* error);
  // Finishes the file and frees a handle from writer_open (null is ignored).
  void (*writer_close)(void* writer);
};

}  // namespace autofocus::imageio_plugin

// The plugin's only exported symbol.
extern "C" const autofocus::imageio_plugin::ImageIoApi* autofocus_imageio_plugin_api();

#pragma once

// The binary interface between core (mp4_writer.cpp) and autofocus_mp4_plugin.so, the only code
// that calls FFmpeg's libavcodec / libavformat / libswscale, so programs that link core start
// without them. Same rules as image_io_plugin_api.h: OpenCV core types, std::string and
// std::vector cross it, errors come back as strings, no exception crosses it. Bump
// kMp4AbiVersion on any change.

#include <cstdint>
#include <opencv2/core.hpp>
#include <string>

namespace autofocus::mp4_plugin {

// Version of the table below; the loader refuses a plugin built for another one.
constexpr int kMp4AbiVersion = 1;
// File name of the plugin and the extern "C" function it exports.
constexpr const char* kMp4PluginFile = "autofocus_mp4_plugin.so";
constexpr const char* kMp4PluginSymbol = "autofocus_mp4_plugin_api";

// What to encode: codec "h264" (libx264) or "av1" (libsvtav1, else libaom-av1), yuv420p.
struct Mp4Settings {
  std::string codec;  // h264 | av1
  int width = 0;      // frame width (even)
  int height = 0;     // frame height (even)
  int fps = 0;        // frames per second (the time base is 1/fps)
  int gop = 0;        // keyframe interval
  int crf = 0;        // constant rate factor
};

// Function table returned by the plugin. Functions that can fail return false (or null) and set
// *error to FFmpeg's message.
struct Mp4Api {
  int abi_version;  // kMp4AbiVersion of the plugin build
  // Creates the MP4 file and opens the encoder; *encoder gets the encoder's name.
  void* (*open)(const std::string& path, const Mp4Settings& settings, std::string* encoder,
                std::string* error);
  // Encodes one frame: CV_8UC3 RGB or CV_8UC1 gray, of the opened size.
  bool (*write)(void* writer, const cv::Mat& frame, std::string* error);
  // Flushes the encoder, writes the trailer and frees the handle.
  bool (*finish)(void* writer, std::string* error);
  // Frees a handle without finishing the file (null is ignored).
  void (*discard)(void* writer);
  // Bytes of the file written so far.
  int64_t (*bytes)(void* writer);
};

}  // namespace autofocus::mp4_plugin

// The plugin's only exported symbol.
extern "C" const autofocus::mp4_plugin::Mp4Api* autofocus_mp4_plugin_api();

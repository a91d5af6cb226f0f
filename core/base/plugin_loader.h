#pragma once

// Loading of the optional shared modules ("plugins") that keep heavy libraries (LibTorch,
// OpenCV's imgcodecs/videoio and their codec libraries) out of the start-up of every program
// that links core. A plugin is a MODULE library loaded with dlopen on first use and never
// unloaded; it exports one extern "C" function that returns a table of function pointers.

#include <filesystem>
#include <string>
#include <vector>

namespace autofocus {

// Environment variable naming the plugin directory. When set (non-empty) it is the only place
// searched, so a test or a user can point at a specific build; ':' separates several dirs.
constexpr const char* kPluginDirEnv = "AUTOFOCUS_PLUGIN_DIR";

// The directories searched for plugins, in order: $AUTOFOCUS_PLUGIN_DIR when set; otherwise the
// directory of the running executable, <exe_dir>/../lib/autofocus (install layout) and the build
// tree's plugin directory (so test executables find the plugins built next to them).
std::vector<std::filesystem::path> PluginSearchDirs();

// The first existing `<dir>/<file_name>` over PluginSearchDirs(), or an empty path.
std::filesystem::path FindPlugin(const std::string& file_name);

// Loads the plugin `file_name` (e.g. "autofocus_imageio_plugin.so") once per process and
// returns the address of its extern "C" `symbol`. Thread-safe. Throws Error naming the file and
// every directory searched when it is not found, or naming the path and the loader's message
// when it cannot be loaded or lacks `symbol`.
void* LoadPluginSymbol(const std::string& file_name, const std::string& symbol);

}  // namespace autofocus

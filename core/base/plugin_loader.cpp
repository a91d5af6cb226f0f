#include "core/base/plugin_loader.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>

#include "core/base/error.h"
#include "core/base/strings.h"

namespace autofocus {
namespace fs = std::filesystem;

namespace {

// The running executable's directory; /proc/self/exe resolves symlinks, so a symlinked
// `autofocus` still finds the plugins installed next to the real file.
fs::path ExecutableDir() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  buf[n] = '\0';
  return fs::path(buf).parent_path();
}

void AddUnique(std::vector<fs::path>* dirs, const fs::path& dir) {
  if (dir.empty()) return;
  const fs::path normal = dir.lexically_normal();
  if (std::find(dirs->begin(), dirs->end(), normal) == dirs->end()) dirs->push_back(normal);
}

struct LoadedPlugin {
  void* handle = nullptr;  // dlopen handle
  fs::path path;           // the file that was loaded
};

struct LoadedPlugins {
  std::mutex mutex;
  std::map<std::string, LoadedPlugin> plugins;  // by file name; successful loads only
};

LoadedPlugins& Loaded() {
  // Leaked on purpose: plugins are never unloaded (LibTorch and codec libraries do not support
  // dlclose well), so their handles must outlive every static destructor.
  static LoadedPlugins* loaded = new LoadedPlugins;
  return *loaded;
}

std::string JoinDirs(const std::vector<fs::path>& dirs) {
  std::string out;
  for (const auto& d : dirs) out += (out.empty() ? "" : ", ") + d.string();
  return out.empty() ? "(no directory)" : out;
}

}  // namespace

std::vector<fs::path> PluginSearchDirs() {
  std::vector<fs::path> dirs;
  const char* env = std::getenv(kPluginDirEnv);
  if (env && *env) {
    // An explicit directory replaces the defaults: otherwise the build tree's plugins would
    // always be found and the variable could not select (or hide) a build.
    for (const std::string& d : Split(env, ':')) AddUnique(&dirs, Trim(d));
    return dirs;
  }
  const fs::path exe_dir = ExecutableDir();
  AddUnique(&dirs, exe_dir);
  if (!exe_dir.empty()) AddUnique(&dirs, exe_dir / ".." / "lib" / "autofocus");
#ifdef AUTOFOCUS_BUILD_PLUGIN_DIR
  AddUnique(&dirs, AUTOFOCUS_BUILD_PLUGIN_DIR);
#endif
  return dirs;
}

fs::path FindPlugin(const std::string& file_name) {
  for (const fs::path& dir : PluginSearchDirs()) {
    std::error_code ec;
    const fs::path p = dir / file_name;
    if (fs::is_regular_file(p, ec)) return p;
  }
  return {};
}

void* LoadPluginSymbol(const std::string& file_name, const std::string& symbol) {
  LoadedPlugins& loaded = Loaded();
  // Held while loading: a second thread asking for the same plugin waits instead of loading it
  // twice, and dlerror() is only meaningful on the thread that called dlopen/dlsym.
  std::lock_guard<std::mutex> lock(loaded.mutex);
  auto it = loaded.plugins.find(file_name);
  if (it == loaded.plugins.end()) {
    const fs::path path = FindPlugin(file_name);
    if (path.empty()) {
      throw Error(file_name, "",
                  "plugin not found; looked in: " + JoinDirs(PluginSearchDirs()) + " (set " +
                      kPluginDirEnv + " to the directory that holds it)");
    }
    // RTLD_LOCAL keeps the plugin's dependencies (LibTorch, codec libraries) out of the global
    // symbol namespace; RTLD_NOW reports a missing dependency here, not at the first call.
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = ::dlerror();
      throw Error(path.string(), "",
                  std::string("plugin cannot be loaded: ") + (why ? why : "unknown dlopen error"));
    }
    it = loaded.plugins.emplace(file_name, LoadedPlugin{handle, path}).first;
  }
  ::dlerror();  // clear a stale message so a null symbol can be told from a missing one
  void* address = ::dlsym(it->second.handle, symbol.c_str());
  if (!address) {
    const char* why = ::dlerror();
    throw Error(it->second.path.string(), "",
                "plugin has no symbol " + symbol + (why ? std::string(" (") + why + ")" : ""));
  }
  return address;
}

}  // namespace autofocus

// Plugin lookup: the search path, the AUTOFOCUS_PLUGIN_DIR override and the errors that name
// the file and every directory searched.
#include "core/base/plugin_loader.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/base/error.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {

// Sets AUTOFOCUS_PLUGIN_DIR for one scope (tests run one per process under ctest, and setenv
// is not called while other threads run).
class ScopedPluginDir {
 public:
  explicit ScopedPluginDir(const std::string& value) {
    const char* old = std::getenv(kPluginDirEnv);
    had_old_ = old != nullptr;
    if (old) old_ = old;
    ::setenv(kPluginDirEnv, value.c_str(), 1);
  }
  ~ScopedPluginDir() {
    if (had_old_) {
      ::setenv(kPluginDirEnv, old_.c_str(), 1);
    } else {
      ::unsetenv(kPluginDirEnv);
    }
  }

 private:
  bool had_old_ = false;
  std::string old_;
};

TEST(PluginLoader, DefaultSearchPathEndsWithTheBuildTree) {
  ::unsetenv(kPluginDirEnv);
  const auto dirs = PluginSearchDirs();
  ASSERT_FALSE(dirs.empty());
  // This test executable lives under build/tests: its own directory comes first and the build
  // tree's plugin directory (baked in at compile time) last.
  EXPECT_FALSE(FindPlugin("autofocus_imageio_plugin.so").empty());
  EXPECT_EQ(FindPlugin("autofocus_imageio_plugin.so").parent_path(), dirs.back());
}

TEST(PluginLoader, EnvironmentVariableReplacesTheDefaults) {
  testing::TempDir a, b;
  ScopedPluginDir env(a.path().string() + ":" + b.path().string());
  const auto dirs = PluginSearchDirs();
  ASSERT_EQ(dirs.size(), 2u);
  EXPECT_EQ(dirs[0], a.path().lexically_normal());
  EXPECT_EQ(dirs[1], b.path().lexically_normal());
  EXPECT_TRUE(FindPlugin("autofocus_imageio_plugin.so").empty());
}

TEST(PluginLoader, MissingPluginNamesTheFileAndTheDirectories) {
  testing::TempDir empty;
  ScopedPluginDir env(empty.path().string());
  // A name no test loads: a plugin loaded once stays loaded (and is not looked up again).
  try {
    LoadPluginSymbol("autofocus_missing_plugin.so", "autofocus_missing_plugin_api");
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), "autofocus_missing_plugin.so");
    const std::string what = e.what();
    EXPECT_NE(what.find("plugin not found"), std::string::npos) << what;
    EXPECT_NE(what.find(empty.path().string()), std::string::npos) << what;
    EXPECT_NE(what.find(kPluginDirEnv), std::string::npos) << what;
  }
}

TEST(PluginLoader, BrokenPluginAndMissingSymbolNameThePath) {
  testing::TempDir dir;
  testing::WriteText(dir / "autofocus_broken_plugin.so", "not an ELF file");
  ScopedPluginDir env(dir.path().string());
  try {
    LoadPluginSymbol("autofocus_broken_plugin.so", "anything");
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), (dir / "autofocus_broken_plugin.so").string());
    EXPECT_NE(std::string(e.what()).find("cannot be loaded"), std::string::npos) << e.what();
  }
  // A real plugin without the asked-for symbol.
  ::unsetenv(kPluginDirEnv);
  try {
    LoadPluginSymbol("autofocus_imageio_plugin.so", "no_such_symbol");
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_symbol"), std::string::npos) << e.what();
  }
  EXPECT_NE(LoadPluginSymbol("autofocus_imageio_plugin.so", "autofocus_imageio_plugin_api"),
            nullptr);
}

}  // namespace
}  // namespace autofocus

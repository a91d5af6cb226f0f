#pragma once
// Helpers shared by the fuzz targets (tests/fuzz/*_fuzz.cpp): a scratch folder per process and
// the rule of every target: an autofocus::Error (a clear message about bad input) is the
// expected outcome of most inputs; anything else escaping is a finding.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "core/base/error.h"

namespace autofocus::fuzz {

// A folder of this process (under /dev/shm, else the temp directory), created on first use and
// removed at exit (inputs are written there when the code under test reads files).
inline const std::filesystem::path& ScratchDir() {
  static const std::filesystem::path dir = [] {
    // /dev/shm when there is one: the code under test fsyncs every file it writes, which costs
    // milliseconds per input on a disk and nothing on tmpfs.
    std::error_code ec;
    const std::filesystem::path base = std::filesystem::is_directory("/dev/shm", ec)
                                           ? std::filesystem::path("/dev/shm")
                                           : std::filesystem::temp_directory_path();
    std::filesystem::path d = base / ("autofocus-fuzz-" + std::to_string(::getpid()));
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(ScratchDir(), ec);
    });
    return d;
  }();
  return dir;
}

// Writes `size` bytes to `path` (truncating), creating its parent folder.
inline void WriteBytes(const std::filesystem::path& path, const uint8_t* data, size_t size) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) {
    std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
}

// The input as text.
inline std::string AsString(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// An invariant of the code under test does not hold: report and abort (a finding).
[[noreturn]] inline void Violated(const std::string& what) {
  std::fprintf(stderr, "fuzz: invariant violated: %s\n", what.c_str());
  std::abort();
}

}  // namespace autofocus::fuzz

#pragma once

// The files under a folder that contain a byte string: what the secrets tests grep every
// written file (project, runs, exports, logs, settings) with.
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace autofocus::testing {

// Result of ScanForSecret.
struct SecretScan {
  std::vector<std::string> hits;  // files (relative to the root) that contain the secret
  size_t files = 0;               // regular files read
  size_t bytes = 0;               // bytes read
};

// Reads every regular file under `root` (recursively, symlinks not followed) and lists those
// that contain `secret`.
inline SecretScan ScanForSecret(const std::filesystem::path& root, const std::string& secret) {
  SecretScan s;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (!e.is_regular_file() || e.is_symlink()) continue;
    const std::string bytes = ReadText(e.path());
    ++s.files;
    s.bytes += bytes.size();
    if (bytes.find(secret) != std::string::npos)
      s.hits.push_back(std::filesystem::relative(e.path(), root).string());
  }
  return s;
}

}  // namespace autofocus::testing

#pragma once

// The files under a folder that contain a byte string: what the secrets tests grep every
// written file (project, runs, exports, logs, settings) with.
#include <gtest/gtest.h>

#include <cstdio>
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

// ScanForSecret, after showing that it finds a planted copy (so that zero hits means
// something; the planted file is removed again), and printing what it read.
inline SecretScan ScanForSecretChecked(const std::filesystem::path& root, const std::string& secret) {
  const auto planted = root / "planted-by-the-test";
  WriteText(planted / "leak.bin", std::string("x\0y", 3) + secret);
  const SecretScan check = ScanForSecret(root, secret);
  std::filesystem::remove_all(planted);
  if (check.hits != std::vector<std::string>{"planted-by-the-test/leak.bin"}) {
    ADD_FAILURE() << "the scan missed a planted copy of the secret";
  }
  const SecretScan s = ScanForSecret(root, secret);
  std::printf("scanned %zu files, %zu bytes: %zu hits\n", s.files, s.bytes, s.hits.size());
  return s;
}

}  // namespace autofocus::testing

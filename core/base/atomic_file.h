#pragma once

#include <filesystem>
#include <string_view>

namespace autofocus {

// Writes `contents` to `path` atomically: a temporary file in the same directory is written,
// fsync'ed and renamed over `path`, and the directory is fsync'ed. Readers see the old or the
// new file, never a half-written one. Throws Error naming the file on failure.
void WriteFileAtomic(const std::filesystem::path& path, std::string_view contents);

// Reads a whole file; throws Error naming the file when it is missing or unreadable.
std::string ReadFile(const std::filesystem::path& path);

// fsyncs a directory so a rename or create inside it survives a crash.
void SyncDirectory(const std::filesystem::path& dir);

// Appends one record to an append-only file and fsyncs it before returning, so a record that
// was acknowledged survives `kill -9`. Creates the file if needed.
void AppendFileDurable(const std::filesystem::path& path, std::string_view record);

// A directory that is removed on destruction unless Commit() moved it to its final place.
// Used by importers and export: everything is built in a sibling temp dir and renamed at the
// end, so a failed import leaves nothing behind. A folder left by a killed process (kill -9
// skips the destructor) is removed by the next StagingDirectory for the same final path.
class StagingDirectory {
 public:
  // Creates a fresh sibling of `final_path` (which must not exist yet).
  explicit StagingDirectory(const std::filesystem::path& final_path);
  ~StagingDirectory();
  StagingDirectory(const StagingDirectory&) = delete;
  StagingDirectory& operator=(const StagingDirectory&) = delete;

  // The directory to write into.
  const std::filesystem::path& path() const { return staging_; }
  // Renames the staging directory to the final path.
  void Commit();

 private:
  std::filesystem::path final_;
  std::filesystem::path staging_;
  bool committed_ = false;
};

}  // namespace autofocus

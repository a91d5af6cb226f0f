#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/vlm/vlm_backend.h"

namespace autofocus {

// One line of the exchange file: a model call with its key, kind and arrival time.
struct ExchangeEntry {
  std::string key;        // content-hash key (see exchange_key.h)
  std::string kind;       // "vlm.global_context" | "vlm.key_objects" | "detect"
  std::string timestamp;  // UTC arrival time, ISO 8601 with milliseconds
  CallRecord record;      // the full exchange; record.error non-empty for a failed call

  // True when the call produced an answer (failures are stored but never replayed).
  bool answered() const { return record.error.empty(); }
  // The JSON object written as one line.
  Json ToJson() const;
  // Parses one line's object; throws Error when `key`, `kind` or `record` is missing.
  static ExchangeEntry FromJson(const Json& j, const std::string& file, const std::string& where);
};

// What opening an exchange file found. Damage is reported here, never thrown.
struct ExchangeLoadReport {
  int64_t entries = 0;         // valid lines loaded
  int64_t answered = 0;        // distinct keys with an answer
  int64_t failed = 0;          // entries that record a failed call
  int64_t bad_lines = 0;       // complete lines that were not a valid entry (skipped)
  std::vector<int64_t> bad_line_numbers;  // 1-based line numbers of the first bad lines (<= 20)
  bool torn_tail = false;      // the file ended in a partial line (a crash during an append)
  int64_t torn_bytes = 0;      // size of that partial line
  bool tail_truncated = false;  // the partial line was cut off (read-write mode only)

  // True when nothing was skipped.
  bool clean() const { return bad_lines == 0 && !torn_tail; }
  // One human-readable line, e.g. "42 exchanges (40 answered, 2 failed); ignored a torn ...".
  std::string Summary(const std::string& file) const;
};

// How an exchange file is opened.
enum class ExchangeOpenMode {
  kReadWrite,  // appends allowed; takes an exclusive lock; cuts off a torn final line
  kReadOnly,   // never modifies the file (listing, the studio); a missing file is empty
};

// Options of ExchangeCache.
struct ExchangeCacheOptions {
  ExchangeOpenMode mode = ExchangeOpenMode::kReadWrite;  // default: read-write
  bool durable = true;  // fdatasync after every append (default true; off only for scratch)

  // Nothing to check today; kept for the Options convention.
  void Check() const {}
};

// The record of every model call of a project: an append-only JSON-lines file, one
// ExchangeEntry per line, each append written with one write() on an O_APPEND descriptor and
// fdatasync'ed before Append() returns, so an acknowledged record survives kill -9 and power
// loss. On open the file is indexed in memory (key -> latest answered entry); a torn final
// line is ignored and reported. One read-write instance per file (an exclusive flock is held);
// share it between decorators. Thread-safe.
class ExchangeCache {
 public:
  // The conventional file of a project: PROJECT/exchanges/exchanges.jsonl.
  static std::filesystem::path ProjectFile(const std::filesystem::path& project_root);
  // The file shard `shard` of `shards` appends to (`autofocus run --shard i/N`):
  // PROJECT/exchanges/exchanges-shard-i-of-N.jsonl, so array tasks never contend for one lock.
  static std::filesystem::path ShardFile(const std::filesystem::path& project_root, int shard,
                                         int shards);

  // Opens (read-write: creates the directory and file) and indexes `file`. Throws Error naming
  // the file when it cannot be opened or another process holds it for writing.
  explicit ExchangeCache(std::filesystem::path file, ExchangeCacheOptions options = {});
  ~ExchangeCache();
  ExchangeCache(const ExchangeCache&) = delete;
  ExchangeCache& operator=(const ExchangeCache&) = delete;

  // The answered record under `key` (the latest one), or nothing. Failed calls never count.
  std::optional<CallRecord> FindAnswer(const std::string& key) const;
  // The latest entry under `key`, answered or failed.
  std::optional<ExchangeEntry> FindLatest(const std::string& key) const;
  // Appends one exchange durably and indexes it. `record.cache_key` must equal `key`'s value
  // (it is set when empty). Throws Error on I/O failure (the file is left without a partial
  // line) or in read-only mode.
  void Append(const std::string& kind, CallRecord record);
  // Appends entries as they are (their keys, kinds and timestamps kept: merging another
  // exchange file) with one write and one sync, and indexes them. Throws Error on I/O failure
  // (the file is left as it was) or in read-only mode.
  void AppendEntries(const std::vector<ExchangeEntry>& entries);

  // All entries in file order (a copy).
  std::vector<ExchangeEntry> Entries() const;
  // Number of entries.
  size_t size() const;
  // Number of distinct answered keys.
  size_t answered_count() const;
  // What opening found (torn tail, bad lines); not updated by later appends.
  const ExchangeLoadReport& load_report() const { return report_; }
  // The file.
  const std::filesystem::path& path() const { return file_; }

 private:
  void Load(bool truncate_torn_tail);
  void IndexLocked(ExchangeEntry entry);
  void WriteLinesLocked(const std::string& lines);

  std::filesystem::path file_;
  ExchangeCacheOptions options_;
  int fd_ = -1;
  int64_t size_bytes_ = 0;  // file length after the last complete line we know of
  ExchangeLoadReport report_;
  mutable std::mutex mutex_;
  std::vector<ExchangeEntry> entries_;
  std::map<std::string, size_t> answered_;  // key -> index of the latest answered entry
  std::map<std::string, size_t> latest_;    // key -> index of the latest entry
};

}  // namespace autofocus

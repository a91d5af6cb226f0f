#include "core/exchange/exchange_cache.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <sstream>

#include "core/base/atomic_file.h"
#include "core/base/error.h"

namespace autofocus {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxBadLineNumbers = 20;

std::string UtcNowIso8601() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof(out), "%s.%03dZ", buf, static_cast<int>(ms.count()));
  return out;
}

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

Json ExchangeEntry::ToJson() const {
  return {{"v", 1}, {"key", key}, {"kind", kind}, {"time", timestamp}, {"record", record.ToJson()}};
}

ExchangeEntry ExchangeEntry::FromJson(const Json& j, const std::string& file,
                                      const std::string& where) {
  if (!j.is_object()) throw Error(file, where, "an exchange line must be a JSON object");
  ExchangeEntry e;
  const Json& key = RequireField(j, "key", file, where);
  const Json& kind = RequireField(j, "kind", file, where);
  const Json& record = RequireField(j, "record", file, where);
  if (!key.is_string() || key.get<std::string>().empty()) {
    throw Error(file, where + ".key", "must be a non-empty string");
  }
  if (!kind.is_string()) throw Error(file, where + ".kind", "must be a string");
  if (!record.is_object()) throw Error(file, where + ".record", "must be an object");
  e.key = key.get<std::string>();
  e.kind = kind.get<std::string>();
  e.timestamp = j.value("time", "");
  e.record = CallRecord::FromJson(record);
  return e;
}

std::string ExchangeLoadReport::Summary(const std::string& file) const {
  std::ostringstream s;
  s << file << ": " << entries << " exchanges (" << answered << " answered keys, " << failed
    << " failed calls)";
  if (torn_tail) {
    s << "; ignored a torn final line of " << torn_bytes
      << " bytes (an append interrupted by a crash; that call was never acknowledged)";
    if (tail_truncated) s << " and cut it off";
  }
  if (bad_lines > 0) {
    s << "; skipped " << bad_lines << " unreadable line(s):";
    for (int64_t n : bad_line_numbers) s << " " << n;
    if (bad_lines > static_cast<int64_t>(bad_line_numbers.size())) s << " ...";
  }
  return s.str();
}

fs::path ExchangeCache::ProjectFile(const fs::path& project_root) {
  return project_root / "exchanges" / "exchanges.jsonl";
}

fs::path ExchangeCache::ShardFile(const fs::path& project_root, int shard, int shards) {
  return ProjectFile(project_root).parent_path() /
         ("exchanges-shard-" + std::to_string(shard) + "-of-" + std::to_string(shards) + ".jsonl");
}

ExchangeCache::ExchangeCache(fs::path file, ExchangeCacheOptions options)
    : file_(std::move(file)), options_(options) {
  options_.Check();
  if (options_.mode == ExchangeOpenMode::kReadOnly) {
    if (!fs::exists(file_)) return;  // nothing recorded yet
    fd_ = ::open(file_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw Error(file_.string(), "", Errno("cannot open exchange file"));
    try {
      Load(false);
    } catch (...) {
      ::close(fd_);
      throw;
    }
    ::close(fd_);
    fd_ = -1;
    return;
  }
  const fs::path dir = file_.parent_path().empty() ? fs::path(".") : file_.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(dir.string(), "", "cannot create directory: " + ec.message());
  const bool existed = fs::exists(file_);
  fd_ = ::open(file_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(file_.string(), "", Errno("cannot open exchange file"));
  // One writer per file: two writers could interleave a torn tail with a new line, and the
  // torn-tail repair at open must not cut a line another process is still writing.
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) {
      throw Error(file_.string(), "",
                  "exchange file is in use by another process (one writer at a time); "
                  "wait for it to finish or open read-only");
    }
    errno = err;
    throw Error(file_.string(), "", Errno("cannot lock exchange file"));
  }
  try {
    if (!existed) SyncDirectory(dir);  // the new file's directory entry must survive a crash
    Load(true);
  } catch (...) {
    ::close(fd_);
    fd_ = -1;
    throw;
  }
}

ExchangeCache::~ExchangeCache() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

void ExchangeCache::Load(bool truncate_torn_tail) {
  std::string data;
  {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) throw Error(file_.string(), "", Errno("cannot stat"));
    data.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (got < data.size()) {
      const ssize_t n = ::pread(fd_, data.data() + got, data.size() - got, static_cast<off_t>(got));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Error(file_.string(), "", Errno("cannot read"));
      if (n == 0) break;  // shrank while reading (read-only view of a live file)
      got += static_cast<size_t>(n);
    }
    data.resize(got);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  size_t pos = 0;
  int64_t line_no = 0;
  while (pos < data.size()) {
    const size_t nl = data.find('\n', pos);
    if (nl == std::string::npos) {
      // A line without its newline was never acknowledged: Append() returns only after the
      // whole line including '\n' is on disk. Ignore it whatever its content.
      report_.torn_tail = true;
      report_.torn_bytes = static_cast<int64_t>(data.size() - pos);
      break;
    }
    ++line_no;
    const std::string_view line(data.data() + pos, nl - pos);
    pos = nl + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    try {
      const Json j = Json::parse(line);
      IndexLocked(ExchangeEntry::FromJson(j, file_.string(), "line " + std::to_string(line_no)));
    } catch (const std::exception&) {
      // A damaged line costs one re-asked question, not the whole record: skip and report.
      ++report_.bad_lines;
      if (report_.bad_line_numbers.size() < kMaxBadLineNumbers) {
        report_.bad_line_numbers.push_back(line_no);
      }
    }
  }
  size_bytes_ = static_cast<int64_t>(pos);
  if (report_.torn_tail && truncate_torn_tail) {
    // Cut the partial line so the next append starts on a fresh line instead of being glued
    // to the fragment (which would make both unreadable).
    if (::ftruncate(fd_, static_cast<off_t>(size_bytes_)) != 0 || ::fdatasync(fd_) != 0) {
      throw Error(file_.string(), "", Errno("cannot cut off the torn final line"));
    }
    report_.tail_truncated = true;
  }
  report_.entries = static_cast<int64_t>(entries_.size());
  report_.answered = static_cast<int64_t>(answered_.size());
  for (const auto& e : entries_) report_.failed += e.answered() ? 0 : 1;
}

void ExchangeCache::IndexLocked(ExchangeEntry entry) {
  const size_t index = entries_.size();
  latest_[entry.key] = index;
  if (entry.answered()) answered_[entry.key] = index;
  entries_.push_back(std::move(entry));
}

std::optional<CallRecord> ExchangeCache::FindAnswer(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = answered_.find(key);
  if (it == answered_.end()) return std::nullopt;
  return entries_[it->second].record;
}

std::optional<ExchangeEntry> ExchangeCache::FindLatest(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = latest_.find(key);
  if (it == latest_.end()) return std::nullopt;
  return entries_[it->second];
}

void ExchangeCache::Append(const std::string& kind, CallRecord record) {
  if (fd_ < 0) throw Error(file_.string(), "", "exchange file is open read-only");
  if (record.cache_key.empty()) throw Error(file_.string(), "record.cache_key", "is empty");
  record.from_cache = false;  // what is stored is the live call
  ExchangeEntry entry;
  entry.key = record.cache_key;
  entry.kind = kind;
  entry.timestamp = UtcNowIso8601();
  entry.record = std::move(record);
  // Raw answers may hold invalid UTF-8; replace it rather than lose the whole record.
  const std::string line =
      entry.ToJson().dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";

  std::lock_guard<std::mutex> lock(mutex_);
  WriteLinesLocked(line);
  IndexLocked(std::move(entry));
}

void ExchangeCache::AppendEntries(const std::vector<ExchangeEntry>& entries) {
  if (fd_ < 0) throw Error(file_.string(), "", "exchange file is open read-only");
  if (entries.empty()) return;
  std::string lines;
  for (const auto& e : entries) {
    lines += e.ToJson().dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  }
  std::lock_guard<std::mutex> lock(mutex_);
  WriteLinesLocked(lines);
  for (const auto& e : entries) IndexLocked(e);
}

void ExchangeCache::WriteLinesLocked(const std::string& lines) {
  size_t written = 0;
  while (written < lines.size()) {
    const ssize_t n = ::write(fd_, lines.data() + written, lines.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string reason = Errno("cannot append exchange");
      // Remove the partial lines so the file stays a sequence of whole lines.
      if (::ftruncate(fd_, static_cast<off_t>(size_bytes_)) != 0) { /* reported below */ }
      throw Error(file_.string(), "", reason);
    }
    written += static_cast<size_t>(n);
  }
  if (options_.durable && ::fdatasync(fd_) != 0) {
    throw Error(file_.string(), "", Errno("cannot sync exchange file"));
  }
  size_bytes_ += static_cast<int64_t>(lines.size());
}

std::vector<ExchangeEntry> ExchangeCache::Entries() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_;
}

size_t ExchangeCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

size_t ExchangeCache::answered_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return answered_.size();
}

}  // namespace autofocus

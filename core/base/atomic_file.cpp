#include "core/base/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "core/base/error.h"

namespace autofocus {
namespace fs = std::filesystem;
namespace {

std::string RandomSuffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::ostringstream os;
  os << std::hex << rng();
  return os.str();
}

std::string HostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == 0) return "localhost";
  return buf;
}

// Staging folders are named ".<final>.partial-<host>-<pid>-<random>", so a later run can tell
// a folder left by a killed process of this host (its pid is gone: removed, it can never be
// committed) from one another process is still writing, or one of another host on a shared
// file system (both kept). Names without host and pid (older versions) are kept too.
void RemoveStalePartials(const fs::path& parent, const std::string& prefix) {
  std::error_code ec;
  const std::string host = HostName();
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string rest = name.substr(prefix.size());
    const size_t r1 = rest.rfind('-');
    if (r1 == std::string::npos || r1 == 0) continue;
    const size_t r2 = rest.rfind('-', r1 - 1);
    if (r2 == std::string::npos) continue;
    const std::string pid_text = rest.substr(r2 + 1, r1 - r2 - 1);
    if (pid_text.empty() || pid_text.size() > 9 ||
        pid_text.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
    if (rest.substr(0, r2) != host || pid <= 0) continue;
    if (::kill(pid, 0) != 0 && errno == ESRCH) {
      std::error_code rm;
      fs::remove_all(it->path(), rm);
    }
  }
}

void WriteAll(int fd, std::string_view data, const fs::path& path) {
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(path.string(), "", std::string("write failed: ") + std::strerror(errno));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace

void SyncDirectory(const fs::path& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;  // best effort: some filesystems refuse to open directories
  ::fsync(fd);
  ::close(fd);
}

void WriteFileAtomic(const fs::path& path, std::string_view contents) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path tmp = dir / ("." + path.filename().string() + ".tmp-" + RandomSuffix());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw Error(path.string(), "", std::string("cannot create file: ") + std::strerror(errno));
  }
  try {
    WriteAll(fd, contents, path);
    if (::fsync(fd) != 0) {
      throw Error(path.string(), "", std::string("fsync failed: ") + std::strerror(errno));
    }
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw Error(path.string(), "", std::string("rename failed: ") + std::strerror(err));
  }
  SyncDirectory(dir);
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    throw Error(path.string(), "",
                fs::exists(path, ec) ? "cannot be read" : "no such file");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw Error(path.string(), "", "read failed");
  return ss.str();
}

void AppendFileDurable(const fs::path& path, std::string_view record) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw Error(path.string(), "", std::string("cannot open for append: ") + std::strerror(errno));
  }
  try {
    WriteAll(fd, record, path);
    if (::fdatasync(fd) != 0) {
      throw Error(path.string(), "", std::string("fsync failed: ") + std::strerror(errno));
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

StagingDirectory::StagingDirectory(const fs::path& final_path) : final_(final_path) {
  std::error_code ec;
  if (fs::exists(final_, ec)) {
    throw Error(final_.string(), "", "output path already exists");
  }
  fs::path parent = final_.has_parent_path() ? final_.parent_path() : fs::path(".");
  fs::create_directories(parent, ec);
  const std::string prefix = "." + final_.filename().string() + ".partial-";
  RemoveStalePartials(parent, prefix);
  staging_ =
      parent / (prefix + HostName() + "-" + std::to_string(::getpid()) + "-" + RandomSuffix());
  if (!fs::create_directory(staging_, ec)) {
    throw Error(staging_.string(), "", "cannot create staging directory: " + ec.message());
  }
}

StagingDirectory::~StagingDirectory() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
  }
}

void StagingDirectory::Commit() {
  std::error_code ec;
  if (fs::exists(final_, ec)) {
    throw Error(final_.string(), "", "output path already exists");
  }
  fs::rename(staging_, final_, ec);
  if (ec) throw Error(final_.string(), "", "cannot move staged result into place: " + ec.message());
  committed_ = true;
  SyncDirectory(final_.has_parent_path() ? final_.parent_path() : fs::path("."));
}

}  // namespace autofocus

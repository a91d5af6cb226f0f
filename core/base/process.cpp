#include "core/base/process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "core/base/error.h"

namespace autofocus {
namespace {

std::string ReadFd(int fd) {
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv) {
  CommandResult r;
  if (argv.empty()) return r;
  // Temp files, not pipes: a chatty program cannot block on a full pipe while we wait.
  char out_name[] = "/tmp/autofocus-cmd-out-XXXXXX", err_name[] = "/tmp/autofocus-cmd-err-XXXXXX";
  const int out = ::mkstemp(out_name), err = ::mkstemp(err_name);
  if (out < 0 || err < 0) throw Error("", argv[0], "cannot create a temporary file");
  ::unlink(out_name);
  ::unlink(err_name);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int in = ::open("/dev/null", O_RDONLY);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    const std::string msg = argv[0] + ": cannot run the program (is it installed?)\n";
    if (::write(2, msg.data(), msg.size()) < 0) { /* nothing left to tell */
    }
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  ::lseek(out, 0, SEEK_SET);
  ::lseek(err, 0, SEEK_SET);
  r.out = ReadFd(out);
  r.err = ReadFd(err);
  ::close(out);
  ::close(err);
  return r;
}

}  // namespace autofocus

#include "tests/slurm/slurm_cluster.h"

#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace autofocus::testing {
namespace fs = std::filesystem;
namespace {

// Daemons still running, killed by an atexit handler: a test that calls exit() or whose
// fixture is never destroyed must not leave a Slurm behind.
std::mutex g_mutex;
std::set<pid_t> g_daemons;

void KillLeftovers() {
  std::lock_guard<std::mutex> lock(g_mutex);
  for (const pid_t pid : g_daemons) ::kill(pid, SIGKILL);
  g_daemons.clear();
}

bool OnPath(const std::string& program) {
  for (const char* dir : {"/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"}) {
    if (::access((fs::path(dir) / program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

pid_t StartDaemon(const std::vector<std::string>& argv, const fs::path& log) {
  static const bool registered = [] {
    std::atexit(KillLeftovers);
    return true;
  }();
  (void)registered;
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Dies with the test process, even when that one is SIGKILLed by a ctest timeout.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);
    std::FILE* f = std::fopen(log.c_str(), "w");
    if (f) {
      ::dup2(fileno(f), 1);
      ::dup2(fileno(f), 2);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  std::lock_guard<std::mutex> lock(g_mutex);
  g_daemons.insert(pid);
  return pid;
}

void StopDaemon(pid_t& pid) {
  if (pid <= 0) return;
  ::kill(pid, SIGTERM);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::lock_guard<std::mutex> lock(g_mutex);
  g_daemons.erase(pid);
  pid = -1;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Polls `done` every 50 ms until it holds or `timeout_s` passed (waiting for a state, not timing).
template <typename F>
bool PollUntil(F done, double timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

std::string UserName() {
  const passwd* pw = ::getpwuid(::getuid());
  return pw ? pw->pw_name : "root";
}

}  // namespace

std::string SlurmCluster::Unavailable() {
  for (const char* p : {"slurmctld", "slurmd", "sbatch", "squeue", "srun"}) {
    if (!OnPath(p)) {
      return std::string(p) +
             " is not installed (scripts/setup-deps installs Debian's slurm-wlm): the "
             "tests against a real Slurm are skipped";
    }
  }
  return "";
}

SlurmCluster::SlurmCluster() {
  const fs::path d = dir_.path();
  for (const char* sub : {"state", "spool", "log"}) fs::create_directories(d / sub);
  conf_ = d / "slurm.conf";
  std::ofstream c(conf_);
  c << "ClusterName=aftest\n"
    << "SlurmctldHost=localhost\n"
    << "AuthType=auth/none\nCredType=cred/none\n"
    // root on CI (what was seen to work); the current user's name otherwise.
    << "SlurmUser=" << UserName() << "\nSlurmdUser=" << UserName() << "\n"
    << "CommunicationParameters=NoCtldInAddrAny,NoInAddrAny\n"
    << "SlurmctldPort=" << FreeLoopbackPort() << "\n"
    << "SlurmdPort=" << FreeLoopbackPort() << "\n"
    << "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\nMpiDefault=none\n"
    << "AccountingStorageType=accounting_storage/none\nJobCompType=jobcomp/none\n"
    << "JobAcctGatherType=jobacct_gather/none\n"
    << "SelectType=select/cons_tres\nSelectTypeParameters=CR_CPU\n"
    // Finished jobs leave the controller's memory after 4 s (sbatch --wait polls faster), and
    // scancel's SIGKILL follows its SIGTERM after 1 s instead of 30.
    << "MinJobAge=4\nKillWait=1\n"
    // The node's real size may differ from the 2 CPUs declared; do not drain it for that.
    << "SlurmdParameters=config_overrides\nReturnToService=2\n"
    << "StateSaveLocation=" << (d / "state").string() << "\n"
    << "SlurmdSpoolDir=" << (d / "spool").string() << "\n"
    << "SlurmctldPidFile=" << (d / "slurmctld.pid").string() << "\n"
    << "SlurmdPidFile=" << (d / "slurmd.pid").string() << "\n"
    << "NodeName=localhost CPUs=2 RealMemory=1000 State=UNKNOWN\n"
    << "PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP\n";
  c.close();
  ::setenv("SLURM_CONF", conf_.c_str(), 1);
  ctld_ = StartDaemon({"slurmctld", "-D", "-c", "-f", conf_.string()}, d / "log" / "slurmctld.out");
  slurmd_ = StartDaemon({"slurmd", "-D", "-f", conf_.string()}, d / "log" / "slurmd.out");
  const bool idle = PollUntil(
      [] {
        const RunResult r = RunProgram("sinfo", {"-h", "-o", "%T"});
        return r.exit_code == 0 && r.out.find("idle") != std::string::npos;
      },
      30);
  if (!idle) {
    const std::string logs = Slurp(d / "log" / "slurmctld.out") + Slurp(d / "log" / "slurmd.out");
    Stop();
    throw std::runtime_error("the node did not become idle within 30 s:\n" + logs);
  }
}

SlurmCluster::~SlurmCluster() {
  Stop();
}

bool SlurmCluster::WaitForEmptyQueue(double timeout_s) const {
  return PollUntil(
      [] {
        const RunResult r = RunProgram("squeue", {"-h", "-o", "%i"});
        return r.exit_code == 0 && r.out.find_first_not_of(" \n") == std::string::npos;
      },
      timeout_s);
}

bool SlurmCluster::WaitUntilGone(const std::string& task, double timeout_s) const {
  return PollUntil(
      [&] {
        const RunResult r = RunProgram("squeue", {"-h", "-r", "-o", "%i"});
        return r.exit_code == 0 && ("\n" + r.out).find("\n" + task + "\n") == std::string::npos;
      },
      timeout_s);
}

void SlurmCluster::Stop() {
  if (ctld_ > 0) {
    // Running jobs' slurmstepd outlive slurmd: end them first, while the controller is up.
    RunProgram("scancel", {"--user=" + UserName()});
    WaitForEmptyQueue(10);
  }
  StopDaemon(slurmd_);
  StopDaemon(ctld_);
}

}  // namespace autofocus::testing

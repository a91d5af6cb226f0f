#include "app/autofocus/console_progress.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "core/base/error.h"
#include "core/base/json_io.h"

namespace autofocus::cli {

ConsoleProgress::ConsoleProgress() : tty_(::isatty(2) == 1) {}
ConsoleProgress::~ConsoleProgress() {
  Finish();
}

ProgressCallback ConsoleProgress::Callback() {
  return [this](const Progress& p) { Report(p); };
}

void ConsoleProgress::Report(const Progress& p) {
  std::lock_guard<std::mutex> lock(mu_);
  const int percent = p.total > 0 ? static_cast<int>(100 * p.done / p.total) : -1;
  const bool new_stage = p.stage != last_stage_;
  const auto now = std::chrono::steady_clock::now();
  std::string eta;
  if (p.eta_seconds >= 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " ETA %ds", static_cast<int>(p.eta_seconds + 0.5));
    eta = buf;
  }
  if (tty_) {
    // Redraw at most every 50 ms unless something important changed.
    if (!new_stage && p.done != p.total && now - last_draw_ < std::chrono::milliseconds(50)) return;
    if (new_stage && open_line_) std::fputc('\n', stderr);
    const int width = 30;
    const int filled = percent < 0 ? 0 : percent * width / 100;
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(width - filled), '-');
    std::fprintf(stderr, "\r%-10s [%s] %3d%% %lld/%lld%s %s\x1b[K", p.stage.c_str(), bar.c_str(),
                 percent < 0 ? 0 : percent, static_cast<long long>(p.done),
                 static_cast<long long>(p.total), eta.c_str(), p.item.c_str());
    open_line_ = true;
  } else {
    // Plain lines: one per stage start, every 10% and at the end.
    if (!new_stage && percent / 10 == last_percent_ / 10 && p.done != p.total) return;
    if (!new_stage && percent == last_percent_) return;
    std::fprintf(stderr, "%s: %lld/%lld (%d%%)%s%s%s\n", p.stage.c_str(),
                 static_cast<long long>(p.done), static_cast<long long>(p.total),
                 percent < 0 ? 0 : percent, eta.c_str(), p.item.empty() ? "" : " ", p.item.c_str());
  }
  std::fflush(stderr);
  last_stage_ = p.stage;
  last_percent_ = percent;
  last_draw_ = now;
}

void ConsoleProgress::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (tty_ && open_line_) {
    std::fputc('\n', stderr);
    open_line_ = false;
  }
}

ProgressCallback JsonLinesProgress(std::FILE* stream) {
  return [stream](const Progress& p) {
    std::fprintf(stream, "%s\n",
                 Json({{"stage", p.stage},
                       {"item", p.item},
                       {"done", p.done},
                       {"total", p.total},
                       {"eta_seconds", p.eta_seconds}})
                     .dump()
                     .c_str());
    std::fflush(stream);
  };
}

ProgressCallback ProgressForMode(const std::string& mode, ConsoleProgress& bar,
                                 std::FILE* json_stream) {
  if (mode == "bar") return bar.Callback();
  if (mode == "json") return JsonLinesProgress(json_stream);
  return {};
}

namespace {
std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

extern "C" void OnStopSignal(int sig) {
  // Only async-signal-safe work here: the job polls the flag.
  g_signal.store(sig);
  g_stop.store(true);
}
}  // namespace

void InstallStopSignals() {
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

const std::atomic<bool>& StopRequested() {
  return g_stop;
}

int StopSignal() {
  return g_signal.load();
}

int RunReportingErrors(const std::function<int()>& body) {
  try {
    return body();
  } catch (const Cancelled&) {
    std::cerr << "cancelled\n";
    return 130;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace autofocus::cli

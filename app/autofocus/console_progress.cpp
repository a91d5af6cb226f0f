#include "app/autofocus/console_progress.h"

#include <unistd.h>

#include <cstdio>

#include "core/base/json_io.h"

namespace autofocus::cli {

ConsoleProgress::ConsoleProgress() : tty_(::isatty(2) == 1) {}
ConsoleProgress::~ConsoleProgress() { Finish(); }

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
                 percent < 0 ? 0 : percent, eta.c_str(), p.item.empty() ? "" : " ",
                 p.item.c_str());
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

ProgressCallback ProgressForMode(const std::string& mode, ConsoleProgress& bar, std::FILE* out) {
  if (mode == "bar") return bar.Callback();
  if (mode != "json") return {};
  return [out](const Progress& p) {
    const std::string line = Json({{"stage", p.stage},
                                   {"item", p.item},
                                   {"done", p.done},
                                   {"total", p.total},
                                   {"eta_seconds", p.eta_seconds}})
                                 .dump();
    std::fprintf(out, "%s\n", line.c_str());
    std::fflush(out);
  };
}

}  // namespace autofocus::cli

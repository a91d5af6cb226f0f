// Export benchmark: `export_bench [PROJECT]`. Without a project, `autofocus demo --episodes 20
// --frames 200` makes one in a temporary folder (AUTOFOCUS_BENCH_EPISODES / _FRAMES override).
// Baseline: decode every frame and render every saliency map (what any export has to do at
// least). Measured: RunExport to robomimic HDF5 with saliency maps (gzip). Prints both and the
// ratio (target <= 2).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "core/export/export.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  fs::path project;
  fs::path tmp;
  if (argc > 1) {
    project = argv[1];
  } else {
    const char* e = std::getenv("AUTOFOCUS_BENCH_EPISODES");
    const char* f = std::getenv("AUTOFOCUS_BENCH_FRAMES");
    tmp = fs::temp_directory_path() / ("autofocus-export-bench-" + std::to_string(::getpid()));
    fs::create_directories(tmp);
    project = tmp / "sample";
    const std::string cmd = std::string(AUTOFOCUS_CLI_PATH) + " demo --out " + project.string() + " --episodes " +
                            (e ? e : "20") + " --frames " + (f ? f : "200") + " --progress none > /dev/null";
    if (std::system(cmd.c_str()) != 0) {
      std::fprintf(stderr, "export_bench: %s failed\n", cmd.c_str());
      return 1;
    }
  }
  const autofocus::ProjectStore store = autofocus::ProjectStore::Open(project);
  autofocus::ExportOptions o;
  o.format = "robomimic";
  o.saliency = "maps";
  o.out = (tmp.empty() ? fs::temp_directory_path() : tmp) / "bench-export.hdf5";
  o.force = true;

  // Baseline: the maps (CollectExportEpisodes renders them) and one decode of every frame.
  auto t0 = Clock::now();
  const auto episodes = autofocus::CollectExportEpisodes(store, o, nullptr);
  long frames = 0;
  double checksum = 0;
  for (const auto& e : episodes) {
    auto src = store.OpenFrames(e.episode);
    for (const auto& fr : e.frames) {
      checksum += src->Read(fr.index).at<unsigned char>(0, 0);
      ++frames;
    }
  }
  const double base = std::chrono::duration<double>(Clock::now() - t0).count();

  t0 = Clock::now();
  const auto summary = autofocus::RunExport(store, o);
  const double exp = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("export_bench: %d episodes, %ld frames (checksum %.0f)\n", summary.episodes, frames, checksum);
  std::printf("  baseline (decode frames + render maps): %.2f s\n", base);
  std::printf("  robomimic HDF5 export with saliency maps (gzip, read back): %.2f s\n", exp);
  std::printf("  ratio %.2f (target <= 2.00), file %.1f MB\n", exp / base,
              static_cast<double>(fs::file_size(o.out)) / 1e6);
  fs::remove(o.out);
  fs::remove(o.out.string() + ".manifest.json");
  if (!tmp.empty()) fs::remove_all(tmp);
  return 0;
}

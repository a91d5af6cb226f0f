// bench_studio: the two figures issue #6 asks for, each with a same-run baseline.
//  1. live re-render per saliency slider change (full path: slider value -> document ->
//     heatmap colourised -> frame view repainted) vs the raw SaliencyRenderer::RenderFrame;
//  2. opening a generated 100-episode x 1,000-frame project in the main window (project.json,
//     episode table, first episode) vs a bare ProjectStore::Open.
// Runs offscreen: `QT_QPA_PLATFORM=offscreen bench_studio [--episodes N --frames T]`.
#include <QApplication>
#include <QCheckBox>
#include <QElapsedTimer>
#include <QSlider>
#include <QStandardPaths>
#include <QTableView>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "core/dataset/project_store.h"
#include "core/saliency/saliency_renderer.h"
#include "widgets/frame_view.h"
#include "widgets/main_window.h"
#include "widgets/saliency_panel.h"
#include "widgets/studio_document.h"
#include "widgets/studio_jobs.h"

using namespace autofocus;
using Clock = std::chrono::steady_clock;

namespace {

double Ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// project.json + episode.json files referencing (absent) frames: what opening must cope with.
void WriteLargeProject(const std::filesystem::path& dir, int episodes, int frames) {
  ProjectInfo info;
  info.name = "large";
  info.source_root = ".";
  info.image_width = 320;
  info.image_height = 180;
  ProjectStore store = ProjectStore::Create(dir, info);
  for (int i = 0; i < episodes; ++i) {
    Episode e;
    char name[32];
    std::snprintf(name, sizeof name, "episode_%04d", i);
    e.name = name;
    e.num_frames = frames;
    e.width = 320;
    e.height = 180;
    for (int t = 0; t < frames; ++t) {
      e.source.files.push_back("frames/" + e.name + "/" + std::to_string(t) + ".png");
      e.actions.push_back({0.5f, 0.f, 0.f});
    }
    store.SaveEpisode(e);
  }
  store.Save();
}

}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QStandardPaths::setTestModeEnabled(true);
  QApplication app(argc, argv);
  int large_episodes = 100, large_frames = 1000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--episodes") large_episodes = std::atoi(argv[i + 1]);
    if (std::string(argv[i]) == "--frames") large_frames = std::atoi(argv[i + 1]);
  }
  const std::filesystem::path tmp = std::filesystem::temp_directory_path() / ("bench_studio_" + std::to_string(::getpid()));
  std::filesystem::create_directories(tmp);

  // --- 1. live re-render ---------------------------------------------------------------------
  sim::SampleWorldOptions world;
  world.episodes = 1;
  world.frames = 60;
  world.seed = 3;
  GenerateAnnotatedSampleProject(world, tmp / "sample");
  {
    MainWindow w;
    w.resize(1600, 1000);
    w.show();
    if (!w.OpenProject(QString::fromStdString((tmp / "sample").string()))) return 1;
    StudioDocument* doc = w.document();
    int t = 0;
    for (int f = 10; f < doc->frameCount(); ++f) {
      if (!doc->episode()->key_boxes[static_cast<size_t>(f)].empty()) {
        t = f;
        break;
      }
    }
    doc->SetCurrentFrame(t);
    doc->FlushSignals();
    QApplication::processEvents();
    auto* auto_sigma = w.saliencyPanel()->findChild<QCheckBox*>("autoSigmaCheck");
    auto_sigma->setChecked(false);
    auto* slider = w.saliencyPanel()->findChild<QSlider*>("sigmaSlider");
    FrameCanvas* canvas = w.frameView()->primary();
    const int kChanges = 300;
    std::vector<double> to_image, to_paint, raw;
    for (int i = 0; i < kChanges; ++i) {
      const auto a = Clock::now();
      slider->setValue(10 + i % 80);      // the slider moves
      doc->FlushSignals();                // views are told
      const QImage& heat = canvas->HeatmapImage();  // map rendered + colourised
      const auto b = Clock::now();
      canvas->repaint();                  // the frame view paints frame + heatmap + boxes
      const auto c = Clock::now();
      if (heat.isNull()) return 1;
      to_image.push_back(Ms(a, b));
      to_paint.push_back(Ms(a, c));
    }
    // Baseline: the renderer alone, same options, same frame.
    SaliencyRenderer renderer(doc->saliencyOptions(), 320, 180);
    std::vector<float> out(renderer.frame_size());
    for (int i = 0; i < kChanges; ++i) {
      const auto a = Clock::now();
      renderer.RenderFrame(doc->saliencyInput(), static_cast<size_t>(t), out.data());
      raw.push_back(Ms(a, Clock::now()));
    }
    std::printf("live re-render per slider change at 320x180 (median of %d):\n", kChanges);
    std::printf("  baseline RenderFrame only          %8.3f ms\n", Median(raw));
    std::printf("  slider -> heatmap image ready      %8.3f ms  (%.1fx baseline)\n", Median(to_image), Median(to_image) / Median(raw));
    std::printf("  slider -> frame view repainted     %8.3f ms  (%.1fx baseline; budget 16 ms)\n", Median(to_paint),
                Median(to_paint) / Median(raw));
  }

  // --- 2. open a large project -----------------------------------------------------------------
  const auto g0 = Clock::now();
  WriteLargeProject(tmp / "large", large_episodes, large_frames);
  std::printf("generated %d x %d project.json/episode.json in %.0f ms\n", large_episodes, large_frames, Ms(g0, Clock::now()));
  std::vector<double> bare, studio;
  for (int rep = 0; rep < 5; ++rep) {
    const auto a = Clock::now();
    ProjectStore s = ProjectStore::Open(tmp / "large");
    bare.push_back(Ms(a, Clock::now()));
    MainWindow w;
    w.resize(1600, 1000);
    w.show();
    QApplication::processEvents();
    const auto b = Clock::now();
    w.OpenProject(QString::fromStdString((tmp / "large").string()));
    w.document()->FlushSignals();
    w.episodeTable()->viewport()->repaint();  // the visible rows ask for their summaries
    QApplication::processEvents();
    studio.push_back(Ms(b, Clock::now()));
  }
  std::printf("open %d-episode x %d-frame project (median of 5):\n", large_episodes, large_frames);
  std::printf("  baseline ProjectStore::Open        %8.2f ms\n", Median(bare));
  std::printf("  studio: project + table + episode  %8.2f ms  (%.1fx baseline; budget 2000 ms)\n", Median(studio),
              Median(studio) / Median(bare));
  std::error_code ec;
  std::filesystem::remove_all(tmp, ec);
  return 0;
}

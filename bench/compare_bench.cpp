// bench_compare: scrubbing the attention compare view with 4 panes of cached maps (issue 12
// target: <= 16 ms per frame), against a same-run baseline of the same 4 panes drawing only the
// frame. Sources are the gaze and ground-truth references (no LibTorch needed); a policy's
// cached maps go through exactly the same grid, colourisation and drawing.
// `QT_QPA_PLATFORM=offscreen bench_compare [FRAMES] [PANE_WIDTHxHEIGHT]`.
#include <QApplication>
#include <QElapsedTimer>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "core/sim/sample_project.h"
#include "widgets/policies/compare_data.h"
#include "widgets/policies/compare_view.h"
#include "widgets/studio_document.h"

using namespace autofocus;

namespace {

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Median ms to move the playhead and repaint every visible pane, per frame, over two passes
// (the first decodes and colourises; the second is what scrubbing back and forth costs).
// Each pane is drawn explicitly (ComparePane::Render, what paintEvent draws) so the figure does
// not depend on whether the platform exposes the window.
std::pair<double, double> Scrub(StudioDocument& doc, CompareView& view, int frames, QSize pane) {
  std::vector<double> first, second;
  for (int pass = 0; pass < 2; ++pass) {
    for (int t = 0; t < frames; ++t) {
      QElapsedTimer clock;
      clock.start();
      doc.SetCurrentFrame(t);
      for (int i = 0; i < 4; ++i) {
        const QImage img = view.pane(i)->Render(t, pane);
        if (img.isNull()) std::abort();
      }
      view.lanes()->repaint();
      (pass ? second : first).push_back(clock.nsecsElapsed() / 1e6);
    }
  }
  return {Median(first), Median(second)};
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  const int frames = argc > 1 ? std::atoi(argv[1]) : 200;
  int pw = 480, ph = 270;
  if (argc > 2) std::sscanf(argv[2], "%dx%d", &pw, &ph);
  const auto dir = std::filesystem::temp_directory_path() / "autofocus-bench-compare";
  std::filesystem::remove_all(dir);
  sim::SampleWorldOptions world;
  world.episodes = 1;
  world.frames = frames;
  sim::GenerateSampleProject(world, dir / "P");

  StudioDocument doc;
  QString error;
  if (!doc.OpenProject(QString::fromStdString((dir / "P").string()), &error)) {
    std::fprintf(stderr, "cannot open: %s\n", error.toUtf8().constData());
    return 1;
  }
  if (!doc.SetCurrentEpisode("episode_000", &error)) {
    std::fprintf(stderr, "cannot open the episode: %s\n", error.toUtf8().constData());
    return 1;
  }
  CompareData data(&doc);
  CompareView view(&doc, &data);
  view.resize(2 * pw + 40, 2 * ph + 220);
  view.show();
  app.processEvents();

  const auto [base_first, base] = Scrub(doc, view, frames, {pw, ph});  // no sources: frame only
  view.SetSources({"ref:gaze", "ref:ground-truth", "ref:gaze", "ref:ground-truth"});
  app.processEvents();
  for (const auto& s : data.sources()) {
    if (!s.ready()) {
      std::fprintf(stderr, "source %s not ready: %s\n", s.id.toUtf8().constData(),
                   s.state.toUtf8().constData());
      return 1;
    }
  }
  const auto [cold, warm] = Scrub(doc, view, frames, {pw, ph});
  std::printf("compare view, 4 panes of %dx%d, %d frames of 320x180 (median per frame)\n", pw, ph,
              frames);
  std::printf("  baseline (4 panes, frame only):    first pass %.2f ms, again %.2f ms\n",
              base_first, base);
  std::printf("  4 panes with cached maps + lanes:  first pass %.2f ms, again %.2f ms\n", cold,
              warm);
  std::printf("  ratio to baseline (again): %.2fx; target <= 16 ms per frame: %s\n",
              base > 0 ? warm / base : 0.0, warm <= 16.0 && cold <= 16.0 ? "met" : "NOT met");
  std::filesystem::remove_all(dir);
  return 0;
}

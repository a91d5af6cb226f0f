#include "widgets/policies/policies_screenshots.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <cstdio>

#include "widgets/main_window.h"
#include "widgets/policies/compare_data.h"
#include "widgets/policies/compare_view.h"
#include "widgets/policies/policies_model.h"
#include "widgets/policies/policies_panel.h"
#include "widgets/studio_document.h"

namespace autofocus {

int SaveCompareScreenshots(MainWindow& window, const QString& dir) {
  auto* panel = window.findChild<PoliciesPanel*>("policiesPanel");
  if (!panel) return 1;
  PoliciesModel* model = panel->model();
  model->Refresh();
  QStringList runs;
  for (int r = 0; r < model->rowCount() && runs.size() < 2; ++r) {
    if (model->flags(model->index(r, PoliciesModel::kName)) & Qt::ItemIsUserCheckable)
      runs << model->index(r, PoliciesModel::kName).data().toString();
  }
  if (runs.size() < 2) {
    std::fprintf(stderr, "compare screenshots: the project needs two trained runs\n");
    return 1;
  }
  panel->OpenCompare(runs);
  CompareView* view = panel->compareView();
  CompareData* data = panel->compareData();
  view->window()->resize(1400, 900);
  auto ready = [data] {
    for (const auto& s : data->sources())
      if (!s.ready()) return false;
    return !data->sources().empty() && !data->busy();
  };
  QElapsedTimer clock;
  clock.start();
  while (!ready() && clock.elapsed() < 120000)
    QApplication::processEvents(QEventLoop::AllEvents, 50);
  if (!ready()) {
    for (const auto& s : data->sources())
      std::fprintf(stderr, "compare screenshots: %s: %s\n", qPrintable(s.label),
                   qPrintable(s.state));
    return 1;
  }
  const int frame = std::max(0, view->LargestDisagreementFrame());
  window.document()->SetCurrentFrame(frame);
  int failures = 0;
  // An overlay is advertised: every source must have attention at this frame.
  for (const auto& s : data->sources()) {
    const float* m = s.Map(frame);
    float hi = 0;
    for (int i = 0; i < CompareData::kGridWidth * CompareData::kGridHeight; ++i)
      hi = std::max(hi, m[i]);
    if (!(hi > 0)) {
      std::fprintf(stderr, "compare screenshots: %s has an empty map at frame %d\n",
                   qPrintable(s.label), frame);
      ++failures;
    }
  }
  auto save = [&](const QString& name) {
    QApplication::processEvents();
    const QString file = QDir(dir).filePath(name + ".png");
    if (!view->window()->grab().save(file)) {
      std::fprintf(stderr, "cannot write %s\n", qPrintable(file));
      ++failures;
    } else {
      std::printf("%s\n", qPrintable(file));
    }
  };
  view->SetMode(CompareMode::kSideBySide);
  save("compare-side-by-side");
  view->SetMode(CompareMode::kSwipe);
  view->SetSwipePosition(0.5);
  save("compare-swipe");
  view->SetMode(CompareMode::kDifference);
  save("compare-difference");
  view->SetMode(CompareMode::kSideBySide);
  const QImage strip = view->RenderStrip(0, window.document()->frameCount() - 1, 6);
  const QString strip_file = QDir(dir).filePath("compare-strip.png");
  if (strip.isNull() || !strip.save(strip_file))
    ++failures;
  else
    std::printf("%s\n", qPrintable(strip_file));
  view->window()->hide();
  return failures;
}

}  // namespace autofocus

// The Policies panel and the attention compare view (issue 12 section 3) on a 2-episode x
// 20-frame demo project with two tiny runs (BC and AutoFocus-IL); the maps are computed by the
// view's own `autofocus attention` child. Offscreen; waits run the event loop with a timeout.
#include "widgets/policies/compare_view.h"

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QElapsedTimer>
#include <cmath>
#include <filesystem>

#include "tests/support/test_support.h"
#include "widgets/frame_view.h"
#include "widgets/main_window.h"
#include "widgets/policies/compare_data.h"
#include "widgets/policies/policies_model.h"
#include "widgets/policies/policies_panel.h"
#include "widgets/studio_document.h"
#include "widgets/timeline/metric_lanes.h"
#include "widgets/timeline_view.h"

namespace autofocus {
namespace {

namespace fs = std::filesystem;
using testing::RunCli;
using testing::TempDir;

template <typename F>
bool WaitFor(F done, int ms = 90000) {
  QElapsedTimer clock;
  clock.start();
  while (!done() && clock.elapsed() < ms) QApplication::processEvents(QEventLoop::AllEvents, 20);
  return done();
}

// Made once per test process: demo + two 1-epoch runs at 36x64.
const fs::path& Project() {
  static TempDir dir;
  static const fs::path p = [] {
    const fs::path project = dir.path() / "P";
    auto r = RunCli({"demo", "--out", project.string(), "--episodes", "2", "--frames", "20",
                     "--progress", "none"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (const auto& [name, reg, target] :
         {std::tuple{"bc", "none", "none"}, std::tuple{"af", "gabril_mse", "vlm"}}) {
      r = RunCli({"train", project.string(), "--name", name, "--regularizer", reg, "--target",
                  target, "--epochs", "1", "--batch", "10", "--input-size", "36x64", "--threads",
                  "1", "--progress", "none"});
      EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    }
    return project;
  }();
  return p;
}

TEST(PoliciesModel, ListsRunsWithCheckBoxesAndPassesTheModelTester) {
  PoliciesModel model;
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  model.SetProject(QString::fromStdString(Project().string()));
  ASSERT_EQ(model.rowCount(), 2);
  EXPECT_EQ(model.index(0, PoliciesModel::kName).data().toString(), "af");
  EXPECT_EQ(model.index(0, PoliciesModel::kRegularizer).data().toString(), "gabril_mse");
  EXPECT_EQ(model.index(0, PoliciesModel::kTarget).data().toString(), "vlm");
  EXPECT_EQ(model.index(1, PoliciesModel::kTarget).data().toString(), "none");
  EXPECT_EQ(model.index(1, PoliciesModel::kStatus).data().toString(), "completed");
  QStringList seen;
  QObject::connect(&model, &PoliciesModel::checkedChanged, [&](const QStringList& r) { seen = r; });
  EXPECT_TRUE(model.setData(model.index(1, 0), Qt::Checked, Qt::CheckStateRole));
  EXPECT_EQ(seen, QStringList{"bc"});
  model.SetChecked("af", true);
  EXPECT_EQ(model.checkedRuns(), (QStringList{"af", "bc"}));
  model.Refresh();  // check marks survive a re-read
  EXPECT_EQ(model.checkedRuns(), (QStringList{"af", "bc"}));
}

class CompareViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(doc.OpenProject(QString::fromStdString(Project().string())));
    ASSERT_TRUE(doc.SetCurrentEpisode("episode_001"));  // the one with key objects
    data = new CompareData(&doc);
    data->SetCliProgram(AUTOFOCUS_CLI_PATH);
    view = new CompareView(&doc, data);
    view->resize(900, 600);
    view->SetAvailableSources({"run:bc", "run:af", "ref:saliency", "ref:gaze", "ref:ground-truth"});
  }
  void TearDown() override {
    delete view;
    delete data;
  }
  bool AllReady() {
    for (const auto& s : data->sources())
      if (!s.ready()) return false;
    return !data->busy();
  }
  StudioDocument doc;
  CompareData* data = nullptr;
  CompareView* view = nullptr;
};

TEST_F(CompareViewTest, ComputesMissingMapsInTheBackgroundThenScoresThem) {
  view->SetSources({"run:bc", "run:af", "ref:saliency"});
  ASSERT_EQ(data->sources().size(), 3u);
  EXPECT_TRUE(data->busy());  // no cached maps yet: children were started
  EXPECT_FALSE(data->sources()[0].ready());
  ASSERT_TRUE(WaitFor([&] { return AllReady(); }))
      << data->sources()[0].state.toStdString() << data->sources()[1].state.toStdString();
  for (const auto& s : data->sources()) EXPECT_EQ(s.frames, 20);
  // Cached now: a second data object reads them without a child.
  CompareData again(&doc);
  again.SetSources({"run:af"});
  EXPECT_TRUE(again.sources()[0].ready());
  EXPECT_FALSE(again.busy());

  // The saliency target against the saliency reference: CC 1 wherever the map is not constant.
  const auto& self = data->Metric(2);
  ASSERT_EQ(self.size(), 20u);
  int nonconstant = 0;
  for (int t = 0; t < 20; ++t) {
    const float* m = data->sources()[2].Map(t);
    const auto [lo, hi] =
        std::minmax_element(m, m + CompareData::kGridWidth * CompareData::kGridHeight);
    if (*hi > *lo) {
      ++nonconstant;
      EXPECT_NEAR(self[static_cast<size_t>(t)], 1.0, 1e-9) << t;
    }
  }
  EXPECT_GT(nonconstant, 0);
  const auto d = data->Disagreement(0, 1);
  ASSERT_EQ(d.size(), 20u);
  for (double x : d) EXPECT_TRUE(x >= 0 && x <= 2) << x;
  const int largest = view->LargestDisagreementFrame();
  EXPECT_EQ(largest, static_cast<int>(std::max_element(d.begin(), d.end()) - d.begin()));
  // A peak is a local maximum; stepping forward from before it finds one at or before it.
  const int peak = view->NextDisagreementPeak(-1, +1);
  ASSERT_GE(peak, 0);
  EXPECT_LE(peak, largest);
  EXPECT_GE(d[static_cast<size_t>(peak)], d[static_cast<size_t>(std::max(0, peak - 1))]);
  EXPECT_EQ(view->lanes()->laneCount(), 4);  // 3 sources + the A/B disagreement

  // Policy against policy: source A as the reference gives A a CC of 1 on every frame.
  data->SetReference("source:0");
  ASSERT_EQ(data->Metric(0).size(), 20u);
  for (double v : data->Metric(0)) EXPECT_NEAR(v, 1.0, 1e-9);
  EXPECT_EQ(data->Metric(1).size(), 20u);
  data->SetReference("saliency");

  // SIM of a map with itself is 1; of the policies, within [0, 1].
  data->SetMetric("sim");
  EXPECT_NEAR(data->Metric(2)[static_cast<size_t>(largest)], 1.0, 1e-6);
  for (double v : data->Metric(0)) EXPECT_TRUE(v >= 0 && v <= 1 + 1e-9) << v;
}

TEST_F(CompareViewTest, ModesSwitchAndPanesStaySynchronized) {
  view->SetSources({"run:bc", "run:af", "ref:saliency", "ref:gaze"});
  ASSERT_TRUE(WaitFor([&] { return AllReady(); }));
  view->show();
  EXPECT_EQ(view->visiblePanes(), 4);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(view->pane(i)->isVisible()) << i;
  view->SetMode(CompareMode::kSwipe);
  EXPECT_EQ(view->visiblePanes(), 1);
  EXPECT_FALSE(view->pane(1)->isVisible());
  view->SetSwipePosition(1.7);
  EXPECT_DOUBLE_EQ(view->swipePosition(), 1.0);
  view->SetMode(CompareMode::kDifference);
  EXPECT_EQ(view->visiblePanes(), 1);
  view->SetMode(CompareMode::kSideBySide);
  EXPECT_EQ(view->visiblePanes(), 4);

  // A/B toggle swaps the first two sources (and back).
  view->ToggleAB();
  EXPECT_EQ(data->sourceIds(), (QStringList{"run:af", "run:bc", "ref:saliency", "ref:gaze"}));
  view->ToggleAB();
  EXPECT_EQ(data->sourceIds().front(), "run:bc");

  // One transform: a zoom in one pane is the zoom of every pane.
  view->transform()->ZoomAt(2.0, QPointF(100, 50));
  const double scale = view->transform()->scale();
  EXPECT_FALSE(view->transform()->fit());
  // The playhead: every pane draws the document's frame; rendering a pane at another frame
  // gives another image (the frames differ), at the same frame the same one.
  doc.SetCurrentFrame(7);
  const QImage a = view->pane(0)->Render(7, QSize(320, 180));
  const QImage b = view->pane(0)->Render(7, QSize(320, 180));
  const QImage c = view->pane(0)->Render(15, QSize(320, 180));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_DOUBLE_EQ(view->transform()->scale(), scale);

  // The strip: rows = ready sources, columns = frames, plus the label column and header.
  const QImage strip = view->RenderStrip(0, 19, 5, QSize(160, 90));
  EXPECT_EQ(strip.width(), 140 + 5 * 160);
  EXPECT_EQ(strip.height(), 20 + 4 * 90);
}

TEST(PoliciesPanel, CompareAttentionFromTheRunsPanelChecksTheRunsAndOpensTheWindow) {
  MainWindow w;
  ASSERT_TRUE(w.document()->OpenProject(QString::fromStdString(Project().string())));
  ASSERT_TRUE(w.document()->SetCurrentEpisode("episode_001"));
  auto* panel = w.findChild<PoliciesPanel*>("policiesPanel");
  ASSERT_NE(panel, nullptr);
  ASSERT_EQ(panel->model()->rowCount(), 2);
  panel->compareData()->SetCliProgram(AUTOFOCUS_CLI_PATH);
  panel->OpenCompare({"bc"});
  EXPECT_EQ(panel->model()->checkedRuns(), QStringList{"bc"});
  EXPECT_EQ(panel->compareData()->sourceIds(), (QStringList{"run:bc", "ref:saliency"}));
  EXPECT_TRUE(panel->compareView()->window()->isVisible());
  // The metric lanes also appear in the main window's timeline, on its axis.
  ASSERT_TRUE(WaitFor([&] {
    for (const auto& s : panel->compareData()->sources())
      if (!s.ready()) return false;
    return !panel->compareData()->busy();
  })) << panel->compareData()->sources()[0].state.toStdString()
      << " | " << panel->compareData()->sources()[1].state.toStdString();
  const auto& lanes = w.timelineView()->metricLanes()->lanes();
  ASSERT_EQ(lanes.size(), 3u);  // bc, the saliency target, the A/B disagreement
  EXPECT_EQ(lanes[0].label, "bc cc saliency");
  EXPECT_EQ(lanes[0].values, panel->compareData()->Metric(0));
  EXPECT_EQ(lanes[2].values, panel->compareData()->DisagreementAB());
  EXPECT_DOUBLE_EQ(lanes[2].hi, 2.0);
}

}  // namespace
}  // namespace autofocus

// Widget tests of the studio views over a generated sample project (2 episodes x 30 frames,
// annotated by the scene-oracle pipeline once per test program).
#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>
#include <QWheelEvent>
#include <memory>
#include <set>

#include "core/base/json_io.h"
#include "core/saliency/saliency_renderer.h"
#include "core/sim/ground_truth.h"
#include "tests/support/test_support.h"
#include "widgets/colormap.h"
#include "widgets/episode_table_model.h"
#include "widgets/frame_view.h"
#include "widgets/inspector_view.h"
#include "widgets/main_window.h"
#include "widgets/qcustomplot_include.h"
#include "widgets/saliency_panel.h"
#include "widgets/studio_document.h"
#include "widgets/studio_jobs.h"
#include "widgets/timeline/timeline_axis.h"
#include "widgets/timeline/track_lanes.h"
#include "widgets/timeline_view.h"

namespace autofocus {
namespace {

using testing::TempDir;

// Processes events until `done` holds or ~5 s passed.
template <typename F>
bool WaitFor(F done) {
  QElapsedTimer clock;
  clock.start();
  while (!done() && clock.elapsed() < 5000) QApplication::processEvents(QEventLoop::AllEvents, 20);
  return done();
}

class StudioTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    sim::SampleWorldOptions world;
    world.episodes = 2;
    world.frames = 30;
    world.seed = 7;
    world.threads = 2;
    GenerateAnnotatedSampleProject(world, project());
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::filesystem::path project() { return dir_->path() / "sample"; }
  static QString projectQ() { return QString::fromStdString(project().string()); }

  // The first frame (from `from`) of episode_000 with at least one key box.
  static int FrameWithKeys(const StudioDocument& doc, int from = 0) {
    for (int t = from; t < doc.frameCount(); ++t) {
      if (!doc.episode()->key_boxes[static_cast<size_t>(t)].empty()) return t;
    }
    return -1;
  }

  static TempDir* dir_;
};
TempDir* StudioTest::dir_ = nullptr;

TEST_F(StudioTest, DocumentLoadsEpisodeArtifacts) {
  StudioDocument doc;
  QString error;
  ASSERT_TRUE(doc.OpenProject(projectQ(), &error)) << error.toStdString();
  EXPECT_EQ(doc.store()->info().episodes.size(), 2u);
  ASSERT_TRUE(doc.SetCurrentEpisode("episode_000", &error)) << error.toStdString();
  EXPECT_EQ(doc.frameCount(), 30);
  const StudioEpisode* ep = doc.episode();
  ASSERT_NE(ep, nullptr);
  EXPECT_EQ(ep->tracked.size(), 30u);
  EXPECT_EQ(ep->key_boxes.size(), 30u);
  ASSERT_NE(ep->ground_truth, nullptr);
  EXPECT_EQ(ep->ground_truth->frames.size(), 30u);
  // Segments are those of key_objects.json, in order, covering the episode without overlap.
  const Json keys = LoadJsonFile(project() / "episodes" / "episode_000" / "key_objects.json");
  ASSERT_EQ(ep->segments.size(), keys.at("segments").size());
  for (size_t i = 0; i < ep->segments.size(); ++i) {
    EXPECT_EQ(ep->segments[i].start, keys["segments"][i]["start"].get<int>());
    EXPECT_EQ(ep->segments[i].end, keys["segments"][i]["end"].get<int>());
    EXPECT_EQ(ep->SegmentAt(ep->segments[i].start), static_cast<int>(i));
    EXPECT_EQ(ep->SegmentAt(ep->segments[i].end), static_cast<int>(i));
  }
  EXPECT_EQ(ep->segments.front().start, 0);
  EXPECT_EQ(ep->segments.back().end, 29);
  EXPECT_EQ(ep->coverage.size(), 30u);
  // Frames decode through the shared cache: second read is a hit.
  const QImage a = doc.FrameImage(3);
  ASSERT_FALSE(a.isNull());
  EXPECT_EQ(a.width(), 320);
  EXPECT_EQ(a.height(), 180);
  const size_t hits = doc.frameCache().hits();
  EXPECT_EQ(doc.FrameImage(3), a);
  EXPECT_EQ(doc.frameCache().hits(), hits + 1);
}

TEST_F(StudioTest, CursorSignalsAreCoalescedAndClamped) {
  StudioDocument doc;
  ASSERT_TRUE(doc.OpenProject(projectQ()));
  ASSERT_TRUE(doc.SetCurrentEpisode("episode_000"));
  QSignalSpy spy(&doc, &StudioDocument::currentFrameChanged);
  doc.SetCurrentFrame(3);
  doc.SetCurrentFrame(4);
  doc.SetCurrentFrame(5);
  EXPECT_EQ(doc.currentFrame(), 5);
  EXPECT_EQ(spy.count(), 0);  // nothing until the event loop turns
  doc.FlushSignals();
  ASSERT_EQ(spy.count(), 1);
  EXPECT_EQ(spy.at(0).at(0).toInt(), 5);
  doc.SetCurrentFrame(1000);
  EXPECT_EQ(doc.currentFrame(), 29);
  doc.SetCurrentFrame(-4);
  EXPECT_EQ(doc.currentFrame(), 0);
  ASSERT_TRUE(WaitFor([&] { return spy.count() == 2; }));
  EXPECT_EQ(spy.at(1).at(0).toInt(), 0);
}

TEST_F(StudioTest, SegmentKeyEditRebuildsKeyBoxesAndSaliency) {
  StudioDocument doc;
  ASSERT_TRUE(doc.OpenProject(projectQ()));
  ASSERT_TRUE(doc.SetCurrentEpisode("episode_000"));
  const int t = FrameWithKeys(doc);
  ASSERT_GE(t, 0);
  const int seg = doc.episode()->SegmentAt(t);
  ASSERT_GE(seg, 0);
  const std::vector<float> before = doc.SaliencyMap(t);
  ASSERT_FALSE(before.empty());
  QSignalSpy spy(&doc, &StudioDocument::annotationsChanged);
  doc.SetSegmentKeyIds(seg, {}, "person");  // prune everything
  doc.FlushSignals();
  ASSERT_EQ(spy.count(), 1);
  const auto& s = doc.episode()->segments[static_cast<size_t>(seg)];
  EXPECT_EQ(spy.at(0).at(0).toInt(), s.start);
  EXPECT_EQ(spy.at(0).at(1).toInt(), s.end);
  EXPECT_EQ(s.decided_by, "person");
  for (int f = s.start; f <= s.end; ++f) EXPECT_TRUE(doc.episode()->key_boxes[static_cast<size_t>(f)].empty());
  // Frame t had key boxes; now it has none, so its map must change.
  const std::vector<float> after = doc.SaliencyMap(t);
  EXPECT_NE(before, after);
}

TEST_F(StudioTest, ViewsFollowTheCursor) {
  MainWindow w;
  ASSERT_TRUE(w.OpenProject(projectQ()));
  EXPECT_EQ(w.document()->currentEpisodeName(), "episode_000");
  QAction* step = w.playback()->action("action_step_forward");
  ASSERT_NE(step, nullptr);
  step->trigger();
  step->trigger();
  step->trigger();
  w.document()->FlushSignals();
  EXPECT_EQ(w.document()->currentFrame(), 3);
  auto* spin = w.timelineView()->findChild<QSpinBox*>("frameSpin");
  ASSERT_NE(spin, nullptr);
  EXPECT_EQ(spin->value(), 3);
  auto* label = w.frameView()->findChild<QLabel*>("frameLabel");
  ASSERT_NE(label, nullptr);
  EXPECT_TRUE(label->text().contains("frame 3 / 29")) << label->text().toStdString();
  // Scrubbing in the lanes moves the document cursor.
  TimelineLanes* lanes = w.timelineView()->lanes();
  lanes->resize(600, 200);
  EXPECT_EQ(lanes->FrameAt(lanes->XOf(17) + 1), 17);
  // Sub-sequence navigation lands on the next sub-sequence's first frame.
  const auto& segs = w.document()->episode()->segments;
  ASSERT_GE(segs.size(), 2u);
  w.document()->SetCurrentFrame(segs[0].start);
  w.playback()->action("action_next_subsequence")->trigger();
  EXPECT_EQ(w.document()->currentFrame(), segs[1].start);
  w.playback()->action("action_prev_subsequence")->trigger();
  EXPECT_EQ(w.document()->currentFrame(), segs[0].start);
  w.document()->FlushSignals();
  EXPECT_EQ(w.document()->selectedSegment(), 0);
  // The inspector shows the sub-sequence's decision.
  const Json keys = LoadJsonFile(project() / "episodes" / "episode_000" / "key_objects.json");
  const Json& s0 = keys["segments"][0];
  const QString html = w.inspectorView()->html();
  EXPECT_TRUE(html.contains("Key objects"));
  if (!s0["key_objects"].empty()) {
    EXPECT_TRUE(html.contains(QString::fromStdString(s0["key_objects"][0]["rationale"].get<std::string>()).toHtmlEscaped()));
  }
  // Opening the second episode resets the cursor and every view follows.
  ASSERT_TRUE(w.OpenEpisode("episode_001"));
  w.document()->FlushSignals();
  EXPECT_EQ(w.document()->currentFrame(), 0);
  EXPECT_EQ(spin->value(), 0);
  EXPECT_TRUE(label->text().startsWith("episode_001"));
}

TEST_F(StudioTest, PlaybackLoopsAndStops) {
  StudioDocument doc;
  ASSERT_TRUE(doc.OpenProject(projectQ()));
  ASSERT_TRUE(doc.SetCurrentEpisode("episode_000"));
  PlaybackController play(&doc);
  play.SetLoopRange(5, 7);
  play.SetLooping(true);
  doc.SetCurrentFrame(7);
  play.Tick();
  EXPECT_EQ(doc.currentFrame(), 5);
  play.Tick();
  EXPECT_EQ(doc.currentFrame(), 6);
  play.SetLooping(false);
  doc.SetCurrentFrame(29);
  play.SetPlaying(true);
  EXPECT_TRUE(play.playing());
  EXPECT_EQ(doc.currentFrame(), 0);  // playing from the end restarts
  doc.SetCurrentFrame(29);
  play.Tick();
  EXPECT_FALSE(play.playing());
  EXPECT_EQ(doc.currentFrame(), 29);
  play.SetSpeed(100);
  EXPECT_EQ(play.speed(), 4.0);
  play.SetSpeed(0.01);
  EXPECT_EQ(play.speed(), 0.25);
  // Flags come from curation through the document.
  doc.SetFlaggedFrames({12, 4, 12});
  EXPECT_EQ(doc.flaggedFrames(), (std::vector<int>{4, 12}));
  doc.SetCurrentFrame(5);
  play.NextFlagged();
  EXPECT_EQ(doc.currentFrame(), 12);
  play.NextFlagged();
  EXPECT_EQ(doc.currentFrame(), 4);  // wraps around
}

TEST_F(StudioTest, SaliencySliderReRendersTheOverlay) {
  MainWindow w;
  ASSERT_TRUE(w.OpenProject(projectQ()));
  ASSERT_TRUE(w.OpenEpisode("episode_000"));
  StudioDocument* doc = w.document();
  const int t = FrameWithKeys(*doc, 5);
  ASSERT_GE(t, 0);
  doc->SetCurrentFrame(t);
  doc->FlushSignals();
  FrameCanvas* canvas = w.frameView()->primary();
  ASSERT_EQ(canvas->overlay(), FrameOverlay::kSaliency);
  const QImage before = canvas->HeatmapImage().copy();
  ASSERT_FALSE(before.isNull());
  EXPECT_EQ(before.size(), QSize(320, 180));

  auto* auto_sigma = w.saliencyPanel()->findChild<QCheckBox*>("autoSigmaCheck");
  ASSERT_NE(auto_sigma, nullptr);
  auto_sigma->setChecked(false);
  auto* sigma = w.saliencyPanel()->findChild<QSlider*>("sigmaSlider");
  ASSERT_NE(sigma, nullptr);
  sigma->setValue(60);
  doc->FlushSignals();
  ASSERT_TRUE(doc->saliencyOptions().sigma0.has_value());
  EXPECT_DOUBLE_EQ(*doc->saliencyOptions().sigma0, 60.0);
  const QImage after = canvas->HeatmapImage().copy();
  ASSERT_EQ(after.size(), before.size());
  int changed = 0;
  for (int y = 0; y < after.height(); ++y) {
    for (int x = 0; x < after.width(); ++x) changed += after.pixel(x, y) != before.pixel(x, y);
  }
  EXPECT_GT(changed, 1000);  // a wider kernel changes a large area

  // The document's map equals a direct render with the same options and key boxes.
  SaliencyRenderer renderer(doc->saliencyOptions(), 320, 180);
  std::vector<float> expect(renderer.frame_size());
  renderer.RenderFrame(doc->saliencyInput(), static_cast<size_t>(t), expect.data());
  EXPECT_EQ(doc->SaliencyMap(t), expect);

  // Temporal off = window 1.
  auto* temporal = w.saliencyPanel()->findChild<QCheckBox*>("temporalCheck");
  ASSERT_NE(temporal, nullptr);
  temporal->setChecked(false);
  EXPECT_EQ(doc->saliencyOptions().window, 1);
}

TEST_F(StudioTest, ColormapLutsMatchReferenceEndpoints) {
  // matplotlib's values at 0, 0.5 and 1; the polynomial fits stay within 5 levels of them.
  auto near = [](uint32_t c, int r, int g, int b) {
    return std::abs(static_cast<int>((c >> 16) & 0xFF) - r) <= 5 && std::abs(static_cast<int>((c >> 8) & 0xFF) - g) <= 5 &&
           std::abs(static_cast<int>(c & 0xFF) - b) <= 5;
  };
  const Colormap viridis(Colormap::Id::kViridis);
  EXPECT_TRUE(near(viridis.lut()[0], 68, 1, 84));
  EXPECT_TRUE(near(viridis.Rgb(0.5f), 33, 145, 140));
  EXPECT_TRUE(near(viridis.lut()[255], 253, 231, 37));
  const Colormap inferno(Colormap::Id::kInferno);
  EXPECT_TRUE(near(inferno.lut()[0], 0, 0, 4));
  EXPECT_TRUE(near(inferno.Rgb(0.5f), 188, 55, 84));
  EXPECT_TRUE(near(inferno.lut()[255], 252, 255, 164));
  const Colormap coolwarm(Colormap::Id::kCoolwarm);
  EXPECT_TRUE(coolwarm.diverging());
  EXPECT_TRUE(near(coolwarm.Rgb(0.5f), 221, 221, 221));
  // Threshold makes low values transparent; opacity scales alpha.
  const float map[4] = {0.0f, 0.04f, 0.5f, 1.0f};
  QImage out;
  inferno.Colorize(map, 4, 1, 0.5f, 0.05f, &out);
  EXPECT_EQ(qAlpha(out.pixel(0, 0)), 0);
  EXPECT_EQ(qAlpha(out.pixel(1, 0)), 0);
  // 0.5 is in the fade-in: 0.5 * 255 * 2 * (0.502 - 0.05) / 0.95 (LUT entry 128) = 121.
  EXPECT_EQ(qAlpha(out.pixel(2, 0)), 121);
  EXPECT_EQ(qAlpha(out.pixel(3, 0)), 128);
  EXPECT_EQ(Colormap::FromKey(Colormap::Key(Colormap::Id::kRdBu)), Colormap::Id::kRdBu);
}

TEST_F(StudioTest, EpisodeModelHasExactRowsColumnsAndPassesTester) {
  ProjectStore store = ProjectStore::Open(project());
  EpisodeTableModel model;
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  model.SetProject(&store);
  EXPECT_EQ(model.rowCount(), 2);
  EXPECT_EQ(model.columnCount(), EpisodeTableModel::kColumnCount);
  EXPECT_EQ(model.columnCount(), 11);
  model.LoadAllNow();
  for (int row = 0; row < 2; ++row) {
    const std::string name = "episode_00" + std::to_string(row);
    EXPECT_EQ(model.index(row, EpisodeTableModel::kName).data().toString().toStdString(), name);
    EXPECT_EQ(model.index(row, EpisodeTableModel::kFrames).data().toInt(), 30);
    for (int c = EpisodeTableModel::kContext; c <= EpisodeTableModel::kSaliency; ++c) {
      EXPECT_EQ(model.index(row, c).data(EpisodeTableModel::kSortRole).toInt(), 1) << name << " column " << c;
    }
    const Json keys = LoadJsonFile(project() / "episodes" / name / "key_objects.json");
    EXPECT_EQ(model.index(row, EpisodeTableModel::kSubsequences).data().toInt(), static_cast<int>(keys["segments"].size()));
    std::set<int> ids;
    for (const Json& s : keys["segments"]) {
      for (const Json& id : s["key_ids"]) ids.insert(id.get<int>());
    }
    EXPECT_EQ(model.index(row, EpisodeTableModel::kKeyObjects).data().toInt(), static_cast<int>(ids.size()));
    EXPECT_EQ(model.index(row, EpisodeTableModel::kFailures).data(EpisodeTableModel::kSortRole).toInt(), 0);
  }
  model.SetReviewFlag("episode_001", true);
  EXPECT_EQ(model.index(1, EpisodeTableModel::kReview).data(EpisodeTableModel::kSortRole).toInt(), 1);

  EpisodeFilterProxy proxy;
  QAbstractItemModelTester proxy_tester(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
  proxy.setSourceModel(&model);
  proxy.SetMode(EpisodeFilterProxy::Mode::kFlagged);
  ASSERT_EQ(proxy.rowCount(), 1);
  EXPECT_EQ(proxy.index(0, 0).data().toString(), "episode_001");
  proxy.SetMode(EpisodeFilterProxy::Mode::kAll);
  proxy.setFilterFixedString("000");
  ASSERT_EQ(proxy.rowCount(), 1);
  EXPECT_EQ(proxy.index(0, 0).data().toString(), "episode_000");
  proxy.setFilterFixedString(QString());
  proxy.sort(EpisodeTableModel::kName, Qt::DescendingOrder);
  EXPECT_EQ(proxy.index(0, 0).data().toString(), "episode_001");
}

TEST_F(StudioTest, EpisodeModelLoadsSummariesLazilyInTheBackground) {
  // A project of 40 episodes without pipeline results: only project.json + episode.json.
  TempDir dir;
  ProjectInfo info;
  info.name = "lazy";
  info.source_root = ".";
  std::vector<Episode> eps;
  ProjectStore store = ProjectStore::Create(dir.path() / "p", info);
  for (int i = 0; i < 40; ++i) {
    Episode e;
    e.name = "ep" + std::to_string(i);
    e.num_frames = 5;
    e.width = 32;
    e.height = 18;
    for (int t = 0; t < 5; ++t) {
      e.source.files.push_back("frames/" + e.name + "/" + std::to_string(t) + ".png");
      e.actions.push_back({0.f});
    }
    store.SaveEpisode(e);
  }
  store.Save();
  // A status.json with a failure for ep3.
  SaveJsonFile(store.EpisodeDir("ep3") / "status.json",
               Json{{"stages", {{"context", {{"ran", true}}}}}, {"error", {{"stage", "detect"}, {"message", "boom"}}}});
  EpisodeTableModel model;
  model.SetProject(&store);
  EXPECT_EQ(model.rowCount(), 40);
  EXPECT_EQ(model.loadedCount(), 0);  // nothing read on open
  EXPECT_EQ(model.index(3, EpisodeTableModel::kDetect).data().toString(), QString::fromUtf8("…"));
  ASSERT_TRUE(WaitFor([&] { return model.index(3, EpisodeTableModel::kName).data(EpisodeTableModel::kLoadedRole).toBool(); }));
  EXPECT_EQ(model.loadedCount(), 1);  // only the row that was asked for
  EXPECT_EQ(model.index(3, EpisodeTableModel::kContext).data(EpisodeTableModel::kSortRole).toInt(), 1);
  EXPECT_EQ(model.index(3, EpisodeTableModel::kDetect).data(EpisodeTableModel::kSortRole).toInt(), 2);
  EXPECT_EQ(model.index(3, EpisodeTableModel::kTrack).data(EpisodeTableModel::kSortRole).toInt(), 0);
  EXPECT_TRUE(model.index(3, EpisodeTableModel::kFailures).data().toString().contains("boom"));
}

TEST_F(StudioTest, ApplyToProjectStoresParametersAndCancels) {
  // Work on a copy: the suite's project must keep its defaults for the other tests.
  TempDir dir;
  std::filesystem::copy(project(), dir.path() / "p", std::filesystem::copy_options::recursive);
  SaliencyOptions o;
  o.window = 1;
  o.sigma0 = 12.0;
  EXPECT_EQ(ApplySaliencyToProject(dir.path() / "p", {}, o), 2);
  const Json sal = LoadJsonFile(dir.path() / "p" / "episodes" / "episode_001" / "saliency.json");
  EXPECT_EQ(sal["parameters"]["window"].get<int>(), 1);
  EXPECT_EQ(sal["coverage"].size(), 30u);
  const Json proj = LoadJsonFile(dir.path() / "p" / "project.json");
  EXPECT_EQ(proj["settings"]["saliency"]["window"].get<int>(), 1);
  EXPECT_DOUBLE_EQ(proj["settings"]["saliency"]["sigma0"].get<double>(), 12.0);
  // The document picks the stored parameters up on open.
  StudioDocument doc;
  ASSERT_TRUE(doc.OpenProject(QString::fromStdString((dir.path() / "p").string())));
  EXPECT_EQ(doc.saliencyOptions().window, 1);

  // A job cancelled before it starts reports "cancelled" and leaves project.json as it was.
  SaliencyOptions other;
  other.window = 9;
  const std::filesystem::path root = dir.path() / "p";
  StudioJob job("apply", [root, other](const ProgressCallback& p, const StopCheck& stop) {
    ApplySaliencyToProject(root, {}, other, p, stop);
  });
  QSignalSpy finished(&job, &StudioJob::finished);
  job.Cancel();
  job.Start();
  ASSERT_TRUE(WaitFor([&] { return finished.count() == 1; }));
  EXPECT_FALSE(finished.at(0).at(0).toBool());
  EXPECT_TRUE(finished.at(0).at(1).toBool());
  EXPECT_EQ(LoadJsonFile(root / "project.json")["settings"]["saliency"]["window"].get<int>(), 1);
}

TEST_F(StudioTest, ActionsHaveStableNamesAndShortcuts) {
  MainWindow w;
  QStringList names;
  for (QAction* a : w.allActions()) names << a->objectName();
  for (const char* n : {"action_play_pause", "action_step_forward", "action_step_back", "action_next_subsequence",
                        "action_prev_subsequence", "action_next_flagged", "action_loop", "action_open_project",
                        "action_new_sample_project", "action_toggle_compare", "action_next_episode"}) {
    EXPECT_TRUE(names.contains(n)) << n;
  }
  EXPECT_EQ(w.playback()->action("action_play_pause")->shortcut(), QKeySequence(Qt::Key_Space));
  EXPECT_EQ(w.playback()->action("action_next_subsequence")->shortcut(), QKeySequence(Qt::Key_PageDown));
  // Every dock has a stable object name (the saved layout is keyed by it).
  for (QDockWidget* d : w.findChildren<QDockWidget*>()) EXPECT_TRUE(d->objectName().startsWith("dock_"));
}

// Sends a wheel notch (`notches` x 120) at widget x with `modifiers`.
void Wheel(QWidget* w, double x, int notches, Qt::KeyboardModifiers modifiers) {
  const QPointF pos(x, 30);
  QWheelEvent e(pos, w->mapToGlobal(pos), QPoint(), QPoint(0, 120 * notches), Qt::NoButton,
                modifiers, Qt::NoScrollPhase, false);
  QApplication::sendEvent(w, &e);
}

TEST_F(StudioTest, FirstShowLayoutFitsTheTimelineAndResetRestoresIt) {
  // A clean settings scope: a layout saved by an earlier run must not stand in for the default.
  QSettings().remove("main_window");
  for (const QSize size : {QSize(1366, 768), QSize(1600, 1000), QSize(1920, 1080)}) {
    MainWindow w;
    w.RestoreLayout();
    ASSERT_TRUE(w.OpenProject(projectQ()));
    w.resize(size);
    w.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&w));
    w.document()->FlushSignals();
    QApplication::processEvents();
    EXPECT_EQ(w.size(), size) << "a dock's minimum size forces the window larger";
    auto* timeline = w.findChild<QDockWidget*>("dock_timeline");
    ASSERT_NE(timeline, nullptr);
    EXPECT_GE(timeline->height() * 100, w.height() * 25)
        << size.width() << "x" << size.height() << ": " << timeline->height();
    EXPECT_LE(timeline->height() * 100, w.height() * 45);
    EXPECT_GE(w.timelineView()->lanes()->visibleLaneCount(), 3);
#ifdef AUTOFOCUS_STUDIO_HAS_QCUSTOMPLOT
    EXPECT_GE(w.timelineView()->plot()->height(), 60);
#endif
    // The side docks fit their tables.
    auto* objects = w.findChild<QTableView*>("curationObjects");
    ASSERT_NE(objects, nullptr);
    EXPECT_FALSE(objects->horizontalScrollBar()->isVisible());
    auto* inspector_text = w.inspectorView()->findChild<QTextBrowser*>("inspectorText");
    ASSERT_NE(inspector_text, nullptr);
    EXPECT_FALSE(inspector_text->horizontalScrollBar()->isVisible());

    // View > Reset Layout brings the default back after the timeline was squeezed and the
    // inspector closed.
    const int default_height = timeline->height();
    auto* inspector = w.findChild<QDockWidget*>("dock_inspector");
    ASSERT_NE(inspector, nullptr);
    inspector->close();
    w.resizeDocks({timeline}, {1}, Qt::Vertical);
    QApplication::processEvents();
    ASSERT_LT(timeline->height(), default_height);
    QAction* reset = nullptr;
    for (QAction* a : w.allActions()) {
      if (a->objectName() == "action_reset_layout") reset = a;
    }
    ASSERT_NE(reset, nullptr);
    reset->trigger();
    QApplication::processEvents();
    EXPECT_EQ(timeline->height(), default_height);
    EXPECT_TRUE(inspector->isVisible());
    EXPECT_TRUE(timeline->isVisible());
  }
}

TEST_F(StudioTest, TimelineZoomKeepsTheFrameUnderTheCursor) {
  MainWindow w;
  ASSERT_TRUE(w.OpenProject(projectQ()));
  ASSERT_TRUE(w.OpenEpisode("episode_000"));
  TimelineView* view = w.timelineView();
  TimelineLanes* lanes = view->lanes();
  TimelineAxis* axis = view->axis();
  // A 600-pixel axis: 20 px a frame when the 30 frames fit.
  lanes->resize(TimelineLanes::kGutter + 600 + TimelineLanes::kRightMargin, 200);
  EXPECT_TRUE(axis->fitted());
  EXPECT_EQ(axis->span(), 30.0);
  const double x = lanes->XOf(17.5);  // the middle of frame 17
  EXPECT_EQ(x, TimelineLanes::kGutter + 350.0);

  // Ctrl+wheel: 1.25x a notch around the cursor; frame 17.5 stays at x.
  Wheel(lanes, x, 1, Qt::ControlModifier);
  EXPECT_DOUBLE_EQ(axis->span(), 24.0);
  EXPECT_FALSE(axis->fitted());
  EXPECT_EQ(lanes->FrameAt(x), 17);
  EXPECT_NEAR(lanes->XOf(17.5), x, 1e-9);
  Wheel(lanes, x, 3, Qt::ControlModifier);
  EXPECT_NEAR(axis->span(), 24.0 / (1.25 * 1.25 * 1.25), 1e-12);
  EXPECT_EQ(lanes->FrameAt(x), 17);
  EXPECT_NEAR(lanes->XOf(17.5), x, 1e-9);
  // Another anchor, zooming out: the frame under it stays too.
  const double x2 = lanes->XOf(15.25);
  Wheel(lanes, x2, -1, Qt::ControlModifier);
  EXPECT_NEAR(lanes->XOf(15.25), x2, 1e-9);
  EXPECT_EQ(lanes->FrameAt(x2), 15);

  // Shift+wheel pans a tenth of the view per notch (down = later).
  const double start = axis->start(), span = axis->span();
  Wheel(lanes, x, -1, Qt::ShiftModifier);
  EXPECT_NEAR(axis->start(), start + 0.1 * span, 1e-12);
  EXPECT_EQ(axis->span(), span);
  // Dragging the ruler pans with the grabbed frame under the cursor.
  const double grabbed = axis->ToFrame(300, TimelineLanes::kGutter, lanes->AxisWidth());
  QTest::mousePress(lanes, Qt::LeftButton, Qt::NoModifier, QPoint(300, 5));
  QMouseEvent move(QEvent::MouseMove, QPointF(340, 5), lanes->mapToGlobal(QPointF(340, 5)),
                   Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(lanes, &move);
  QTest::mouseRelease(lanes, Qt::LeftButton, Qt::NoModifier, QPoint(340, 5));
  EXPECT_NEAR(axis->ToFrame(340, TimelineLanes::kGutter, lanes->AxisWidth()), grabbed, 1e-9);
  EXPECT_EQ(w.document()->currentFrame(), 0);  // panning does not scrub

#ifdef AUTOFOCUS_STUDIO_HAS_QCUSTOMPLOT
  // The action plot shows the same range over the same pixels.
  EXPECT_DOUBLE_EQ(view->plot()->xAxis->range().lower, axis->start());
  EXPECT_DOUBLE_EQ(view->plot()->xAxis->range().upper, axis->end());
  EXPECT_EQ(view->plot()->axisRect()->margins().left(), TimelineLanes::kGutter);
  EXPECT_EQ(view->plot()->axisRect()->margins().right(), TimelineLanes::kRightMargin);
#endif
  // Fit shows the episode again.
  QAction* fit = w.findChild<QAction*>("action_timeline_fit");
  ASSERT_NE(fit, nullptr);
  fit->trigger();
  EXPECT_TRUE(axis->fitted());
  EXPECT_EQ(lanes->XOf(17.5), x);

  // Shift+drag selects a range, which becomes the loop range.
  QSignalSpy selected(view, &TimelineView::rangeSelected);
  QTest::mousePress(lanes, Qt::LeftButton, Qt::ShiftModifier,
                    QPoint(static_cast<int>(lanes->XOf(5.5)), 60));
  QMouseEvent drag(QEvent::MouseMove, QPointF(lanes->XOf(9.5), 60),
                   lanes->mapToGlobal(QPointF(lanes->XOf(9.5), 60)), Qt::NoButton, Qt::LeftButton,
                   Qt::ShiftModifier);
  QApplication::sendEvent(lanes, &drag);
  QTest::mouseRelease(lanes, Qt::LeftButton, Qt::ShiftModifier,
                      QPoint(static_cast<int>(lanes->XOf(9.5)), 60));
  EXPECT_EQ(view->selectedRange(), std::make_pair(5, 9));
  ASSERT_GE(selected.count(), 1);
  EXPECT_EQ(selected.last().at(0).toInt(), 5);
  EXPECT_EQ(selected.last().at(1).toInt(), 9);
  EXPECT_EQ(w.playback()->loopStart(), 5);
  EXPECT_EQ(w.playback()->loopEnd(), 9);
  // Playing zoomed in pages the view along with the cursor.
  axis->SetRange(0, 8);
  w.document()->SetCurrentFrame(20);
  w.document()->FlushSignals();
  EXPECT_LE(axis->start(), 20.0);
  EXPECT_GE(axis->end(), 21.0);
}

TEST_F(StudioTest, TrackLanesAreSortedFilteredAndFollowThePlayhead) {
  MainWindow w;
  ASSERT_TRUE(w.OpenProject(projectQ()));
  ASSERT_TRUE(w.OpenEpisode("episode_000"));
  StudioDocument* doc = w.document();
  doc->FlushSignals();
  const StudioEpisode* ep = doc->episode();
  TimelineLanes* lanes = w.timelineView()->lanes();
  LaneOptions every;
  every.short_length = 0;  // one lane per track
  lanes->SetLaneOptions(every);
  const std::vector<TrackLane> all = lanes->shownLanes();
  std::set<int> ids;
  for (const auto& f : ep->tracked) {
    for (const auto& d : f) ids.insert(d.id);
  }
  ASSERT_EQ(all.size(), ids.size());
  ASSERT_GE(all.size(), 3u);
  // Sorted by first appearance; each lane's first frame is its track's first box.
  for (size_t i = 0; i < all.size(); ++i) {
    int first = -1;
    for (int t = 0; t < ep->num_frames() && first < 0; ++t) {
      for (const auto& d : ep->tracked[static_cast<size_t>(t)])
        first = d.id == all[i].id ? t : first;
    }
    EXPECT_EQ(all[i].first, first) << "track " << all[i].id;
    if (i > 0) {
      EXPECT_LE(all[i - 1].first, all[i].first);
    }
  }

  // Follow playhead: one visible lane scrolled to the last track; at a frame where that track
  // is absent, following scrolls to a lane whose track is present there.
  lanes->resize(700, lanes->minimumSizeHint().height() - TimelineLanes::kLaneH);
  ASSERT_EQ(lanes->visibleLaneCount(), 1);
  const TrackLane& last = all.back();
  ASSERT_GT(last.first, 0);
  const int t = last.first - 1;
  QAction* follow = w.findChild<QAction*>("action_timeline_follow");
  ASSERT_NE(follow, nullptr);
  EXPECT_TRUE(follow->isChecked());  // on by default
  follow->setChecked(false);
  doc->SetCurrentFrame(t);
  doc->FlushSignals();
  lanes->ScrollToLane(static_cast<int>(all.size()) - 1);
  EXPECT_FALSE(lanes->shownLanes()[static_cast<size_t>(lanes->firstVisibleLane())].PresentAt(t));
  follow->setChecked(true);
  const TrackLane& shown = lanes->shownLanes()[static_cast<size_t>(lanes->firstVisibleLane())];
  EXPECT_TRUE(shown.PresentAt(t)) << "lane " << lanes->firstVisibleLane();
  int present_box = 0;
  for (const auto& d : ep->tracked[static_cast<size_t>(t)]) present_box += d.id == shown.id;
  EXPECT_EQ(present_box, 1);
  // When the present lanes do not fit, a key object's lane at this frame is the one shown.
  int tk = -1;
  for (int f = 0; f < ep->num_frames() && tk < 0; ++f) {
    int present = 0;
    bool key_below_top = false;
    for (size_t i = 0; i < all.size(); ++i) {
      present += all[i].PresentAt(f);
      key_below_top |= i > 0 && all[i].KeyAt(f);
    }
    if (present > 1 && key_below_top) tk = f;
  }
  ASSERT_GE(tk, 0);
  follow->setChecked(false);
  doc->SetCurrentFrame(tk);
  doc->FlushSignals();
  lanes->ScrollToLane(static_cast<int>(all.size()) - 1);
  follow->setChecked(true);
  EXPECT_TRUE(lanes->shownLanes()[static_cast<size_t>(lanes->firstVisibleLane())].KeyAt(tk))
      << "frame " << tk;

  // Filters: present now (exactly the tracks with a box at t), key objects only, longer than N.
  doc->SetCurrentFrame(t);
  doc->FlushSignals();
  std::set<int> now;
  for (const auto& d : ep->tracked[static_cast<size_t>(t)]) now.insert(d.id);
  LaneOptions o = every;
  o.filter = LaneFilter::kPresentNow;
  lanes->SetLaneOptions(o);
  std::set<int> shown_now;
  for (const auto& l : lanes->shownLanes()) shown_now.insert(l.id);
  EXPECT_EQ(shown_now, now);
  o.filter = LaneFilter::kKeyOnly;
  lanes->SetLaneOptions(o);
  size_t keys = 0;
  for (const auto& l : all) keys += l.IsKey();
  EXPECT_EQ(lanes->shownLanes().size(), keys);
  for (const auto& l : lanes->shownLanes()) EXPECT_TRUE(l.IsKey());
  o.filter = LaneFilter::kLongerThan;
  o.min_length = 10;
  lanes->SetLaneOptions(o);
  size_t longer = 0;
  for (const auto& l : all) longer += l.length > 10;
  EXPECT_EQ(lanes->shownLanes().size(), longer);
  // Short tracks (here: every non-key track shorter than 1000 frames) share one lane at the end.
  o.filter = LaneFilter::kAll;
  o.short_length = 1000;
  lanes->SetLaneOptions(o);
  const size_t short_count = all.size() - keys;
  ASSERT_GE(short_count, 2u);
  ASSERT_EQ(lanes->shownLanes().size(), keys + 1);
  EXPECT_EQ(lanes->shownLanes().back().id, -1);
  EXPECT_EQ(lanes->shownLanes().back().collapsed, static_cast<int>(short_count));
}

TEST_F(StudioTest, InspectorFormatsActionsWithNames) {
  EXPECT_EQ(InspectorView::FormatValue(0.18519644439220428), "0.185");
  EXPECT_EQ(InspectorView::FormatValue(0.0), "0");
  EXPECT_EQ(InspectorView::FormatValue(-1.5), "-1.50");
  EXPECT_EQ(InspectorView::FormatValue(12.345), "12.3");
  EXPECT_EQ(InspectorView::FormatValue(1234.0), "1234");
  EXPECT_EQ(InspectorView::FormatValue(0.000012345), "1.23e-05");
  EXPECT_EQ(
      InspectorView::ActionHtml(Json::array({0.18519644439220428, 0.0, -1.5}),
                                {"throttle", "steer"}),
      "<table cellspacing=0 cellpadding=1>"
      "<tr><td style='padding-right:10px'>throttle</td><td align=right><code>0.185</code></td></tr>"
      "<tr><td style='padding-right:10px'>steer</td><td align=right><code>0</code></td></tr>"
      "<tr><td style='padding-right:10px'>a2</td><td "
      "align=right><code>-1.50</code></td></tr></table>");

  MainWindow w;
  ASSERT_TRUE(w.OpenProject(projectQ()));
  ASSERT_TRUE(w.OpenEpisode("episode_000"));
  w.document()->FlushSignals();
  const Json keys = LoadJsonFile(project() / "episodes" / "episode_000" / "key_objects.json");
  const Json action = keys["segments"][0]["action"];
  ASSERT_TRUE(action.is_array());
  const std::vector<std::string> names = w.document()->store()->info().action_spec.Names();
  ASSERT_EQ(names.size(), action.size());
  const QString html = w.inspectorView()->html();
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_TRUE(html.contains(QString::fromStdString(names[i]))) << names[i];
    EXPECT_TRUE(html.contains(">" + InspectorView::FormatValue(action[i].get<double>()) + "<"))
        << names[i];
  }
  // The stored vector is in the collapsed "raw" section.
  const QString raw = QString::fromStdString(action.dump());
  EXPECT_FALSE(html.contains(raw));
  auto* text = w.inspectorView()->findChild<QTextBrowser*>("inspectorText");
  ASSERT_NE(text, nullptr);
  Q_EMIT text->anchorClicked(QUrl("#raw"));
  EXPECT_TRUE(w.inspectorView()->html().contains(raw));
  EXPECT_EQ(text->wordWrapMode(), QTextOption::WrapAtWordBoundaryOrAnywhere);
}

// The desktop file opens a project through its project.json (packaging/, the MIME type).
TEST_F(StudioTest, OpensAProjectThroughItsProjectJson) {
  StudioDocument doc;
  QString error;
  ASSERT_TRUE(
      doc.OpenProject(QString::fromStdString((project() / "project.json").string()), &error))
      << error.toStdString();
  EXPECT_EQ(doc.store()->info().episodes.size(), 2u);
  EXPECT_TRUE(std::filesystem::equivalent(doc.projectPath().toStdString(), project()));
  // Another file is not a project.
  EXPECT_FALSE(doc.OpenProject(QString::fromStdString((project() / "episodes").string()), &error));
}

// Help > About: version, git revision and the versions of the libraries in use.
TEST_F(StudioTest, AboutBoxShowsVersionsOfTheLibrariesInUse) {
  const QString text = MainWindow::AboutText();
  EXPECT_TRUE(
      text.startsWith(QStringLiteral("AutoFocus Studio %1 (git ").arg(AUTOFOCUS_PROJECT_VERSION)))
      << text.toStdString();
  EXPECT_FALSE(text.contains("(git )"));
  EXPECT_TRUE(text.contains(QStringLiteral("\nQt: %1").arg(qVersion()))) << text.toStdString();
  for (const char* line : {"\nOpenCV: 4.", "\nLibTorch: ", "\nHDF5: 1.",
                           "\nlibcurl: ", "\nplugins: ", "\nresources: "})
    EXPECT_TRUE(text.contains(line)) << line << " in " << text.toStdString();
  MainWindow w;
  QAction* about = nullptr;
  for (QAction* a : w.allActions())
    if (a->objectName() == "action_about") about = a;
  ASSERT_NE(about, nullptr);
  about->trigger();
  auto* box = w.findChild<QMessageBox*>("about_box");
  ASSERT_NE(box, nullptr);
  EXPECT_TRUE(box->isVisible());
  EXPECT_TRUE(box->informativeText().contains("OpenCV: 4."))
      << box->informativeText().toStdString();
  box->close();
}

}  // namespace
}  // namespace autofocus

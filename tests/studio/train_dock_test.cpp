// Widget tests of the Train dock and the Training Runs table (issue 13): the form over
// TrainOptions, real `autofocus train` child processes on a 3-episode x 20-frame sample project
// (start, live curves, stop with a checkpoint, resume to the end, the registry), and a failing
// child reported in the log. Offscreen; every wait runs the event loop with a generous timeout.
#include "widgets/train/train_dock.h"

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <filesystem>

#include "core/base/json_io.h"
#include "core/train/train_options.h"
#include "tests/support/test_support.h"
#include "widgets/log_model.h"
#include "widgets/main_window.h"
#include "widgets/train/train_curves.h"
#include "widgets/train/train_form.h"
#include "widgets/train/train_install.h"
#include "widgets/train/train_process.h"
#include "widgets/train/train_runs_model.h"
#include "widgets/train/train_runs_panel.h"

namespace autofocus {
namespace {

using testing::TempDir;

// Runs the event loop until `done` holds or `ms` passed (child processes need real time).
template <typename F>
bool WaitFor(F done, int ms = 60000) {
  QElapsedTimer clock;
  clock.start();
  while (!done() && clock.elapsed() < ms) QApplication::processEvents(QEventLoop::AllEvents, 20);
  return done();
}

const std::filesystem::path& SampleProject() { return testing::SmallSampleProject(); }

QString SampleQ() {
  return QString::fromStdString(SampleProject().string());
}

// The tiny run of the acceptance test: preset quick at 72x128, 2 epochs, 1 thread, a metrics
// record every step. Batch 10 gives 4 steps per epoch (2 training episodes x 20 frames), so
// the stop requested at the first curve point lands well before the run could end.
void FillTiny(TrainForm* form, const QString& name) {
  form->ApplyPreset("quick");
  form->findChild<QLineEdit*>("trainName")->setText(name);
  form->findChild<QSpinBox*>("trainInputHeight")->setValue(72);
  form->findChild<QSpinBox*>("trainInputWidth")->setValue(128);
  form->findChild<QSpinBox*>("trainEpochs")->setValue(2);
  form->findChild<QSpinBox*>("trainBatch")->setValue(10);
  form->findChild<QSpinBox*>("trainThreads")->setValue(1);
  form->findChild<QSpinBox*>("trainLogEvery")->setValue(1);
}

bool HasLogRow(const LogModel& log, LogModel::Severity severity, const QString& text) {
  for (const auto& e : log.entries()) {
    if (e.severity == severity && e.message.contains(text)) return true;
  }
  return false;
}

TEST(TrainForm, DefaultsAndPresetsComeFromTrainOptions) {
  TrainForm form;
  EXPECT_EQ(form.options().ToJson(), TrainOptions().ToJson());
  for (const char* preset : {"paper-carla", "paper-robot", "quick"}) {
    form.ApplyPreset(preset);
    EXPECT_EQ(form.options().ToJson(), TrainOptions::Preset(preset).ToJson()) << preset;
    EXPECT_TRUE(form.valid()) << preset << ": " << form.errorText().toStdString();
  }
  // Fields the form does not show survive a round trip through it.
  TrainOptions o = TrainOptions::Preset("paper-robot");
  o.beta = 3;
  o.gaze_window = 11;
  form.SetOptions(o);
  EXPECT_EQ(form.options().ToJson(), o.ToJson());
}

TEST(TrainForm, InvalidOptionsDisableStartAndNameTheField) {
  LogModel log;
  TrainDock dock(&log);
  dock.SetProject(SampleQ());
  TrainForm* form = dock.form();
  form->ApplyPreset("quick");
  ASSERT_TRUE(dock.startButton()->isEnabled()) << form->errorText().toStdString();

  form->findChild<QLineEdit*>("trainLambda")->setText("-5");  // negative = the default weight
  EXPECT_TRUE(form->valid());
  EXPECT_TRUE(dock.startButton()->isEnabled());

  auto* batch = form->findChild<QSpinBox*>("trainBatch");
  batch->setValue(0);
  EXPECT_FALSE(form->valid());
  EXPECT_FALSE(dock.startButton()->isEnabled());
  EXPECT_EQ(form->errorField(), "batch");
  ASSERT_NE(form->errorLabel("batch"), nullptr);
  EXPECT_TRUE(form->errorLabel("batch")->isVisibleTo(form));
  EXPECT_EQ(form->errorLabel("batch")->text(), "must be >= 1");
  EXPECT_FALSE(form->errorLabel("epochs")->isVisibleTo(form));
  EXPECT_TRUE(dock.startButton()->toolTip().contains("batch"))
      << dock.startButton()->toolTip().toStdString();
  EXPECT_FALSE(dock.Start());  // programmatic start is refused too, with a log row
  EXPECT_TRUE(HasLogRow(log, LogModel::kError, "batch"));
  batch->setValue(20);
  EXPECT_TRUE(dock.startButton()->isEnabled());

  form->findChild<QSpinBox*>("trainInputHeight")->setValue(10);
  EXPECT_EQ(form->errorField(), "input_size");
  EXPECT_TRUE(form->errorLabel("input_size")->isVisibleTo(form));
  form->findChild<QSpinBox*>("trainInputHeight")->setValue(72);

  form->findChild<QLineEdit*>("trainLr")->setText("fast");
  EXPECT_EQ(form->errorField(), "lr");
  EXPECT_FALSE(dock.startButton()->isEnabled());
  form->findChild<QLineEdit*>("trainLr")->setText("1e-3");
  EXPECT_DOUBLE_EQ(form->options().lr, 1e-3);

  form->findChild<QLineEdit*>("trainName")->setText("a b");
  EXPECT_EQ(form->errorField(), "name");
  form->findChild<QLineEdit*>("trainName")->clear();
  EXPECT_TRUE(form->valid());
  EXPECT_TRUE(dock.startButton()->isEnabled());

  dock.SetProject(QString());  // no project, no start
  EXPECT_FALSE(dock.startButton()->isEnabled());
}

TEST(TrainProcessLines, ClassifiesProgressMetricsAndSummary) {
  TrainLine p = ParseTrainLine(
      R"({"stage":"train","item":"epoch 1/2","done":3,"total":8,"eta_seconds":1.5})");
  EXPECT_EQ(p.kind, TrainLine::kProgress);
  EXPECT_EQ(p.done, 3);
  EXPECT_EQ(p.total, 8);
  EXPECT_DOUBLE_EQ(p.eta_seconds, 1.5);
  TrainLine m = ParseTrainLine(R"({"metrics":{"type":"step","step":3,"loss":0.5}})");
  EXPECT_EQ(m.kind, TrainLine::kMetrics);
  EXPECT_EQ(m.json["loss"], 0.5);
  TrainLine s = ParseTrainLine(R"({"run":"/p/runs/x","status":"completed","best_val_bc":0.01})");
  EXPECT_EQ(s.kind, TrainLine::kSummary);
  EXPECT_EQ(ParseTrainLine("not json").kind, TrainLine::kOther);
  EXPECT_EQ(ParseTrainLine("[1,2]").kind, TrainLine::kOther);
}

TEST(TrainCurves, RecordsAppendAndReplotsAreCoalesced) {
  TrainCurves curves;
  for (int i = 1; i <= 300; ++i) {
    curves.AddRecord(
        {{"type", "step"}, {"step", i}, {"loss", 1.0 / i}, {"bc", 0.5 / i}, {"reg", 0.0}});
  }
  curves.AddRecord({{"type", "epoch"}, {"step", 300}, {"val_bc", 0.02}});
  curves.AddRecord({{"type", "epoch"}, {"step", 301}, {"val_bc", nullptr}});  // no validation split
  EXPECT_EQ(curves.pointCount(TrainCurves::kLoss), 300);
  EXPECT_EQ(curves.pointCount(TrainCurves::kReg), 300);
  EXPECT_EQ(curves.pointCount(TrainCurves::kValBc), 1);
  EXPECT_EQ(curves.replotCount(), 0);  // nothing drawn synchronously
  ASSERT_TRUE(WaitFor([&] { return curves.replotCount() > 0; }, 5000));
  EXPECT_EQ(curves.replotCount(), 1);  // 302 records, one replot
  curves.SetLogScale(true);
  EXPECT_TRUE(curves.logScale());
  ASSERT_TRUE(WaitFor([&] { return curves.replotCount() > 1; }, 5000));
  curves.Clear();
  EXPECT_EQ(curves.pointCount(TrainCurves::kLoss), 0);
}

TEST(TrainRunsModel, ListsRunFoldersWithTheirConfig) {
  TempDir dir;
  const auto run = dir.path() / "runs" / "hand";
  std::filesystem::create_directories(run);
  TrainOptions o = TrainOptions::Preset("quick");
  o.lambda = 4;
  SaveJsonFile(run / "run.json", Json{{"status", "stopped"},
                                      {"created", "2026-12-01T10:00:00Z"},
                                      {"config", o.ToJson()},
                                      {"best_val_bc", 0.25}});
  std::filesystem::create_directories(dir.path() / "runs" / "broken");
  TrainRunsModel model;
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  model.SetProject(QString::fromStdString(dir.path().string()));
  ASSERT_EQ(model.rowCount(), 2);
  const int row = model.RowOf("hand");
  ASSERT_GE(row, 0);
  auto cell = [&](int col, int role = Qt::UserRole) { return model.index(row, col).data(role); };
  EXPECT_EQ(cell(TrainRunsModel::kStatus).toString(), "stopped");
  EXPECT_EQ(cell(TrainRunsModel::kModel).toString(), "gabril-cnn");
  EXPECT_EQ(cell(TrainRunsModel::kRegularizer).toString(), "gabril_mse");
  EXPECT_DOUBLE_EQ(cell(TrainRunsModel::kLambda).toDouble(), 4);
  EXPECT_EQ(cell(TrainRunsModel::kTarget).toString(), "vlm");
  EXPECT_DOUBLE_EQ(cell(TrainRunsModel::kBestValBc).toDouble(), 0.25);
  EXPECT_FALSE(cell(TrainRunsModel::kPolicy).toBool());
  EXPECT_EQ(
      model.index(model.RowOf("broken"), TrainRunsModel::kStatus).data(Qt::UserRole).toString(),
      "unreadable");

  // A new run folder is picked up by the watcher without an explicit refresh.
  QSignalSpy refreshed(&model, &TrainRunsModel::refreshed);
  const auto second = dir.path() / "runs" / "second";
  std::filesystem::create_directories(second);
  SaveJsonFile(second / "run.json", Json{{"status", "running"}, {"config", o.ToJson()}});
  EXPECT_TRUE(WaitFor([&] { return model.RowOf("second") >= 0; }, 10000));
}

TEST(TrainDock, StartStopResumeAndTheRunsTable) {
  LogModel log;
  TrainDock dock(&log);
  dock.process()->SetCli(AUTOFOCUS_CLI_PATH);
  dock.SetProject(SampleQ());
  TrainRunsModel runs;
  runs.SetProject(SampleQ());
  TrainRunsPanel panel(&runs, &dock);
  QObject::connect(&dock, &TrainDock::runFinished, &runs, &TrainRunsModel::Refresh);
  FillTiny(dock.form(), "studio");
  ASSERT_TRUE(dock.startButton()->isEnabled()) << dock.form()->errorText().toStdString();

  QSignalSpy finished(&dock, &TrainDock::runFinished);
  dock.startButton()->click();
  ASSERT_TRUE(dock.running());
  EXPECT_FALSE(dock.startButton()->isEnabled());
  EXPECT_TRUE(dock.stopButton()->isEnabled());
  EXPECT_TRUE(dock.process()->arguments().contains("--config"));
  // Curves grow from the child's JSON lines; stop at the first point.
  // (The progress line of a step follows its metrics line at once.)
  ASSERT_TRUE(WaitFor([&] {
    return (dock.curves()->pointCount(TrainCurves::kLoss) > 0 &&
            dock.progressBar()->maximum() > 1) ||
           !finished.isEmpty();
  })) << dock.process()->stderrTail().toStdString();
  ASSERT_TRUE(finished.isEmpty()) << "ended before it could be stopped: "
                                  << dock.process()->stderrTail().toStdString();
  dock.stopButton()->click();
  ASSERT_TRUE(WaitFor([&] { return !finished.isEmpty(); }));
  EXPECT_EQ(finished.takeFirst().at(1).value<TrainProcess::Outcome>(),
            TrainProcess::Outcome::kStopped);
  const auto run_dir = SampleProject() / "runs" / "studio";
  EXPECT_TRUE(std::filesystem::exists(run_dir / "last.ckpt"));
  EXPECT_EQ(LoadJsonFile(run_dir / "run.json").value("status", ""), "stopped");
  EXPECT_TRUE(HasLogRow(log, LogModel::kWarning, "studio"));
  ASSERT_GE(runs.RowOf("studio"), 0);
  EXPECT_EQ(runs.run(runs.RowOf("studio")).summary.status, "stopped");
  EXPECT_TRUE(dock.resumeButton()->isEnabled());
  EXPECT_TRUE(dock.startButton()->isEnabled());

  // Resume it to the end.
  dock.resumeButton()->click();
  ASSERT_TRUE(dock.running());
  EXPECT_TRUE(dock.process()->arguments().contains("--resume"));
  EXPECT_GT(dock.curves()->pointCount(TrainCurves::kLoss), 0);  // the recorded part is shown again
  ASSERT_TRUE(WaitFor([&] { return !finished.isEmpty(); }))
      << dock.process()->stderrTail().toStdString();
  EXPECT_EQ(finished.takeFirst().at(1).value<TrainProcess::Outcome>(),
            TrainProcess::Outcome::kCompleted)
      << dock.process()->stderrTail().toStdString();
  EXPECT_GT(dock.curves()->pointCount(TrainCurves::kValBc), 0);
  EXPECT_EQ(LoadJsonFile(run_dir / "run.json").value("status", ""), "completed");
  EXPECT_TRUE(HasLogRow(log, LogModel::kInfo, "completed"));
  EXPECT_FALSE(dock.resumeButton()->isEnabled());

  const int row = runs.RowOf("studio");
  ASSERT_GE(row, 0);
  const TrainRunRow& r = runs.run(row);
  EXPECT_EQ(r.summary.status, "completed");
  EXPECT_GE(r.summary.best_val_bc, 0);
  EXPECT_TRUE(r.summary.has_policy);
  EXPECT_EQ(r.model, "gabril-cnn");
  EXPECT_FALSE(runs.index(row, TrainRunsModel::kBestValBc).data().toString().isEmpty());
}

TEST(TrainDock, AFailingChildIsLoggedAndTheDockStaysUsable) {
  LogModel log;
  TrainDock dock(&log);
  dock.process()->SetCli(AUTOFOCUS_CLI_PATH);
  TempDir dir;
  dock.SetProject(QString::fromStdString((dir.path() / "no-such-project").string()));
  FillTiny(dock.form(), "broken");
  QSignalSpy finished(&dock, &TrainDock::runFinished);
  ASSERT_TRUE(dock.Start());
  ASSERT_TRUE(WaitFor([&] { return !finished.isEmpty(); }));
  EXPECT_EQ(finished.takeFirst().at(1).value<TrainProcess::Outcome>(),
            TrainProcess::Outcome::kFailed);
  EXPECT_TRUE(HasLogRow(log, LogModel::kError, "broken"))
      << log.entries().back().message.toStdString();
  EXPECT_TRUE(dock.startButton()->isEnabled());
  EXPECT_FALSE(dock.running());

  // A program that cannot be started at all is reported the same way.
  dock.process()->SetCli(QString::fromStdString((dir.path() / "missing-autofocus").string()));
  ASSERT_TRUE(dock.Start());
  ASSERT_TRUE(WaitFor([&] { return !finished.isEmpty(); }));
  EXPECT_EQ(finished.takeFirst().at(1).value<TrainProcess::Outcome>(),
            TrainProcess::Outcome::kFailed);
  EXPECT_EQ(log.Count(LogModel::kError), 2);
  EXPECT_TRUE(dock.startButton()->isEnabled());
}

TEST(TrainDock, MainWindowListsTheDocksAndFollowsTheProject) {
  MainWindow w;
  const TrainUi ui = FindTrainUi(&w);
  ASSERT_NE(ui.dock, nullptr);
  ASSERT_NE(ui.runs, nullptr);
  ASSERT_NE(ui.panel, nullptr);
  auto* train = w.findChild<QDockWidget*>("dock_train");
  auto* runs = w.findChild<QDockWidget*>("dock_train_runs");
  ASSERT_NE(train, nullptr);
  ASSERT_NE(runs, nullptr);
  bool listed = false;  // View > Panels holds the toggle actions of both docks
  for (QMenu* m : w.viewMenu()->findChildren<QMenu*>()) {
    listed = listed || (m->actions().contains(train->toggleViewAction()) &&
                        m->actions().contains(runs->toggleViewAction()));
  }
  EXPECT_TRUE(listed);
  ASSERT_TRUE(w.OpenProject(SampleQ()));
  EXPECT_EQ(std::filesystem::path(ui.dock->project().toStdString()), SampleProject());
  EXPECT_EQ(std::filesystem::path(ui.runs->project().toStdString()), SampleProject());
}

}  // namespace
}  // namespace autofocus

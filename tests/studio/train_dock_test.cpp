// Widget tests of the Train dock and the Training Runs table (issue 13): the form over
// TrainOptions, real `autofocus train` child processes on a 3-episode x 20-frame sample project
// (start, live curves, stop with a checkpoint, resume to the end, the registry), and a failing
// child reported in the log. Offscreen; every wait runs the event loop with a generous timeout.
#include "widgets/train/train_dock.h"

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QUndoStack>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/base/json_io.h"
#include "core/train/train_options.h"
#include "tests/support/test_support.h"
#include "widgets/log_model.h"
#include "widgets/main_window.h"
#include "widgets/train/train_curves.h"
#include "widgets/train/train_eval_view.h"
#include "widgets/train/train_follow.h"
#include "widgets/train/train_form.h"
#include "widgets/train/train_install.h"
#include "widgets/train/train_probe.h"
#include "widgets/train/train_process.h"
#include "widgets/train/train_run_files.h"
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

const std::filesystem::path& SampleProject() {
  return testing::SmallSampleProject();
}

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

// A stand-in for the autofocus CLI: a shell script (fast, and able to crash on purpose).
QString FakeCli(const TempDir& dir, const std::string& name, const std::string& body) {
  const auto file = dir.path() / name;
  std::ofstream(file) << "#!/bin/sh\n" << body << "\n";
  std::filesystem::permissions(file, std::filesystem::perms::owner_all);
  return QString::fromStdString(file.string());
}

// A hand-made run folder: run.json with `options` and `status`, optionally a policy.
std::filesystem::path MakeRun(const std::filesystem::path& project, const std::string& name,
                              const TrainOptions& options, const std::string& status,
                              bool policy = false) {
  const auto run = project / "runs" / name;
  std::filesystem::create_directories(run);
  TrainOptions o = options;
  o.name = name;
  SaveJsonFile(run / "run.json",
               Json{{"name", name},
                    {"status", status},
                    {"created", "2026-12-01T10:00:00Z"},
                    {"config", o.ToJson()},
                    {"best_val_bc", 0.25},
                    {"sessions",
                     Json::array({Json{{"started", "2026-12-01T10:00:00Z"}, {"seconds", 75.0}}})}});
  if (policy) {
    std::ofstream(run / "policy.pt") << "weights";
    std::ofstream(run / "policy.json") << "{}";
  }
  return run;
}

TEST(TrainForm, FlaggedAndSavedFiltersAreDataChoices) {
  TrainForm form;
  form.SetSavedFilters({"clean", "night"});
  auto* filter = form.findChild<QComboBox*>("trainFilter");
  ASSERT_NE(filter, nullptr);
  filter->setCurrentIndex(filter->findData("flagged"));
  EXPECT_EQ(form.options().filter, "flagged");
  filter->setCurrentIndex(filter->findData("mask:night"));
  EXPECT_EQ(form.options().filter, "mask:night");
  EXPECT_TRUE(form.valid()) << form.errorText().toStdString();
  form.SetSavedFilters({"night"});  // the current choice survives a new list
  EXPECT_EQ(form.options().filter, "mask:night");
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
  TrainRunsPanel panel(&runs, &dock, &log);
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

TEST(TrainCurves, LearningRateThroughputSmoothingAndOverlays) {
  TrainCurves curves;
  for (int i = 1; i <= 20; ++i) {
    curves.AddRecord({{"type", "step"},
                      {"step", i},
                      {"loss", i % 2 ? 1.0 : 0.0},
                      {"bc", 0.5},
                      {"reg", 0.1},
                      {"lr", 1e-3},
                      {"samples_per_s", 100.0 + i},
                      {"data_wait", 0.25}});
  }
  EXPECT_EQ(curves.pointCount(TrainCurves::kLr), 20);
  EXPECT_EQ(curves.pointCount(TrainCurves::kSamplesPerS), 20);
  EXPECT_EQ(curves.pointCount(TrainCurves::kDataWait), 20);
  // No smoothing: the raw values.
  EXPECT_DOUBLE_EQ(curves.displayedValues(TrainCurves::kLoss)[1], 0.0);
  curves.SetSmoothing(0.9);
  EXPECT_DOUBLE_EQ(curves.smoothing(), 0.9);
  const QVector<double> smooth = curves.displayedValues(TrainCurves::kLoss);
  ASSERT_EQ(smooth.size(), 20);
  EXPECT_DOUBLE_EQ(smooth[0], 1.0);  // debiased: the first point is not pulled to 0
  EXPECT_GT(smooth[1], 0.4);         // the alternating 1/0 is evened out
  EXPECT_LT(smooth[19], 0.7);
  EXPECT_EQ(curves.pointCount(TrainCurves::kLoss), 20);  // display only: raw points unchanged
  curves.SetView(TrainCurves::kThroughput);
  EXPECT_EQ(curves.view(), TrainCurves::kThroughput);

  // A run logging per epoch only has its curves in the epoch records.
  TempDir dir;
  const auto file = dir.path() / "metrics.jsonl";
  {
    std::ofstream out(file);
    out << R"({"type":"epoch","step":4,"loss":0.5,"lr":0.001,"val_bc":0.4})"
        << "\n";
    out << R"({"type":"epoch","step":8,"loss":0.3,"lr":0.001,"val_bc":0.2})"
        << "\n";
    out << "not json\n";
  }
  curves.SetOverlays({{"other", file}, {"missing", dir.path() / "none.jsonl"}});
  EXPECT_EQ(curves.overlayCount(), 2);
  EXPECT_EQ(curves.pointCount(TrainCurves::kLoss, 1), 2);
  EXPECT_EQ(curves.pointCount(TrainCurves::kValBc, 1), 2);
  EXPECT_EQ(curves.pointCount(TrainCurves::kLoss, 2), 0);
  ASSERT_TRUE(WaitFor([&] { return curves.replotCount() > 0; }, 5000));
  curves.SetOverlays({});
  EXPECT_EQ(curves.overlayCount(), 0);
  EXPECT_EQ(curves.pointCount(TrainCurves::kLoss), 20);
}

TEST(TrainRunFiles, RenameTrashNotesAndRefusals) {
  TempDir dir;
  const QString project = QString::fromStdString(dir.path().string());
  const TrainOptions o = TrainOptions::Preset("quick");
  MakeRun(dir.path(), "a", o, "stopped");
  MakeRun(dir.path(), "live", o, "running");
  QString error;
  EXPECT_TRUE(RenameRun(project, "a", "b", &error)) << error.toStdString();
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "runs" / "a"));
  const Json run = LoadJsonFile(dir.path() / "runs" / "b" / "run.json");
  EXPECT_EQ(run["name"], "b");
  EXPECT_EQ(run["config"]["name"], "b");
  EXPECT_FALSE(RenameRun(project, "b", "bad name", &error));
  EXPECT_FALSE(RenameRun(project, "b", "live", &error));  // exists
  EXPECT_FALSE(RenameRun(project, "live", "c", &error));  // running
  EXPECT_FALSE(TrashRun(project, "live", nullptr, &error));

  EXPECT_TRUE(WriteRunNotes(project, "b", "lambda sweep\nsecond line", &error));
  EXPECT_EQ(ReadRunNotes(project, "b"), "lambda sweep\nsecond line");

  QString trashed;
  ASSERT_TRUE(TrashRun(project, "b", &trashed, &error)) << error.toStdString();
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "trash" / "runs" / "b" / "run.json"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "runs" / "b"));
  MakeRun(dir.path(), "b", o, "stopped");  // a second "b" trashed keeps both copies
  QString trashed2;
  ASSERT_TRUE(TrashRun(project, "b", &trashed2, &error));
  EXPECT_NE(trashed, trashed2);
  ASSERT_TRUE(RestoreRun(project, trashed, "b", &error)) << error.toStdString();
  EXPECT_EQ(ReadRunNotes(project, "b"), "lambda sweep\nsecond line");  // notes travel along
  EXPECT_TRUE(WriteRunNotes(project, "b", "", &error));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "runs" / "b" / "notes.md"));
}

TEST(TrainRunFiles, ConfigDiffListsOnlyTheFieldsThatDiffer) {
  TrainOptions a = TrainOptions::Preset("quick");
  TrainOptions b = a;
  a.name = "x";
  b.name = "y";  // names always differ: left out
  EXPECT_TRUE(ConfigDiff(a.ToJson(), b.ToJson()).empty());
  b.lr = 1e-3;
  b.regularizer = "kl";
  const auto d = ConfigDiff(a.ToJson(), b.ToJson());
  ASSERT_EQ(d.size(), 2u);
  std::set<QString> fields = {d[0].field, d[1].field};
  EXPECT_EQ(fields, (std::set<QString>{"lr", "regularizer"}));
  for (const auto& x : d) {
    if (x.field == "regularizer") {
      EXPECT_EQ(x.a, "\"gabril_mse\"");
      EXPECT_EQ(x.b, "\"kl\"");
    }
  }
  Json older = a.ToJson();
  older.erase("augment");  // a field another version did not have
  const auto e = ConfigDiff(older, a.ToJson());
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].field, "augment");
  EXPECT_EQ(e[0].a, "—");
}

TEST(TrainRunsPanel, RenameDeleteNotesUndoDiffAndExport) {
  TempDir dir;
  const QString project = QString::fromStdString(dir.path().string());
  TrainOptions o = TrainOptions::Preset("quick");
  MakeRun(dir.path(), "first", o, "completed", true);
  o.lambda = 3;
  o.batch = 16;
  MakeRun(dir.path(), "second", o, "stopped");
  LogModel log;
  TrainDock dock(&log);
  dock.SetProject(project);
  TrainRunsModel runs;
  runs.SetProject(project);
  TrainRunsPanel panel(&runs, &dock, &log);
  ASSERT_EQ(runs.rowCount(), 2);

  // Rename, undo, redo.
  ASSERT_TRUE(panel.Rename("second", "renamed"));
  EXPECT_GE(runs.RowOf("renamed"), 0);
  EXPECT_LT(runs.RowOf("second"), 0);
  panel.undoStack()->undo();
  EXPECT_GE(runs.RowOf("second"), 0);
  panel.undoStack()->redo();
  EXPECT_GE(runs.RowOf("renamed"), 0);
  EXPECT_FALSE(panel.Rename("renamed", "first"));  // taken: refused and logged, no undo entry
  EXPECT_EQ(panel.undoStack()->count(), 1);
  EXPECT_TRUE(HasLogRow(log, LogModel::kError, "first"));

  // Notes show in the table and undo.
  ASSERT_TRUE(panel.SetNotes("renamed", "try a larger batch"));
  EXPECT_EQ(runs.index(runs.RowOf("renamed"), TrainRunsModel::kNotes).data().toString(),
            "try a larger batch");
  panel.undoStack()->undo();
  EXPECT_TRUE(
      runs.index(runs.RowOf("renamed"), TrainRunsModel::kNotes).data().toString().isEmpty());
  panel.undoStack()->redo();

  // Config diff of the two selected runs: only lambda and batch (and lambda_option).
  panel.SelectRuns({"first", "renamed"});
  EXPECT_EQ(panel.selectedRuns().size(), 2);
  EXPECT_TRUE(panel.action("action_train_runs_diff")->isEnabled());
  QDialog* diff = panel.ShowConfigDiff("first", "renamed");
  ASSERT_NE(diff, nullptr);
  auto* table = diff->findChild<QTableWidget*>("trainConfigDiffTable");
  ASSERT_NE(table, nullptr);
  QStringList fields;
  for (int r = 0; r < table->rowCount(); ++r) fields << table->item(r, 0)->text();
  fields.sort();
  EXPECT_EQ(fields, (QStringList{"batch", "lambda", "lambda_option"}));
  diff->close();

  // Export the finished run's policy (atomic copies); the unfinished one is refused.
  TempDir out;
  const QString folder = QString::fromStdString(out.path().string());
  EXPECT_TRUE(panel.ExportPolicyTo("first", folder));
  EXPECT_TRUE(std::filesystem::exists(out.path() / "policy.pt"));
  EXPECT_TRUE(std::filesystem::exists(out.path() / "policy.json"));
  EXPECT_FALSE(panel.ExportPolicyTo("renamed", folder));
  EXPECT_TRUE(HasLogRow(log, LogModel::kError, "policy.pt"));

  // Delete (no confirmation in the test) moves both to the trash; undo brings them back.
  ASSERT_TRUE(panel.Trash({"first", "renamed"}, false));
  EXPECT_EQ(runs.rowCount(), 0);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "trash" / "runs" / "first"));
  panel.undoStack()->undo();
  EXPECT_EQ(runs.rowCount(), 2);
  EXPECT_EQ(ReadRunNotes(project, "renamed"), "try a larger batch");

  // Compare Attention waits for the attention view.
  panel.SelectRun("first");
  EXPECT_FALSE(panel.action("action_train_runs_attention")->isEnabled());
  EXPECT_EQ(panel.action("action_train_runs_attention")->toolTip(), "needs the attention view");
  panel.SetAttentionAvailable(true);
  EXPECT_TRUE(panel.action("action_train_runs_attention")->isEnabled());
}

TEST(TrainRunsPanel, EvaluateReportsFailuresAndFillsTheClosedLoopColumn) {
  TempDir dir;
  const QString project = QString::fromStdString(dir.path().string());
  MakeRun(dir.path(), "done", TrainOptions::Preset("quick"), "completed", true);
  LogModel log;
  TrainDock dock(&log);
  dock.SetProject(project);
  TrainRunsModel runs;
  QAbstractItemModelTester tester(&runs, QAbstractItemModelTester::FailureReportingMode::Fatal);
  runs.SetProject(project);
  TrainRunsPanel panel(&runs, &dock, &log);
  QSignalSpy evaluated(&panel, &TrainRunsPanel::evaluationFinished);

  // A CLI without the command fails: logged, the studio stays up.
  dock.process()->SetCli(
      FakeCli(dir, "no-eval", "echo 'unknown command evaluate-policy' >&2; exit 2"));
  ASSERT_TRUE(panel.Evaluate("done"));
  ASSERT_TRUE(WaitFor([&] { return !evaluated.isEmpty(); }, 20000));
  EXPECT_TRUE(evaluated.takeFirst().at(1).toByteArray().isEmpty());
  EXPECT_TRUE(HasLogRow(log, LogModel::kError, "unknown command"));

  // One that writes RUN/evaluations/*.json fills the column.
  dock.process()->SetCli(
      FakeCli(dir, "eval",
              "mkdir -p \"$2/evaluations\"; echo '{\"mean_score\": 0.75}' > "
              "\"$2/evaluations/val-original.json\"; echo '{\"mean_score\": 0.5}' > "
              "\"$2/evaluations/val-confounded.json\"; echo '{\"mean_score\": 0.75, \"stderr\": "
              "0.25, \"split\": \"seen\", \"setting\": \"original\", \"runs\": [{\"route\": 0, "
              "\"seed\": 3, \"family\": \"seen-0\", \"completion\": 62.5, \"infractions\": "
              "{\"red_lights\": 1}, \"score\": 43.75, \"video\": \"/tmp/v/route0-seed3.mp4\"}]}'"));
  ASSERT_TRUE(panel.Evaluate("done"));
  ASSERT_TRUE(WaitFor([&] { return !evaluated.isEmpty(); }, 20000));
  EXPECT_FALSE(evaluated.takeFirst().at(1).toByteArray().isEmpty());
  EXPECT_TRUE(HasLogRow(log, LogModel::kInfo, "0.75"));
  // The per-route results window: one row with the run's numbers, the mean +- s.e. above.
  ASSERT_NE(panel.evalView(), nullptr);
  const QTableWidget* results = panel.evalView()->table();
  ASSERT_EQ(results->rowCount(), 1);
  EXPECT_EQ(results->item(0, 1)->text(), "seen-0");
  EXPECT_EQ(results->item(0, 2)->data(Qt::DisplayRole).toInt(), 3);
  EXPECT_DOUBLE_EQ(results->item(0, 3)->data(Qt::DisplayRole).toDouble(), 62.5);
  EXPECT_EQ(results->item(0, 7)->data(Qt::DisplayRole).toInt(), 1);  // red lights
  EXPECT_DOUBLE_EQ(results->item(0, 10)->data(Qt::DisplayRole).toDouble(), 43.75);
  EXPECT_EQ(results->item(0, 11)->text(), "route0-seed3.mp4");
  EXPECT_TRUE(panel.evalView()->summary().contains("0.75"))
      << panel.evalView()->summary().toStdString();
  const int row = runs.RowOf("done");
  ASSERT_GE(row, 0);
  ASSERT_EQ(runs.run(row).evaluations.size(), 2u);
  const QString cell = runs.index(row, TrainRunsModel::kClosedLoop).data().toString();
  EXPECT_TRUE(cell.contains("val-original") && cell.contains("val-confounded"))
      << cell.toStdString();
  EXPECT_DOUBLE_EQ(runs.index(row, TrainRunsModel::kDuration).data(Qt::UserRole).toDouble(), 75);
  EXPECT_DOUBLE_EQ(runs.index(row, TrainRunsModel::kFraction).data(Qt::UserRole).toDouble(),
                   TrainOptions::Preset("quick").fraction);

  // Progress lines on stderr drive the progress bar; Cancel stops the child (logged as failed).
  dock.process()->SetCli(
      FakeCli(dir, "slow-eval",
              "echo '{\"stage\": \"evaluate\", \"done\": 3, \"total\": 8}' >&2; exec sleep 60"));
  ASSERT_TRUE(panel.Evaluate("done"));
  auto* bar = panel.findChild<QProgressBar*>("trainRunsEvalProgress");
  ASSERT_NE(bar, nullptr);
  ASSERT_TRUE(WaitFor([&] { return bar->maximum() == 8 && bar->value() == 3; }, 20000));
  EXPECT_TRUE(bar->isVisibleTo(&panel));
  panel.CancelEvaluation();
  ASSERT_TRUE(WaitFor([&] { return !evaluated.isEmpty(); }, 20000));
  EXPECT_TRUE(evaluated.takeFirst().at(1).toByteArray().isEmpty());
  EXPECT_FALSE(bar->isVisibleTo(&panel));
  EXPECT_FALSE(panel.evaluating());

  // A program that does not exist is reported the same way.
  dock.process()->SetCli(QString::fromStdString((dir.path() / "missing").string()));
  ASSERT_TRUE(panel.Evaluate("done"));
  ASSERT_TRUE(WaitFor([&] { return !evaluated.isEmpty(); }, 20000));
  EXPECT_GE(log.Count(LogModel::kError), 2);
}

TEST(TrainDock, ACrashingChildIsReportedAndTheDockStaysUsable) {
  LogModel log;
  TrainDock dock(&log);
  TempDir dir;
  dock.process()->SetCli(FakeCli(dir, "crash", "echo 'out of memory' >&2; kill -SEGV $$"));
  dock.SetProject(SampleQ());
  FillTiny(dock.form(), "crashing");
  QSignalSpy finished(&dock, &TrainDock::runFinished);
  ASSERT_TRUE(dock.Start());
  ASSERT_TRUE(WaitFor([&] { return !finished.isEmpty(); }, 20000));
  EXPECT_EQ(finished.takeFirst().at(1).value<TrainProcess::Outcome>(),
            TrainProcess::Outcome::kCrashed);
  EXPECT_TRUE(HasLogRow(log, LogModel::kError, "crashed"));
  EXPECT_TRUE(HasLogRow(log, LogModel::kError, "out of memory"));
  EXPECT_TRUE(dock.startButton()->isEnabled());
}

TEST(TrainDock, ProbeEstimatesTheTimePerEpoch) {
  LogModel log;
  TrainDock dock(&log);
  dock.process()->SetCli(AUTOFOCUS_CLI_PATH);
  dock.SetProject(SampleQ());
  FillTiny(dock.form(), "");
  EXPECT_GT(TrainProbe::TrainSamples(SampleQ(), dock.form()->options()), 0);
  EXPECT_DOUBLE_EQ(TrainProbe::EpochSeconds(100, 40, 10), 0.4);
  QSignalSpy done(dock.probe(), &TrainProbe::finished);
  ASSERT_TRUE(dock.Probe());
  EXPECT_TRUE(dock.probe()->arguments().contains("--benchmark-project"));
  ASSERT_TRUE(WaitFor([&] { return !done.isEmpty(); }, 120000));
  EXPECT_GT(done.takeFirst().at(1).toDouble(), 0) << dock.estimateLabel()->text().toStdString();
  EXPECT_TRUE(dock.estimateLabel()->text().contains("ms per step"))
      << dock.estimateLabel()->text().toStdString();
  // Another batch needs another probe; going back shows the cached one.
  dock.form()->findChild<QSpinBox*>("trainBatch")->setValue(5);
  EXPECT_FALSE(dock.estimateLabel()->text().contains("ms per step"));
  dock.form()->findChild<QSpinBox*>("trainBatch")->setValue(10);
  EXPECT_TRUE(dock.estimateLabel()->text().contains("ms per step"));
}

TEST(TrainDock, QueuedRunsStartOneAfterAnother) {
  TrainDock::SetMaxConcurrent(1);
  LogModel log;
  TrainDock dock(&log);
  dock.process()->SetCli(AUTOFOCUS_CLI_PATH);
  dock.SetProject(SampleQ());
  FillTiny(dock.form(), "queue-a");
  dock.form()->findChild<QSpinBox*>("trainEpochs")->setValue(1);
  QStringList order;  // "start X" / "end X" in the order they happen
  QObject::connect(&dock, &TrainDock::runStarted, [&](const QString& n) { order << "start " + n; });
  QObject::connect(&dock, &TrainDock::runFinished, [&](const QString& n, TrainProcess::Outcome o) {
    order << "end " + n;
    EXPECT_EQ(o, TrainProcess::Outcome::kCompleted) << n.toStdString();
  });
  EXPECT_EQ(dock.Enqueue(), "queue-a");  // idle: starts at once
  EXPECT_TRUE(dock.running());
  EXPECT_TRUE(dock.form()->options().name.empty());  // a name is used once
  dock.form()->findChild<QLineEdit*>("trainName")->setText("queue-b");
  EXPECT_TRUE(dock.queueButton()->isEnabled());
  EXPECT_FALSE(dock.startButton()->isEnabled());
  EXPECT_EQ(dock.Enqueue(), "queue-b");
  EXPECT_EQ(dock.queuedRuns(), QStringList{"queue-b"});
  EXPECT_TRUE(dock.queueLabel()->text().contains("queue-b"));
  dock.form()->findChild<QLineEdit*>("trainName")->setText("queue-a");
  EXPECT_TRUE(dock.Enqueue().isEmpty());  // a name in use is refused
  ASSERT_TRUE(WaitFor([&] { return order.size() >= 4; }, 240000)) << order.join(", ").toStdString();
  EXPECT_EQ(order, (QStringList{"start queue-a", "end queue-a", "start queue-b", "end queue-b"}));
  EXPECT_TRUE(dock.queuedRuns().isEmpty());
  EXPECT_EQ(LoadJsonFile(SampleProject() / "runs" / "queue-b" / "run.json").value("status", ""),
            "completed");
}

TEST(TrainDock, ARunLeftGoingOnCloseSurvivesAndIsFollowed) {
  const auto run_dir = SampleProject() / "runs" / "detached";
  qint64 pid = 0;
  {
    LogModel log;
    TrainDock dock(&log);
    dock.process()->SetCli(AUTOFOCUS_CLI_PATH);
    dock.SetProject(SampleQ());
    FillTiny(dock.form(), "detached");
    dock.form()->findChild<QSpinBox*>("trainEpochs")->setValue(4);
    ASSERT_TRUE(dock.Start());
    ASSERT_TRUE(WaitFor([&] { return dock.curves()->pointCount(TrainCurves::kLoss) > 0; }))
        << dock.process()->stderrTail().toStdString();
    ASSERT_TRUE(dock.running()) << "ended before it could be left running";
    pid = dock.process()->pid();
    ASSERT_TRUE(dock.PrepareClose(TrainDock::CloseChoice::kLeaveRunning));
    EXPECT_FALSE(dock.running());
    EXPECT_TRUE(HasLogRow(log, LogModel::kInfo, "left running"));
  }  // the dock (and its TrainProcess) is gone; the trainer is not
  ASSERT_GT(pid, 0);
  EXPECT_EQ(::kill(static_cast<pid_t>(pid), 0), 0);
  EXPECT_EQ(RunFollower::LivePid(QString::fromStdString(run_dir.string())), pid);

  // A new dock on the project follows it through metrics.jsonl to the end.
  LogModel log;
  TrainDock dock(&log);
  QSignalSpy finished(&dock, &TrainDock::runFinished);
  dock.SetProject(SampleQ());
  EXPECT_EQ(dock.followedRun(), "detached");
  EXPECT_TRUE(dock.busy());
  EXPECT_TRUE(dock.stopButton()->isEnabled());
  ASSERT_TRUE(WaitFor([&] { return !finished.isEmpty(); }, 240000));
  EXPECT_EQ(finished.takeFirst().at(1).value<TrainProcess::Outcome>(),
            TrainProcess::Outcome::kCompleted);
  EXPECT_GT(dock.curves()->pointCount(TrainCurves::kLoss), 0);
  EXPECT_GT(dock.curves()->pointCount(TrainCurves::kValBc), 0);
  EXPECT_EQ(LoadJsonFile(run_dir / "run.json").value("status", ""), "completed");
  EXPECT_FALSE(dock.busy());
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

#include "widgets/train/train_install.h"

#include <QCloseEvent>
#include <QDockWidget>

#include "widgets/main_window.h"
#include "widgets/studio_document.h"
#include "widgets/train/train_dock.h"
#include "widgets/train/train_runs_model.h"
#include "widgets/train/train_runs_panel.h"

namespace autofocus {
namespace {

// Asks once, when the main window is about to close with training going, whether to stop the
// runs (checkpoint) or leave them running; Cancel keeps the studio open. An event filter keeps
// MainWindow::closeEvent free of training code.
class CloseGuard : public QObject {
 public:
  CloseGuard(TrainDock* dock, QObject* parent) : QObject(parent), dock_(dock) {}
  bool eventFilter(QObject* watched, QEvent* event) override {
    if (event->type() == QEvent::Close && dock_->busy() && !asked_) {
      if (!dock_->PrepareClose(TrainDock::CloseChoice::kAsk)) {
        event->ignore();
        return true;
      }
      asked_ = true;  // a second close event (e.g. from quit) does not ask again
    }
    return QObject::eventFilter(watched, event);
  }

 private:
  TrainDock* dock_;
  bool asked_ = false;
};

}  // namespace

TrainUi InstallTraining(MainWindow* w, LogModel* log) {
  TrainUi ui;
  ui.dock = new TrainDock(log, w);
  ui.runs = new TrainRunsModel(w);
  ui.panel = new TrainRunsPanel(ui.runs, ui.dock, log, w);
  w->installEventFilter(new CloseGuard(ui.dock, w));
  StudioDocument* doc = w->document();
  QObject::connect(doc, &StudioDocument::projectChanged, w, [doc, ui] {
    const QString dir =
        doc->store() ? QString::fromStdString(doc->store()->root().string()) : QString();
    ui.dock->SetProject(dir);
    ui.runs->SetProject(dir);
  });
  // The watcher may miss the last write of a run that just ended; the end is known here.
  QObject::connect(ui.dock, &TrainDock::runFinished, ui.runs, &TrainRunsModel::Refresh);
  QObject::connect(ui.dock, &TrainDock::runStarted, ui.runs, [runs = ui.runs] {
    // The run folder appears a moment after the start; the watcher on runs/ picks it up, and
    // this covers a project that had no runs/ folder yet.
    runs->Refresh();
  });

  auto* train = new QDockWidget(QObject::tr("Train"), w);
  train->setObjectName("dock_train");
  train->setWidget(ScrollableDockContent(ui.dock));
  w->AddDock(train, Qt::RightDockWidgetArea);
  auto* runs = new QDockWidget(QObject::tr("Training Runs"), w);
  runs->setObjectName("dock_train_runs");
  runs->setWidget(ui.panel);
  w->AddDock(runs, Qt::BottomDockWidgetArea);
  // Tabbed behind existing docks so the default layout keeps its shape.
  if (auto* saliency = w->findChild<QDockWidget*>("dock_saliency"))
    w->tabifyDockWidget(saliency, train);
  if (auto* log_dock = w->findChild<QDockWidget*>("dock_log")) w->tabifyDockWidget(log_dock, runs);
  if (auto* inspector = w->findChild<QDockWidget*>("dock_inspector")) inspector->raise();
  if (auto* timeline = w->findChild<QDockWidget*>("dock_timeline")) timeline->raise();
  return ui;
}

TrainUi FindTrainUi(const MainWindow* w) {
  TrainUi ui;
  ui.dock = w->findChild<TrainDock*>("trainDock");
  ui.runs = w->findChild<TrainRunsModel*>("trainRunsModel");
  ui.panel = w->findChild<TrainRunsPanel*>("trainRunsPanel");
  return ui;
}

}  // namespace autofocus

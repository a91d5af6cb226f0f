#include "widgets/curation_install.h"

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QStatusBar>
#include <QTableView>
#include <QUndoView>
#include <QVBoxLayout>

#include "widgets/curation_controller.h"
#include "widgets/curation_panel.h"
#include "widgets/episode_table_model.h"
#include "widgets/frame_view.h"
#include "widgets/export_dialog.h"
#include "widgets/log_model.h"
#include "widgets/main_window.h"
#include "widgets/runs_panel.h"
#include "widgets/shortcuts_dialog.h"
#include "widgets/studio_document.h"

namespace autofocus {
namespace {

QDockWidget* Dock(MainWindow* w, const char* name, const QString& title, QWidget* content, Qt::DockWidgetArea area) {
  auto* dock = new QDockWidget(title, w);
  dock->setObjectName(QString::fromLatin1(name));
  dock->setWidget(content);
  w->AddDock(dock, area);
  return dock;
}

// The log dock: the table over a filter proxy, a severity filter and a text filter.
QWidget* MakeLogPanel(LogModel* log, QWidget* parent) {
  auto* panel = new QWidget(parent);
  panel->setObjectName("logPanel");
  auto* layout = new QVBoxLayout(panel);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* row = new QHBoxLayout;
  auto* severity = new QComboBox(panel);
  severity->setObjectName("logSeverity");
  severity->addItems({QObject::tr("All messages"), QObject::tr("Warnings and errors"), QObject::tr("Errors only")});
  auto* filter = new QLineEdit(panel);
  filter->setObjectName("logFilter");
  filter->setPlaceholderText(QObject::tr("Filter by episode or message"));
  filter->setClearButtonEnabled(true);
  auto* clear = new QPushButton(QObject::tr("Clear"), panel);
  row->addWidget(severity);
  row->addWidget(filter, 1);
  row->addWidget(clear);
  auto* proxy = new LogFilterProxy(panel);
  proxy->setObjectName("logProxy");
  proxy->setSourceModel(log);
  auto* table = new QTableView(panel);
  table->setObjectName("logTable");
  table->setModel(proxy);
  table->verticalHeader()->setVisible(false);
  table->horizontalHeader()->setStretchLastSection(true);
  table->setSelectionBehavior(QAbstractItemView::SelectRows);
  table->setWordWrap(false);
  table->setColumnWidth(LogModel::kSeverity, 90);
  table->setColumnWidth(LogModel::kTime, 70);
  table->setColumnWidth(LogModel::kEpisode, 110);
  layout->addLayout(row);
  layout->addWidget(table, 1);
  QObject::connect(severity, qOverload<int>(&QComboBox::currentIndexChanged), proxy, &LogFilterProxy::SetMinSeverity);
  QObject::connect(filter, &QLineEdit::textChanged, proxy, &QSortFilterProxyModel::setFilterFixedString);
  QObject::connect(clear, &QPushButton::clicked, log, &LogModel::Clear);
  QObject::connect(log, &LogModel::rowsInserted, table, [table] { table->scrollToBottom(); });
  return panel;
}

}  // namespace

CurationUi InstallCuration(MainWindow* w) {
  CurationUi ui;
  StudioDocument* doc = w->document();
  ui.log = new LogModel(w);
  ui.controller = new CurationController(doc, w);
  ui.controller->setObjectName("curationController");
  QObject::connect(ui.controller, &CurationController::message, ui.log,
                   [log = ui.log](int severity, const QString& episode, const QString& text) {
                     log->Add(static_cast<LogModel::Severity>(severity), episode, text);
                   });

  InstallExport(w, ui.log);  // File > Export...

  // A damaged episode is reported once per attempt with its file and reason; the others open.
  QObject::connect(doc, &StudioDocument::episodeLoadFailed, ui.log,
                   [log = ui.log](const QString& episode, const QString& error) {
                     log->Add(LogModel::kError, episode,
                              QObject::tr("Cannot open the episode: %1 (`autofocus validate "
                                          "--repair` lists what can be done)")
                                  .arg(error));
                   });

  // What a run could not do on the opened episode goes to the log, not to a message box.
  QObject::connect(doc, &StudioDocument::episodeChanged, ui.log, [log = ui.log, doc] {
    const StudioEpisode* ep = doc->episode();
    if (!ep) return;
    const QString name = QString::fromStdString(ep->episode.name);
    if (!ep->failed_frames.empty()) {
      log->Add(LogModel::kWarning, name,
               QObject::tr("%n frame(s) with failed detection (recorded empty; red ticks on the timeline); "
                           "first: frame %1: %2", "", static_cast<int>(ep->failed_frames.size()))
                   .arg(ep->failed_frames.front())
                   .arg(QString::fromStdString(ep->failed_frame_errors.front())));
    }
    if (const int u = ep->Undecided(); u > 0) {
      log->Add(LogModel::kWarning, name,
               QObject::tr("%n sub-sequence(s) undecided: the VLM gave no usable answer, every candidate is kept "
                           "for review (red on the timeline)", "", u));
    }
  });

  // Edit menu: undo/redo over the curation stack, the curation actions, bake.
  QMenu* edit = w->editMenu();
  QAction* undo = ui.controller->undoStack()->createUndoAction(w, QObject::tr("&Undo"));
  undo->setObjectName("action_undo");
  undo->setShortcut(QKeySequence::Undo);
  QAction* redo = ui.controller->undoStack()->createRedoAction(w, QObject::tr("&Redo"));
  redo->setObjectName("action_redo");
  redo->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
  edit->addAction(undo);
  edit->addAction(redo);
  edit->addSeparator();

  // Box edits in the frame view (move, resize, draw, delete) become undoable commands; a new
  // box becomes the selection.
  QObject::connect(w->frameView(), &FrameView::boxEditRequested, ui.controller, [c = ui.controller, doc](const Edit& e) {
    if (c->Push(e) && e.op == "add_box" && c->current()) doc->SetSelectedTrack(c->current()->MaxTrackId());
  });

  ui.objects = new CurationPanel(doc, ui.controller, w);
  for (QAction* a : ui.objects->curationActions()) {
    edit->addAction(a);
    w->addAction(a);  // shortcuts work whichever dock has the focus
  }
  edit->addSeparator();
  QAction* bake = edit->addAction(QObject::tr("&Bake Curation into key_objects.json"));
  bake->setObjectName("action_bake_curation");
  bake->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
  bake->setToolTip(QObject::tr("Write the curated key objects with their provenance into each edited episode"));
  QObject::connect(bake, &QAction::triggered, w, [w, c = ui.controller] {
    const int n = c->Bake();
    w->statusBar()->showMessage(QObject::tr("Baked %n episode(s)", "", n), 6000);
  });

  auto* history = new QUndoView(ui.controller->undoStack(), w);
  history->setObjectName("historyView");
  history->setEmptyLabel(QObject::tr("<original annotations>"));

  ui.runs = new RunsPanel(doc, ui.log, w);
  QObject::connect(ui.runs, &RunsPanel::runFinished, w, [w, doc] {
    // New artifacts: the episode list and the open episode show them (the curation journal
    // is replayed over them when the episode reloads).
    w->episodeModel()->InvalidateAll();
    const QString ep = doc->currentEpisodeName();
    const int frame = doc->currentFrame();
    if (!ep.isEmpty() && doc->SetCurrentEpisode(ep)) doc->SetCurrentFrame(frame);
  });

  QDockWidget* objects = Dock(w, "dock_objects", QObject::tr("Objects"), ui.objects, Qt::RightDockWidgetArea);
  QDockWidget* history_dock = Dock(w, "dock_history", QObject::tr("History"), history, Qt::RightDockWidgetArea);
  w->tabifyDockWidget(objects, history_dock);
  objects->raise();
  QDockWidget* runs = Dock(w, "dock_runs", QObject::tr("Runs"), ScrollableDockContent(ui.runs),
                           Qt::LeftDockWidgetArea);
  QDockWidget* log = Dock(w, "dock_log", QObject::tr("Log"), MakeLogPanel(ui.log, w), Qt::BottomDockWidgetArea);
  if (auto* episodes = w->findChild<QDockWidget*>("dock_episodes")) w->tabifyDockWidget(episodes, runs);
  if (auto* timeline = w->findChild<QDockWidget*>("dock_timeline")) w->tabifyDockWidget(timeline, log);
  if (auto* episodes = w->findChild<QDockWidget*>("dock_episodes")) episodes->raise();
  if (auto* timeline = w->findChild<QDockWidget*>("dock_timeline")) timeline->raise();

  QAction* run = new QAction(QObject::tr("&Run Pipeline"), w);
  run->setObjectName("action_run_pipeline");
  run->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
  run->setToolTip(QObject::tr("Run the annotation pipeline on the episodes checked in the Runs panel"));
  QObject::connect(run, &QAction::triggered, ui.runs, [runs, r = ui.runs] {
    runs->show();
    runs->raise();
    r->StartRun();
  });
  w->fileMenu()->insertAction(w->fileMenu()->actions().value(0), run);

  QAction* keys = new QAction(QObject::tr("&Keyboard Shortcuts"), w);
  keys->setObjectName("action_shortcuts");
  keys->setShortcut(QKeySequence::HelpContents);
  if (keys->shortcut().isEmpty()) keys->setShortcut(Qt::Key_F1);
  QObject::connect(keys, &QAction::triggered, w, [w] {
    ShortcutsDialog dialog(w, w);
    dialog.exec();
  });
  w->helpMenu()->insertAction(w->helpMenu()->actions().value(0), keys);
  return ui;
}

CurationUi FindCurationUi(const MainWindow* w) {
  CurationUi ui;
  ui.controller = w->findChild<CurationController*>("curationController");
  ui.objects = w->findChild<CurationPanel*>("curationPanel");
  ui.runs = w->findChild<RunsPanel*>("runsPanel");
  ui.log = w->findChild<LogModel*>("logModel");
  return ui;
}

}  // namespace autofocus

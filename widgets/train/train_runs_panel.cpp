#include "widgets/train/train_runs_panel.h"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTableWidget>
#include <QToolButton>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>
#include <algorithm>
#include <functional>
#include <memory>

#include "core/train/run_registry.h"
#include "widgets/log_model.h"
#include "widgets/train/train_dock.h"
#include "widgets/train/train_eval_view.h"
#include "widgets/train/train_run_files.h"
#include "widgets/train/train_runs_model.h"

namespace autofocus {
namespace {

// An undoable registry edit: a file operation and its inverse. One that fails (the folder was
// changed outside the studio meanwhile) is logged and made obsolete, so the stack never claims
// a state the disk does not have.
class RunCommand : public QUndoCommand {
 public:
  // An operation: true on success, else false with the reason.
  using Op = std::function<bool(QString* error)>;
  RunCommand(LogModel* log, TrainRunsModel* model, const QString& text, Op redo, Op undo)
      : QUndoCommand(text),
        log_(log),
        model_(model),
        redo_(std::move(redo)),
        undo_(std::move(undo)) {}
  void redo() override { Run(redo_); }
  void undo() override { Run(undo_); }

 private:
  void Run(const Op& op) {
    QString error;
    if (!op(&error)) {
      log_->Add(LogModel::kError, {}, TrainRunsPanel::tr("%1 failed: %2").arg(text(), error));
      setObsolete(true);
    }
    model_->Refresh();
  }
  LogModel* log_;
  TrainRunsModel* model_;
  Op redo_, undo_;
};

QAction* MakeAction(QWidget* owner, const char* object_name, const QString& text,
                    const QString& tip, const QKeySequence& key = {}) {
  auto* a = new QAction(text, owner);
  a->setObjectName(QString::fromLatin1(object_name));
  a->setToolTip(tip);
  if (!key.isEmpty()) {
    a->setShortcut(key);
    // Only while the runs table has the focus: Delete and F2 mean other things elsewhere.
    a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  }
  owner->addAction(a);
  return a;
}

}  // namespace

TrainRunsPanel::TrainRunsPanel(TrainRunsModel* model, TrainDock* dock, LogModel* log,
                               QWidget* parent)
    : QWidget(parent), model_(model), dock_(dock), log_(log), stack_(new QUndoStack(this)) {
  setObjectName("trainRunsPanel");
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  filter_ = new QLineEdit(this);
  filter_->setObjectName("trainRunsFilter");
  filter_->setPlaceholderText(tr("Filter runs (any column)"));
  filter_->setClearButtonEnabled(true);
  layout->addWidget(filter_);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(Qt::UserRole);
  proxy_->setFilterKeyColumn(-1);
  proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  table_ = new QTableView(this);
  table_->setObjectName("trainRunsTable");
  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(TrainRunsModel::kCreated, Qt::AscendingOrder);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setContextMenuPolicy(Qt::CustomContextMenu);
  layout->addWidget(table_, 1);

  MakeAction(this, "action_train_runs_curves", tr("Show Curves"),
             tr("Show the selected runs' recorded metrics in the Train dock (several are "
                "overlaid)"),
             QKeySequence(Qt::Key_Return));
  MakeAction(this, "action_train_runs_diff", tr("Compare Config"),
             tr("List the options that differ between the two selected runs"),
             QKeySequence(Qt::CTRL | Qt::Key_D));
  MakeAction(this, "action_train_runs_rename", tr("Rename Run..."),
             tr("Rename the selected run's folder (not while it trains)"),
             QKeySequence(Qt::Key_F2));
  MakeAction(this, "action_train_runs_notes", tr("Edit Notes..."),
             tr("Notes of the selected run (runs/NAME/notes.md)"),
             QKeySequence(Qt::CTRL | Qt::Key_N));
  MakeAction(this, "action_train_runs_delete", tr("Delete Run..."),
             tr("Move the selected runs to the project's trash folder"),
             QKeySequence(Qt::SHIFT | Qt::Key_Delete));
  MakeAction(this, "action_train_runs_export", tr("Export Policy..."),
             tr("Copy the selected run's policy.pt and policy.json to a folder"));
  MakeAction(this, "action_train_runs_evaluate", tr("Evaluate in the Sample World"),
             tr("Run autofocus evaluate-policy on the selected run"));
  MakeAction(this, "action_train_runs_attention", tr("Compare Attention"),
             tr("needs the attention view"));
  QAction* undo = stack_->createUndoAction(this, tr("Undo"));
  undo->setObjectName("action_train_runs_undo");
  addAction(undo);
  QAction* redo = stack_->createRedoAction(this, tr("Redo"));
  redo->setObjectName("action_train_runs_redo");
  addAction(redo);

  auto* row = new QHBoxLayout;
  refresh_ = new QPushButton(tr("Refresh"), this);
  refresh_->setObjectName("trainRunsRefresh");
  resume_ = new QPushButton(tr("Resume"), this);
  resume_->setObjectName("trainRunsResume");
  resume_->setToolTip(tr("Continue the selected run from its last checkpoint"));
  curves_ = new QPushButton(tr("Show Curves"), this);
  curves_->setObjectName("trainRunsCurves");
  curves_->setToolTip(action("action_train_runs_curves")->toolTip());
  more_ = new QToolButton(this);
  more_->setObjectName("trainRunsMore");
  more_->setText(tr("Run"));
  more_->setPopupMode(QToolButton::InstantPopup);
  auto* menu = new QMenu(more_);
  // The context menu has Show Curves first; the button menu leaves it to its own button.
  FillMenu(menu, {"action_train_runs_diff"});
  more_->setMenu(menu);
  row->addWidget(refresh_);
  // An evaluation's progress (its JSON progress lines on stderr) and a way to stop it.
  eval_progress_ = new QProgressBar(this);
  eval_progress_->setObjectName("trainRunsEvalProgress");
  eval_progress_->setVisible(false);
  eval_cancel_ = new QPushButton(tr("Cancel Evaluation"), this);
  eval_cancel_->setObjectName("trainRunsEvalCancel");
  eval_cancel_->setVisible(false);
  connect(eval_cancel_, &QPushButton::clicked, this, [this] { CancelEvaluation(); });
  row->addWidget(eval_progress_, 1);
  row->addWidget(eval_cancel_);
  row->addStretch(1);
  row->addWidget(curves_);
  row->addWidget(resume_);
  row->addWidget(more_);
  layout->addLayout(row);

  connect(filter_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
  connect(refresh_, &QPushButton::clicked, model_, &TrainRunsModel::Refresh);
  connect(resume_, &QPushButton::clicked, this, [this] { dock_->Resume(selectedRun()); });
  auto show_curves = [this] { dock_->ShowRuns(selectedRuns()); };
  connect(curves_, &QPushButton::clicked, this, show_curves);
  connect(action("action_train_runs_curves"), &QAction::triggered, this, show_curves);
  connect(table_, &QTableView::doubleClicked, this, show_curves);
  connect(action("action_train_runs_diff"), &QAction::triggered, this, [this] {
    const QStringList runs = selectedRuns();
    if (runs.size() == 2) ShowConfigDiff(runs[0], runs[1]);
  });
  connect(action("action_train_runs_rename"), &QAction::triggered, this, [this] {
    const QString name = selectedRun();
    if (name.isEmpty()) return;
    bool ok = false;
    const QString to =
        QInputDialog::getText(this, tr("Rename Run"), tr("New name of %1:").arg(name),
                              QLineEdit::Normal, name, &ok)
            .trimmed();
    if (ok && to != name) Rename(name, to);
  });
  connect(action("action_train_runs_notes"), &QAction::triggered, this, [this] {
    const QString name = selectedRun();
    if (name.isEmpty()) return;
    bool ok = false;
    const QString text = QInputDialog::getMultiLineText(this, tr("Run Notes"),
                                                        tr("Notes of %1 (Markdown):").arg(name),
                                                        ReadRunNotes(Project(), name), &ok);
    if (ok) SetNotes(name, text);
  });
  connect(action("action_train_runs_delete"), &QAction::triggered, this,
          [this] { Trash(selectedRuns(), true); });
  connect(action("action_train_runs_export"), &QAction::triggered, this, [this] {
    const QString name = selectedRun();
    if (name.isEmpty()) return;
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Export Policy To"));
    if (!folder.isEmpty()) ExportPolicyTo(name, folder);
  });
  connect(action("action_train_runs_evaluate"), &QAction::triggered, this,
          [this] { Evaluate(selectedRun()); });
  connect(action("action_train_runs_attention"), &QAction::triggered, this,
          [this] { Q_EMIT compareAttentionRequested(selectedRuns()); });
  connect(table_, &QWidget::customContextMenuRequested, this, &TrainRunsPanel::ShowContextMenu);
  connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &TrainRunsPanel::UpdateButtons);
  // A refresh resets the model: keep the selection on the same runs.
  connect(model_, &TrainRunsModel::modelAboutToBeReset, this, [this] { keep_ = selectedRuns(); });
  connect(model_, &TrainRunsModel::refreshed, this, [this] {
    SelectRuns(keep_);
    // A project has tens of runs, not thousands: fitting the columns to them is cheap.
    table_->resizeColumnsToContents();
    UpdateButtons();
  });
  connect(dock_, &TrainDock::runFinished, this, &TrainRunsPanel::UpdateButtons);
  connect(dock_, &TrainDock::runStarted, this, &TrainRunsPanel::UpdateButtons);
  UpdateButtons();
}

TrainRunsPanel::~TrainRunsPanel() {
  if (evaluating()) {
    // An evaluation writes its results at the end; one cut short has nothing worth keeping.
    eval_->disconnect(this);
    eval_->kill();
    eval_->waitForFinished(2000);
  }
}

QAction* TrainRunsPanel::action(const QString& object_name) const {
  for (QAction* a : actions()) {
    if (a->objectName() == object_name) return a;
  }
  return nullptr;
}

QString TrainRunsPanel::Project() const {
  return model_->project();
}

void TrainRunsPanel::Log(int severity, const QString& message) const {
  log_->Add(static_cast<LogModel::Severity>(severity), {}, message);
}

QString TrainRunsPanel::selectedRun() const {
  const QModelIndex current = table_->selectionModel()->currentIndex();
  const QModelIndexList rows = table_->selectionModel()->selectedRows(TrainRunsModel::kName);
  for (const QModelIndex& i : rows) {
    if (current.isValid() && i.row() == current.row()) return i.data(Qt::UserRole).toString();
  }
  return rows.isEmpty() ? QString() : rows.front().data(Qt::UserRole).toString();
}

QStringList TrainRunsPanel::selectedRuns() const {
  QModelIndexList rows = table_->selectionModel()->selectedRows(TrainRunsModel::kName);
  std::sort(rows.begin(), rows.end(),
            [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
  QStringList out;
  for (const QModelIndex& i : rows) out << i.data(Qt::UserRole).toString();
  return out;
}

void TrainRunsPanel::SelectRun(const QString& name) {
  SelectRuns({name});
}

void TrainRunsPanel::SelectRuns(const QStringList& names) {
  QItemSelection selection;
  for (const QString& name : names) {
    const int row = model_->RowOf(name);
    if (row < 0) continue;
    const QModelIndex left = proxy_->mapFromSource(model_->index(row, 0));
    const QModelIndex right =
        proxy_->mapFromSource(model_->index(row, TrainRunsModel::kColumnCount - 1));
    if (left.isValid()) selection.select(left, right);
  }
  table_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
  if (!selection.isEmpty())
    table_->selectionModel()->setCurrentIndex(selection.indexes().front(),
                                              QItemSelectionModel::NoUpdate);
}

bool TrainRunsPanel::Busy(const QString& name, const QString& what) const {
  if (!dock_->activeRuns().contains(name)) return false;
  Log(LogModel::kError, tr("Cannot %1 run %2 while it trains; stop it first.").arg(what, name));
  return true;
}

void TrainRunsPanel::UpdateButtons() {
  const QStringList runs = selectedRuns();
  const int row = model_->RowOf(selectedRun());
  const std::string status = row >= 0 ? model_->run(row).summary.status : std::string();
  const bool one = runs.size() == 1 && row >= 0;
  const bool active = one && dock_->activeRuns().contains(selectedRun());
  // A run killed without SIGTERM still says "running" in run.json: it resumes like a stopped one.
  resume_->setEnabled(!dock_->busy() && one &&
                      (status == "stopped" || status == "running" || status == "failed"));
  curves_->setEnabled(!runs.isEmpty());
  action("action_train_runs_curves")->setEnabled(!runs.isEmpty());
  action("action_train_runs_diff")->setEnabled(runs.size() == 2);
  action("action_train_runs_rename")->setEnabled(one && !active);
  action("action_train_runs_notes")->setEnabled(one);
  action("action_train_runs_delete")->setEnabled(!runs.isEmpty() && !active);
  const bool finished = one && model_->run(row).summary.has_policy;
  action("action_train_runs_export")->setEnabled(finished);
  action("action_train_runs_evaluate")->setEnabled(finished && !evaluating());
  action("action_train_runs_attention")->setEnabled(attention_available_ && !runs.isEmpty());
  action("action_train_runs_attention")
      ->setToolTip(attention_available_
                       ? tr("Open the attention compare view with the selected runs")
                       : tr("needs the attention view"));
}

void TrainRunsPanel::SetAttentionAvailable(bool available) {
  attention_available_ = available;
  UpdateButtons();
}

void TrainRunsPanel::FillMenu(QMenu* menu, const QStringList& first) const {
  for (const QString& n : first) menu->addAction(action(n));
  menu->addSeparator();
  for (const char* n :
       {"action_train_runs_rename", "action_train_runs_notes", "action_train_runs_delete"})
    menu->addAction(action(QString::fromLatin1(n)));
  menu->addSeparator();
  for (const char* n :
       {"action_train_runs_export", "action_train_runs_evaluate", "action_train_runs_attention"})
    menu->addAction(action(QString::fromLatin1(n)));
  menu->addSeparator();
  menu->addAction(action("action_train_runs_undo"));
  menu->addAction(action("action_train_runs_redo"));
}

void TrainRunsPanel::ShowContextMenu(const QPoint& pos) {
  QMenu menu(this);
  FillMenu(&menu, {"action_train_runs_curves", "action_train_runs_diff"});
  menu.exec(table_->viewport()->mapToGlobal(pos));
}

bool TrainRunsPanel::Rename(const QString& from, const QString& to) {
  if (Project().isEmpty() || Busy(from, tr("rename"))) return false;
  QString error;
  // Checked first so a refused rename is logged without an entry on the undo stack.
  if (!ValidRunName(to, &error) || model_->RowOf(to) >= 0) {
    Log(LogModel::kError,
        tr("Cannot rename run %1 to %2: %3")
            .arg(from, to, error.isEmpty() ? tr("a run with that name exists") : error));
    return false;
  }
  const int before = stack_->count();
  const QString project = Project();
  stack_->push(new RunCommand(
      log_, model_, tr("Rename run %1 to %2").arg(from, to),
      [=](QString* e) { return RenameRun(project, from, to, e); },
      [=](QString* e) { return RenameRun(project, to, from, e); }));
  return stack_->count() > before;
}

bool TrainRunsPanel::Trash(const QStringList& names, bool confirm) {
  if (Project().isEmpty() || names.isEmpty()) return false;
  for (const QString& n : names) {
    if (Busy(n, tr("delete"))) return false;
  }
  if (confirm &&
      QMessageBox::question(
          this, tr("Delete Runs"),
          tr("Move %1 to the project's trash folder (trash/runs)? Undo brings them back.")
              .arg(names.join(", "))) != QMessageBox::Yes)
    return false;
  const int before = stack_->count();
  if (names.size() > 1) stack_->beginMacro(tr("Delete %1 runs").arg(names.size()));
  const QString project = Project();
  for (const QString& n : names) {
    auto trashed = std::make_shared<QString>();  // where redo put it, for undo
    stack_->push(new RunCommand(
        log_, model_, tr("Delete run %1").arg(n),
        [=](QString* e) { return TrashRun(project, n, trashed.get(), e); },
        [=](QString* e) { return RestoreRun(project, *trashed, n, e); }));
  }
  if (names.size() > 1) stack_->endMacro();
  const bool ok = stack_->count() > before;
  if (ok) Log(LogModel::kInfo, tr("Moved to trash/runs: %1").arg(names.join(", ")));
  return ok;
}

bool TrainRunsPanel::SetNotes(const QString& name, const QString& text) {
  if (Project().isEmpty()) return false;
  const QString before = ReadRunNotes(Project(), name);
  if (before == text) return true;
  const int count = stack_->count();
  const QString project = Project();
  stack_->push(new RunCommand(
      log_, model_, tr("Edit the notes of run %1").arg(name),
      [=](QString* e) { return WriteRunNotes(project, name, text, e); },
      [=](QString* e) { return WriteRunNotes(project, name, before, e); }));
  return stack_->count() > count;
}

QDialog* TrainRunsPanel::ShowConfigDiff(const QString& a, const QString& b) {
  Json ca, cb;
  try {
    ca = LoadJsonFile(RunDirectory(Project().toStdString(), a.toStdString()) / "run.json")
             .at("config");
    cb = LoadJsonFile(RunDirectory(Project().toStdString(), b.toStdString()) / "run.json")
             .at("config");
  } catch (const std::exception& e) {
    Log(LogModel::kError,
        tr("Cannot compare %1 and %2: %3").arg(a, b, QString::fromUtf8(e.what())));
    return nullptr;
  }
  const std::vector<ConfigDifference> diff = ConfigDiff(ca, cb);
  auto* dialog = new QDialog(this);
  dialog->setObjectName("trainConfigDiff");
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setWindowTitle(tr("Config of %1 and %2").arg(a, b));
  auto* layout = new QVBoxLayout(dialog);
  auto* table = new QTableWidget(static_cast<int>(diff.size()), 3, dialog);
  table->setObjectName("trainConfigDiffTable");
  table->setHorizontalHeaderLabels({tr("Option"), a, b});
  table->verticalHeader()->setVisible(false);
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  for (int i = 0; i < static_cast<int>(diff.size()); ++i) {
    const ConfigDifference& d = diff[static_cast<size_t>(i)];
    table->setItem(i, 0, new QTableWidgetItem(d.field));
    table->setItem(i, 1, new QTableWidgetItem(d.a));
    table->setItem(i, 2, new QTableWidgetItem(d.b));
  }
  table->resizeColumnsToContents();
  table->horizontalHeader()->setStretchLastSection(true);
  layout->addWidget(new QLabel(diff.empty()
                                   ? tr("The two runs have the same options.")
                                   : tr("%n option(s) differ.", "", static_cast<int>(diff.size())),
                               dialog));
  layout->addWidget(table, 1);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
  connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
  layout->addWidget(buttons);
  dialog->resize(520, 360);
  dialog->show();
  return dialog;
}

bool TrainRunsPanel::ExportPolicyTo(const QString& name, const QString& folder) {
  QString error;
  if (!ExportPolicy(Project(), name, folder, &error)) {
    Log(LogModel::kError, tr("Cannot export the policy of %1: %2").arg(name, error));
    return false;
  }
  Log(LogModel::kInfo, tr("Policy of %1 exported to %2").arg(name, folder));
  return true;
}

bool TrainRunsPanel::evaluating() const {
  return eval_ && eval_->state() != QProcess::NotRunning;
}

void TrainRunsPanel::CancelEvaluation() {
  if (!evaluating()) return;
  // SIGTERM: evaluate-policy stops after the current step of every rollout.
  Log(LogModel::kInfo, tr("Cancelling the evaluation of %1").arg(eval_run_));
  eval_->terminate();
}

bool TrainRunsPanel::Evaluate(const QString& name) {
  if (name.isEmpty() || Project().isEmpty()) return false;
  if (evaluating()) {
    Log(LogModel::kError, tr("An evaluation of %1 is going; wait for it.").arg(eval_run_));
    return false;
  }
  const QString cli = dock_->process()->cli();
  if (cli.isEmpty()) {
    Log(LogModel::kError, tr("Cannot evaluate %1: the autofocus program was not found").arg(name));
    return false;
  }
  if (eval_) eval_->deleteLater();
  eval_ = new QProcess(this);
  eval_run_ = name;
  const QString dir =
      QString::fromStdString(RunDirectory(Project().toStdString(), name.toStdString()).string());
  QProcess* p = eval_;
  connect(p, &QProcess::finished, this, [this, p, name](int code, QProcess::ExitStatus status) {
    const QByteArray out = p->readAllStandardOutput();
    eval_messages_ += QString::fromUtf8(eval_err_ + p->readAllStandardError());
    const QString err = eval_messages_.trimmed().section('\n', -3);
    eval_progress_->setVisible(false);
    eval_cancel_->setVisible(false);
    if (status != QProcess::NormalExit || code != 0) {
      Log(LogModel::kError, tr("Evaluation of %1 failed (exit code %2): %3")
                                .arg(name)
                                .arg(code)
                                .arg(err.isEmpty() ? tr("no message") : err));
      Q_EMIT evaluationFinished(name, QByteArray());
    } else {
      // The last JSON object with a mean_score is the result (the whole output is one
      // pretty-printed object, or one object per line).
      QString score;
      Json result;
      std::vector<QByteArray> candidates = {out};
      for (const QByteArray& line : out.split('\n')) candidates.push_back(line);
      for (const QByteArray& text : candidates) {
        const Json j =
            Json::parse(text.constData(), text.constData() + text.size(), nullptr, false);
        if (j.is_object() && j.contains("mean_score") && j["mean_score"].is_number()) {
          score = QString::number(j["mean_score"].get<double>(), 'g', 4);
          result = j;
        }
      }
      if (result.contains("runs")) {
        if (!eval_view_) eval_view_ = new TrainEvalView(this);
        eval_view_->SetResult(name, result);
        eval_view_->show();
        eval_view_->raise();
      }
      Log(LogModel::kInfo, score.isEmpty()
                               ? tr("Evaluation of %1 finished").arg(name)
                               : tr("Evaluation of %1 finished: mean score %2").arg(name, score));
      Q_EMIT evaluationFinished(name, out);
    }
    model_->Refresh();  // RUN/evaluations/*.json give the closed-loop column
    UpdateButtons();
  });
  connect(p, &QProcess::errorOccurred, this, [this, p, name](QProcess::ProcessError e) {
    if (e != QProcess::FailedToStart) return;
    Log(LogModel::kError, tr("Evaluation of %1 could not start: %2").arg(name, p->errorString()));
    Q_EMIT evaluationFinished(name, QByteArray());
    UpdateButtons();
  });
  Log(LogModel::kInfo, tr("Evaluating %1 in the sample world").arg(name));
  connect(p, &QProcess::readyReadStandardError, this, [this, p] {
    // Progress lines {"done","total",...} arrive on stderr; anything else is kept for errors.
    eval_err_ += p->readAllStandardError();
    int cut = eval_err_.lastIndexOf('\n');
    if (cut < 0) return;
    for (const QByteArray& line : eval_err_.left(cut).split('\n')) {
      const Json j = Json::parse(line.constData(), line.constData() + line.size(), nullptr, false);
      if (j.is_object() && j.contains("done") && j.contains("total") && j["total"].is_number() &&
          j["total"].get<double>() > 0) {
        eval_progress_->setRange(0, j["total"].get<int>());
        eval_progress_->setValue(j["done"].get<int>());
      } else if (!line.trimmed().isEmpty()) {
        eval_messages_ += QString::fromUtf8(line) + '\n';
      }
    }
    eval_err_ = eval_err_.mid(cut + 1);
  });
  eval_err_.clear();
  eval_messages_.clear();
  eval_progress_->setRange(0, 0);  // busy until the first progress line
  eval_progress_->setFormat(tr("Evaluating %1: %p%").arg(name));
  eval_progress_->setVisible(true);
  eval_cancel_->setVisible(true);
  p->start(cli, {"evaluate-policy", dir, "--json", "--progress", "json", "--video",
                 dir + "/evaluations/videos"});
  UpdateButtons();
  return true;
}

}  // namespace autofocus

#include "widgets/train/train_runs_panel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "widgets/train/train_dock.h"
#include "widgets/train/train_runs_model.h"

namespace autofocus {

TrainRunsPanel::TrainRunsPanel(TrainRunsModel* model, TrainDock* dock, QWidget* parent)
    : QWidget(parent), model_(model), dock_(dock) {
  setObjectName("trainRunsPanel");
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(Qt::UserRole);
  table_ = new QTableView(this);
  table_->setObjectName("trainRunsTable");
  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(TrainRunsModel::kCreated, Qt::AscendingOrder);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setStretchLastSection(true);
  layout->addWidget(table_, 1);
  auto* row = new QHBoxLayout;
  refresh_ = new QPushButton(tr("Refresh"), this);
  refresh_->setObjectName("trainRunsRefresh");
  resume_ = new QPushButton(tr("Resume"), this);
  resume_->setObjectName("trainRunsResume");
  resume_->setToolTip(tr("Continue the selected run from its last checkpoint"));
  curves_ = new QPushButton(tr("Show Curves"), this);
  curves_->setObjectName("trainRunsCurves");
  curves_->setToolTip(tr("Show the selected run's recorded metrics in the Train dock"));
  row->addWidget(refresh_);
  row->addStretch(1);
  row->addWidget(curves_);
  row->addWidget(resume_);
  layout->addLayout(row);

  connect(refresh_, &QPushButton::clicked, model_, &TrainRunsModel::Refresh);
  connect(resume_, &QPushButton::clicked, this, [this] { dock_->Resume(selectedRun()); });
  connect(curves_, &QPushButton::clicked, this, [this] { dock_->ShowRun(selectedRun()); });
  connect(table_, &QTableView::doubleClicked, this, [this] { dock_->ShowRun(selectedRun()); });
  connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &TrainRunsPanel::UpdateButtons);
  // A refresh resets the model: keep the selection on the same run.
  connect(model_, &TrainRunsModel::modelAboutToBeReset, this, [this] { keep_ = selectedRun(); });
  connect(model_, &TrainRunsModel::refreshed, this, [this] {
    SelectRun(keep_);
    UpdateButtons();
  });
  connect(dock_, &TrainDock::runFinished, this, &TrainRunsPanel::UpdateButtons);
  UpdateButtons();
}

QString TrainRunsPanel::selectedRun() const {
  const QModelIndexList rows = table_->selectionModel()->selectedRows(TrainRunsModel::kName);
  return rows.isEmpty() ? QString() : rows.front().data(Qt::UserRole).toString();
}

void TrainRunsPanel::SelectRun(const QString& name) {
  const int row = model_->RowOf(name);
  if (row < 0) return;
  table_->selectRow(proxy_->mapFromSource(model_->index(row, 0)).row());
}

void TrainRunsPanel::UpdateButtons() {
  const int row = model_->RowOf(selectedRun());
  const std::string status = row >= 0 ? model_->run(row).summary.status : std::string();
  // A run killed without SIGTERM still says "running" in run.json: it resumes like a stopped one.
  resume_->setEnabled(!dock_->running() &&
                      (status == "stopped" || status == "running" || status == "failed"));
  curves_->setEnabled(row >= 0 && !dock_->running());
}

}  // namespace autofocus

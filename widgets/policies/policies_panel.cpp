#include "widgets/policies/policies_panel.h"

#include <QDockWidget>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include "widgets/main_window.h"
#include "widgets/policies/compare_data.h"
#include "widgets/policies/compare_view.h"
#include "widgets/policies/policies_model.h"
#include "widgets/studio_document.h"
#include "widgets/timeline/metric_lanes.h"
#include "widgets/timeline_view.h"
#include "widgets/train/train_install.h"
#include "widgets/train/train_runs_model.h"
#include "widgets/train/train_runs_panel.h"

namespace autofocus {

PoliciesPanel::PoliciesPanel(StudioDocument* doc, QWidget* parent)
    : QWidget(parent),
      doc_(doc),
      model_(new PoliciesModel(this)),
      data_(new CompareData(doc, this)) {
  setObjectName("policiesPanel");
  table_ = new QTableView(this);
  table_->setObjectName("policiesTable");
  table_->setModel(model_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->verticalHeader()->hide();
  auto* compare = new QPushButton(tr("Compare…"), this);
  compare->setObjectName("policiesCompare");
  compare->setToolTip(tr("Open the attention compare view on the checked policies"));
  auto* refresh = new QPushButton(tr("Refresh"), this);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(compare);
  buttons->addWidget(refresh);
  buttons->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addWidget(table_, 1);
  layout->addLayout(buttons);

  // A window of its own: four panes need more room than a dock beside the frame view.
  window_ = new QWidget(this, Qt::Window);
  window_->setObjectName("compareWindow");
  window_->setWindowTitle(tr("Compare attention"));
  view_ = new CompareView(doc, data_, window_);
  auto* wl = new QVBoxLayout(window_);
  wl->setContentsMargins(4, 4, 4, 4);
  wl->addWidget(view_);
  window_->resize(1100, 760);

  connect(compare, &QPushButton::clicked, this, [this] { OpenCompare(); });
  connect(refresh, &QPushButton::clicked, model_, &PoliciesModel::Refresh);
  connect(model_, &PoliciesModel::checkedChanged, this, &PoliciesPanel::UpdateSources);
  connect(data_, &CompareData::attentionState, model_, &PoliciesModel::SetAttentionState);
  connect(doc_, &StudioDocument::projectChanged, this, [this] {
    model_->SetProject(doc_->store() ? QString::fromStdString(doc_->store()->root().string())
                                     : QString());
    UpdateSources();
  });
}

void PoliciesPanel::UpdateSources() {
  QStringList available;
  for (int r = 0; r < model_->rowCount(); ++r)
    available << "run:" + model_->index(r, PoliciesModel::kName).data().toString();
  available << "ref:saliency"
            << "ref:gaze"
            << "ref:ground-truth";
  view_->SetAvailableSources(available);
  QStringList ids;
  for (const auto& run : model_->checkedRuns().mid(0, 3)) ids << "run:" + run;
  if (!ids.isEmpty()) ids << "ref:saliency";
  view_->SetSources(ids);
}

void PoliciesPanel::OpenCompare(const QStringList& runs) {
  if (!runs.isEmpty()) {
    model_->Refresh();
    for (int r = 0; r < model_->rowCount(); ++r) {
      const QString name = model_->index(r, PoliciesModel::kName).data().toString();
      model_->SetChecked(name, runs.contains(name));
    }
  }
  UpdateSources();
  window_->show();
  window_->raise();
  window_->activateWindow();
}

PoliciesPanel* InstallPolicies(MainWindow* w) {
  auto* panel = new PoliciesPanel(w->document(), w);
  auto* dock = new QDockWidget(QObject::tr("Policies"), w);
  dock->setObjectName("dock_policies");
  dock->setWidget(panel);
  w->AddDock(dock, Qt::BottomDockWidgetArea);
  if (auto* runs = w->findChild<QDockWidget*>("dock_train_runs")) w->tabifyDockWidget(runs, dock);
  if (auto* timeline = w->findChild<QDockWidget*>("dock_timeline")) timeline->raise();
  // The compare view's metric lanes also appear in the timeline, on its zoomable axis; its
  // selected range is the strip export's range.
  if (TimelineView* timeline = w->timelineView()) {
    QObject::connect(panel->compareData(), &CompareData::changed, timeline, [panel, timeline] {
      timeline->metricLanes()->SetLanes(CompareMetricLanes(*panel->compareData()));
    });
    QObject::connect(timeline, &TimelineView::rangeSelected, panel->compareView(),
                     &CompareView::SetStripRange);
  }
  const TrainUi train = FindTrainUi(w);
  if (train.panel) {
    train.panel->SetAttentionAvailable(true);
    QObject::connect(train.panel, &TrainRunsPanel::compareAttentionRequested, panel,
                     [panel](const QStringList& runs) { panel->OpenCompare(runs); });
  }
  // New, renamed and finished runs appear in the Policies list as in the runs registry.
  if (train.runs) {
    QObject::connect(train.runs, &QAbstractItemModel::modelReset, panel->model(),
                     &PoliciesModel::Refresh);
    QObject::connect(train.runs, &QAbstractItemModel::rowsInserted, panel->model(),
                     &PoliciesModel::Refresh);
  }
  return panel;
}

}  // namespace autofocus

#include "widgets/train/train_curves.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QTimer>
#include <QVBoxLayout>
#include <fstream>
#include <string>

#include "widgets/qcustomplot_include.h"

namespace autofocus {
namespace {

// Replots at most every 100 ms: a run logging every step can emit hundreds of records a second.
constexpr int kReplotMs = 100;

}  // namespace

TrainCurves::TrainCurves(QWidget* parent) : QWidget(parent) {
  setObjectName("trainCurves");
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* row = new QHBoxLayout;
  log_scale_ = new QCheckBox(tr("Log scale"), this);
  log_scale_->setObjectName("trainLogScale");
  row->addStretch(1);
  row->addWidget(log_scale_);
  layout->addLayout(row);
  replot_timer_ = new QTimer(this);
  replot_timer_->setSingleShot(true);
  replot_timer_->setInterval(kReplotMs);
  connect(replot_timer_, &QTimer::timeout, this, &TrainCurves::Replot);
  connect(log_scale_, &QCheckBox::toggled, this, &TrainCurves::SetLogScale);
#ifdef AUTOFOCUS_STUDIO_HAS_QCUSTOMPLOT
  plot_ = new QCustomPlot(this);
  plot_->setObjectName("trainPlot");
  plot_->setMinimumHeight(160);
  StyleStudioPlot(plot_, palette());
  plot_->xAxis->setLabel(tr("step"));
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  const QString names[kSeriesCount] = {tr("training loss"), tr("training BC"), tr("regulariser"),
                                       tr("validation BC")};
  const QColor colors[kSeriesCount] = {QColor(90, 160, 250), QColor(90, 200, 120),
                                       QColor(230, 200, 80), QColor(240, 110, 90)};
  for (int s = 0; s < kSeriesCount; ++s) {
    QCPGraph* g = plot_->addGraph();
    g->setName(names[s]);
    g->setPen(QPen(colors[s], s == kValBc ? 2.0 : 1.4));
    if (s == kValBc) g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
  }
  layout->addWidget(plot_, 1);
#else
  auto* none = new QLabel(tr("Built without QCustomPlot: no curves."), this);
  layout->addWidget(none, 1);
#endif
}

void TrainCurves::Clear() {
  counts_.fill(0);
#ifdef AUTOFOCUS_STUDIO_HAS_QCUSTOMPLOT
  for (int s = 0; s < kSeriesCount; ++s) plot_->graph(s)->data()->clear();
#endif
  ScheduleReplot();
}

void TrainCurves::AddRecord(const Json& r) {
  if (!r.is_object() || !r.contains("step") || !r["step"].is_number()) return;
  const double x = r["step"].get<double>();
  const std::string type = r.value("type", "");
  auto add = [&](Series s, const char* key) {
    if (!r.contains(key) || !r[key].is_number()) return;
    ++counts_[static_cast<size_t>(s)];
#ifdef AUTOFOCUS_STUDIO_HAS_QCUSTOMPLOT
    plot_->graph(s)->addData(x, r[key].get<double>());
#endif
  };
  if (type == "step") {
    add(kLoss, "loss");
    add(kBc, "bc");
    add(kReg, "reg");
  } else if (type == "epoch") {
    add(kValBc, "val_bc");
  } else {
    return;
  }
  ScheduleReplot();
}

void TrainCurves::LoadMetricsFile(const std::filesystem::path& file) {
  Clear();
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    const Json j = Json::parse(line, nullptr, false);
    if (!j.is_discarded()) AddRecord(j);
  }
}

void TrainCurves::SetLogScale(bool on) {
  if (log_scale_->isChecked() != on) log_scale_->setChecked(on);  // re-enters once via toggled
#ifdef AUTOFOCUS_STUDIO_HAS_QCUSTOMPLOT
  const bool is_log = plot_->yAxis->scaleType() == QCPAxis::stLogarithmic;
  if (is_log == on) return;
  plot_->yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  if (on) {
    plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  } else {
    plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  }
  ScheduleReplot();
#endif
}

bool TrainCurves::logScale() const {
  return log_scale_->isChecked();
}

void TrainCurves::ScheduleReplot() {
  if (!replot_timer_->isActive()) replot_timer_->start();
}

void TrainCurves::Replot() {
  ++replots_;
#ifdef AUTOFOCUS_STUDIO_HAS_QCUSTOMPLOT
  // Rescaling follows the axis type: a log axis only looks at the positive values (a zero
  // regulariser term of plain BC cannot break it).
  plot_->rescaleAxes();
  plot_->replot(QCustomPlot::rpQueuedReplot);
#endif
}

}  // namespace autofocus

#include "widgets/train/train_curves.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <string>

#include "widgets/qcustomplot_include.h"

namespace autofocus {
namespace {

// Replots at most every 100 ms: a run logging every step can emit hundreds of records a second.
constexpr int kReplotMs = 100;
// The slider works in hundredths; 0.99 is TensorBoard's maximum too.
constexpr int kSmoothingSteps = 99;

// The metrics key of each series, in Series order.
constexpr const char* kKeys[TrainCurves::kSeriesCount] = {
    "loss", "bc", "reg", "val_bc", "lr", "samples_per_s", "data_wait"};

bool InView(TrainCurves::Series s, TrainCurves::View v) {
  switch (v) {
    case TrainCurves::kLosses:
      return s <= TrainCurves::kValBc;
    case TrainCurves::kLearningRate:
      return s == TrainCurves::kLr;
    case TrainCurves::kThroughput:
      return s == TrainCurves::kSamplesPerS;
    case TrainCurves::kDataWaitShare:
      return s == TrainCurves::kDataWait;
    default:
      return false;
  }
}

// TensorBoard's smoothing: an exponential moving average debiased by 1 - w^n, so the first
// points are not pulled towards zero. Validation dots are sparse and stay raw.
QVector<double> Smooth(const std::vector<QPointF>& raw, double w) {
  QVector<double> out;
  out.reserve(static_cast<int>(raw.size()));
  double last = 0;
  int n = 0;
  for (const QPointF& p : raw) {
    if (w <= 0) {
      out << p.y();
      continue;
    }
    last = last * w + (1 - w) * p.y();
    ++n;
    out << last / (1 - std::pow(w, n));
  }
  return out;
}

}  // namespace

TrainCurves::TrainCurves(QWidget* parent) : QWidget(parent), tracks_(1) {
  setObjectName("trainCurves");
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* row = new QHBoxLayout;
  view_ = new QComboBox(this);
  view_->setObjectName("trainCurvesView");
  view_->addItem(tr("Losses"), kLosses);
  view_->addItem(tr("Learning rate"), kLearningRate);
  view_->addItem(tr("Samples/s"), kThroughput);
  view_->addItem(tr("Data-wait share"), kDataWaitShare);
  view_->setToolTip(tr("Which curves the plot shows"));
  smoothing_ = new QSlider(Qt::Horizontal, this);
  smoothing_->setObjectName("trainSmoothing");
  smoothing_->setRange(0, kSmoothingSteps);
  smoothing_->setMaximumWidth(140);
  smoothing_->setToolTip(
      tr("Exponential moving average of the curves (display only; the recorded values stay)"));
  smoothing_value_ = new QLabel(QStringLiteral("0.00"), this);
  log_scale_ = new QCheckBox(tr("Log scale"), this);
  log_scale_->setObjectName("trainLogScale");
  row->addWidget(view_);
  row->addStretch(1);
  row->addWidget(new QLabel(tr("Smoothing"), this));
  row->addWidget(smoothing_);
  row->addWidget(smoothing_value_);
  row->addWidget(log_scale_);
  layout->addLayout(row);
  replot_timer_ = new QTimer(this);
  replot_timer_->setSingleShot(true);
  replot_timer_->setInterval(kReplotMs);
  connect(replot_timer_, &QTimer::timeout, this, &TrainCurves::Replot);
  connect(log_scale_, &QCheckBox::toggled, this, &TrainCurves::SetLogScale);
  connect(smoothing_, &QSlider::valueChanged, this, [this](int v) {
    smoothing_value_->setText(QLocale::c().toString(v / 100.0, 'f', 2));
    ScheduleReplot();
  });
  connect(view_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          &TrainCurves::ScheduleReplot);
#ifdef AUTOFOCUS_STUDIO_HAS_QCUSTOMPLOT
  plot_ = new QCustomPlot(this);
  plot_->setObjectName("trainPlot");
  plot_->setMinimumHeight(160);
  StyleStudioPlot(plot_, palette());
  plot_->xAxis->setLabel(tr("step"));
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  plot_->legend->setVisible(true);
  QFont legend_font = font();
  legend_font.setPointSizeF(
      std::max(6.0, legend_font.pointSizeF() - 2));  // keeps the curves visible
  plot_->legend->setFont(legend_font);
  plot_->legend->setBrush(QColor(0, 0, 0, 90));
  plot_->legend->setTextColor(palette().color(QPalette::WindowText));
  layout->addWidget(plot_, 1);
#else
  auto* none = new QLabel(tr("Built without QCustomPlot: no curves."), this);
  layout->addWidget(none, 1);
#endif
}

void TrainCurves::Clear() {
  const QString label = tracks_[0].label;
  tracks_[0] = Track();
  tracks_[0].label = label;
  ScheduleReplot();
}

bool TrainCurves::AddTo(Track* t, const Json& r) {
  if (!r.is_object() || !r.contains("step") || !r["step"].is_number()) return false;
  const double x = r["step"].get<double>();
  const std::string type = r.value("type", "");
  bool added = false;
  auto add = [&](Series s) {
    const char* key = kKeys[s];
    if (!r.contains(key) || !r[key].is_number()) return;
    t->raw[static_cast<size_t>(s)].emplace_back(x, r[key].get<double>());
    added = true;
  };
  if (type == "step") {
    t->has_steps = true;
    for (int s = 0; s < kSeriesCount; ++s) {
      if (s != kValBc) add(static_cast<Series>(s));
    }
  } else if (type == "epoch") {
    add(kValBc);
    // A run logging per epoch only (log_every 0) has its curves in the epoch records.
    if (!t->has_steps) {
      for (int s = 0; s < kSeriesCount; ++s) {
        if (s != kValBc) add(static_cast<Series>(s));
      }
    }
  }
  return added;
}

void TrainCurves::AddRecord(const Json& r) {
  if (AddTo(&tracks_[0], r)) ScheduleReplot();
}

void TrainCurves::LoadInto(Track* t, const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    const Json j = Json::parse(line, nullptr, false);
    if (!j.is_discarded()) AddTo(t, j);
  }
}

void TrainCurves::LoadMetricsFile(const std::filesystem::path& file) {
  Clear();
  LoadInto(&tracks_[0], file);
  ScheduleReplot();
}

void TrainCurves::SetMainLabel(const QString& label) {
  tracks_[0].label = label;
  ScheduleReplot();
}

void TrainCurves::SetOverlays(const std::vector<std::pair<QString, std::filesystem::path>>& runs) {
  tracks_.resize(1);
  for (const auto& [label, file] : runs) {
    Track t;
    t.label = label;
    LoadInto(&t, file);
    tracks_.push_back(std::move(t));
  }
  ScheduleReplot();
}

int TrainCurves::pointCount(Series s, int track) const {
  if (track < 0 || track >= static_cast<int>(tracks_.size())) return 0;
  return static_cast<int>(tracks_[static_cast<size_t>(track)].raw[static_cast<size_t>(s)].size());
}

QVector<double> TrainCurves::displayedValues(Series s, int track) const {
  if (track < 0 || track >= static_cast<int>(tracks_.size())) return {};
  const auto& raw = tracks_[static_cast<size_t>(track)].raw[static_cast<size_t>(s)];
  return Smooth(raw, s == kValBc ? 0.0 : smoothing());
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

void TrainCurves::SetSmoothing(double weight) {
  smoothing_->setValue(static_cast<int>(std::lround(std::clamp(weight, 0.0, 0.99) * 100)));
}

double TrainCurves::smoothing() const {
  return smoothing_->value() / 100.0;
}

void TrainCurves::SetView(View view) {
  view_->setCurrentIndex(view_->findData(view));
}

TrainCurves::View TrainCurves::view() const {
  return static_cast<View>(view_->currentData().toInt());
}

void TrainCurves::ScheduleReplot() {
  if (!replot_timer_->isActive()) replot_timer_->start();
}

void TrainCurves::Replot() {
  ++replots_;
#ifdef AUTOFOCUS_STUDIO_HAS_QCUSTOMPLOT
  // Graphs are rebuilt from the raw points on every replot: smoothing, the view and the
  // overlays all change what is drawn, and a few thousand points rebuild in well under 1 ms.
  plot_->clearGraphs();
  const QString names[kSeriesCount] = {tr("training loss"),  tr("training BC"),   tr("regulariser"),
                                       tr("validation BC"),  tr("learning rate"), tr("samples/s"),
                                       tr("data-wait share")};
  const QColor colors[kSeriesCount] = {
      QColor(90, 160, 250),  QColor(90, 200, 120), QColor(230, 200, 80), QColor(240, 110, 90),
      QColor(190, 140, 240), QColor(90, 200, 200), QColor(240, 160, 80)};
  // Overlaid runs get one colour each; their series differ by line style.
  const QColor run_colors[] = {QColor(240, 110, 180), QColor(120, 220, 120), QColor(250, 180, 60),
                               QColor(160, 160, 250), QColor(200, 200, 200)};
  const Qt::PenStyle styles[] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine, Qt::SolidLine};
  const View v = view();
  for (size_t t = 0; t < tracks_.size(); ++t) {
    const Track& track = tracks_[t];
    for (int s = 0; s < kSeriesCount; ++s) {
      if (!InView(static_cast<Series>(s), v)) continue;
      // Overlays of the losses view: training loss and validation BC keep the plot legible.
      if (t > 0 && v == kLosses && s != kLoss && s != kValBc) continue;
      const auto& raw = track.raw[static_cast<size_t>(s)];
      QVector<double> keys;
      keys.reserve(static_cast<int>(raw.size()));
      for (const QPointF& p : raw) keys << p.x();
      QCPGraph* g = plot_->addGraph();
      g->setName(track.label.isEmpty() ? names[s] : track.label + ": " + names[s]);
      const QColor c = t == 0 ? colors[s] : run_colors[(t - 1) % std::size(run_colors)];
      QPen pen(c, s == kValBc ? 2.0 : 1.4);
      if (t > 0) pen.setStyle(styles[std::min(s, 3)]);
      g->setPen(pen);
      if (s == kValBc) g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
      g->setData(keys, displayedValues(static_cast<Series>(s), static_cast<int>(t)), true);
    }
  }
  // Rescaling follows the axis type: a log axis only looks at the positive values (a zero
  // regulariser term of plain BC cannot break it).
  plot_->rescaleAxes();
  plot_->replot(QCustomPlot::rpQueuedReplot);
#endif
}

}  // namespace autofocus

#include "widgets/timeline/metric_lanes.h"

#include <QApplication>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include "widgets/studio_document.h"
#include "widgets/timeline/timeline_axis.h"
#include "widgets/timeline_view.h"

namespace autofocus {

TimelineMetricLanes::TimelineMetricLanes(StudioDocument* doc, TimelineAxis* axis, QWidget* parent)
    : QWidget(parent), doc_(doc), axis_(axis) {
  setObjectName("timelineMetricLanes");
  setVisible(false);
  connect(axis_, &TimelineAxis::rangeChanged, this, qOverload<>(&QWidget::update));
  connect(doc_, &StudioDocument::currentFrameChanged, this, qOverload<>(&QWidget::update));
}

void TimelineMetricLanes::SetLanes(std::vector<MetricLane> lanes) {
  lanes_ = std::move(lanes);
  setVisible(!lanes_.empty());
  updateGeometry();
  update();
}

QSize TimelineMetricLanes::sizeHint() const {
  return {400, static_cast<int>(lanes_.size()) * kLaneH + 2};
}

double TimelineMetricLanes::AxisWidth() const {
  return std::max(1, width() - TimelineLanes::kGutter - TimelineLanes::kRightMargin);
}

void DrawMetricLane(QPainter& p, const MetricLane& lane, const QRectF& area, int gutter,
                    const std::function<double(int)>& x_of, int first, int last) {
  const QPalette pal = qApp->palette();
  p.setPen(pal.text().color());
  p.drawText(QRectF(area.left() + 4, area.top(), gutter - 8, area.height()),
             Qt::AlignVCenter | Qt::AlignLeft,
             p.fontMetrics().elidedText(lane.label, Qt::ElideMiddle, gutter - 8));
  p.setPen(QColor(128, 128, 128, 70));
  p.drawLine(QPointF(area.left() + gutter, area.bottom() - 0.5),
             QPointF(area.right(), area.bottom() - 0.5));
  p.save();
  p.setClipRect(QRectF(area.left() + gutter, area.top(), area.width() - gutter, area.height()));
  QPainterPath path;
  bool open = false;
  last = std::min(last, static_cast<int>(lane.values.size()) - 1);
  for (int t = std::max(0, first); t <= last; ++t) {
    const double v = lane.values[static_cast<size_t>(t)];
    if (!std::isfinite(v)) {
      open = false;
      continue;
    }
    const double f =
        lane.hi > lane.lo ? std::clamp((v - lane.lo) / (lane.hi - lane.lo), 0.0, 1.0) : 0.5;
    const QPointF pt(x_of(t), area.bottom() - 2 - f * (area.height() - 4));
    if (open)
      path.lineTo(pt);
    else
      path.moveTo(pt);
    open = true;
  }
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(QPen(lane.colour, 1.5));
  p.drawPath(path);
  p.restore();
}

void TimelineMetricLanes::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().base());
  const double left = TimelineLanes::kGutter, w = AxisWidth();
  // The sample sits at the centre of its frame's cell, as the track lanes draw frames.
  const auto x_of = [&](int t) { return axis_->ToPixel(t + 0.5, left, w); };
  const int first = static_cast<int>(std::floor(axis_->start())) - 1;
  const int last = static_cast<int>(std::ceil(axis_->end())) + 1;
  for (size_t i = 0; i < lanes_.size(); ++i) {
    DrawMetricLane(p, lanes_[i], QRectF(0, static_cast<double>(i) * kLaneH, left + w, kLaneH),
                   TimelineLanes::kGutter, x_of, first, last);
  }
  const double x = x_of(doc_->currentFrame());
  if (x >= left && x <= left + w) {
    p.setPen(QPen(QColor(255, 80, 70), 2));
    p.drawLine(QPointF(x, 0), QPointF(x, height()));
  }
}

void TimelineMetricLanes::Scrub(double x) {
  const int n = doc_->frameCount();
  if (n <= 0 || x < TimelineLanes::kGutter) return;
  const double f = axis_->ToFrame(x, TimelineLanes::kGutter, AxisWidth());
  doc_->SetCurrentFrame(std::clamp(static_cast<int>(std::floor(f)), 0, n - 1));
}

void TimelineMetricLanes::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) Scrub(event->position().x());
}

void TimelineMetricLanes::mouseMoveEvent(QMouseEvent* event) {
  if (event->buttons() & Qt::LeftButton) Scrub(event->position().x());
}

void TimelineMetricLanes::wheelEvent(QWheelEvent* event) {
  // Ctrl+wheel zooms and Shift+wheel pans the shared axis, as everywhere on the timeline.
  if (!axis_->HandleWheel(event, TimelineLanes::kGutter, AxisWidth())) event->ignore();
}

}  // namespace autofocus

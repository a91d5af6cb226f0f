#pragma once

#include <QColor>
#include <QString>
#include <QWidget>
#include <functional>
#include <vector>

class QPainter;

namespace autofocus {

class StudioDocument;
class TimelineAxis;

// One per-frame series shown as a timeline lane (e.g. a policy's CC against the saliency
// target, or the disagreement of two policies).
struct MetricLane {
  QString label;               // in the gutter, e.g. "bc cc saliency"
  std::vector<double> values;  // one per frame; NaN where undefined
  double lo = 0, hi = 1;       // value range drawn bottom..top
  QColor colour;               // line colour
};

// Draws `lane` into `area` (label in [area.left, area.left + gutter), the series right of it):
// frames first..last, frame t at x_of(t). Shared by the timeline and the compare view.
void DrawMetricLane(QPainter& p, const MetricLane& lane, const QRectF& area, int gutter,
                    const std::function<double(int)>& x_of, int first, int last);

// Metric lanes of the timeline, on the shared TimelineAxis under the same gutter as the track
// lanes, with the playhead; hidden while there are none. A click or drag scrubs.
class TimelineMetricLanes : public QWidget {
  Q_OBJECT
 public:
  // Height of one metric lane.
  static constexpr int kLaneH = 22;
  TimelineMetricLanes(StudioDocument* doc, TimelineAxis* axis, QWidget* parent = nullptr);
  void SetLanes(std::vector<MetricLane> lanes);
  const std::vector<MetricLane>& lanes() const { return lanes_; }
  QSize sizeHint() const override;
  QSize minimumSizeHint() const override { return sizeHint(); }

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;

 private:
  double AxisWidth() const;
  void Scrub(double x);

  StudioDocument* doc_;
  TimelineAxis* axis_;
  std::vector<MetricLane> lanes_;
};

}  // namespace autofocus

#include "widgets/timeline/timeline_axis.h"

#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace autofocus {

TimelineAxis::TimelineAxis(QObject* parent) : QObject(parent) {}

void TimelineAxis::SetFrameCount(int frames) {
  frames_ = std::max(0, frames);
  ClearSelection();
  start_ = 0;
  span_ = std::max(1, frames_);
  Q_EMIT rangeChanged(start(), end());
}

bool TimelineAxis::fitted() const {
  return start_ <= 0 && span_ >= std::max(1, frames_);
}

double TimelineAxis::MinSpan() const {
  return std::min<double>(kMinSpan, std::max(1, frames_));
}

void TimelineAxis::Store(double start, double span) {
  const double n = std::max(1, frames_);
  span = std::clamp(span, MinSpan(), n);
  start = std::clamp(start, 0.0, n - span);
  if (start == start_ && span == span_) return;
  start_ = start;
  span_ = span;
  Q_EMIT rangeChanged(start_, end());
}

void TimelineAxis::SetRange(double start, double end) {
  Store(start, end - start);
}

void TimelineAxis::Fit() {
  Store(0, std::max(1, frames_));
}

void TimelineAxis::ZoomAt(double factor, double anchor) {
  if (factor <= 0) return;
  // The anchor keeps its share of the span on either side, so the pixel under it is unchanged.
  const double share = (anchor - start_) / span_;
  const double span =
      std::clamp(span_ / factor, MinSpan(), static_cast<double>(std::max(1, frames_)));
  Store(anchor - share * span, span);
}

void TimelineAxis::PanBy(double frames) {
  Store(start_ + frames, span_);
}

void TimelineAxis::EnsureVisible(int frame) {
  if (frame >= start_ && frame + 1 <= end()) return;
  // Page rather than scroll frame by frame: the view stays still for most of the playback.
  if (frame + 1 > end()) {
    Store(frame - 0.1 * span_, span_);
  } else {
    Store(frame + 1 - 0.9 * span_, span_);
  }
}

double TimelineAxis::ToPixel(double frame, double left, double width) const {
  return left + (frame - start_) * std::max(1.0, width) / span_;
}

double TimelineAxis::ToFrame(double x, double left, double width) const {
  return start_ + (x - left) * span_ / std::max(1.0, width);
}

bool TimelineAxis::HandleWheel(QWheelEvent* event, double left, double width) {
  const QPoint delta = event->angleDelta();
  const double x = event->position().x();
  if (event->modifiers() & Qt::ControlModifier) {
    if (delta.y() == 0) return false;
    ZoomAt(std::pow(1.25, delta.y() / 120.0), ToFrame(x, left, width));
    event->accept();
    return true;
  }
  // Shift turns a vertical wheel into a horizontal one on most platforms, but not all.
  const int steps =
      delta.x() != 0 ? -delta.x() : ((event->modifiers() & Qt::ShiftModifier) ? -delta.y() : 0);
  if (steps == 0) return false;
  PanBy(span_ * 0.1 * steps / 120.0);
  event->accept();
  return true;
}

void TimelineAxis::SetSelection(int first, int last) {
  if (frames_ <= 0) return;
  const int a = std::clamp(std::min(first, last), 0, frames_ - 1);
  const int b = std::clamp(std::max(first, last), 0, frames_ - 1);
  if (a == sel_first_ && b == sel_last_) return;
  sel_first_ = a;
  sel_last_ = b;
  Q_EMIT selectionChanged(a, b);
}

void TimelineAxis::ClearSelection() {
  if (sel_first_ < 0) return;
  sel_first_ = sel_last_ = -1;
  Q_EMIT selectionChanged(-1, -1);
}

}  // namespace autofocus

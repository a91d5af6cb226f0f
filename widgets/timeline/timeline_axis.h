#pragma once

#include <QObject>

class QWheelEvent;

namespace autofocus {

// The one time axis every part of the timeline shares (ruler, sub-sequences, coverage, track
// lanes and the action plot): the visible frame range [start, end) in fractional frames of an
// episode of frameCount() frames, and a selected range of whole frames (for loop playback,
// export and training selections). Each part maps frames to its own pixels with ToPixel() /
// ToFrame() over the same [left, left + width) span, so the parts line up.
class TimelineAxis : public QObject {
  Q_OBJECT
 public:
  // The closest zoom: this many frames across the axis (or the episode, when shorter).
  static constexpr double kMinSpan = 4;

  explicit TimelineAxis(QObject* parent = nullptr);

  // Frames of the episode; setting it fits the view and clears the selection.
  int frameCount() const { return frames_; }
  void SetFrameCount(int frames);

  // The visible range [start, end) in frames.
  double start() const { return start_; }
  double end() const { return start_ + span_; }
  double span() const { return span_; }
  // True when the whole episode is visible.
  bool fitted() const;
  // Shows [start, end), clamped to the episode and at least kMinSpan wide.
  void SetRange(double start, double end);
  // Shows the whole episode.
  void Fit();
  // Zooms by `factor` (> 1 zooms in) keeping the fractional frame `anchor` where it is on
  // screen (exactly, unless the view would leave the episode).
  void ZoomAt(double factor, double anchor);
  // Moves the view by `frames` (positive = later).
  void PanBy(double frames);
  // Pages the view so whole frame `frame` is visible (nothing when it already is).
  void EnsureVisible(int frame);

  // The pixel of fractional frame `frame` on an axis spanning [left, left + width) pixels, and
  // the fractional frame at pixel `x`.
  double ToPixel(double frame, double left, double width) const;
  double ToFrame(double x, double left, double width) const;

  // Ctrl+wheel zooms around the cursor, Shift+wheel (or a horizontal wheel) pans; returns false
  // (the event is left to the caller) for a plain vertical wheel.
  bool HandleWheel(QWheelEvent* event, double left, double width);

  // The selected range of whole frames (inclusive), or -1/-1 when none.
  bool hasSelection() const { return sel_first_ >= 0; }
  int selectionFirst() const { return sel_first_; }
  int selectionLast() const { return sel_last_; }
  // Selects frames first..last (any order, clamped to the episode).
  void SetSelection(int first, int last);
  void ClearSelection();

 Q_SIGNALS:
  // The visible range changed.
  void rangeChanged(double start, double end);
  // The selection changed (-1, -1 when cleared).
  void selectionChanged(int first, int last);

 private:
  double MinSpan() const;
  // Clamps and stores the range; emits rangeChanged when it moved.
  void Store(double start, double span);

  int frames_ = 0;
  double start_ = 0;
  double span_ = 1;
  int sel_first_ = -1;
  int sel_last_ = -1;
};

}  // namespace autofocus

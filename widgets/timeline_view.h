#pragma once

#include <QAction>
#include <QList>
#include <QTimer>
#include <QWidget>
#include <utility>
#include <vector>

#include "widgets/timeline/timeline_axis.h"
#include "widgets/timeline/track_lanes.h"

class QComboBox;
class QLabel;
class QSpinBox;
class QCustomPlot;
class QCPItemStraightLine;
class QScrollBar;

namespace autofocus {

class StudioDocument;
class TimelineMetricLanes;

// Playback and navigation over the document's cursor: play/pause at 0.25x..4x of the episode
// frame rate, step, sub-sequence and flagged-frame jumps, loop a range. Every command is a
// QAction with a stable objectName ("action_play_pause", ...) and a shortcut, so menus, the
// transport bar and the shortcuts help dialog share them.
class PlaybackController : public QObject {
  Q_OBJECT
 public:
  // The speeds offered, as multiples of the frame rate.
  static const std::vector<double>& Speeds();

  explicit PlaybackController(StudioDocument* doc, QObject* parent = nullptr);

  bool playing() const { return timer_.isActive(); }
  void SetPlaying(bool play);
  // Frames per second at 1x (default 10, the sample world's rate).
  double baseFps() const { return base_fps_; }
  void SetBaseFps(double fps);
  double speed() const { return speed_; }
  void SetSpeed(double speed);
  // Loop range (inclusive); inactive when loop is off.
  bool looping() const { return loop_; }
  void SetLooping(bool loop);
  int loopStart() const { return loop_start_; }
  int loopEnd() const { return loop_end_; }
  void SetLoopRange(int start, int end);

  void Step(int delta);
  void NextSubsequence();
  void PreviousSubsequence();
  void NextFlagged();
  // Advances one playback tick (what the timer does; public for tests).
  void Tick();

  // All navigation actions (for menus and the help dialog).
  QList<QAction*> actions() const { return actions_; }
  // The action with `object_name`, or nullptr.
  QAction* action(const QString& object_name) const;

 Q_SIGNALS:
  void stateChanged();

 private:
  QAction* Add(const QString& name, const QString& text, const QKeySequence& key,
               const QString& tip);
  void UpdateInterval();

  StudioDocument* doc_;
  QTimer timer_;
  double base_fps_ = 10;
  double speed_ = 1;
  bool loop_ = false;
  int loop_start_ = 0;
  int loop_end_ = -1;
  QList<QAction*> actions_;
  QAction* play_ = nullptr;
  QAction* loop_action_ = nullptr;
};

// The lanes part of the timeline: a fixed header (ruler, sub-sequences with boundaries, re-run
// markers and failures, the saliency-coverage strip, flagged frames) over the track lanes (one per
// track, sorted by first appearance, filtered and with the short tracks collapsed into one lane;
// presence faint, key spans solid, the selected track emphasised), the loop range, the selected
// range and the playhead, all on the shared TimelineAxis. Click or drag scrubs, Shift+drag selects
// a range, dragging the ruler (or any middle-button drag) pans, Ctrl+wheel zooms at the cursor,
// Shift+wheel pans, the wheel scrolls the lanes; clicking a lane label selects its track.
class TimelineLanes : public QWidget {
  Q_OBJECT
 public:
  TimelineLanes(StudioDocument* doc, PlaybackController* playback, TimelineAxis* axis,
                QWidget* parent = nullptr);
  // Width of the label gutter left of the frame axis (the action plot aligns to it).
  static constexpr int kGutter = 118;
  // Margin right of the frame axis (it holds the lanes' scroll bar; the plot aligns to it).
  static constexpr int kRightMargin = 14;
  // Height of one track lane.
  static constexpr int kLaneH = 15;
  // Frame under widget x (clamped to the episode) and x of a frame's left edge.
  int FrameAt(double x) const;
  double XOf(double frame) const;
  // Width in pixels of the frame axis.
  double AxisWidth() const;
  // Re-reads the tracks from the document (episode opened, annotations changed).
  void Rebuild();

  // Which lanes are shown (filter, short-track collapsing).
  const LaneOptions& laneOptions() const { return options_; }
  void SetLaneOptions(const LaneOptions& options);
  // When on, the lanes of the tracks present at the current frame are kept scrolled into view.
  bool followPlayhead() const { return follow_; }
  void SetFollowPlayhead(bool follow);
  // The lanes shown, top to bottom, and the scroll position: the first visible lane and how many
  // lanes fit.
  const std::vector<TrackLane>& shownLanes() const { return lanes_; }
  int firstVisibleLane() const { return top_lane_; }
  int visibleLaneCount() const;
  // Scrolls so lane `index` is the first visible one (clamped).
  void ScrollToLane(int index);

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  enum class Drag { kNone, kScrub, kPan, kSelect };
  // Re-applies the lane options at the current frame (and follows the playhead).
  void Reselect();
  void FollowPlayhead();
  void UpdateScrollBar();
  int LaneTop(int index) const;

  StudioDocument* doc_;
  PlaybackController* playback_;
  TimelineAxis* axis_;
  QScrollBar* lane_bar_ = nullptr;
  std::vector<TrackLane> all_lanes_;
  std::vector<TrackLane> lanes_;
  LaneOptions options_;
  bool follow_ = true;
  int top_lane_ = 0;
  Drag drag_ = Drag::kNone;
  double drag_frame_ = 0;  // pan: the fractional frame grabbed; select: the anchor frame
  bool drag_moved_ = false;
  static constexpr int kRuler = 18, kSegments = 16, kCoverage = 12,
                       kHeader = kRuler + kSegments + kCoverage + 6;
};

// The timeline dock content: transport bar (navigation, Fit, Follow, the lane filter), lanes,
// the action curves (QCustomPlot, one graph per action dimension) and a scroll bar over the
// visible range, all on one TimelineAxis under one playhead. Replots are coalesced by a
// single-shot timer.
class TimelineView : public QWidget {
  Q_OBJECT
 public:
  TimelineView(StudioDocument* doc, PlaybackController* playback, QWidget* parent = nullptr);
  TimelineLanes* lanes() const { return lanes_; }
  // Per-frame metric lanes under the track lanes (the attention compare view fills them).
  TimelineMetricLanes* metricLanes() const { return metric_lanes_; }
  // The shared time axis (visible range, selected range).
  TimelineAxis* axis() const { return axis_; }
  // The action plot (nullptr when built without QCustomPlot).
  QCustomPlot* plot() const { return plot_; }
  // The selected frame range (inclusive), or {-1, -1}.
  std::pair<int, int> selectedRange() const;

 Q_SIGNALS:
  // A range of frames was selected (-1, -1 when cleared); it also becomes the loop range.
  void rangeSelected(int first, int last);

 private:
  void RebuildPlot();
  void UpdatePlayhead();
  void UpdateTransport();
  void UpdateRange();
  void ScheduleReplot();
  void ApplyLaneFilter();

  StudioDocument* doc_;
  PlaybackController* playback_;
  TimelineAxis* axis_ = nullptr;
  TimelineLanes* lanes_ = nullptr;
  TimelineMetricLanes* metric_lanes_ = nullptr;
  QScrollBar* range_bar_ = nullptr;
  QCustomPlot* plot_ = nullptr;
  QCPItemStraightLine* playhead_ = nullptr;
  QTimer replot_timer_;
  QSpinBox* frame_box_ = nullptr;
  QComboBox* speed_box_ = nullptr;
  QComboBox* filter_box_ = nullptr;
  QSpinBox* min_length_box_ = nullptr;
  QLabel* segment_label_ = nullptr;
};

}  // namespace autofocus

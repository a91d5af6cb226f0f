#pragma once

#include <QAction>
#include <QList>
#include <QTimer>
#include <QWidget>
#include <vector>

class QComboBox;
class QLabel;
class QSpinBox;
class QCustomPlot;
class QCPItemStraightLine;
class QScrollArea;

namespace autofocus {

class StudioDocument;

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
  QAction* Add(const QString& name, const QString& text, const QKeySequence& key, const QString& tip);
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

// The lanes part of the timeline: ruler, sub-sequences (boundaries, re-run markers, failures),
// one lane per track (presence, key spans highlighted, selected track emphasised), flagged
// frames, the saliency-coverage strip, the loop range and the playhead. Click or drag scrubs;
// clicking a lane selects its track.
class TimelineLanes : public QWidget {
  Q_OBJECT
 public:
  TimelineLanes(StudioDocument* doc, PlaybackController* playback, QWidget* parent = nullptr);
  // Width of the label gutter left of the frame axis (the action plot aligns to it).
  static constexpr int kGutter = 118;
  static constexpr int kRightMargin = 10;
  // Frame under widget x (clamped) and x of a frame's left edge.
  int FrameAt(double x) const;
  double XOf(double frame) const;
  // Rebuilds the per-track runs from the document.
  void Rebuild();

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;

 private:
  struct Lane {
    int id = -1;
    QString label;
    std::vector<std::pair<int, int>> present;  // inclusive frame runs where the track is detected
    std::vector<std::pair<int, int>> key;      // runs where it is a key object
  };
  int LaneTop(int lane) const;

  StudioDocument* doc_;
  PlaybackController* playback_;
  std::vector<Lane> lanes_;
  bool scrubbing_ = false;
  static constexpr int kRuler = 18, kSegments = 16, kCoverage = 12, kLaneH = 15;
};

// The timeline dock content: transport bar, lanes and the action curves (QCustomPlot, one
// graph per action dimension) under one playhead.
class TimelineView : public QWidget {
  Q_OBJECT
 public:
  TimelineView(StudioDocument* doc, PlaybackController* playback, QWidget* parent = nullptr);
  TimelineLanes* lanes() const { return lanes_; }
  // The action plot (nullptr when built without QCustomPlot).
  QCustomPlot* plot() const { return plot_; }

 private:
  void RebuildPlot();
  void UpdatePlayhead();
  void UpdateTransport();

  StudioDocument* doc_;
  PlaybackController* playback_;
  TimelineLanes* lanes_ = nullptr;
  QScrollArea* scroll_ = nullptr;
  QCustomPlot* plot_ = nullptr;
  QCPItemStraightLine* playhead_ = nullptr;
  QSpinBox* frame_box_ = nullptr;
  QComboBox* speed_box_ = nullptr;
  QLabel* segment_label_ = nullptr;
};

}  // namespace autofocus

#include "widgets/timeline_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QSpinBox>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "widgets/colormap.h"
#include "widgets/qcustomplot_include.h"
#include "widgets/studio_document.h"
#include "widgets/studio_style.h"
#include "widgets/timeline/metric_lanes.h"

namespace autofocus {

// ---------------------------------------------------------------------------------------------
const std::vector<double>& PlaybackController::Speeds() {
  static const std::vector<double> kSpeeds = {0.25, 0.5, 1.0, 2.0, 4.0};
  return kSpeeds;
}

PlaybackController::PlaybackController(StudioDocument* doc, QObject* parent)
    : QObject(parent), doc_(doc) {
  timer_.setTimerType(Qt::PreciseTimer);
  connect(&timer_, &QTimer::timeout, this, &PlaybackController::Tick);
  UpdateInterval();

  play_ = Add("action_play_pause", tr("Play / Pause"), Qt::Key_Space, tr("Start or stop playback"));
  play_->setCheckable(true);
  connect(play_, &QAction::triggered, this, [this](bool on) { SetPlaying(on); });
  connect(Add("action_step_forward", tr("Next Frame"), Qt::Key_Right, tr("One frame forward")),
          &QAction::triggered, this, [this] { Step(1); });
  connect(Add("action_step_back", tr("Previous Frame"), Qt::Key_Left, tr("One frame back")),
          &QAction::triggered, this, [this] { Step(-1); });
  connect(Add("action_step_forward_10", tr("10 Frames Forward"),
              QKeySequence(Qt::SHIFT | Qt::Key_Right), {}),
          &QAction::triggered, this, [this] { Step(10); });
  connect(
      Add("action_step_back_10", tr("10 Frames Back"), QKeySequence(Qt::SHIFT | Qt::Key_Left), {}),
      &QAction::triggered, this, [this] { Step(-10); });
  connect(Add("action_first_frame", tr("First Frame"), Qt::Key_Home, {}), &QAction::triggered, this,
          [this] { doc_->SetCurrentFrame(0); });
  connect(Add("action_last_frame", tr("Last Frame"), Qt::Key_End, {}), &QAction::triggered, this,
          [this] { doc_->SetCurrentFrame(doc_->frameCount() - 1); });
  connect(Add("action_next_subsequence", tr("Next Sub-sequence"), Qt::Key_PageDown,
              tr("Jump to the next sub-sequence")),
          &QAction::triggered, this, &PlaybackController::NextSubsequence);
  connect(Add("action_prev_subsequence", tr("Previous Sub-sequence"), Qt::Key_PageUp,
              tr("Jump to the start of this or the previous sub-sequence")),
          &QAction::triggered, this, &PlaybackController::PreviousSubsequence);
  connect(Add("action_next_flagged", tr("Next Flagged Frame"), Qt::Key_N,
              tr("Jump to the next frame flagged for review")),
          &QAction::triggered, this, &PlaybackController::NextFlagged);
  loop_action_ =
      Add("action_loop", tr("Loop Range"), Qt::Key_L, tr("Repeat the loop range while playing"));
  loop_action_->setCheckable(true);
  connect(loop_action_, &QAction::toggled, this, &PlaybackController::SetLooping);
  connect(Add("action_loop_in", tr("Set Loop Start"), Qt::Key_I, tr("Loop from the current frame")),
          &QAction::triggered, this, [this] {
            SetLoopRange(doc_->currentFrame(), std::max(loop_end_, doc_->currentFrame()));
          });
  connect(Add("action_loop_out", tr("Set Loop End"), Qt::Key_O, tr("Loop up to the current frame")),
          &QAction::triggered, this, [this] {
            SetLoopRange(std::min(loop_start_, doc_->currentFrame()), doc_->currentFrame());
          });
  connect(
      Add("action_speed_up", tr("Faster"), Qt::Key_BracketRight, tr("Double the playback speed")),
      &QAction::triggered, this, [this] { SetSpeed(speed_ * 2); });
  connect(
      Add("action_speed_down", tr("Slower"), Qt::Key_BracketLeft, tr("Halve the playback speed")),
      &QAction::triggered, this, [this] { SetSpeed(speed_ / 2); });

  connect(doc_, &StudioDocument::episodeChanged, this, [this] {
    SetPlaying(false);
    loop_start_ = 0;
    loop_end_ = doc_->frameCount() - 1;
    Q_EMIT stateChanged();
  });
}

QAction* PlaybackController::Add(const QString& name, const QString& text, const QKeySequence& key,
                                 const QString& tip) {
  auto* a = new QAction(text, this);
  a->setObjectName(name);
  a->setShortcut(key);
  a->setShortcutContext(Qt::WindowShortcut);
  if (!tip.isEmpty()) a->setStatusTip(tip);
  a->setToolTip(key.isEmpty()
                    ? text
                    : QStringLiteral("%1 (%2)").arg(text, key.toString(QKeySequence::NativeText)));
  actions_.push_back(a);
  return a;
}

QAction* PlaybackController::action(const QString& object_name) const {
  for (QAction* a : actions_) {
    if (a->objectName() == object_name) return a;
  }
  return nullptr;
}

void PlaybackController::SetPlaying(bool play) {
  if (play && doc_->frameCount() <= 1) play = false;
  if (play == playing()) {
    play_->setChecked(play);
    return;
  }
  if (play) {
    // Starting at the end replays from the beginning (or the loop start).
    if (doc_->currentFrame() >= doc_->frameCount() - 1)
      doc_->SetCurrentFrame(loop_ ? loop_start_ : 0);
    timer_.start();
  } else {
    timer_.stop();
  }
  play_->setChecked(play);
  Q_EMIT stateChanged();
}

void PlaybackController::SetBaseFps(double fps) {
  base_fps_ = std::clamp(fps, 0.5, 240.0);
  UpdateInterval();
}

void PlaybackController::SetSpeed(double speed) {
  speed_ = std::clamp(speed, Speeds().front(), Speeds().back());
  UpdateInterval();
  Q_EMIT stateChanged();
}

void PlaybackController::UpdateInterval() {
  timer_.setInterval(std::max(1, static_cast<int>(std::lround(1000.0 / (base_fps_ * speed_)))));
}

void PlaybackController::SetLooping(bool loop) {
  loop_ = loop;
  if (loop_action_->isChecked() != loop) loop_action_->setChecked(loop);
  Q_EMIT stateChanged();
}

void PlaybackController::SetLoopRange(int start, int end) {
  const int n = doc_->frameCount();
  loop_start_ = std::clamp(std::min(start, end), 0, std::max(0, n - 1));
  loop_end_ = std::clamp(std::max(start, end), 0, std::max(0, n - 1));
  Q_EMIT stateChanged();
}

void PlaybackController::Step(int delta) {
  SetPlaying(false);
  doc_->SetCurrentFrame(doc_->currentFrame() + delta);
}

void PlaybackController::NextSubsequence() {
  const StudioEpisode* ep = doc_->episode();
  if (!ep) return;
  for (const auto& s : ep->segments) {
    if (s.start > doc_->currentFrame()) {
      doc_->SetCurrentFrame(s.start);
      return;
    }
  }
}

void PlaybackController::PreviousSubsequence() {
  const StudioEpisode* ep = doc_->episode();
  if (!ep) return;
  // Like a media player's "previous": the start of the current one, or the one before it.
  int target = 0;
  for (const auto& s : ep->segments) {
    if (s.start < doc_->currentFrame()) target = s.start;
  }
  doc_->SetCurrentFrame(target);
}

void PlaybackController::NextFlagged() {
  const int f = doc_->NextFlaggedFrame(doc_->currentFrame());
  if (f >= 0) doc_->SetCurrentFrame(f);
}

void PlaybackController::Tick() {
  const int n = doc_->frameCount();
  int next = doc_->currentFrame() + 1;
  if (loop_ && loop_end_ >= loop_start_) {
    if (next > loop_end_ || next < loop_start_) next = loop_start_;
  } else if (next >= n) {
    SetPlaying(false);
    return;
  }
  doc_->SetCurrentFrame(next);
}

// ---------------------------------------------------------------------------------------------
TimelineLanes::TimelineLanes(StudioDocument* doc, PlaybackController* playback, TimelineAxis* axis,
                             QWidget* parent)
    : QWidget(parent), doc_(doc), playback_(playback), axis_(axis) {
  setMouseTracking(false);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  lane_bar_ = new QScrollBar(Qt::Vertical, this);
  lane_bar_->setObjectName("laneScrollBar");
  connect(lane_bar_, &QScrollBar::valueChanged, this, [this](int v) {
    if (v == top_lane_) return;
    top_lane_ = v;
    update();
  });
  // The episode itself arrives through TimelineView (axis first, then the lanes).
  connect(doc_, &StudioDocument::annotationsChanged, this, &TimelineLanes::Rebuild);
  connect(doc_, &StudioDocument::currentFrameChanged, this, [this] {
    if (options_.filter == LaneFilter::kPresentNow) {
      Reselect();
    } else if (follow_) {
      FollowPlayhead();
    }
    update();
  });
  connect(doc_, &StudioDocument::selectionChanged, this, qOverload<>(&QWidget::update));
  connect(doc_, &StudioDocument::flagsChanged, this, qOverload<>(&QWidget::update));
  connect(doc_, &StudioDocument::saliencyParametersChanged, this, qOverload<>(&QWidget::update));
  connect(playback_, &PlaybackController::stateChanged, this, qOverload<>(&QWidget::update));
  connect(axis_, &TimelineAxis::rangeChanged, this, qOverload<>(&QWidget::update));
  connect(axis_, &TimelineAxis::selectionChanged, this, qOverload<>(&QWidget::update));
  UpdateScrollBar();
}

void TimelineLanes::Rebuild() {
  const StudioEpisode* ep = doc_->episode();
  all_lanes_ = ep ? BuildTrackLanes(*ep) : std::vector<TrackLane>{};
  Reselect();
}

void TimelineLanes::Reselect() {
  lanes_ = SelectLanes(all_lanes_, options_, doc_->currentFrame());
  UpdateScrollBar();
  if (follow_) FollowPlayhead();
  updateGeometry();
  update();
}

void TimelineLanes::SetLaneOptions(const LaneOptions& options) {
  options_ = options;
  Reselect();
}

void TimelineLanes::SetFollowPlayhead(bool follow) {
  follow_ = follow;
  if (follow_) FollowPlayhead();
}

int TimelineLanes::visibleLaneCount() const {
  return std::max(0, (height() - kHeader) / kLaneH);
}

void TimelineLanes::ScrollToLane(int index) {
  const int max_top = std::max(0, static_cast<int>(lanes_.size()) - visibleLaneCount());
  top_lane_ = std::clamp(index, 0, max_top);
  lane_bar_->blockSignals(true);
  lane_bar_->setValue(top_lane_);
  lane_bar_->blockSignals(false);
  update();
}

void TimelineLanes::FollowPlayhead() {
  const int t = doc_->currentFrame();
  int first = -1, last = -1, key = -1;
  for (int i = 0; i < static_cast<int>(lanes_.size()); ++i) {
    const TrackLane& lane = lanes_[static_cast<size_t>(i)];
    if (!lane.PresentAt(t)) continue;
    if (first < 0) first = i;
    last = i;
    if (key < 0 && lane.KeyAt(t)) key = i;
  }
  if (first < 0) return;
  const int visible = std::max(1, visibleLaneCount());
  if (first >= top_lane_ && last < top_lane_ + visible) return;
  if (last - first + 1 <= visible) {
    // All present lanes fit: the least scrolling that shows them.
    ScrollToLane(first < top_lane_ ? first : last - visible + 1);
    return;
  }
  // Too many to show: a key object at this frame matters most, else the first present track.
  const int anchor = key >= 0 ? key : first;
  if (anchor < top_lane_ || anchor >= top_lane_ + visible) ScrollToLane(anchor);
}

void TimelineLanes::UpdateScrollBar() {
  const int visible = visibleLaneCount();
  const int max_top = std::max(0, static_cast<int>(lanes_.size()) - visible);
  lane_bar_->setGeometry(width() - kRightMargin + 1, kHeader, kRightMargin - 2,
                         std::max(0, height() - kHeader));
  lane_bar_->blockSignals(true);
  lane_bar_->setRange(0, max_top);
  lane_bar_->setPageStep(std::max(1, visible));
  top_lane_ = std::clamp(top_lane_, 0, max_top);
  lane_bar_->setValue(top_lane_);
  lane_bar_->blockSignals(false);
  lane_bar_->setVisible(max_top > 0);
}

void TimelineLanes::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  UpdateScrollBar();
  if (follow_) FollowPlayhead();
}

QSize TimelineLanes::sizeHint() const {
  return {800, kHeader + std::min<int>(8, static_cast<int>(lanes_.size())) * kLaneH + 4};
}

QSize TimelineLanes::minimumSizeHint() const {
  return {300, kHeader + 2 * kLaneH};
}

int TimelineLanes::LaneTop(int index) const {
  return kHeader + (index - top_lane_) * kLaneH;
}

double TimelineLanes::AxisWidth() const {
  return std::max(1, width() - kGutter - kRightMargin);
}

double TimelineLanes::XOf(double frame) const {
  return axis_->ToPixel(frame, kGutter, AxisWidth());
}

int TimelineLanes::FrameAt(double x) const {
  const int n = std::max(1, doc_->frameCount());
  return std::clamp(static_cast<int>(std::floor(axis_->ToFrame(x, kGutter, AxisWidth()))), 0,
                    n - 1);
}

void TimelineLanes::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const QPalette pal = palette();
  p.fillRect(rect(), pal.color(QPalette::Base));
  const StudioEpisode* ep = doc_->episode();
  if (!ep || ep->num_frames() == 0) {
    p.setPen(pal.color(QPalette::PlaceholderText));
    p.drawText(rect(), Qt::AlignCenter, tr("No episode"));
    return;
  }
  const int n = ep->num_frames();
  const double fw = AxisWidth() / axis_->span();  // one frame's width
  const QColor grid = pal.color(QPalette::Window).lighter(125);
  const QColor text = pal.color(QPalette::Text);
  // Only whole frames that touch the view are drawn; the axis area is clipped so bars that
  // start before the view do not run over the labels.
  const int t0 = std::max(0, static_cast<int>(std::floor(axis_->start())));
  const int t1 = std::min(n, static_cast<int>(std::ceil(axis_->end())));
  const QRectF axis_area(kGutter, 0, AxisWidth(), height());
  const QRectF lanes_area(0, kHeader, width() - kRightMargin, std::max(0, height() - kHeader));
  auto visible = [&](int a, int b) { return b >= t0 && a < t1; };  // inclusive frame run a..b

  QFont small = font();
  small.setPointSizeF(small.pointSizeF() * 0.85);
  p.setFont(small);
  p.setPen(text);
  p.drawText(QRectF(4, 0, kGutter - 8, kRuler), Qt::AlignVCenter | Qt::AlignLeft, tr("frame"));
  p.drawText(QRectF(4, kRuler, kGutter - 8, kSegments), Qt::AlignVCenter | Qt::AlignLeft,
             tr("sub-sequences"));
  const int cov_top = kRuler + kSegments + 1;
  p.drawText(QRectF(4, cov_top - 1, kGutter - 8, kCoverage + 2), Qt::AlignVCenter | Qt::AlignLeft,
             tr("coverage"));

  // Track lane labels (clipped to the lanes area).
  p.save();
  p.setClipRect(lanes_area);
  const int last_lane =
      std::min<int>(static_cast<int>(lanes_.size()), top_lane_ + visibleLaneCount() + 1);
  for (int i = top_lane_; i < last_lane; ++i) {
    const TrackLane& l = lanes_[static_cast<size_t>(i)];
    const int top = LaneTop(i);
    const bool selected = l.id >= 0 && l.id == doc_->selectedTrack();
    if (selected) p.fillRect(QRectF(0, top, width(), kLaneH), QColor(255, 255, 255, 22));
    const QColor c = l.id >= 0 ? StudioStyle::TrackColor(l.id) : QColor(150, 150, 150);
    p.setPen(selected ? c.lighter(120) : text);
    const QString label =
        l.collapsed > 0 ? tr("short tracks (%1)").arg(l.collapsed)
                        : QStringLiteral("%1 #%2").arg(QString::fromStdString(l.label)).arg(l.id);
    p.drawText(QRectF(4, top, kGutter - 8, kLaneH), Qt::AlignVCenter | Qt::AlignLeft,
               p.fontMetrics().elidedText(label, Qt::ElideRight, kGutter - 8));
  }
  p.restore();

  p.save();
  p.setClipRect(axis_area);
  // Loop range and selected range.
  if (playback_->looping()) {
    p.fillRect(QRectF(XOf(playback_->loopStart()), 0,
                      XOf(playback_->loopEnd() + 1) - XOf(playback_->loopStart()), height()),
               QColor(64, 140, 220, 35));
  }
  if (axis_->hasSelection()) {
    const QRectF sel(XOf(axis_->selectionFirst()), 0,
                     XOf(axis_->selectionLast() + 1) - XOf(axis_->selectionFirst()), height());
    p.fillRect(sel, QColor(255, 255, 255, 30));
    p.setPen(QPen(QColor(230, 230, 230, 160), 1));
    p.drawLine(sel.topLeft(), sel.bottomLeft());
    p.drawLine(sel.topRight(), sel.bottomRight());
  }
  // Ruler with ticks at a readable step.
  int step = 1;
  for (int s : {1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000}) {
    step = s;
    if (s * fw >= 70) break;
  }
  for (int t = (t0 / step) * step; t < t1; t += step) {
    const double x = XOf(t);
    p.setPen(grid);
    p.drawLine(QPointF(x, kRuler - 5), QPointF(x, height()));
    p.setPen(text);
    p.drawText(QPointF(x + 3, kRuler - 6), QString::number(t));
  }

  // Sub-sequences: alternating bands, boundaries, re-run and failure markers.
  const int seg_top = kRuler;
  for (size_t i = 0; i < ep->segments.size(); ++i) {
    const auto& s = ep->segments[i];
    if (!visible(s.start, s.end)) continue;
    const QRectF r(XOf(s.start), seg_top + 2, XOf(s.end + 1) - XOf(s.start), kSegments - 4);
    QColor c = i % 2 ? QColor(90, 110, 140) : QColor(70, 88, 115);
    if (s.status != "ok") c = QColor(170, 60, 55);
    if (static_cast<int>(i) == doc_->selectedSegment()) c = c.lighter(140);
    p.fillRect(r, c);
    if (s.decided_by == "person") {
      p.fillRect(QRectF(r.left(), r.bottom() - 3, r.width(), 3), QColor(240, 190, 60));
    }
    p.setPen(QPen(QColor(200, 210, 230, 70), 1));
    p.drawLine(QPointF(r.left(), seg_top), QPointF(r.left(), height()));
    // A small triangle per re-run iteration at the start of the sub-sequence.
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(250, 200, 70));
    for (int k = 0; k < s.reruns; ++k) {
      const double x = r.left() + 5 + k * 8;
      QPolygonF tri;
      tri << QPointF(x - 4, seg_top + kSegments - 2) << QPointF(x + 4, seg_top + kSegments - 2)
          << QPointF(x, seg_top + 3);
      p.drawPolygon(tri);
    }
  }

  // Frames whose detection failed: a red tick each across the sub-sequence band.
  p.setPen(QPen(QColor(235, 70, 60), std::max(1.5, fw)));
  for (int f : ep->failed_frames) {
    if (!visible(f, f)) continue;
    const double x = XOf(f) + 0.5 * fw;
    p.drawLine(QPointF(x, seg_top + 1), QPointF(x, seg_top + kSegments - 1));
  }

  // Saliency coverage strip (stored coverage, drawn with the inferno map), under the sub-sequences.
  static const Colormap kCoverageMap(Colormap::Id::kInferno);
  if (!ep->coverage.empty()) {
    double peak = 1e-9;
    for (double c : ep->coverage) peak = std::max(peak, c);
    for (int t = t0; t < t1 && t < static_cast<int>(ep->coverage.size()); ++t) {
      p.fillRect(QRectF(XOf(t), cov_top, std::max(1.0, fw + 0.5), kCoverage),
                 QColor::fromRgb(kCoverageMap.Rgb(
                     static_cast<float>(ep->coverage[static_cast<size_t>(t)] / peak))));
    }
  } else {
    p.fillRect(QRectF(XOf(0), cov_top, XOf(n) - XOf(0), kCoverage), QColor(60, 60, 60));
  }

  // Track lanes.
  p.setClipRect(axis_area.intersected(lanes_area));
  for (int i = top_lane_; i < last_lane; ++i) {
    const TrackLane& l = lanes_[static_cast<size_t>(i)];
    const int top = LaneTop(i);
    const QColor c = l.id >= 0 ? StudioStyle::TrackColor(l.id) : QColor(150, 150, 150);
    QColor dim = c;
    dim.setAlpha(80);
    for (const auto& [a, b] : l.present) {
      if (visible(a, b)) p.fillRect(QRectF(XOf(a), top + 4, XOf(b + 1) - XOf(a), kLaneH - 8), dim);
    }
    for (const auto& [a, b] : l.key) {
      if (visible(a, b)) p.fillRect(QRectF(XOf(a), top + 2, XOf(b + 1) - XOf(a), kLaneH - 4), c);
    }
  }
  p.setClipRect(axis_area);

  // Flagged frames.
  p.setPen(Qt::NoPen);
  p.setBrush(QColor(240, 150, 40));
  for (int f : doc_->flaggedFrames()) {
    if (!visible(f, f)) continue;
    const double x = XOf(f + 0.5);
    QPolygonF flag;
    flag << QPointF(x - 4, 0) << QPointF(x + 4, 0) << QPointF(x, 6);
    p.drawPolygon(flag);
  }

  // Playhead.
  const double x = XOf(doc_->currentFrame()) + fw / 2;
  p.setPen(QPen(QColor(255, 80, 70), 2));
  p.drawLine(QPointF(x, 0), QPointF(x, height()));
  p.restore();
}

void TimelineLanes::mousePressEvent(QMouseEvent* event) {
  if (!doc_->episode()) return;
  const QPointF pos = event->position();
  drag_moved_ = false;
  if (event->button() == Qt::MiddleButton ||
      (event->button() == Qt::LeftButton && pos.y() < kRuler && pos.x() >= kGutter)) {
    // The ruler is the handle for panning, as in video editors; the middle button pans anywhere.
    drag_ = Drag::kPan;
    drag_frame_ = axis_->ToFrame(pos.x(), kGutter, AxisWidth());
    setCursor(Qt::ClosedHandCursor);
    return;
  }
  if (event->button() != Qt::LeftButton) return;
  if (pos.x() < kGutter) {
    // Clicking a lane label selects that track.
    if (pos.y() < kHeader) return;
    const int lane = top_lane_ + static_cast<int>((pos.y() - kHeader) / kLaneH);
    if (lane >= 0 && lane < static_cast<int>(lanes_.size()) &&
        lanes_[static_cast<size_t>(lane)].id >= 0) {
      doc_->SetSelectedTrack(lanes_[static_cast<size_t>(lane)].id);
    }
    return;
  }
  if (event->modifiers() & Qt::ShiftModifier) {
    drag_ = Drag::kSelect;
    drag_frame_ = FrameAt(pos.x());
    return;
  }
  drag_ = Drag::kScrub;
  playback_->SetPlaying(false);
  doc_->SetCurrentFrame(FrameAt(pos.x()));
}

void TimelineLanes::mouseMoveEvent(QMouseEvent* event) {
  const double x = event->position().x();
  drag_moved_ = true;
  switch (drag_) {
    case Drag::kScrub:
      doc_->SetCurrentFrame(FrameAt(x));
      break;
    case Drag::kPan:
      // Keep the grabbed frame under the cursor.
      axis_->PanBy(drag_frame_ - axis_->ToFrame(x, kGutter, AxisWidth()));
      break;
    case Drag::kSelect:
      axis_->SetSelection(static_cast<int>(drag_frame_), FrameAt(x));
      break;
    case Drag::kNone:
      break;
  }
}

void TimelineLanes::mouseReleaseEvent(QMouseEvent* event) {
  if (drag_ == Drag::kSelect) {
    // A Shift+click without a drag clears the selection.
    if (!drag_moved_) {
      axis_->ClearSelection();
    } else {
      axis_->SetSelection(static_cast<int>(drag_frame_), FrameAt(event->position().x()));
    }
  }
  if (drag_ == Drag::kPan) unsetCursor();
  drag_ = Drag::kNone;
}

void TimelineLanes::wheelEvent(QWheelEvent* event) {
  if (axis_->HandleWheel(event, kGutter, AxisWidth())) return;
  // A plain wheel scrolls the lanes, three at a notch.
  ScrollToLane(top_lane_ - 3 * event->angleDelta().y() / 120);
  event->accept();
}

// ---------------------------------------------------------------------------------------------
TimelineView::TimelineView(StudioDocument* doc, PlaybackController* playback, QWidget* parent)
    : QWidget(parent), doc_(doc), playback_(playback) {
  axis_ = new TimelineAxis(this);
  replot_timer_.setSingleShot(true);
  replot_timer_.setInterval(0);
  auto* transport = new QWidget(this);
  auto* tl = new QHBoxLayout(transport);
  tl->setContentsMargins(4, 2, 4, 2);
  tl->setSpacing(2);
  // Transport buttons share the actions (icons from the style, so they follow the theme).
  auto button = [&](QAction* a, QStyle::StandardPixmap icon) {
    if (icon != QStyle::SP_CustomBase) a->setIcon(style()->standardIcon(icon));
    auto* b = new QToolButton(transport);
    b->setDefaultAction(a);
    b->setToolButtonStyle(icon != QStyle::SP_CustomBase ? Qt::ToolButtonIconOnly
                                                        : Qt::ToolButtonTextOnly);
    b->setAutoRaise(true);
    tl->addWidget(b);
    return b;
  };
  auto nav = [&](const QString& action, QStyle::StandardPixmap icon) {
    return button(playback_->action(action), icon);
  };
  nav("action_first_frame", QStyle::SP_MediaSkipBackward);
  nav("action_prev_subsequence", QStyle::SP_MediaSeekBackward);
  nav("action_step_back", QStyle::SP_ArrowLeft);
  nav("action_play_pause", QStyle::SP_MediaPlay);
  nav("action_step_forward", QStyle::SP_ArrowRight);
  nav("action_next_subsequence", QStyle::SP_MediaSeekForward);
  nav("action_last_frame", QStyle::SP_MediaSkipForward);
  tl->addSpacing(6);
  nav("action_next_flagged", QStyle::SP_CustomBase);
  nav("action_loop", QStyle::SP_CustomBase);
  tl->addSpacing(6);
  frame_box_ = new QSpinBox(transport);
  frame_box_->setObjectName("frameSpin");
  frame_box_->setPrefix(tr("frame "));
  frame_box_->setKeyboardTracking(false);
  tl->addWidget(frame_box_);
  speed_box_ = new QComboBox(transport);
  speed_box_->setObjectName("speedCombo");
  for (double s : PlaybackController::Speeds())
    speed_box_->addItem(QStringLiteral("%1x").arg(s), s);
  speed_box_->setCurrentIndex(2);
  speed_box_->setToolTip(tr("Playback speed"));
  tl->addWidget(speed_box_);
  tl->addSpacing(10);

  // View controls: fit, follow, which lanes.
  auto* fit = new QAction(tr("Fit"), this);
  fit->setObjectName("action_timeline_fit");
  fit->setToolTip(
      tr("Show the whole episode (Ctrl+wheel zooms at the cursor, Shift+wheel or dragging the "
         "ruler pans)"));
  connect(fit, &QAction::triggered, axis_, &TimelineAxis::Fit);
  button(fit, QStyle::SP_CustomBase);
  auto* follow = new QAction(tr("Follow"), this);
  follow->setObjectName("action_timeline_follow");
  follow->setCheckable(true);
  follow->setChecked(true);
  follow->setToolTip(tr("Keep the lanes of the tracks present at the current frame in view"));
  button(follow, QStyle::SP_CustomBase);
  filter_box_ = new QComboBox(transport);
  filter_box_->setObjectName("laneFilter");
  filter_box_->addItem(tr("All tracks"), static_cast<int>(LaneFilter::kAll));
  filter_box_->addItem(tr("Key objects only"), static_cast<int>(LaneFilter::kKeyOnly));
  filter_box_->addItem(tr("Present now"), static_cast<int>(LaneFilter::kPresentNow));
  filter_box_->addItem(tr("Longer than"), static_cast<int>(LaneFilter::kLongerThan));
  filter_box_->setToolTip(
      tr("Which tracks get a lane (tracks shorter than %1 frames share one lane)")
          .arg(LaneOptions().short_length));
  tl->addWidget(filter_box_);
  min_length_box_ = new QSpinBox(transport);
  min_length_box_->setObjectName("laneMinLength");
  min_length_box_->setRange(1, 100000);
  min_length_box_->setValue(LaneOptions().min_length);
  min_length_box_->setSuffix(tr(" frames"));
  min_length_box_->setEnabled(false);
  tl->addWidget(min_length_box_);
  segment_label_ = new QLabel(transport);
  segment_label_->setObjectName("segmentLabel");
  // A long label must not widen the dock (and so the window).
  segment_label_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  tl->addSpacing(10);
  tl->addWidget(segment_label_, 1);

  lanes_ = new TimelineLanes(doc_, playback_, axis_, this);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addWidget(transport);
  layout->addWidget(lanes_, 3);
  metric_lanes_ = new TimelineMetricLanes(doc_, axis_, this);
  layout->addWidget(metric_lanes_);

#ifdef AUTOFOCUS_STUDIO_HAS_QCUSTOMPLOT
  plot_ = new QCustomPlot(this);
  plot_->setObjectName("actionPlot");
  plot_->setMinimumHeight(70);
  plot_->axisRect()->setAutoMargins(QCP::msNone);
  // The same left gutter and right margin as the lanes: the two share the pixels of the axis.
  plot_->axisRect()->setMargins(
      QMargins(TimelineLanes::kGutter, 6, TimelineLanes::kRightMargin, 18));
  StyleStudioPlot(plot_, palette());
  playhead_ = new QCPItemStraightLine(plot_);
  playhead_->setPen(QPen(QColor(255, 80, 70), 2));
  layout->addWidget(plot_, 2);
  // Clicking or dragging on the plot scrubs like the lanes; the wheel zooms and pans the same axis.
  auto scrub = [this](QMouseEvent* e) {
    if (!(e->buttons() & Qt::LeftButton) || !doc_->episode()) return;
    playback_->SetPlaying(false);
    doc_->SetCurrentFrame(
        static_cast<int>(std::floor(plot_->xAxis->pixelToCoord(e->position().x()))));
  };
  connect(plot_, &QCustomPlot::mousePress, this, scrub);
  connect(plot_, &QCustomPlot::mouseMove, this, scrub);
  connect(plot_, &QCustomPlot::mouseWheel, this, [this](QWheelEvent* e) {
    axis_->HandleWheel(e, TimelineLanes::kGutter, plot_->axisRect()->width());
  });
  connect(&replot_timer_, &QTimer::timeout, plot_, [this] { plot_->replot(); });
#endif

  // A scroll bar over the visible range, aligned with the frame axis.
  auto* bar_row = new QHBoxLayout;
  bar_row->setContentsMargins(TimelineLanes::kGutter, 0, TimelineLanes::kRightMargin, 0);
  range_bar_ = new QScrollBar(Qt::Horizontal, this);
  range_bar_->setObjectName("timelineScrollBar");
  bar_row->addWidget(range_bar_);
  layout->addLayout(bar_row);

  connect(frame_box_, qOverload<int>(&QSpinBox::valueChanged), doc_,
          &StudioDocument::SetCurrentFrame);
  connect(speed_box_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this](int i) { playback_->SetSpeed(speed_box_->itemData(i).toDouble()); });
  connect(follow, &QAction::toggled, lanes_, &TimelineLanes::SetFollowPlayhead);
  connect(filter_box_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          &TimelineView::ApplyLaneFilter);
  connect(min_length_box_, qOverload<int>(&QSpinBox::valueChanged), this,
          &TimelineView::ApplyLaneFilter);
  connect(range_bar_, &QScrollBar::valueChanged, this,
          [this](int v) { axis_->SetRange(v / 100.0, v / 100.0 + axis_->span()); });
  connect(axis_, &TimelineAxis::rangeChanged, this, &TimelineView::UpdateRange);
  connect(axis_, &TimelineAxis::selectionChanged, this, [this](int first, int last) {
    // The selection is the loop range too: L then plays it over and over.
    if (first >= 0) playback_->SetLoopRange(first, last);
    Q_EMIT rangeSelected(first, last);
  });
  connect(playback_, &PlaybackController::stateChanged, this, &TimelineView::UpdateTransport);
  connect(doc_, &StudioDocument::episodeChanged, this, [this] {
    axis_->SetFrameCount(doc_->frameCount());
    lanes_->Rebuild();
    RebuildPlot();
    UpdatePlayhead();
  });
  connect(doc_, &StudioDocument::currentFrameChanged, this, [this](int frame) {
    axis_->EnsureVisible(frame);
    UpdatePlayhead();
  });
  connect(doc_, &StudioDocument::selectionChanged, this, &TimelineView::UpdatePlayhead);
  axis_->SetFrameCount(doc_->frameCount());
  lanes_->Rebuild();
  RebuildPlot();
  UpdatePlayhead();
}

std::pair<int, int> TimelineView::selectedRange() const {
  return {axis_->selectionFirst(), axis_->selectionLast()};
}

void TimelineView::ApplyLaneFilter() {
  LaneOptions o = lanes_->laneOptions();
  o.filter = static_cast<LaneFilter>(filter_box_->currentData().toInt());
  o.min_length = min_length_box_->value();
  min_length_box_->setEnabled(o.filter == LaneFilter::kLongerThan);
  lanes_->SetLaneOptions(o);
}

void TimelineView::ScheduleReplot() {
  if (!replot_timer_.isActive()) replot_timer_.start();
}

void TimelineView::UpdateRange() {
  const double start = axis_->start(), span = axis_->span();
  const int n = std::max(1, axis_->frameCount());
  range_bar_->blockSignals(true);
  range_bar_->setRange(0, static_cast<int>(std::lround((n - span) * 100)));
  range_bar_->setPageStep(static_cast<int>(std::lround(span * 100)));
  range_bar_->setSingleStep(std::max(1, static_cast<int>(std::lround(span * 10))));
  range_bar_->setValue(static_cast<int>(std::lround(start * 100)));
  range_bar_->blockSignals(false);
  range_bar_->setEnabled(!axis_->fitted());
#ifdef AUTOFOCUS_STUDIO_HAS_QCUSTOMPLOT
  plot_->xAxis->setRange(start, start + span);
  ScheduleReplot();
#endif
}

void TimelineView::RebuildPlot() {
  const StudioEpisode* ep = doc_->episode();
  frame_box_->blockSignals(true);
  frame_box_->setRange(0, std::max(0, doc_->frameCount() - 1));
  frame_box_->blockSignals(false);
#ifdef AUTOFOCUS_STUDIO_HAS_QCUSTOMPLOT
  plot_->clearGraphs();
  if (ep) {
    const auto& actions = ep->episode.actions;
    const size_t dims = actions.empty() ? 0 : actions.front().size();
    std::vector<std::string> names;
    if (const ProjectStore* s = doc_->store()) names = s->info().action_spec.Names();
    static const QColor kColors[] = {QColor(90, 200, 120),  QColor(90, 160, 250),
                                     QColor(240, 110, 90),  QColor(230, 200, 80),
                                     QColor(190, 120, 230), QColor(90, 210, 210)};
    QVector<double> xs(static_cast<int>(actions.size()));
    for (int t = 0; t < xs.size(); ++t) xs[t] = t + 0.5;
    for (size_t d = 0; d < dims; ++d) {
      QCPGraph* g = plot_->addGraph();
      QVector<double> ys(static_cast<int>(actions.size()));
      for (int t = 0; t < ys.size(); ++t) {
        const auto& a = actions[static_cast<size_t>(t)];
        ys[t] = d < a.size() ? a[d] : std::nan("");
      }
      g->setData(xs, ys, true);
      g->setPen(QPen(kColors[d % 6], 1.6));
      g->setName(d < names.size() ? QString::fromStdString(names[d])
                                  : QStringLiteral("a%1").arg(d));
    }
    bool found = false;
    QCPRange yr = plot_->graphCount() > 0 ? plot_->graph(0)->getValueRange(found) : QCPRange(-1, 1);
    for (int i = 1; i < plot_->graphCount(); ++i) {
      bool f = false;
      const QCPRange r = plot_->graph(i)->getValueRange(f);
      if (f) yr.expand(r);
    }
    const double pad = std::max(0.05, (yr.upper - yr.lower) * 0.08);
    plot_->yAxis->setRange(yr.lower - pad, yr.upper + pad);
  }
#endif
  UpdateRange();
}

void TimelineView::UpdatePlayhead() {
  const int t = doc_->currentFrame();
  frame_box_->blockSignals(true);
  frame_box_->setValue(t);
  frame_box_->blockSignals(false);
  const StudioEpisode* ep = doc_->episode();
  const int si = ep ? ep->SegmentAt(t) : -1;
  if (si >= 0) {
    const auto& s = ep->segments[static_cast<size_t>(si)];
    QString text = tr("sub-sequence %1 / %2  [%3-%4]  %5 key, %6 re-run(s)")
                       .arg(si + 1)
                       .arg(ep->segments.size())
                       .arg(s.start)
                       .arg(s.end)
                       .arg(s.key_ids.size())
                       .arg(s.reruns);
    if (s.status != "ok") text += tr("  - undecided: review the candidates");
    const auto failed = std::find(ep->failed_frames.begin(), ep->failed_frames.end(), t);
    if (failed != ep->failed_frames.end()) text += tr("  - detection failed on this frame");
    segment_label_->setText(text);
  } else {
    segment_label_->setText(ep ? tr("no sub-sequence") : QString());
  }
#ifdef AUTOFOCUS_STUDIO_HAS_QCUSTOMPLOT
  playhead_->point1->setCoords(t + 0.5, 0);
  playhead_->point2->setCoords(t + 0.5, 1);
  ScheduleReplot();
#endif
}

void TimelineView::UpdateTransport() {
  playback_->action("action_play_pause")
      ->setIcon(style()->standardIcon(playback_->playing() ? QStyle::SP_MediaPause
                                                           : QStyle::SP_MediaPlay));
  const double s = playback_->speed();
  for (int i = 0; i < speed_box_->count(); ++i) {
    if (std::abs(speed_box_->itemData(i).toDouble() - s) < 1e-9 &&
        speed_box_->currentIndex() != i) {
      speed_box_->blockSignals(true);
      speed_box_->setCurrentIndex(i);
      speed_box_->blockSignals(false);
    }
  }
}

}  // namespace autofocus

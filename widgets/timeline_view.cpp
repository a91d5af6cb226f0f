#include "widgets/timeline_view.h"

#include <algorithm>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollArea>
#include <QSpinBox>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>
#include <map>
#include <set>

#include "widgets/qcustomplot_include.h"

#include "widgets/colormap.h"
#include "widgets/studio_document.h"
#include "widgets/studio_style.h"

namespace autofocus {

// ---------------------------------------------------------------------------------------------
const std::vector<double>& PlaybackController::Speeds() {
  static const std::vector<double> kSpeeds = {0.25, 0.5, 1.0, 2.0, 4.0};
  return kSpeeds;
}

PlaybackController::PlaybackController(StudioDocument* doc, QObject* parent) : QObject(parent), doc_(doc) {
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
  connect(Add("action_step_forward_10", tr("10 Frames Forward"), QKeySequence(Qt::SHIFT | Qt::Key_Right), {}),
          &QAction::triggered, this, [this] { Step(10); });
  connect(Add("action_step_back_10", tr("10 Frames Back"), QKeySequence(Qt::SHIFT | Qt::Key_Left), {}),
          &QAction::triggered, this, [this] { Step(-10); });
  connect(Add("action_first_frame", tr("First Frame"), Qt::Key_Home, {}), &QAction::triggered, this,
          [this] { doc_->SetCurrentFrame(0); });
  connect(Add("action_last_frame", tr("Last Frame"), Qt::Key_End, {}), &QAction::triggered, this,
          [this] { doc_->SetCurrentFrame(doc_->frameCount() - 1); });
  connect(Add("action_next_subsequence", tr("Next Sub-sequence"), Qt::Key_PageDown, tr("Jump to the next sub-sequence")),
          &QAction::triggered, this, &PlaybackController::NextSubsequence);
  connect(Add("action_prev_subsequence", tr("Previous Sub-sequence"), Qt::Key_PageUp,
              tr("Jump to the start of this or the previous sub-sequence")),
          &QAction::triggered, this, &PlaybackController::PreviousSubsequence);
  connect(Add("action_next_flagged", tr("Next Flagged Frame"), Qt::Key_N, tr("Jump to the next frame flagged for review")),
          &QAction::triggered, this, &PlaybackController::NextFlagged);
  loop_action_ = Add("action_loop", tr("Loop Range"), Qt::Key_L, tr("Repeat the loop range while playing"));
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
  connect(Add("action_speed_up", tr("Faster"), Qt::Key_BracketRight, tr("Double the playback speed")),
          &QAction::triggered, this, [this] { SetSpeed(speed_ * 2); });
  connect(Add("action_speed_down", tr("Slower"), Qt::Key_BracketLeft, tr("Halve the playback speed")),
          &QAction::triggered, this, [this] { SetSpeed(speed_ / 2); });

  connect(doc_, &StudioDocument::episodeChanged, this, [this] {
    SetPlaying(false);
    loop_start_ = 0;
    loop_end_ = doc_->frameCount() - 1;
    Q_EMIT stateChanged();
  });
}

QAction* PlaybackController::Add(const QString& name, const QString& text, const QKeySequence& key, const QString& tip) {
  auto* a = new QAction(text, this);
  a->setObjectName(name);
  a->setShortcut(key);
  a->setShortcutContext(Qt::WindowShortcut);
  if (!tip.isEmpty()) a->setStatusTip(tip);
  a->setToolTip(key.isEmpty() ? text : QStringLiteral("%1 (%2)").arg(text, key.toString(QKeySequence::NativeText)));
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
    if (doc_->currentFrame() >= doc_->frameCount() - 1) doc_->SetCurrentFrame(loop_ ? loop_start_ : 0);
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
TimelineLanes::TimelineLanes(StudioDocument* doc, PlaybackController* playback, QWidget* parent)
    : QWidget(parent), doc_(doc), playback_(playback) {
  setMouseTracking(false);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
  connect(doc_, &StudioDocument::episodeChanged, this, &TimelineLanes::Rebuild);
  connect(doc_, &StudioDocument::annotationsChanged, this, &TimelineLanes::Rebuild);
  connect(doc_, &StudioDocument::currentFrameChanged, this, qOverload<>(&QWidget::update));
  connect(doc_, &StudioDocument::selectionChanged, this, qOverload<>(&QWidget::update));
  connect(doc_, &StudioDocument::flagsChanged, this, qOverload<>(&QWidget::update));
  connect(doc_, &StudioDocument::saliencyParametersChanged, this, qOverload<>(&QWidget::update));
  connect(playback_, &PlaybackController::stateChanged, this, qOverload<>(&QWidget::update));
}

void TimelineLanes::Rebuild() {
  lanes_.clear();
  const StudioEpisode* ep = doc_->episode();
  if (ep) {
    std::map<int, Lane> by_id;
    auto add_run = [](std::vector<std::pair<int, int>>& runs, int t) {
      if (!runs.empty() && runs.back().second == t - 1) {
        runs.back().second = t;
      } else {
        runs.emplace_back(t, t);
      }
    };
    for (int t = 0; t < ep->num_frames(); ++t) {
      for (const auto& d : ep->tracked[static_cast<size_t>(t)]) {
        if (d.id < 0) continue;
        Lane& l = by_id[d.id];
        if (l.id < 0) {
          l.id = d.id;
          l.label = QString::fromStdString(d.label);
        }
        if (l.present.empty() || l.present.back().second != t) add_run(l.present, t);
      }
      for (const auto& d : ep->key_boxes[static_cast<size_t>(t)]) {
        if (d.id < 0) continue;
        Lane& l = by_id[d.id];
        if (l.id < 0) {
          l.id = d.id;
          l.label = QString::fromStdString(d.label);
        }
        if (l.key.empty() || l.key.back().second != t) add_run(l.key, t);
      }
    }
    for (auto& [id, lane] : by_id) lanes_.push_back(std::move(lane));
    // Key objects first (they are what the user reviews), then by first appearance.
    std::stable_sort(lanes_.begin(), lanes_.end(), [](const Lane& a, const Lane& b) {
      if (a.key.empty() != b.key.empty()) return !a.key.empty();
      const int fa = a.present.empty() ? 0 : a.present.front().first;
      const int fb = b.present.empty() ? 0 : b.present.front().first;
      return fa < fb;
    });
  }
  // Every lane stays readable; the scroll area scrolls when there are many tracks.
  setMinimumHeight(LaneTop(static_cast<int>(lanes_.size())) + 4);
  updateGeometry();
  update();
}

QSize TimelineLanes::sizeHint() const {
  return {800, LaneTop(static_cast<int>(lanes_.size())) + 4};
}

QSize TimelineLanes::minimumSizeHint() const { return {300, kRuler + kSegments + kCoverage + 20}; }

int TimelineLanes::LaneTop(int lane) const { return kRuler + kSegments + kCoverage + 6 + lane * kLaneH; }

double TimelineLanes::XOf(double frame) const {
  const int n = std::max(1, doc_->frameCount());
  const double w = std::max(1, width() - kGutter - kRightMargin);
  return kGutter + frame * w / n;
}

int TimelineLanes::FrameAt(double x) const {
  const int n = std::max(1, doc_->frameCount());
  const double w = std::max(1, width() - kGutter - kRightMargin);
  return std::clamp(static_cast<int>(std::floor((x - kGutter) * n / w)), 0, n - 1);
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
  const double fw = (XOf(n) - XOf(0)) / n;  // one frame's width
  const QColor grid = pal.color(QPalette::Window).lighter(125);
  const QColor text = pal.color(QPalette::Text);

  // Loop range.
  if (playback_->looping()) {
    p.fillRect(QRectF(XOf(playback_->loopStart()), 0, XOf(playback_->loopEnd() + 1) - XOf(playback_->loopStart()), height()),
               QColor(64, 140, 220, 35));
  }
  // Ruler with ticks at a readable step.
  p.setPen(text);
  QFont small = font();
  small.setPointSizeF(small.pointSizeF() * 0.85);
  p.setFont(small);
  const double min_px = 70;
  int step = 1;
  for (int s : {1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000}) {
    step = s;
    if (s * fw >= min_px) break;
  }
  for (int t = 0; t < n; t += step) {
    const double x = XOf(t);
    p.setPen(grid);
    p.drawLine(QPointF(x, kRuler - 5), QPointF(x, height()));
    p.setPen(text);
    p.drawText(QPointF(x + 3, kRuler - 6), QString::number(t));
  }
  p.drawText(QRectF(4, 0, kGutter - 8, kRuler), Qt::AlignVCenter | Qt::AlignLeft, tr("frame"));

  // Sub-sequences: alternating bands, boundaries, re-run and failure markers.
  const int seg_top = kRuler;
  p.drawText(QRectF(4, seg_top, kGutter - 8, kSegments), Qt::AlignVCenter | Qt::AlignLeft, tr("sub-sequences"));
  for (size_t i = 0; i < ep->segments.size(); ++i) {
    const auto& s = ep->segments[i];
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
    if (s.reruns > 0) {
      // A small triangle per re-run iteration at the start of the sub-sequence.
      for (int k = 0; k < s.reruns; ++k) {
        const double x = r.left() + 5 + k * 8;
        QPolygonF tri;
        tri << QPointF(x - 4, seg_top + kSegments - 2) << QPointF(x + 4, seg_top + kSegments - 2) << QPointF(x, seg_top + 3);
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(250, 200, 70));
        p.drawPolygon(tri);
      }
    }
  }

  // Frames whose detection failed: a red tick each across the sub-sequence band.
  p.setPen(QPen(QColor(235, 70, 60), std::max(1.5, fw)));
  for (int f : ep->failed_frames) {
    const double x = XOf(f) + 0.5 * fw;
    p.drawLine(QPointF(x, seg_top + 1), QPointF(x, seg_top + kSegments - 1));
  }

  // Saliency coverage strip (stored coverage, drawn with the inferno map), under the sub-sequences.
  const int cov_top = kRuler + kSegments + 1;
  p.setPen(text);
  p.drawText(QRectF(4, cov_top - 1, kGutter - 8, kCoverage + 2), Qt::AlignVCenter | Qt::AlignLeft, tr("coverage"));
  static const Colormap kCoverageMap(Colormap::Id::kInferno);
  if (!ep->coverage.empty()) {
    double peak = 1e-9;
    for (double c : ep->coverage) peak = std::max(peak, c);
    for (int t = 0; t < n && t < static_cast<int>(ep->coverage.size()); ++t) {
      p.fillRect(QRectF(XOf(t), cov_top, std::max(1.0, fw + 0.5), kCoverage),
                 QColor::fromRgb(kCoverageMap.Rgb(static_cast<float>(ep->coverage[static_cast<size_t>(t)] / peak))));
    }
  } else {
    p.fillRect(QRectF(XOf(0), cov_top, XOf(n) - XOf(0), kCoverage), QColor(60, 60, 60));
  }

  // Track lanes.
  for (size_t i = 0; i < lanes_.size(); ++i) {
    const Lane& l = lanes_[i];
    const int top = LaneTop(static_cast<int>(i));
    const bool selected = l.id == doc_->selectedTrack();
    if (selected) p.fillRect(QRectF(0, top, width(), kLaneH), QColor(255, 255, 255, 22));
    const QColor c = StudioStyle::TrackColor(l.id);
    p.setPen(selected ? c.lighter(120) : text);
    p.drawText(QRectF(4, top, kGutter - 8, kLaneH), Qt::AlignVCenter | Qt::AlignLeft,
               QStringLiteral("#%1 %2").arg(l.id).arg(l.label));
    QColor dim = c;
    dim.setAlpha(80);
    for (const auto& [a, b] : l.present) p.fillRect(QRectF(XOf(a), top + 4, XOf(b + 1) - XOf(a), kLaneH - 8), dim);
    for (const auto& [a, b] : l.key) p.fillRect(QRectF(XOf(a), top + 2, XOf(b + 1) - XOf(a), kLaneH - 4), c);
  }

  // Flagged frames.
  p.setPen(Qt::NoPen);
  p.setBrush(QColor(240, 150, 40));
  for (int f : doc_->flaggedFrames()) {
    const double x = XOf(f + 0.5);
    QPolygonF flag;
    flag << QPointF(x - 4, 0) << QPointF(x + 4, 0) << QPointF(x, 6);
    p.drawPolygon(flag);
  }

  // Playhead.
  const double x = XOf(doc_->currentFrame()) + fw / 2;
  p.setPen(QPen(QColor(255, 80, 70), 2));
  p.drawLine(QPointF(x, 0), QPointF(x, height()));
}

void TimelineLanes::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton || !doc_->episode()) return;
  if (event->position().x() < kGutter) {
    // Clicking a lane label selects that track.
    const int lane = static_cast<int>((event->position().y() - LaneTop(0)) / kLaneH);
    if (event->position().y() >= LaneTop(0) && lane >= 0 && lane < static_cast<int>(lanes_.size())) {
      doc_->SetSelectedTrack(lanes_[static_cast<size_t>(lane)].id);
    }
    return;
  }
  scrubbing_ = true;
  playback_->SetPlaying(false);
  doc_->SetCurrentFrame(FrameAt(event->position().x()));
}

void TimelineLanes::mouseMoveEvent(QMouseEvent* event) {
  if (scrubbing_) doc_->SetCurrentFrame(FrameAt(event->position().x()));
}

void TimelineLanes::mouseReleaseEvent(QMouseEvent*) { scrubbing_ = false; }

// ---------------------------------------------------------------------------------------------
TimelineView::TimelineView(StudioDocument* doc, PlaybackController* playback, QWidget* parent)
    : QWidget(parent), doc_(doc), playback_(playback) {
  auto* transport = new QWidget(this);
  auto* tl = new QHBoxLayout(transport);
  tl->setContentsMargins(4, 2, 4, 2);
  tl->setSpacing(2);
  // Transport buttons share the actions (icons from the style, so they follow the theme).
  auto button = [&](const QString& action, QStyle::StandardPixmap icon) {
    QAction* a = playback_->action(action);
    if (icon != QStyle::SP_CustomBase) a->setIcon(style()->standardIcon(icon));
    auto* b = new QToolButton(transport);
    b->setDefaultAction(a);
    b->setToolButtonStyle(icon != QStyle::SP_CustomBase ? Qt::ToolButtonIconOnly : Qt::ToolButtonTextOnly);
    b->setAutoRaise(true);
    tl->addWidget(b);
    return b;
  };
  button("action_first_frame", QStyle::SP_MediaSkipBackward);
  button("action_prev_subsequence", QStyle::SP_MediaSeekBackward);
  button("action_step_back", QStyle::SP_ArrowLeft);
  button("action_play_pause", QStyle::SP_MediaPlay);
  button("action_step_forward", QStyle::SP_ArrowRight);
  button("action_next_subsequence", QStyle::SP_MediaSeekForward);
  button("action_last_frame", QStyle::SP_MediaSkipForward);
  tl->addSpacing(6);
  button("action_next_flagged", QStyle::SP_CustomBase);
  button("action_loop", QStyle::SP_CustomBase);
  tl->addSpacing(6);
  frame_box_ = new QSpinBox(transport);
  frame_box_->setObjectName("frameSpin");
  frame_box_->setPrefix(tr("frame "));
  frame_box_->setKeyboardTracking(false);
  tl->addWidget(frame_box_);
  speed_box_ = new QComboBox(transport);
  speed_box_->setObjectName("speedCombo");
  for (double s : PlaybackController::Speeds()) speed_box_->addItem(QStringLiteral("%1x").arg(s), s);
  speed_box_->setCurrentIndex(2);
  speed_box_->setToolTip(tr("Playback speed"));
  tl->addWidget(speed_box_);
  segment_label_ = new QLabel(transport);
  segment_label_->setObjectName("segmentLabel");
  tl->addSpacing(10);
  tl->addWidget(segment_label_, 1);

  lanes_ = new TimelineLanes(doc_, playback_, this);
  scroll_ = new QScrollArea(this);
  scroll_->setWidget(lanes_);
  scroll_->setWidgetResizable(true);
  scroll_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  scroll_->setFrameShape(QFrame::NoFrame);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addWidget(transport);
  layout->addWidget(scroll_, 3);

#ifdef AUTOFOCUS_STUDIO_HAS_QCUSTOMPLOT
  plot_ = new QCustomPlot(this);
  plot_->setObjectName("actionPlot");
  plot_->setMinimumHeight(70);
  plot_->axisRect()->setAutoMargins(QCP::msNone);
  plot_->axisRect()->setMargins(QMargins(TimelineLanes::kGutter, 6, TimelineLanes::kRightMargin, 18));
  StyleStudioPlot(plot_, palette());
  playhead_ = new QCPItemStraightLine(plot_);
  playhead_->setPen(QPen(QColor(255, 80, 70), 2));
  layout->addWidget(plot_, 1);
  // Clicking or dragging on the plot scrubs like the lanes.
  auto scrub = [this](QMouseEvent* e) {
    if (!(e->buttons() & Qt::LeftButton) || !doc_->episode()) return;
    playback_->SetPlaying(false);
    doc_->SetCurrentFrame(static_cast<int>(std::floor(plot_->xAxis->pixelToCoord(e->position().x()))));
  };
  connect(plot_, &QCustomPlot::mousePress, this, scrub);
  connect(plot_, &QCustomPlot::mouseMove, this, scrub);
#endif

  connect(frame_box_, qOverload<int>(&QSpinBox::valueChanged), doc_, &StudioDocument::SetCurrentFrame);
  connect(speed_box_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this](int i) { playback_->SetSpeed(speed_box_->itemData(i).toDouble()); });
  connect(playback_, &PlaybackController::stateChanged, this, &TimelineView::UpdateTransport);
  connect(doc_, &StudioDocument::episodeChanged, this, [this] {
    RebuildPlot();
    UpdatePlayhead();
  });
  connect(doc_, &StudioDocument::currentFrameChanged, this, &TimelineView::UpdatePlayhead);
  connect(doc_, &StudioDocument::selectionChanged, this, &TimelineView::UpdatePlayhead);
  RebuildPlot();
  UpdatePlayhead();
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
    static const QColor kColors[] = {QColor(90, 200, 120), QColor(90, 160, 250), QColor(240, 110, 90),
                                     QColor(230, 200, 80), QColor(190, 120, 230), QColor(90, 210, 210)};
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
      g->setName(d < names.size() ? QString::fromStdString(names[d]) : QStringLiteral("a%1").arg(d));
    }
    plot_->xAxis->setRange(0, std::max(1, ep->num_frames()));
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
  plot_->replot(QCustomPlot::rpQueuedReplot);
#endif
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
  plot_->replot(QCustomPlot::rpQueuedReplot);
#endif
}

void TimelineView::UpdateTransport() {
  playback_->action("action_play_pause")
      ->setIcon(style()->standardIcon(playback_->playing() ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
  const double s = playback_->speed();
  for (int i = 0; i < speed_box_->count(); ++i) {
    if (std::abs(speed_box_->itemData(i).toDouble() - s) < 1e-9 && speed_box_->currentIndex() != i) {
      speed_box_->blockSignals(true);
      speed_box_->setCurrentIndex(i);
      speed_box_->blockSignals(false);
    }
  }
}

}  // namespace autofocus

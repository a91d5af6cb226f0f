#include "widgets/frame_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QSettings>
#include <QSlider>
#include <QSplitter>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include "core/sim/ground_truth.h"
#include "widgets/studio_document.h"
#include "widgets/studio_style.h"

namespace autofocus {

// ---------------------------------------------------------------------------------------------
void ViewTransform::Set(double scale, QPointF offset) {
  scale_ = std::clamp(scale, 0.02, 64.0);
  offset_ = offset;
  fit_ = false;
  Q_EMIT changed();
}

void ViewTransform::ResetFit() {
  fit_ = true;
  Q_EMIT changed();
}

void ViewTransform::ZoomAt(double factor, QPointF anchor) {
  const double s = std::clamp(scale_ * factor, 0.02, 64.0);
  // Keep the image point under the anchor where it is.
  const QPointF img = (anchor - offset_) / scale_;
  Set(s, anchor - img * s);
}

void ViewTransform::Pan(QPointF delta) { Set(scale_, offset_ + delta); }

void ViewTransform::Resolve(QSize image, QSize widget) {
  if (!fit_ || image.isEmpty() || widget.isEmpty()) return;
  scale_ = std::min(static_cast<double>(widget.width()) / image.width(),
                    static_cast<double>(widget.height()) / image.height());
  offset_ = QPointF((widget.width() - image.width() * scale_) / 2, (widget.height() - image.height() * scale_) / 2);
}

// ---------------------------------------------------------------------------------------------
FrameCanvas::FrameCanvas(StudioDocument* doc, ViewTransform* transform, const HeatmapStyle* style, QWidget* parent)
    : QWidget(parent), doc_(doc), transform_(transform), style_(style) {
  setMouseTracking(true);
  setAttribute(Qt::WA_OpaquePaintEvent);
  setFocusPolicy(Qt::ClickFocus);
  setMinimumSize(160, 90);
  connect(transform_, &ViewTransform::changed, this, qOverload<>(&QWidget::update));
  connect(doc_, &StudioDocument::currentFrameChanged, this, [this] {
    InvalidateFrame();
    InvalidateHeatmap();
  });
  connect(doc_, &StudioDocument::episodeChanged, this, [this] {
    frame_index_ = -1;
    InvalidateFrame();
    InvalidateHeatmap();
  });
  connect(doc_, &StudioDocument::annotationsChanged, this, &FrameCanvas::InvalidateHeatmap);
  connect(doc_, &StudioDocument::saliencyParametersChanged, this, &FrameCanvas::InvalidateHeatmap);
  connect(doc_, &StudioDocument::selectionChanged, this, qOverload<>(&QWidget::update));
}

void FrameCanvas::SetOverlay(FrameOverlay overlay) {
  overlay_ = overlay;
  InvalidateHeatmap();
}

void FrameCanvas::SetBoxMode(BoxMode mode) {
  box_mode_ = mode;
  update();
}

void FrameCanvas::InvalidateFrame() {
  frame_index_ = -1;
  update();
}

void FrameCanvas::InvalidateHeatmap() {
  heatmap_stale_ = true;
  update();
}

const QImage& FrameCanvas::FrameImage() {
  const int t = doc_->currentFrame();
  if (frame_index_ != t || (frame_.isNull() && doc_->episode())) {
    frame_ = doc_->FrameImage(t);
    frame_index_ = t;
  }
  return frame_;
}

const QImage& FrameCanvas::HeatmapImage() {
  if (!heatmap_stale_) return heatmap_;
  heatmap_stale_ = false;
  if (overlay_ != FrameOverlay::kSaliency || !doc_->episode()) {
    heatmap_ = QImage();
    return heatmap_;
  }
  int w = 0, h = 0;
  const std::vector<float>& map = doc_->SaliencyMap(doc_->currentFrame(), &w, &h);
  if (map.empty()) {
    heatmap_ = QImage();
    return heatmap_;
  }
  style_->colormap.Colorize(map.data(), w, h, style_->opacity, style_->threshold, &heatmap_);
  return heatmap_;
}

bool FrameCanvas::OverlayHasContent() {
  const StudioEpisode* ep = doc_->episode();
  const int t = doc_->currentFrame();
  if (!ep) return false;
  switch (overlay_) {
    case FrameOverlay::kSaliency: {
      const QImage& heat = HeatmapImage();
      for (int y = 0; y < heat.height(); ++y) {
        for (int x = 0; x < heat.width(); ++x) {
          if (qAlpha(heat.pixel(x, y)) > 0) return true;
        }
      }
      return false;
    }
    case FrameOverlay::kGroundTruth:
      if (!ep->ground_truth || t >= static_cast<int>(ep->ground_truth->frames.size())) return false;
      for (const auto& obj : ep->ground_truth->frames[static_cast<size_t>(t)].objects) {
        if (obj.relevant) return true;
      }
      return false;
    case FrameOverlay::kGaze:
      return t < static_cast<int>(ep->episode.gaze.size()) &&
             !ep->episode.gaze[static_cast<size_t>(t)].empty();
    case FrameOverlay::kNone:
      break;
  }
  return false;
}

QSize FrameCanvas::ImageSize() {
  if (const StudioEpisode* ep = doc_->episode()) {
    if (ep->episode.width > 0) return {ep->episode.width, ep->episode.height};
  }
  return FrameImage().size();
}

QPointF FrameCanvas::ToImage(QPointF p) const { return (p - transform_->offset()) / transform_->scale(); }

void FrameCanvas::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), StudioStyle::CanvasBackground());
  const StudioEpisode* ep = doc_->episode();
  if (!ep) {
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(rect(), Qt::AlignCenter, tr("Open a project and choose an episode"));
    return;
  }
  const QSize img_size = ImageSize();
  transform_->Resolve(img_size, size());
  p.save();
  p.translate(transform_->offset());
  p.scale(transform_->scale(), transform_->scale());
  // Nearest-neighbour when zoomed in (pixels are what is being inspected), smooth otherwise.
  p.setRenderHint(QPainter::SmoothPixmapTransform, transform_->scale() < 2.0);
  const QRectF target(QPointF(0, 0), QSizeF(img_size));
  const QImage& frame = FrameImage();
  if (!frame.isNull()) {
    p.drawImage(target, frame);
  } else {
    p.fillRect(target, QColor(40, 40, 40));
  }
  if (overlay_ == FrameOverlay::kSaliency) {
    const QImage& heat = HeatmapImage();
    if (!heat.isNull()) {
      p.setRenderHint(QPainter::SmoothPixmapTransform, true);
      p.drawImage(target, heat);
    }
  }
  p.restore();
  p.setRenderHint(QPainter::Antialiasing, true);
  if (overlay_ == FrameOverlay::kGroundTruth) DrawGroundTruth(p);
  if (overlay_ == FrameOverlay::kGaze) DrawGaze(p);
  if (box_mode_ != BoxMode::kNone) DrawBoxes(p);
  if (edit_mode_ != EditMode::kNone && dragged_) {
    const double s = transform_->scale();
    const QPointF o = transform_->offset();
    p.setPen(QPen(Qt::white, 1.5, Qt::DashLine));
    p.setBrush(Qt::NoBrush);
    p.drawRect(QRectF(o + QPointF(edit_preview_.x1, edit_preview_.y1) * s, o + QPointF(edit_preview_.x2, edit_preview_.y2) * s));
  }
  if (frame.isNull()) {
    p.setPen(Qt::white);
    p.drawText(rect(), Qt::AlignCenter, tr("Frame %1 could not be read").arg(doc_->currentFrame()));
  }
}

void FrameCanvas::DrawBoxes(QPainter& p) {
  const StudioEpisode* ep = doc_->episode();
  const int t = doc_->currentFrame();
  if (t < 0 || t >= ep->num_frames()) return;
  const int seg_index = ep->SegmentAt(t);
  const StudioSegment* seg = seg_index >= 0 ? &ep->segments[static_cast<size_t>(seg_index)] : nullptr;
  // Tracked detections of the frame; when tracks.json is missing, draw the key boxes alone.
  std::vector<Detection> boxes = ep->tracked[static_cast<size_t>(t)];
  const auto& keys = ep->key_boxes[static_cast<size_t>(t)];
  auto is_key = [&](const Detection& d) {
    if (seg) return seg->IsKey(d.id);
    return std::any_of(keys.begin(), keys.end(), [&](const Detection& k) { return k.id == d.id && k.box == d.box; });
  };
  // Key boxes that are not tracked detections (manual additions) are drawn too.
  for (const auto& k : keys) {
    const bool present = std::any_of(boxes.begin(), boxes.end(), [&](const Detection& d) { return d.id == k.id && d.id >= 0; });
    if (!present) boxes.push_back(k);
  }
  QFont font = p.font();
  font.setPointSizeF(std::max(7.0, font.pointSizeF() * 0.85));
  p.setFont(font);
  const QFontMetrics fm(font);
  const double s = transform_->scale();
  const QPointF o = transform_->offset();
  for (const auto& d : boxes) {
    const bool key = is_key(d) || (std::find_if(keys.begin(), keys.end(), [&](const Detection& k) { return k.id == d.id; }) != keys.end());
    if (!key && box_mode_ == BoxMode::kKeyOnly) continue;
    const bool selected = d.id >= 0 && d.id == doc_->selectedTrack();
    const QColor c = StudioStyle::TrackColor(d.id);
    const QRectF r(o + QPointF(d.box.x1, d.box.y1) * s, o + QPointF(d.box.x2, d.box.y2) * s);
    QPen pen(key ? c : c.darker(110), key ? 2.2 : 1.3);
    if (!key) pen.setStyle(Qt::DashLine);
    if (selected) pen.setWidthF(pen.widthF() + 1.8);
    p.setPen(pen);
    p.setBrush(key ? QBrush(QColor(c.red(), c.green(), c.blue(), 28)) : QBrush(Qt::NoBrush));
    p.drawRect(r);
    if (selected) {
      p.setPen(QPen(Qt::white, 1, Qt::DotLine));
      p.setBrush(Qt::NoBrush);
      p.drawRect(r.adjusted(-3, -3, 3, 3));
    }
    // Tag: label #id score, on a filled chip above the box (inside when at the top edge).
    const QString tag = d.id >= 0 ? QStringLiteral("%1 #%2 %3").arg(QString::fromStdString(d.label)).arg(d.id).arg(d.score, 0, 'f', 2)
                                  : QStringLiteral("%1 %2").arg(QString::fromStdString(d.label)).arg(d.score, 0, 'f', 2);
    const QString text = key ? QStringLiteral("★ ") + tag : tag;
    const QSizeF ts(fm.horizontalAdvance(text) + 8, fm.height() + 2);
    QPointF at(r.left(), r.top() - ts.height());
    if (at.y() < 0) at.setY(r.top());
    const QRectF chip(at, ts);
    p.setPen(Qt::NoPen);
    p.setBrush(key ? c : QColor(25, 25, 28, 200));
    p.drawRoundedRect(chip, 3, 3);
    p.setPen(key ? StudioStyle::ContrastText(c) : c.lighter(130));
    p.drawText(chip, Qt::AlignCenter, text);
  }
}

void FrameCanvas::DrawGroundTruth(QPainter& p) {
  const StudioEpisode* ep = doc_->episode();
  const int t = doc_->currentFrame();
  if (!ep->ground_truth || t >= static_cast<int>(ep->ground_truth->frames.size())) {
    p.setPen(Qt::white);
    p.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignTop | Qt::AlignLeft, tr("No ground truth in this project"));
    return;
  }
  const double s = transform_->scale();
  const QPointF o = transform_->offset();
  const QColor c(80, 230, 120);
  for (const auto& obj : ep->ground_truth->frames[static_cast<size_t>(t)].objects) {
    if (!obj.relevant) continue;
    const QRectF r(o + QPointF(obj.box.x1, obj.box.y1) * s, o + QPointF(obj.box.x2, obj.box.y2) * s);
    p.setPen(QPen(c, 2));
    p.setBrush(QColor(c.red(), c.green(), c.blue(), 70));
    p.drawRect(r);
    p.setPen(Qt::white);
    const QString text = QStringLiteral("%1: %2").arg(QString::fromStdString(obj.cls), QString::fromStdString(obj.reason));
    p.drawText(r.bottomLeft() + QPointF(2, 13), text);
  }
}

void FrameCanvas::DrawGaze(QPainter& p) {
  const StudioEpisode* ep = doc_->episode();
  const int t = doc_->currentFrame();
  if (t >= static_cast<int>(ep->episode.gaze.size())) {
    p.setPen(Qt::white);
    p.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignTop | Qt::AlignLeft, tr("No gaze recorded for this episode"));
    return;
  }
  const QSize img = ImageSize();
  const double s = transform_->scale();
  const QPointF o = transform_->offset();
  for (const auto& g : ep->episode.gaze[static_cast<size_t>(t)]) {
    const QPointF c = o + QPointF(g[0] * img.width(), g[1] * img.height()) * s;
    QRadialGradient grad(c, 28);
    grad.setColorAt(0, QColor(0, 220, 255, 170));
    grad.setColorAt(1, QColor(0, 220, 255, 0));
    p.setPen(Qt::NoPen);
    p.setBrush(grad);
    p.drawEllipse(c, 28, 28);
    p.setPen(QPen(Qt::white, 1.5));
    p.drawLine(c - QPointF(7, 0), c + QPointF(7, 0));
    p.drawLine(c - QPointF(0, 7), c + QPointF(0, 7));
  }
}

void FrameCanvas::wheelEvent(QWheelEvent* event) {
  const double steps = event->angleDelta().y() / 120.0;
  if (steps == 0) return;
  transform_->ZoomAt(std::pow(1.2, steps), event->position());
  event->accept();
}

const Detection* FrameCanvas::SelectedBox() const {
  const StudioEpisode* ep = doc_->episode();
  const int t = doc_->currentFrame();
  const int id = doc_->selectedTrack();
  if (!ep || id < 0 || t < 0 || t >= ep->num_frames()) return nullptr;
  for (const auto& d : ep->tracked[static_cast<size_t>(t)]) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

Box FrameCanvas::EditedBox(QPointF ip) const {
  // Whole image pixels: a drag moves/resizes by an integer offset.
  const float dx = static_cast<float>(std::round(ip.x() - edit_press_.x()));
  const float dy = static_cast<float>(std::round(ip.y() - edit_press_.y()));
  Box b = edit_orig_;
  switch (edit_mode_) {
    case EditMode::kMove:
      b = Box{b.x1 + dx, b.y1 + dy, b.x2 + dx, b.y2 + dy};
      break;
    case EditMode::kResize:
      if (edit_corner_ == 0 || edit_corner_ == 3) b.x1 += dx; else b.x2 += dx;
      if (edit_corner_ == 0 || edit_corner_ == 1) b.y1 += dy; else b.y2 += dy;
      break;
    case EditMode::kDraw:
      b = Box{edit_orig_.x1, edit_orig_.y1, edit_orig_.x1 + dx, edit_orig_.y1 + dy};
      break;
    case EditMode::kNone:
      break;
  }
  return Box{std::min(b.x1, b.x2), std::min(b.y1, b.y2), std::max(b.x1, b.x2), std::max(b.y1, b.y2)};
}

void FrameCanvas::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton || event->button() == Qt::MiddleButton) {
    dragging_ = true;
    dragged_ = false;
    last_mouse_ = event->position();
    edit_mode_ = EditMode::kNone;
    if (event->button() == Qt::LeftButton && doc_->episode()) {
      const QPointF ip = ToImage(event->position());
      edit_press_ = ip;
      if (const Detection* sel = SelectedBox(); sel && box_mode_ != BoxMode::kNone) {
        const double s = transform_->scale();
        const QPointF o = transform_->offset();
        const QPointF corners[4] = {o + QPointF(sel->box.x1, sel->box.y1) * s, o + QPointF(sel->box.x2, sel->box.y1) * s,
                                    o + QPointF(sel->box.x2, sel->box.y2) * s, o + QPointF(sel->box.x1, sel->box.y2) * s};
        for (int i = 0; i < 4 && edit_mode_ == EditMode::kNone; ++i) {
          const QPointF d = event->position() - corners[i];
          if (std::abs(d.x()) <= 6 && std::abs(d.y()) <= 6) {
            edit_mode_ = EditMode::kResize;
            edit_corner_ = i;
          }
        }
        if (edit_mode_ == EditMode::kNone && ip.x() >= sel->box.x1 && ip.x() <= sel->box.x2 && ip.y() >= sel->box.y1 &&
            ip.y() <= sel->box.y2) {
          edit_mode_ = EditMode::kMove;
        }
        if (edit_mode_ != EditMode::kNone) {
          edit_id_ = sel->id;
          edit_orig_ = sel->box;
        }
      }
      if (edit_mode_ == EditMode::kNone && (event->modifiers() & Qt::ShiftModifier)) {
        edit_mode_ = EditMode::kDraw;
        edit_id_ = -1;
        edit_orig_ = Box{static_cast<float>(std::round(ip.x())), static_cast<float>(std::round(ip.y())), 0, 0};
        edit_press_ = QPointF(edit_orig_.x1, edit_orig_.y1);
      }
    }
    setCursor(edit_mode_ == EditMode::kNone ? Qt::ClosedHandCursor
                                            : edit_mode_ == EditMode::kMove ? Qt::SizeAllCursor : Qt::CrossCursor);
  }
}

void FrameCanvas::mouseMoveEvent(QMouseEvent* event) {
  if (dragging_) {
    const QPointF d = event->position() - last_mouse_;
    if (dragged_ || std::abs(d.x()) + std::abs(d.y()) > 3) {
      dragged_ = true;
      if (edit_mode_ == EditMode::kNone) {
        transform_->Pan(d);
        last_mouse_ = event->position();
      } else {
        edit_preview_ = EditedBox(ToImage(event->position()));
        update();
      }
    }
  }
  const StudioEpisode* ep = doc_->episode();
  if (!ep) return;
  const QPointF ip = ToImage(event->position());
  const QSize img = ImageSize();
  if (ip.x() < 0 || ip.y() < 0 || ip.x() >= img.width() || ip.y() >= img.height()) {
    Q_EMIT hoverText(QString());
    return;
  }
  QString text = tr("x %1  y %2").arg(static_cast<int>(ip.x())).arg(static_cast<int>(ip.y()));
  int w = 0, h = 0;
  const std::vector<float>& map = doc_->SaliencyMap(doc_->currentFrame(), &w, &h);
  if (!map.empty()) {
    const int mx = std::clamp(static_cast<int>(ip.x() * w / img.width()), 0, w - 1);
    const int my = std::clamp(static_cast<int>(ip.y() * h / img.height()), 0, h - 1);
    text += tr("   saliency %1").arg(map[static_cast<size_t>(my) * w + mx], 0, 'f', 3);
  }
  for (const auto& d : ep->tracked[static_cast<size_t>(doc_->currentFrame())]) {
    if (ip.x() >= d.box.x1 && ip.x() <= d.box.x2 && ip.y() >= d.box.y1 && ip.y() <= d.box.y2) {
      text += tr("   %1 #%2").arg(QString::fromStdString(d.label)).arg(d.id);
      break;
    }
  }
  Q_EMIT hoverText(text);
}

void FrameCanvas::mouseReleaseEvent(QMouseEvent* event) {
  if (!dragging_) return;
  dragging_ = false;
  unsetCursor();
  const EditMode mode = edit_mode_;
  if (mode != EditMode::kNone && dragged_ && doc_->episode()) {
    const Box b = EditedBox(ToImage(event->position()));
    edit_mode_ = EditMode::kNone;
    update();
    const std::string episode = doc_->currentEpisodeName().toStdString();
    const int t = doc_->currentFrame();
    if (b.Width() < 1 || b.Height() < 1) return;  // degenerate: nothing to do
    if (mode == EditMode::kDraw) {
      if (const Detection* sel = SelectedBox()) last_label_ = sel->label;
      Q_EMIT boxEditRequested(MakeAddBoxEdit(episode, t, b, last_label_));
    } else if (!(b == edit_orig_)) {
      Q_EMIT boxEditRequested(MakeMoveBoxEdit(episode, t, edit_id_, b, mode == EditMode::kResize));
    }
    return;
  }
  edit_mode_ = EditMode::kNone;
  if (dragged_ || !doc_->episode()) return;
  // A click without a drag selects the smallest box under the cursor (or clears the selection).
  const QPointF ip = ToImage(event->position());
  int best = -1;
  float best_area = 0;
  for (const auto& d : doc_->episode()->tracked[static_cast<size_t>(doc_->currentFrame())]) {
    if (ip.x() >= d.box.x1 && ip.x() <= d.box.x2 && ip.y() >= d.box.y1 && ip.y() <= d.box.y2) {
      if (best < 0 || d.box.Area() < best_area) {
        best = d.id;
        best_area = d.box.Area();
      }
    }
  }
  doc_->SetSelectedTrack(best);
  if (const Detection* sel = SelectedBox()) last_label_ = sel->label;
}

bool FrameCanvas::event(QEvent* event) {
  // Delete on a selected box is the frame view's own (not the window-wide Delete Box action,
  // which would delete it a second time).
  if (event->type() == QEvent::ShortcutOverride) {
    auto* key = static_cast<QKeyEvent*>(event);
    if ((key->key() == Qt::Key_Delete || key->key() == Qt::Key_Backspace) && SelectedBox()) {
      event->accept();
      return true;
    }
  }
  return QWidget::event(event);
}

void FrameCanvas::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) {
    if (const Detection* sel = SelectedBox()) {
      Q_EMIT boxEditRequested(MakeDeleteBoxEdit(doc_->currentEpisodeName().toStdString(), doc_->currentFrame(), sel->id));
      event->accept();
      return;
    }
  }
  QWidget::keyPressEvent(event);
}

void FrameCanvas::mouseDoubleClickEvent(QMouseEvent*) { transform_->ResetFit(); }

void FrameCanvas::leaveEvent(QEvent*) { Q_EMIT hoverText(QString()); }

// ---------------------------------------------------------------------------------------------
FrameView::FrameView(StudioDocument* doc, QWidget* parent) : QWidget(parent), doc_(doc) {
  transform_ = new ViewTransform(this);
  QSettings settings;
  style_.colormap = Colormap(Colormap::FromKey(settings.value("frame_view/colormap", "inferno").toString()));
  style_.opacity = settings.value("frame_view/opacity", 0.55).toFloat();
  style_.threshold = settings.value("frame_view/threshold", 0.05).toFloat();

  auto overlay_combo = [this](QWidget* parent_widget) {
    auto* c = new QComboBox(parent_widget);
    c->addItem(tr("No overlay"), static_cast<int>(FrameOverlay::kNone));
    c->addItem(tr("Saliency"), static_cast<int>(FrameOverlay::kSaliency));
    c->addItem(tr("Ground truth"), static_cast<int>(FrameOverlay::kGroundTruth));
    c->addItem(tr("Gaze"), static_cast<int>(FrameOverlay::kGaze));
    return c;
  };

  auto* bar = new QWidget(this);
  auto* bl = new QHBoxLayout(bar);
  bl->setContentsMargins(4, 2, 4, 2);
  bl->setSpacing(6);
  left_overlay_ = overlay_combo(bar);
  left_overlay_->setObjectName("leftOverlay");
  left_overlay_->setToolTip(tr("Overlay of the left pane"));
  right_overlay_ = overlay_combo(bar);
  right_overlay_->setObjectName("rightOverlay");
  right_overlay_->setToolTip(tr("Overlay of the right pane (compare mode)"));
  colormap_ = new QComboBox(bar);
  colormap_->setObjectName("colormap");
  colormap_->addItems(Colormap::Names());
  colormap_->setCurrentIndex(static_cast<int>(style_.colormap.id()));
  colormap_->setToolTip(tr("Heatmap colormap"));
  opacity_ = new QSlider(Qt::Horizontal, bar);
  opacity_->setObjectName("opacity");
  opacity_->setRange(0, 100);
  opacity_->setValue(static_cast<int>(style_.opacity * 100));
  opacity_->setMinimumWidth(70);
  opacity_->setMaximumWidth(110);
  opacity_->setToolTip(tr("Heatmap opacity"));
  threshold_ = new QSlider(Qt::Horizontal, bar);
  threshold_->setObjectName("threshold");
  threshold_->setRange(0, 100);
  threshold_->setValue(static_cast<int>(style_.threshold * 100));
  threshold_->setMinimumWidth(70);
  threshold_->setMaximumWidth(110);
  threshold_->setToolTip(tr("Saliency below this value is transparent"));
  boxes_ = new QComboBox(bar);
  boxes_->setObjectName("boxMode");
  boxes_->addItems({tr("All boxes"), tr("Key objects"), tr("No boxes")});
  boxes_->setToolTip(tr("Boxes drawn: all tracked objects (pruned ones dashed), key objects only, or none"));
  boxes_->setCurrentIndex(std::clamp(settings.value("frame_view/box_mode", 0).toInt(), 0, 2));
  split_button_ = new QToolButton(bar);
  split_button_->setObjectName("splitButton");
  split_button_->setText(tr("Compare"));
  split_button_->setCheckable(true);
  split_button_->setToolTip(tr("Two panes of the same frame with locked zoom"));
  auto* fit = new QToolButton(bar);
  fit->setText(tr("Fit"));
  fit->setToolTip(tr("Fit the frame to the window (double-click the frame)"));
  bl->addWidget(left_overlay_);
  bl->addWidget(split_button_);
  bl->addWidget(right_overlay_);
  bl->addSpacing(8);
  bl->addWidget(colormap_);
  bl->addWidget(new QLabel(tr("Opacity"), bar));
  bl->addWidget(opacity_);
  bl->addWidget(new QLabel(tr("Threshold"), bar));
  bl->addWidget(threshold_);
  bl->addWidget(boxes_);
  bl->addStretch(0);
  bl->addWidget(fit);
  // The combos may shrink below their texts (down to three characters, then elided), so the
  // toolbar fits the centre of a 1366-pixel window next to the side docks; with room they
  // grow back to their full width.
  for (QComboBox* c : {left_overlay_, right_overlay_, colormap_, boxes_}) {
    const int natural = c->sizeHint().width();
    c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    c->setMinimumContentsLength(3);
    c->setMaximumWidth(natural);
    c->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  }
  for (QSlider* sl : {opacity_, threshold_}) sl->setMinimumWidth(48);

  splitter_ = new QSplitter(Qt::Horizontal, this);
  left_ = new FrameCanvas(doc_, transform_, &style_, splitter_);
  right_ = new FrameCanvas(doc_, transform_, &style_, splitter_);
  left_->setObjectName("primaryCanvas");
  right_->setObjectName("secondaryCanvas");
  splitter_->addWidget(left_);
  splitter_->addWidget(right_);

  auto* foot = new QWidget(this);
  auto* fl = new QHBoxLayout(foot);
  fl->setContentsMargins(6, 0, 6, 2);
  frame_label_ = new QLabel(foot);
  frame_label_->setObjectName("frameLabel");
  hover_ = new QLabel(foot);
  hover_->setObjectName("hoverLabel");
  color_bar_ = new QLabel(foot);
  color_bar_->setToolTip(tr("Saliency 0 .. 1"));
  fl->addWidget(frame_label_);
  fl->addSpacing(12);
  fl->addWidget(hover_, 1);
  fl->addWidget(new QLabel(QStringLiteral("0"), foot));
  fl->addWidget(color_bar_);
  fl->addWidget(new QLabel(QStringLiteral("1"), foot));

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addWidget(bar);
  layout->addWidget(splitter_, 1);
  layout->addWidget(foot);

  left_overlay_->setCurrentIndex(settings.value("frame_view/left_overlay", 1).toInt());
  right_overlay_->setCurrentIndex(settings.value("frame_view/right_overlay", 2).toInt());
  left_->SetOverlay(static_cast<FrameOverlay>(left_overlay_->currentData().toInt()));
  right_->SetOverlay(static_cast<FrameOverlay>(right_overlay_->currentData().toInt()));
  left_->SetBoxMode(static_cast<BoxMode>(boxes_->currentIndex()));
  right_->SetBoxMode(static_cast<BoxMode>(boxes_->currentIndex()));
  SetSplit(settings.value("frame_view/split", false).toBool());

  connect(left_overlay_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this] { left_->SetOverlay(static_cast<FrameOverlay>(left_overlay_->currentData().toInt())); });
  connect(right_overlay_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this] { right_->SetOverlay(static_cast<FrameOverlay>(right_overlay_->currentData().toInt())); });
  connect(colormap_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int i) {
    style_.colormap = Colormap(static_cast<Colormap::Id>(i));
    StyleChanged();
  });
  connect(opacity_, &QSlider::valueChanged, this, [this](int v) {
    style_.opacity = v / 100.f;
    StyleChanged();
  });
  connect(threshold_, &QSlider::valueChanged, this, [this](int v) {
    style_.threshold = v / 100.f;
    StyleChanged();
  });
  connect(boxes_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int i) {
    left_->SetBoxMode(static_cast<BoxMode>(i));
    right_->SetBoxMode(static_cast<BoxMode>(i));
  });
  connect(split_button_, &QToolButton::toggled, this, &FrameView::SetSplit);
  connect(fit, &QToolButton::clicked, transform_, &ViewTransform::ResetFit);
  connect(left_, &FrameCanvas::hoverText, hover_, &QLabel::setText);
  connect(right_, &FrameCanvas::hoverText, hover_, &QLabel::setText);
  connect(left_, &FrameCanvas::boxEditRequested, this, &FrameView::boxEditRequested);
  connect(right_, &FrameCanvas::boxEditRequested, this, &FrameView::boxEditRequested);
  auto update_label = [this] {
    const int n = doc_->frameCount();
    frame_label_->setText(n > 0 ? tr("%1  frame %2 / %3").arg(doc_->currentEpisodeName()).arg(doc_->currentFrame()).arg(n - 1)
                                : QString());
  };
  connect(doc_, &StudioDocument::currentFrameChanged, this, update_label);
  connect(doc_, &StudioDocument::episodeChanged, this, update_label);
  UpdateColorBar();
}

FrameView::~FrameView() { SaveSettings(); }

void FrameView::SetSplit(bool split) {
  right_->setVisible(split);
  right_overlay_->setEnabled(split);
  if (split_button_->isChecked() != split) split_button_->setChecked(split);
}

bool FrameView::split() const { return right_->isVisibleTo(const_cast<FrameView*>(this)); }

void FrameView::StyleChanged() {
  left_->InvalidateHeatmap();
  right_->InvalidateHeatmap();
  UpdateColorBar();
}

void FrameView::UpdateColorBar() { color_bar_->setPixmap(QPixmap::fromImage(style_.colormap.Bar(120, 10))); }

void FrameView::SaveSettings() const {
  QSettings settings;
  settings.setValue("frame_view/colormap", Colormap::Key(style_.colormap.id()));
  settings.setValue("frame_view/opacity", style_.opacity);
  settings.setValue("frame_view/threshold", style_.threshold);
  settings.setValue("frame_view/left_overlay", left_overlay_->currentIndex());
  settings.setValue("frame_view/right_overlay", right_overlay_->currentIndex());
  settings.setValue("frame_view/split", split_button_->isChecked());
  settings.setValue("frame_view/box_mode", boxes_->currentIndex());
}

}  // namespace autofocus

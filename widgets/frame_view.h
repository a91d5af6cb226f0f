#pragma once

#include <QImage>
#include <QPointF>
#include <QWidget>

#include "core/curation/edit.h"
#include "widgets/colormap.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;
class QSplitter;
class QToolButton;

namespace autofocus {

class StudioDocument;

// Zoom and pan shared by the panes of the frame view (locked zoom in compare mode) and kept
// across frames. Image point p is drawn at offset + scale * p (widget pixels).
class ViewTransform : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;
  double scale() const { return scale_; }
  QPointF offset() const { return offset_; }
  // True until the user zooms or pans: the image is fitted to the widget.
  bool fit() const { return fit_; }
  void Set(double scale, QPointF offset);
  // Back to "fit to window".
  void ResetFit();
  // Zooms by `factor` keeping widget point `anchor` fixed.
  void ZoomAt(double factor, QPointF anchor);
  // Pans by `delta` widget pixels.
  void Pan(QPointF delta);
  // Resolves fit mode for an image of `image` size in a widget of `widget` size.
  void Resolve(QSize image, QSize widget);

 Q_SIGNALS:
  void changed();

 private:
  double scale_ = 1.0;
  QPointF offset_;
  bool fit_ = true;
};

// What a pane draws over the frame.
enum class FrameOverlay { kNone = 0, kSaliency, kGroundTruth, kGaze };

// Which boxes a pane draws.
enum class BoxMode { kAll = 0, kKeyOnly, kNone };

// Settings of the heatmap drawing shared by both panes.
struct HeatmapStyle {
  Colormap colormap{Colormap::Id::kInferno};  // LUT
  float opacity = 0.55f;                       // 0..1
  float threshold = 0.05f;                     // values below are transparent
};

// One pane: the current frame of the document with tracked boxes (colour = track ID, key
// objects solid, pruned ones dashed, label/ID/score tags) and one overlay. Wheel zooms to the
// cursor, drag pans, click selects a track, hover reports the saliency value. Box editing:
// dragging inside the selected box moves it, dragging one of its corners resizes it,
// Shift+drag on empty space draws a new box, Delete deletes the selected box; each finished
// gesture is emitted once as boxEditRequested (connected to CurationController::Push, so it
// is one undoable command). Paints with
// QPainter from cached images: the heatmap is colourised once per change, not per paint.
class FrameCanvas : public QWidget {
  Q_OBJECT
 public:
  FrameCanvas(StudioDocument* doc, ViewTransform* transform, const HeatmapStyle* style, QWidget* parent = nullptr);

  void SetOverlay(FrameOverlay overlay);
  FrameOverlay overlay() const { return overlay_; }
  void SetBoxMode(BoxMode mode);
  // Marks the cached frame/heatmap stale and schedules a repaint.
  void InvalidateFrame();
  void InvalidateHeatmap();
  // The colourised heatmap of the current frame (rebuilt when stale; null without one).
  const QImage& HeatmapImage();
  // The frame image of the current frame (cached).
  const QImage& FrameImage();
  // True when the overlay draws something on the current frame: a heatmap pixel above the
  // threshold, a relevant ground-truth object or a gaze point (false for kNone).
  bool OverlayHasContent();
  // Image point under a widget point.
  QPointF ToImage(QPointF widget_point) const;

  QSize sizeHint() const override { return {480, 270}; }

 Q_SIGNALS:
  // Text describing what is under the cursor (pixel, saliency value, box), empty on leave.
  void hoverText(const QString& text);
  // A finished box edit (move_box, resize_box, add_box or delete_box of the current frame).
  void boxEditRequested(const autofocus::Edit& edit);

 protected:
  bool event(QEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void paintEvent(QPaintEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void leaveEvent(QEvent* event) override;

 private:
  void DrawBoxes(QPainter& p);
  void DrawGroundTruth(QPainter& p);
  void DrawGaze(QPainter& p);
  QSize ImageSize();
  // The tracked box of the selected track in the current frame, or nullptr.
  const Detection* SelectedBox() const;
  // The box being edited, from the press point to image point `ip`.
  Box EditedBox(QPointF ip) const;

  StudioDocument* doc_;
  ViewTransform* transform_;
  const HeatmapStyle* style_;
  FrameOverlay overlay_ = FrameOverlay::kSaliency;
  BoxMode box_mode_ = BoxMode::kAll;
  QImage frame_;
  int frame_index_ = -1;
  QImage heatmap_;
  bool heatmap_stale_ = true;
  bool dragging_ = false;
  bool dragged_ = false;
  QPointF last_mouse_;
  // Box editing gesture in progress (kNone: a plain drag pans).
  enum class EditMode { kNone, kMove, kResize, kDraw };
  EditMode edit_mode_ = EditMode::kNone;
  int edit_id_ = -1;         // track being moved / resized
  int edit_corner_ = 0;      // resized corner: 0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left
  Box edit_orig_;            // the box before the gesture
  QPointF edit_press_;       // image point of the press
  Box edit_preview_;         // the box drawn while dragging
  std::string last_label_ = "object";  // label of new boxes when no box is selected
};

// The frame view dock content: a toolbar (overlays, colormap, opacity, threshold, compare),
// one or two canvases with locked zoom/pan, a colour bar and a hover read-out.
class FrameView : public QWidget {
  Q_OBJECT
 public:
  explicit FrameView(StudioDocument* doc, QWidget* parent = nullptr);
  ~FrameView() override;

  // Compare mode: two panes side by side.
  void SetSplit(bool split);
  bool split() const;
  // The left (primary) and right canvases.
  FrameCanvas* primary() const { return left_; }
  FrameCanvas* secondary() const { return right_; }
  HeatmapStyle& style() { return style_; }
  // Applies a style change (colormap/opacity/threshold) to both panes.
  void StyleChanged();
  ViewTransform* transform() const { return transform_; }

 Q_SIGNALS:
  // A box edit from either pane (see FrameCanvas::boxEditRequested).
  void boxEditRequested(const autofocus::Edit& edit);

 private:
  void UpdateColorBar();
  void SaveSettings() const;

  StudioDocument* doc_;
  ViewTransform* transform_;
  HeatmapStyle style_;
  FrameCanvas* left_ = nullptr;
  FrameCanvas* right_ = nullptr;
  QSplitter* splitter_ = nullptr;
  QComboBox* left_overlay_ = nullptr;
  QComboBox* right_overlay_ = nullptr;
  QComboBox* colormap_ = nullptr;
  QSlider* opacity_ = nullptr;
  QSlider* threshold_ = nullptr;
  QToolButton* split_button_ = nullptr;
  QComboBox* boxes_ = nullptr;
  QLabel* color_bar_ = nullptr;
  QLabel* hover_ = nullptr;
  QLabel* frame_label_ = nullptr;
};

}  // namespace autofocus

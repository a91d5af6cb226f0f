#pragma once

#include <QImage>
#include <QStringList>
#include <QWidget>
#include <vector>

#include "widgets/frame_view.h"
#include "widgets/timeline/metric_lanes.h"

class QComboBox;
class QLabel;
class QToolButton;

namespace autofocus {

class CompareData;
class CompareView;
class StudioDocument;

// How the compare view shows its sources.
enum class CompareMode {
  kSideBySide = 0,  // one pane per source, shared zoom/pan/playhead
  kSwipe,           // A left of a draggable divider, B right of it, on one image
  kDifference,      // A - B (each normalised to sum 1) on a diverging colormap centred at 0
  kHues,            // every source on one image, one hue each, alpha by value
};

// One pane of the compare view: the document's current frame with the view's overlay for pane
// `index` (side by side) or the combined overlay of the mode. Wheel zooms at the cursor, drag
// pans (or moves the swipe divider when grabbed near it).
class ComparePane : public QWidget {
  Q_OBJECT
 public:
  ComparePane(CompareView* view, int index, QWidget* parent = nullptr);
  int index() const { return index_; }
  // Renders what paintEvent draws at `size` (strip export, tests).
  QImage Render(int frame, QSize size) const;
  QSize sizeHint() const override { return {400, 225}; }

 protected:
  void paintEvent(QPaintEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;

 private:
  void Draw(QPainter& p, int frame, QSize size, bool use_transform) const;
  CompareView* view_;
  int index_;
  QPointF last_;
  bool panning_ = false, swiping_ = false;
};

// The lanes of `data`: per source its metric against the reference (CC in [-1, 1], SIM in
// [0, 1], KL from 0 to its maximum), then the A/B disagreement 1 - CC in [0, 2] when two sources
// are ready. Drawn under the panes and in the main window's timeline.
std::vector<MetricLane> CompareMetricLanes(const CompareData& data);

// Metric lanes under the panes: per source its per-frame metric against the reference, and the
// disagreement (1 - CC) of sources A and B; the playhead line; a click seeks.
class CompareLanes : public QWidget {
  Q_OBJECT
 public:
  CompareLanes(CompareView* view, QWidget* parent = nullptr);
  QSize sizeHint() const override { return {600, 120}; }
  // Lane rows drawn (sources + disagreement when there are two ready sources).
  int laneCount() const;

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;

 private:
  CompareView* view_;
};

// The attention compare view (issue 12 section 3): up to 4 synchronized panes of policies'
// attention and reference maps over the document's current frame, sharing zoom, pan, playhead
// and colormap; side by side, swipe, difference or one hue per source; metric lanes; the A/B
// toggle (key X); jumps to the frame of largest disagreement and to the next/previous local
// maximum; a PNG strip of a frame range (rows = sources, columns = frames).
class CompareView : public QWidget {
  Q_OBJECT
 public:
  CompareView(StudioDocument* doc, CompareData* data, QWidget* parent = nullptr);

  StudioDocument* document() const { return doc_; }
  CompareData* data() const { return data_; }
  ViewTransform* transform() const { return transform_; }
  HeatmapStyle& style() { return style_; }
  const HeatmapStyle& style() const { return style_; }

  // The source ids offered in the pane choosers ("run:NAME", "ref:saliency", ...).
  void SetAvailableSources(const QStringList& ids);
  // Pane sources (up to 4; "" leaves a pane empty).
  void SetSources(const QStringList& ids);
  // Frame range of the strip export (the timeline's selected range); {-1, -1} = the episode.
  void SetStripRange(int first, int last);
  void SetMode(CompareMode mode);
  CompareMode mode() const { return mode_; }
  // Swipe divider as a fraction of the image width, [0, 1].
  void SetSwipePosition(double fraction);
  double swipePosition() const { return swipe_; }
  // Swaps sources A and B (the first two).
  void ToggleAB();
  // Panes shown in the current mode.
  int visiblePanes() const;
  ComparePane* pane(int i) const { return panes_[static_cast<size_t>(i)]; }
  CompareLanes* lanes() const { return lanes_; }
  // Frame of the largest A/B disagreement (-1 without two ready sources).
  int LargestDisagreementFrame() const;
  // The next (direction +1) or previous (-1) local maximum of the disagreement after `from`;
  // -1 when there is none.
  int NextDisagreementPeak(int from, int direction) const;
  // Rows = ready sources, columns = `columns` frames evenly spaced in [first, last], each tile
  // `tile` pixels, with a label column.
  QImage RenderStrip(int first, int last, int columns, QSize tile = {240, 135}) const;
  // Colourised overlay of a [0,1] grid map (cached per source and frame for scrubbing).
  const QImage& Overlay(int source, int frame) const;
  // Colour of source i in the hues mode.
  static QColor Hue(int i);

 Q_SIGNALS:
  // Mode, sources or swipe changed (tests and the window title follow it).
  void viewChanged();

 protected:
  void keyPressEvent(QKeyEvent* event) override;

 private:
  void Rebuild();
  void Repaint();
  void ExportStrip();

  StudioDocument* doc_;
  CompareData* data_;
  ViewTransform* transform_;
  HeatmapStyle style_;
  CompareMode mode_ = CompareMode::kSideBySide;
  double swipe_ = 0.5;
  int strip_first_ = -1, strip_last_ = -1;
  std::vector<ComparePane*> panes_;
  std::vector<QComboBox*> choosers_;
  QComboBox* mode_box_ = nullptr;
  QComboBox* colormap_box_ = nullptr;
  QComboBox* reference_box_ = nullptr;
  QComboBox* metric_box_ = nullptr;
  QLabel* status_ = nullptr;
  CompareLanes* lanes_ = nullptr;
  QStringList available_;
  mutable std::vector<std::vector<QImage>> overlay_cache_;  // [source][frame]
  mutable std::vector<std::vector<bool>> overlay_valid_;
};

}  // namespace autofocus

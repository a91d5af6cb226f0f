#include "widgets/policies/compare_view.h"

#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include "widgets/policies/compare_data.h"
#include "widgets/studio_document.h"

namespace autofocus {

namespace {

constexpr int kW = CompareData::kGridWidth, kH = CompareData::kGridHeight;
constexpr size_t kGrid = static_cast<size_t>(kW) * kH;

// A - B with each map normalised to sum 1, on a diverging colormap centred at 0 (A red, B
// blue), alpha growing with |A - B|.
QImage DifferenceImage(const CompareSource& a, const CompareSource& b, int t,
                       const HeatmapStyle& style) {
  QImage out(kW, kH, QImage::Format_ARGB32_Premultiplied);
  out.fill(Qt::transparent);
  if (!a.ready() || !b.ready() || t >= a.frames || t >= b.frames) return out;
  const float *A = a.Map(t), *B = b.Map(t);
  double sa = 0, sb = 0;
  for (size_t i = 0; i < kGrid; ++i) {
    sa += A[i];
    sb += B[i];
  }
  // A zero map counts as uniform (the metrics' convention).
  const double ua = 1.0 / kGrid;
  std::vector<double> d(kGrid);
  double max_abs = 0;
  for (size_t i = 0; i < kGrid; ++i) {
    d[i] = (sa > 0 ? A[i] / sa : ua) - (sb > 0 ? B[i] / sb : ua);
    max_abs = std::max(max_abs, std::abs(d[i]));
  }
  const Colormap diverging(Colormap::Id::kCoolwarm);
  for (int y = 0; y < kH; ++y) {
    auto* line = reinterpret_cast<QRgb*>(out.scanLine(y));
    for (int x = 0; x < kW; ++x) {
      const double v = max_abs > 0 ? d[static_cast<size_t>(y) * kW + x] / max_abs : 0.0;
      const QRgb c = diverging.Rgb(static_cast<float>(0.5 + 0.5 * v));
      const int alpha = static_cast<int>(std::lround(style.opacity * 255 * std::abs(v)));
      line[x] = qPremultiply(qRgba(qRed(c), qGreen(c), qBlue(c), alpha));
    }
  }
  return out;
}

// One colour per source, alpha = opacity x value: several policies on one image.
QImage HueImage(const CompareSource& s, int t, QColor hue, const HeatmapStyle& style) {
  QImage out(kW, kH, QImage::Format_ARGB32_Premultiplied);
  out.fill(Qt::transparent);
  if (!s.ready() || t >= s.frames) return out;
  const float* m = s.Shown(t);
  for (int y = 0; y < kH; ++y) {
    auto* line = reinterpret_cast<QRgb*>(out.scanLine(y));
    for (int x = 0; x < kW; ++x) {
      const float v = m[static_cast<size_t>(y) * kW + x];
      const int alpha =
          v < style.threshold ? 0 : static_cast<int>(std::lround(style.opacity * 255 * v));
      line[x] = qPremultiply(qRgba(hue.red(), hue.green(), hue.blue(), alpha));
    }
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

ComparePane::ComparePane(CompareView* view, int index, QWidget* parent)
    : QWidget(parent), view_(view), index_(index) {
  setObjectName(QStringLiteral("comparePane%1").arg(index));
  setMinimumSize(160, 90);
  setMouseTracking(true);
  connect(view_->transform(), &ViewTransform::changed, this, qOverload<>(&QWidget::update));
}

QImage ComparePane::Render(int frame, QSize size) const {
  QImage img(size, QImage::Format_ARGB32_Premultiplied);
  img.fill(QColor(40, 40, 40));
  QPainter p(&img);
  Draw(p, frame, size, false);
  return img;
}

void ComparePane::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), QColor(40, 40, 40));
  Draw(p, view_->document()->currentFrame(), size(), true);
}

void ComparePane::Draw(QPainter& p, int frame, QSize size, bool use_transform) const {
  const auto& sources = view_->data()->sources();
  const QImage image = view_->document()->FrameImage(frame);
  QStringList labels;
  if (!image.isNull()) {
    p.save();
    if (use_transform) {
      view_->transform()->Resolve(image.size(), size);
      p.translate(view_->transform()->offset());
      p.scale(view_->transform()->scale(), view_->transform()->scale());
    } else {
      const double s = std::min(static_cast<double>(size.width()) / image.width(),
                                static_cast<double>(size.height()) / image.height());
      p.translate((size.width() - s * image.width()) / 2, (size.height() - s * image.height()) / 2);
      p.scale(s, s);
    }
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    p.drawImage(0, 0, image);
    const QRectF r(0, 0, image.width(), image.height());
    auto ready = [&](int i) {
      return i < static_cast<int>(sources.size()) && sources[static_cast<size_t>(i)].ready();
    };
    auto state = [&](int i) {
      if (i >= static_cast<int>(sources.size())) return QString();
      const auto& s = sources[static_cast<size_t>(i)];
      return s.ready() ? s.label : s.label + QStringLiteral(": ") + s.state;
    };
    switch (view_->mode()) {
      case CompareMode::kSideBySide:
        if (ready(index_)) p.drawImage(r, view_->Overlay(index_, frame));
        labels << state(index_);
        break;
      case CompareMode::kSwipe: {
        const double x = view_->swipePosition() * image.width();
        if (ready(0)) {
          p.save();
          p.setClipRect(QRectF(0, 0, x, image.height()));
          p.drawImage(r, view_->Overlay(0, frame));
          p.restore();
        }
        if (ready(1)) {
          p.save();
          p.setClipRect(QRectF(x, 0, image.width() - x, image.height()));
          p.drawImage(r, view_->Overlay(1, frame));
          p.restore();
        }
        p.setPen(QPen(Qt::white, 2.0 / std::max(1e-6, p.transform().m11())));
        p.drawLine(QPointF(x, 0), QPointF(x, image.height()));
        labels << QStringLiteral("◀ ") + state(0) << state(1) + QStringLiteral(" ▶");
        break;
      }
      case CompareMode::kDifference:
        if (ready(0) && ready(1))
          p.drawImage(r, DifferenceImage(sources[0], sources[1], frame, view_->style()));
        labels << tr("%1 − %2 (red: more on %1, blue: more on %2)").arg(state(0), state(1));
        break;
      case CompareMode::kHues:
        for (int i = 0; i < static_cast<int>(sources.size()); ++i) {
          if (!ready(i)) continue;
          p.drawImage(r, HueImage(sources[static_cast<size_t>(i)], frame, CompareView::Hue(i),
                                  view_->style()));
        }
        for (int i = 0; i < static_cast<int>(sources.size()); ++i) labels << state(i);
        break;
    }
    p.restore();
  }
  // Labels in widget pixels, each on a dark band in its source's hue (hues mode) or white.
  QFont f = p.font();
  f.setPointSizeF(9);
  p.setFont(f);
  int y = 4;
  for (int i = 0; i < labels.size(); ++i) {
    if (labels[i].isEmpty()) continue;
    const QRect box = p.fontMetrics().boundingRect(labels[i]).adjusted(-4, -2, 4, 2);
    const QRect at(QPoint(4, y), box.size());
    p.fillRect(at, QColor(0, 0, 0, 160));
    p.setPen(view_->mode() == CompareMode::kHues ? CompareView::Hue(i) : QColor(Qt::white));
    p.drawText(at, Qt::AlignCenter, labels[i]);
    y += at.height() + 2;
  }
}

void ComparePane::wheelEvent(QWheelEvent* event) {
  const double steps = event->angleDelta().y() / 120.0;
  view_->transform()->ZoomAt(std::pow(1.25, steps), event->position());
  event->accept();
}

void ComparePane::mousePressEvent(QMouseEvent* event) {
  last_ = event->position();
  const QImage image = view_->document()->FrameImage(view_->document()->currentFrame());
  if (view_->mode() == CompareMode::kSwipe && !image.isNull()) {
    const double divider = view_->transform()->offset().x() +
                           view_->transform()->scale() * view_->swipePosition() * image.width();
    if (std::abs(event->position().x() - divider) <= 8) {
      swiping_ = true;
      return;
    }
  }
  panning_ = true;
}

void ComparePane::mouseMoveEvent(QMouseEvent* event) {
  if (swiping_) {
    const QImage image = view_->document()->FrameImage(view_->document()->currentFrame());
    if (!image.isNull()) {
      const double x =
          (event->position().x() - view_->transform()->offset().x()) / view_->transform()->scale();
      view_->SetSwipePosition(x / image.width());
    }
  } else if (panning_) {
    view_->transform()->Pan(event->position() - last_);
  }
  last_ = event->position();
}

void ComparePane::mouseReleaseEvent(QMouseEvent*) {
  panning_ = swiping_ = false;
}

// ---------------------------------------------------------------------------------------------

CompareLanes::CompareLanes(CompareView* view, QWidget* parent) : QWidget(parent), view_(view) {
  setObjectName("compareLanes");
  setMinimumHeight(60);
}

std::vector<MetricLane> CompareMetricLanes(const CompareData& data) {
  std::vector<MetricLane> lanes;
  const QString metric = data.metric();
  for (int i = 0; i < static_cast<int>(data.sources().size()); ++i) {
    MetricLane lane;
    lane.values = data.Metric(i);
    lane.label = QStringLiteral("%1 %2 %3")
                     .arg(data.sources()[static_cast<size_t>(i)].label, metric, data.reference());
    lane.colour = CompareView::Hue(i);
    lane.lo = metric == "cc" ? -1 : 0;
    lane.hi = 1;
    if (metric == "kl") {
      lane.hi = 0;
      for (double x : lane.values)
        if (std::isfinite(x)) lane.hi = std::max(lane.hi, x);
    }
    lanes.push_back(std::move(lane));
  }
  if (!data.DisagreementAB().empty())
    lanes.push_back({CompareView::tr("disagreement A/B (1 − CC)"), data.DisagreementAB(), 0, 2,
                     QColor(220, 60, 60)});
  return lanes;
}

int CompareLanes::laneCount() const {
  return static_cast<int>(CompareMetricLanes(*view_->data()).size());
}

void CompareLanes::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().base());
  const int T = view_->document()->frameCount();
  const std::vector<MetricLane> lanes = CompareMetricLanes(*view_->data());
  if (T <= 0 || lanes.empty()) return;
  const int left = 150, h = std::max(14, height() / static_cast<int>(lanes.size()));
  auto x_of = [&](int t) {
    return left + (width() - left - 4) * (T > 1 ? t / double(T - 1) : 0.0);
  };
  for (size_t row = 0; row < lanes.size(); ++row)
    DrawMetricLane(p, lanes[row], QRectF(0, static_cast<double>(row) * h, width(), h), left, x_of,
                   0, T - 1);
  p.setPen(QPen(palette().highlight().color(), 2));
  const double x = x_of(view_->document()->currentFrame());
  p.drawLine(QPointF(x, 0), QPointF(x, height()));
}

void CompareLanes::mousePressEvent(QMouseEvent* event) {
  const int T = view_->document()->frameCount();
  const int left = 150;
  if (T <= 0 || event->position().x() < left) return;
  const double f = (event->position().x() - left) / std::max(1, width() - left - 4);
  view_->document()->SetCurrentFrame(
      std::clamp(static_cast<int>(std::lround(f * (T - 1))), 0, T - 1));
}

// ---------------------------------------------------------------------------------------------

QColor CompareView::Hue(int i) {
  // Okabe-Ito: orange, sky blue, bluish green, vermillion.
  static const QColor kHues[] = {QColor(230, 159, 0), QColor(86, 180, 233), QColor(0, 158, 115),
                                 QColor(213, 94, 0)};
  return kHues[i % 4];
}

CompareView::CompareView(StudioDocument* doc, CompareData* data, QWidget* parent)
    : QWidget(parent), doc_(doc), data_(data), transform_(new ViewTransform(this)) {
  setObjectName("compareView");
  setFocusPolicy(Qt::StrongFocus);
  style_.colormap = Colormap(Colormap::Id::kInferno);
  auto* outer = new QVBoxLayout(this);
  auto* bar = new QHBoxLayout;
  mode_box_ = new QComboBox(this);
  mode_box_->setObjectName("compareMode");
  mode_box_->addItems({tr("Side by side"), tr("Swipe"), tr("Difference"), tr("One hue each")});
  colormap_box_ = new QComboBox(this);
  colormap_box_->setObjectName("compareColormap");
  colormap_box_->addItems(Colormap::Names());
  colormap_box_->setCurrentIndex(static_cast<int>(Colormap::Id::kInferno));
  reference_box_ = new QComboBox(this);
  reference_box_->setObjectName("compareReference");
  reference_box_->addItem(tr("vs saliency target"), "saliency");
  reference_box_->addItem(tr("vs gaze"), "gaze");
  reference_box_->addItem(tr("vs ground truth"), "ground-truth");
  reference_box_->addItem(tr("vs policy A"), "source:0");
  metric_box_ = new QComboBox(this);
  metric_box_->setObjectName("compareMetric");
  metric_box_->addItem(tr("CC"), "cc");
  metric_box_->addItem(tr("SIM"), "sim");
  metric_box_->addItem(tr("KL"), "kl");
  auto button = [this, bar](const QString& name, const QString& text, const QString& tip) {
    auto* b = new QToolButton(this);
    b->setObjectName(name);
    b->setText(text);
    b->setToolTip(tip);
    bar->addWidget(b);
    return b;
  };
  bar->addWidget(mode_box_);
  bar->addWidget(colormap_box_);
  bar->addWidget(reference_box_);
  bar->addWidget(metric_box_);
  QToolButton* ab = button("compareToggleAB", tr("A/B"), tr("Swap A and B (X)"));
  QToolButton* largest = button("compareLargest", tr("Largest disagreement"),
                                tr("Jump to the frame where A and B disagree most"));
  QToolButton* prev =
      button("comparePrevPeak", tr("◀ Peak"), tr("Previous local maximum of the disagreement"));
  QToolButton* next =
      button("compareNextPeak", tr("Peak ▶"), tr("Next local maximum of the disagreement"));
  QToolButton* strip =
      button("compareExportStrip", tr("Export strip…"),
             tr("The selected timeline range (else the episode) as a PNG grid: rows = sources, "
                "columns = frames"));
  bar->addStretch(1);
  outer->addLayout(bar);

  auto* choosers = new QHBoxLayout;
  for (int i = 0; i < 4; ++i) {
    auto* c = new QComboBox(this);
    c->setObjectName(QStringLiteral("compareSource%1").arg(i));
    c->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    choosers->addWidget(new QLabel(QString(QChar('A' + i)) + ":", this));
    choosers->addWidget(c, 1);
    choosers_.push_back(c);
    connect(c, &QComboBox::activated, this, [this] {
      QStringList ids;
      for (auto* box : choosers_) ids << box->currentData().toString();
      SetSources(ids);
    });
  }
  outer->addLayout(choosers);

  auto* grid = new QGridLayout;
  for (int i = 0; i < 4; ++i) {
    auto* pane = new ComparePane(this, i, this);
    panes_.push_back(pane);
    grid->addWidget(pane, i / 2, i % 2);
  }
  outer->addLayout(grid, 1);
  lanes_ = new CompareLanes(this, this);
  outer->addWidget(lanes_);
  status_ = new QLabel(this);
  status_->setObjectName("compareStatus");
  outer->addWidget(status_);

  connect(mode_box_, &QComboBox::currentIndexChanged, this,
          [this](int i) { SetMode(static_cast<CompareMode>(i)); });
  connect(colormap_box_, &QComboBox::currentIndexChanged, this, [this](int i) {
    style_.colormap = Colormap(static_cast<Colormap::Id>(i));
    Repaint();
  });
  connect(reference_box_, &QComboBox::currentIndexChanged, this,
          [this] { data_->SetReference(reference_box_->currentData().toString()); });
  connect(metric_box_, &QComboBox::currentIndexChanged, this,
          [this] { data_->SetMetric(metric_box_->currentData().toString()); });
  connect(ab, &QToolButton::clicked, this, &CompareView::ToggleAB);
  connect(largest, &QToolButton::clicked, this, [this] {
    const int t = LargestDisagreementFrame();
    if (t >= 0) doc_->SetCurrentFrame(t);
  });
  connect(prev, &QToolButton::clicked, this, [this] {
    const int t = NextDisagreementPeak(doc_->currentFrame(), -1);
    if (t >= 0) doc_->SetCurrentFrame(t);
  });
  connect(next, &QToolButton::clicked, this, [this] {
    const int t = NextDisagreementPeak(doc_->currentFrame(), +1);
    if (t >= 0) doc_->SetCurrentFrame(t);
  });
  connect(strip, &QToolButton::clicked, this, &CompareView::ExportStrip);
  connect(doc_, &StudioDocument::currentFrameChanged, this, [this] {
    for (auto* p : panes_) p->update();
    lanes_->update();
  });
  connect(data_, &CompareData::changed, this, &CompareView::Rebuild);
  Rebuild();
}

void CompareView::SetAvailableSources(const QStringList& ids) {
  available_ = ids;
  for (auto* c : choosers_) {
    const QString current = c->currentData().toString();
    c->clear();
    c->addItem(tr("(none)"), QString());
    for (const auto& id : ids) c->addItem(CompareData::LabelOf(id), id);
    c->setCurrentIndex(std::max(0, c->findData(current)));
  }
}

void CompareView::SetSources(const QStringList& ids) {
  QStringList kept;
  for (const auto& id : ids)
    if (!id.isEmpty()) kept << id;
  data_->SetSources(kept);
  Rebuild();
}

void CompareView::SetStripRange(int first, int last) {
  strip_first_ = first;
  strip_last_ = last;
}

void CompareView::SetMode(CompareMode mode) {
  if (mode_ == mode) return;
  mode_ = mode;
  mode_box_->setCurrentIndex(static_cast<int>(mode));
  Rebuild();
}

void CompareView::SetSwipePosition(double fraction) {
  swipe_ = std::clamp(fraction, 0.0, 1.0);
  Repaint();
  Q_EMIT viewChanged();
}

void CompareView::ToggleAB() {
  QStringList ids = data_->sourceIds();
  if (ids.size() < 2) return;
  ids.swapItemsAt(0, 1);
  data_->SetSources(ids);
  Rebuild();
}

int CompareView::visiblePanes() const {
  if (mode_ != CompareMode::kSideBySide) return 1;
  return std::max(1, static_cast<int>(data_->sources().size()));
}

const QImage& CompareView::Overlay(int source, int frame) const {
  static const QImage kNone;
  const auto& sources = data_->sources();
  if (source < 0 || source >= static_cast<int>(sources.size())) return kNone;
  const CompareSource& s = sources[static_cast<size_t>(source)];
  if (!s.ready() || frame < 0 || frame >= s.frames) return kNone;
  if (overlay_cache_.size() != sources.size()) {
    overlay_cache_.assign(sources.size(), {});
    overlay_valid_.assign(sources.size(), {});
  }
  auto& cache = overlay_cache_[static_cast<size_t>(source)];
  auto& valid = overlay_valid_[static_cast<size_t>(source)];
  if (cache.size() != static_cast<size_t>(s.frames)) {
    cache.assign(static_cast<size_t>(s.frames), QImage());
    valid.assign(static_cast<size_t>(s.frames), false);
  }
  if (!valid[static_cast<size_t>(frame)]) {
    style_.colormap.Colorize(s.Shown(frame), kW, kH, style_.opacity, style_.threshold,
                             &cache[static_cast<size_t>(frame)]);
    valid[static_cast<size_t>(frame)] = true;
  }
  return cache[static_cast<size_t>(frame)];
}

int CompareView::LargestDisagreementFrame() const {
  const auto& d = data_->DisagreementAB();
  if (d.empty()) return -1;
  return static_cast<int>(std::max_element(d.begin(), d.end()) - d.begin());
}

int CompareView::NextDisagreementPeak(int from, int direction) const {
  const auto& d = data_->DisagreementAB();
  const int T = static_cast<int>(d.size());
  // A local maximum: not below either neighbour and above at least one (plateaus count once).
  auto peak = [&](int t) {
    const double l = t > 0 ? d[static_cast<size_t>(t - 1)] : -1e300;
    const double r = t + 1 < T ? d[static_cast<size_t>(t + 1)] : -1e300;
    const double v = d[static_cast<size_t>(t)];
    return v >= l && v >= r && (v > l || v > r);
  };
  for (int t = from + direction; t >= 0 && t < T; t += direction)
    if (peak(t)) return t;
  return -1;
}

QImage CompareView::RenderStrip(int first, int last, int columns, QSize tile) const {
  const auto& sources = data_->sources();
  std::vector<int> rows;
  for (int i = 0; i < static_cast<int>(sources.size()); ++i)
    if (sources[static_cast<size_t>(i)].ready()) rows.push_back(i);
  const int T = doc_->frameCount();
  if (rows.empty() || T <= 0 || columns <= 0) return {};
  first = std::clamp(first, 0, T - 1);
  last = std::clamp(last, first, T - 1);
  std::vector<int> frames;
  for (int c = 0; c < columns; ++c)
    frames.push_back(columns == 1
                         ? first
                         : first + static_cast<int>(std::lround(
                                       (last - first) * static_cast<double>(c) / (columns - 1))));
  const int label_w = 140, head = 20;
  QImage out(label_w + columns * tile.width(), head + static_cast<int>(rows.size()) * tile.height(),
             QImage::Format_ARGB32_Premultiplied);
  out.fill(Qt::white);
  QPainter p(&out);
  p.setPen(Qt::black);
  for (int c = 0; c < columns; ++c)
    p.drawText(QRect(label_w + c * tile.width(), 0, tile.width(), head), Qt::AlignCenter,
               tr("frame %1").arg(frames[static_cast<size_t>(c)]));
  // Side-by-side panes draw one source each: reuse pane i's drawing for row i.
  auto* self = const_cast<CompareView*>(this);
  const CompareMode saved = mode_;
  self->mode_ = CompareMode::kSideBySide;
  for (size_t r = 0; r < rows.size(); ++r) {
    const int y = head + static_cast<int>(r) * tile.height();
    p.drawText(QRect(4, y, label_w - 8, tile.height()), Qt::AlignVCenter | Qt::TextWordWrap,
               sources[static_cast<size_t>(rows[r])].label);
    for (int c = 0; c < columns; ++c)
      p.drawImage(
          label_w + c * tile.width(), y,
          panes_[static_cast<size_t>(rows[r])]->Render(frames[static_cast<size_t>(c)], tile));
  }
  self->mode_ = saved;
  return out;
}

void CompareView::ExportStrip() {
  const QString file = QFileDialog::getSaveFileName(this, tr("Export compare strip"),
                                                    doc_->currentEpisodeName() + "-attention.png",
                                                    tr("PNG images (*.png)"));
  if (file.isEmpty()) return;
  const bool ranged = strip_first_ >= 0 && strip_last_ >= strip_first_;
  const QImage img = ranged ? RenderStrip(strip_first_, strip_last_, 6)
                            : RenderStrip(0, doc_->frameCount() - 1, 6);
  if (img.isNull() || !img.save(file, "PNG"))
    status_->setText(tr("Could not write %1").arg(file));
  else
    status_->setText(tr("Wrote %1").arg(file));
}

void CompareView::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_X) {
    ToggleAB();
  } else if (event->key() == Qt::Key_Right || event->key() == Qt::Key_Left) {
    const int step = event->key() == Qt::Key_Right ? 1 : -1;
    doc_->SetCurrentFrame(
        std::clamp(doc_->currentFrame() + step, 0, std::max(0, doc_->frameCount() - 1)));
  } else {
    QWidget::keyPressEvent(event);
    return;
  }
  event->accept();
}

void CompareView::Repaint() {
  overlay_cache_.clear();
  overlay_valid_.clear();
  for (auto* p : panes_) p->update();
  lanes_->update();
}

void CompareView::Rebuild() {
  const QStringList ids = data_->sourceIds();
  for (int i = 0; i < 4; ++i) {
    const QString id = i < ids.size() ? ids[i] : QString();
    choosers_[static_cast<size_t>(i)]->setCurrentIndex(
        std::max(0, choosers_[static_cast<size_t>(i)]->findData(id)));
  }
  const int visible = visiblePanes();
  for (int i = 0; i < 4; ++i) panes_[static_cast<size_t>(i)]->setVisible(i < visible);
  int computing = 0;
  for (const auto& s : data_->sources()) computing += s.ready() ? 0 : 1;
  status_->setText(
      computing
          ? tr("%n source(s) not ready (attention is computed in the background)", "", computing)
          : QString());
  Repaint();
  Q_EMIT viewChanged();
}

}  // namespace autofocus

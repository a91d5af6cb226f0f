#include "widgets/saliency_panel.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include "core/saliency/saliency_renderer.h"
#include "widgets/frame_view.h"
#include "widgets/studio_document.h"
#include "widgets/studio_jobs.h"

namespace autofocus {
namespace {

constexpr int kThumbW = 112, kThumbH = 63;

QSlider* MakeSlider(int lo, int hi, QWidget* parent) {
  auto* s = new QSlider(Qt::Horizontal, parent);
  s->setRange(lo, hi);
  return s;
}

}  // namespace

SaliencyPanel::SaliencyPanel(StudioDocument* doc, const HeatmapStyle* style, QWidget* parent)
    : QWidget(parent), doc_(doc), style_(style) {
  auto* form_box = new QGroupBox(tr("Eq. 1 parameters"), this);
  auto* form = new QFormLayout(form_box);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

  auto_sigma_ = new QCheckBox(tr("auto"), form_box);
  auto_sigma_->setObjectName("autoSigmaCheck");
  auto_sigma_->setToolTip(tr("sigma0 = 0.094 x image width (30 px at 320)"));
  sigma_ = MakeSlider(2, 160, form_box);
  sigma_->setObjectName("sigmaSlider");
  sigma_box_ = new QDoubleSpinBox(form_box);
  sigma_box_->setRange(0.5, 400);
  sigma_box_->setDecimals(1);
  sigma_box_->setSuffix(tr(" px"));
  auto* sigma_row = new QHBoxLayout;
  sigma_row->addWidget(auto_sigma_);
  sigma_row->addWidget(sigma_, 1);
  sigma_row->addWidget(sigma_box_);
  form->addRow(tr("sigma0"), sigma_row);

  growth_ = new QComboBox(form_box);
  growth_->setObjectName("growthCombo");
  growth_->addItem(tr("geometric  (sigma0 / beta^k)"), static_cast<int>(SigmaGrowth::kGeometric));
  growth_->addItem(tr("linear  (sigma0 + k delta)"), static_cast<int>(SigmaGrowth::kLinear));
  form->addRow(tr("growth"), growth_);

  beta_ = MakeSlider(50, 100, form_box);
  beta_->setObjectName("betaSlider");
  beta_label_ = new QLabel(form_box);
  beta_label_->setMinimumWidth(36);
  auto* beta_row = new QHBoxLayout;
  beta_row->addWidget(beta_, 1);
  beta_row->addWidget(beta_label_);
  form->addRow(tr("beta"), beta_row);

  auto_delta_ = new QCheckBox(tr("auto"), form_box);
  auto_delta_->setToolTip(tr("delta = 0.25 x sigma0"));
  delta_ = new QDoubleSpinBox(form_box);
  delta_->setRange(0, 200);
  delta_->setDecimals(1);
  delta_->setSuffix(tr(" px"));
  auto* delta_row = new QHBoxLayout;
  delta_row->addWidget(auto_delta_);
  delta_row->addWidget(delta_, 1);
  form->addRow(tr("delta"), delta_row);

  decay_ = MakeSlider(5, 100, form_box);
  decay_->setObjectName("decaySlider");
  decay_label_ = new QLabel(form_box);
  decay_label_->setMinimumWidth(36);
  auto* decay_row = new QHBoxLayout;
  decay_row->addWidget(decay_, 1);
  decay_row->addWidget(decay_label_);
  form->addRow(tr("decay"), decay_row);

  temporal_ = new QCheckBox(tr("temporal"), form_box);
  temporal_->setObjectName("temporalCheck");
  temporal_->setToolTip(tr("Off = window 1 (the non-temporal ablation)"));
  window_ = new QSpinBox(form_box);
  window_->setObjectName("windowSpin");
  window_->setRange(1, 64);
  window_->setSuffix(tr(" frames"));
  auto* window_row = new QHBoxLayout;
  window_row->addWidget(temporal_);
  window_row->addWidget(window_, 1);
  form->addRow(tr("window K"), window_row);

  kernel_ = new QComboBox(form_box);
  kernel_->setObjectName("kernelCombo");
  kernel_->addItem(tr("isotropic (paper)"), static_cast<int>(SaliencyKernel::kIsotropic));
  kernel_->addItem(tr("box-shaped"), static_cast<int>(SaliencyKernel::kBox));
  form->addRow(tr("kernel"), kernel_);

  timing_ = new QLabel(this);
  timing_->setObjectName("timingLabel");
  timing_->setStyleSheet(QStringLiteral("color: palette(placeholder-text)"));

  auto* strip_box = new QGroupBox(tr("Surrounding frames"), this);
  // A 3-column grid keeps the panel narrow enough to dock beside the frame view.
  auto* strip = new QGridLayout(strip_box);
  strip->setSpacing(2);
  strip->setContentsMargins(4, 4, 4, 4);
  for (int i = -kThumbRadius; i <= kThumbRadius; ++i) {
    auto* b = new QToolButton(strip_box);
    b->setIconSize(QSize(kThumbW, kThumbH));
    b->setAutoRaise(true);
    b->setToolButtonStyle(Qt::ToolButtonTextUnderIcon);
    b->setProperty("offset", i);
    connect(b, &QToolButton::clicked, this, [this, i] { doc_->SetCurrentFrame(doc_->currentFrame() + i); });
    const int k = i + kThumbRadius;
    strip->addWidget(b, k / 3, k % 3);
    thumbs_.push_back(b);
  }

  apply_ = new QPushButton(tr("Apply to Project"), this);
  apply_->setObjectName("applyButton");
  apply_->setToolTip(tr("Re-render every episode with these parameters and save them in project.json"));
  cancel_ = new QPushButton(tr("Cancel"), this);
  cancel_->setEnabled(false);
  reset_ = new QPushButton(tr("Paper Defaults"), this);
  progress_ = new QProgressBar(this);
  progress_->setObjectName("applyProgress");
  progress_->setTextVisible(true);
  progress_->setVisible(false);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(reset_);
  buttons->addStretch(1);
  buttons->addWidget(apply_);
  buttons->addWidget(cancel_);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(form_box);
  layout->addWidget(timing_);
  layout->addWidget(strip_box);
  layout->addLayout(buttons);
  layout->addWidget(progress_);
  layout->addStretch(1);

  for (QSlider* s : {beta_, decay_}) connect(s, &QSlider::valueChanged, this, &SaliencyPanel::ControlsChanged);
  // sigma0 has a slider and a spin box: sync the other one first, then apply once.
  connect(sigma_, &QSlider::valueChanged, this, [this](int v) {
    if (updating_) return;
    updating_ = true;
    sigma_box_->setValue(v);
    updating_ = false;
    ControlsChanged();
  });
  connect(sigma_box_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, [this](double v) {
    if (updating_) return;
    updating_ = true;
    sigma_->setValue(static_cast<int>(std::lround(v)));
    updating_ = false;
    ControlsChanged();
  });
  for (QCheckBox* c : {auto_sigma_, auto_delta_, temporal_}) connect(c, &QCheckBox::toggled, this, &SaliencyPanel::ControlsChanged);
  connect(delta_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &SaliencyPanel::ControlsChanged);
  connect(window_, qOverload<int>(&QSpinBox::valueChanged), this, &SaliencyPanel::ControlsChanged);
  for (QComboBox* c : {growth_, kernel_}) connect(c, qOverload<int>(&QComboBox::currentIndexChanged), this, &SaliencyPanel::ControlsChanged);
  connect(apply_, &QPushButton::clicked, this, [this] { ApplyToProject(); });
  connect(cancel_, &QPushButton::clicked, this, [this] {
    if (job_) job_->Cancel();
  });
  connect(reset_, &QPushButton::clicked, this, [this] {
    ShowOptions(SaliencyOptions());
    ControlsChanged();
  });

  thumb_timer_.setSingleShot(true);
  thumb_timer_.setInterval(40);
  connect(&thumb_timer_, &QTimer::timeout, this, &SaliencyPanel::UpdateThumbnails);
  auto schedule = [this] {
    if (!thumb_timer_.isActive()) thumb_timer_.start();
  };
  connect(doc_, &StudioDocument::currentFrameChanged, this, schedule);
  connect(doc_, &StudioDocument::annotationsChanged, this, schedule);
  connect(doc_, &StudioDocument::saliencyParametersChanged, this, schedule);
  connect(doc_, &StudioDocument::episodeChanged, this, schedule);
  connect(doc_, &StudioDocument::projectChanged, this, [this] { ShowOptions(doc_->saliencyOptions()); });
  ShowOptions(doc_->saliencyOptions());
}

SaliencyPanel::~SaliencyPanel() = default;

SaliencyOptions SaliencyPanel::Options() const {
  SaliencyOptions o = doc_->saliencyOptions();
  if (auto_sigma_->isChecked()) {
    o.sigma0.reset();
  } else {
    o.sigma0 = sigma_box_->value();
  }
  o.sigma_growth = static_cast<SigmaGrowth>(growth_->currentData().toInt());
  o.beta = beta_->value() / 100.0;
  if (auto_delta_->isChecked()) {
    o.delta.reset();
  } else {
    o.delta = delta_->value();
  }
  o.decay = decay_->value() / 100.0;
  o.window = temporal_->isChecked() ? window_->value() : 1;
  o.kernel = static_cast<SaliencyKernel>(kernel_->currentData().toInt());
  return o;
}

void SaliencyPanel::ShowOptions(const SaliencyOptions& o) {
  updating_ = true;
  const int width = doc_->episode() ? doc_->episode()->episode.width
                                    : (doc_->store() ? doc_->store()->info().image_width : 320);
  const double sigma = o.Sigma0(width > 0 ? width : 320);
  auto_sigma_->setChecked(!o.sigma0.has_value());
  sigma_->setValue(static_cast<int>(std::lround(sigma)));
  sigma_box_->setValue(sigma);
  growth_->setCurrentIndex(o.sigma_growth == SigmaGrowth::kGeometric ? 0 : 1);
  beta_->setValue(static_cast<int>(std::lround(o.beta * 100)));
  auto_delta_->setChecked(!o.delta.has_value());
  delta_->setValue(o.Delta(width > 0 ? width : 320));
  decay_->setValue(static_cast<int>(std::lround(o.decay * 100)));
  temporal_->setChecked(o.window > 1);
  if (o.window > 1) last_window_ = o.window;
  window_->setValue(o.window > 1 ? o.window : last_window_);
  kernel_->setCurrentIndex(o.kernel == SaliencyKernel::kIsotropic ? 0 : 1);
  updating_ = false;
  UpdateEnabled();
}

void SaliencyPanel::UpdateEnabled() {
  sigma_->setEnabled(!auto_sigma_->isChecked());
  sigma_box_->setEnabled(!auto_sigma_->isChecked());
  const bool geometric = growth_->currentIndex() == 0;
  beta_->setEnabled(geometric);
  auto_delta_->setEnabled(!geometric);
  delta_->setEnabled(!geometric && !auto_delta_->isChecked());
  window_->setEnabled(temporal_->isChecked());
  decay_->setEnabled(temporal_->isChecked());
  beta_label_->setText(QString::number(beta_->value() / 100.0, 'f', 2));
  decay_label_->setText(QString::number(decay_->value() / 100.0, 'f', 2));
}

void SaliencyPanel::ControlsChanged() {
  if (updating_) return;
  UpdateEnabled();
  if (temporal_->isChecked()) last_window_ = window_->value();
  const SaliencyOptions o = Options();
  try {
    doc_->SetSaliencyOptions(o);
  } catch (const std::exception& e) {
    timing_->setText(tr("Invalid: %1").arg(QString::fromStdString(e.what())));
    return;
  }
  // Render the current frame right away (the views' paint then reuses the cached map) and
  // show what the whole change cost.
  QElapsedTimer clock;
  clock.start();
  doc_->SaliencyMap(doc_->currentFrame());
  timing_->setText(tr("Current frame re-rendered in %1 ms").arg(clock.nsecsElapsed() / 1e6, 0, 'f', 2));
}

void SaliencyPanel::UpdateThumbnails() {
  const StudioEpisode* ep = doc_->episode();
  const int t0 = doc_->currentFrame();
  SaliencyOptions o = doc_->saliencyOptions();
  o.output_width = kThumbW;
  o.output_height = kThumbH;
  std::unique_ptr<SaliencyRenderer> renderer;
  if (ep && ep->episode.width > 0 && ep->episode.height > 0) {
    renderer = std::make_unique<SaliencyRenderer>(o, ep->episode.width, ep->episode.height);
  }
  std::vector<float> map(static_cast<size_t>(kThumbW) * kThumbH);
  QImage heat;
  for (size_t i = 0; i < thumbs_.size(); ++i) {
    QToolButton* b = thumbs_[i];
    const int t = t0 + static_cast<int>(i) - kThumbRadius;
    if (!ep || t < 0 || t >= ep->num_frames()) {
      b->setIcon(QIcon());
      b->setText(QString());
      b->setEnabled(false);
      continue;
    }
    b->setEnabled(true);
    QImage img(kThumbW, kThumbH, QImage::Format_RGB32);
    img.fill(QColor(30, 30, 30));
    QPainter p(&img);
    const QImage frame = doc_->FrameImage(t);
    if (!frame.isNull()) p.drawImage(QRect(0, 0, kThumbW, kThumbH), frame);
    if (renderer) {
      renderer->RenderFrame(doc_->saliencyInput(), static_cast<size_t>(t), map.data());
      style_->colormap.Colorize(map.data(), kThumbW, kThumbH, style_->opacity, style_->threshold, &heat);
      p.drawImage(0, 0, heat);
    }
    if (t == t0) {
      p.setPen(QPen(QColor(255, 80, 70), 3));
      p.drawRect(QRect(1, 1, kThumbW - 3, kThumbH - 3));
    }
    p.end();
    b->setIcon(QIcon(QPixmap::fromImage(img)));
    b->setText(QString::number(t));
  }
}

StudioJob* SaliencyPanel::ApplyToProject() {
  if (!doc_->store()) return nullptr;
  // A newer Apply supersedes a running one: cancel it and ignore whatever it still reports.
  if (job_) {
    job_->disconnect(this);
    job_->Cancel();
    job_->deleteLater();
  }
  const std::filesystem::path root = doc_->store()->root();
  const SaliencyOptions options = doc_->saliencyOptions();
  auto* job = new StudioJob(tr("Apply saliency"),
                            [root, options](const ProgressCallback& progress, const StopCheck& stop) {
                              ApplySaliencyToProject(root, {}, options, progress, stop);
                            },
                            this);
  job_ = job;
  progress_->setVisible(true);
  progress_->setRange(0, 0);
  progress_->setFormat(tr("Starting..."));
  cancel_->setEnabled(true);
  connect(job, &StudioJob::progress, this, [this](const QString&, const QString& item, qint64 done, qint64 total, double eta) {
    progress_->setRange(0, static_cast<int>(std::max<qint64>(1, total)));
    progress_->setValue(static_cast<int>(done));
    progress_->setFormat(eta >= 0 ? tr("%1  %p%  (%2 s left)").arg(item).arg(eta, 0, 'f', 1) : tr("%1  %p%").arg(item));
  });
  connect(job, &StudioJob::finished, this, [this, job, options](bool ok, bool cancelled, const QString& error) {
    cancel_->setEnabled(false);
    progress_->setVisible(false);
    QString message;
    if (ok) {
      // Keep the open store in step with what the job wrote to project.json.
      if (ProjectStore* s = doc_->store()) {
        Json& settings = s->mutable_info().settings;
        if (!settings.is_object()) settings = Json::object();
        settings["saliency"] = options.ToJson();
        if (settings.contains("pipeline") && settings["pipeline"].is_object()) settings["pipeline"]["saliency"] = options.ToJson();
      }
      message = tr("Saliency parameters applied to every episode and saved in project.json");
    } else if (cancelled) {
      message = tr("Apply to project cancelled");
    } else {
      message = tr("Apply to project failed: %1").arg(error);
    }
    timing_->setText(message);
    Q_EMIT applyFinished(ok, cancelled, message);
    if (job_ == job) job_ = nullptr;
    job->deleteLater();
  });
  job->Start();
  return job;
}

}  // namespace autofocus

#pragma once

#include <QPointer>
#include <QTimer>
#include <QWidget>
#include <memory>
#include <vector>

#include "core/saliency/saliency_options.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;
class QToolButton;

namespace autofocus {

class StudioDocument;
class StudioJob;
class SaliencyRenderer;
struct HeatmapStyle;

// Live tuning of the Eq. 1 parameters: sigma0 (or auto), growth law and its parameter (beta
// or delta), decay, window K, kernel, temporal on/off (off = K 1). Every change goes straight
// to the document, so the frame view re-renders the current frame while a slider moves, and a
// strip of thumbnails of the surrounding frames follows (debounced). "Apply to project"
// re-renders every episode in the background with progress and cancel and saves the
// parameters in project.json; a newer Apply supersedes a running one.
class SaliencyPanel : public QWidget {
  Q_OBJECT
 public:
  // `style`: the frame view's heatmap style (thumbnails use the same colormap).
  SaliencyPanel(StudioDocument* doc, const HeatmapStyle* style, QWidget* parent = nullptr);
  ~SaliencyPanel() override;

  // The options the controls describe.
  SaliencyOptions Options() const;
  // Shows `options` in the controls (without emitting changes).
  void ShowOptions(const SaliencyOptions& options);
  // Starts "Apply to project" (returns the job, owned by the panel).
  StudioJob* ApplyToProject();
  // The running apply job, or nullptr.
  StudioJob* job() const { return job_; }
  // Radius of the thumbnail strip (frames each side).
  static constexpr int kThumbRadius = 4;
  // Rebuilds the thumbnails now (normally debounced).
  void UpdateThumbnails();

 Q_SIGNALS:
  // An apply job finished: ok / cancelled / error text (for the log panel).
  void applyFinished(bool ok, bool cancelled, const QString& message);

 private:
  void ControlsChanged();
  void UpdateEnabled();

  StudioDocument* doc_;
  const HeatmapStyle* style_;
  bool updating_ = false;
  QCheckBox* auto_sigma_ = nullptr;
  QSlider* sigma_ = nullptr;
  QDoubleSpinBox* sigma_box_ = nullptr;
  QComboBox* growth_ = nullptr;
  QSlider* beta_ = nullptr;
  QLabel* beta_label_ = nullptr;
  QCheckBox* auto_delta_ = nullptr;
  QDoubleSpinBox* delta_ = nullptr;
  QSlider* decay_ = nullptr;
  QLabel* decay_label_ = nullptr;
  QSpinBox* window_ = nullptr;
  QCheckBox* temporal_ = nullptr;
  QComboBox* kernel_ = nullptr;
  QLabel* timing_ = nullptr;
  std::vector<QToolButton*> thumbs_;
  QTimer thumb_timer_;
  QPushButton* apply_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QPushButton* reset_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QPointer<StudioJob> job_;
  int last_window_ = 4;
};

}  // namespace autofocus

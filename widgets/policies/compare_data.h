#pragma once

#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QStringList>
#include <deque>
#include <vector>

namespace autofocus {

class StudioDocument;

// One map source of the compare view for the current episode, resampled to the common grid
// (CompareData::kGridWidth x kGridHeight) so panes, differences and metrics line up.
struct CompareSource {
  QString id;                // "run:NAME" | "ref:saliency" | "ref:gaze" | "ref:ground-truth"
  QString label;             // display name
  QString state;             // "" when ready, else "computing…" or the reason it is missing
  int frames = 0;            // T (0 until ready)
  std::vector<float> maps;   // T x grid, non-negative (negative attention clipped), raw scale
  std::vector<float> shown;  // T x grid, min-max per frame to [0, 1] for display
  bool ready() const { return frames > 0; }
  const float* Map(int t) const;
  const float* Shown(int t) const;
};

// The data behind the compare view: the sources' maps of the document's episode (policy
// attention from the project's cache, computed by an `autofocus attention` child process when
// missing; references built by core/attention), the per-frame metric of each source against a
// reference and the disagreement of two sources. Everything is per episode and recomputed when
// the episode, the sources or the reference change.
class CompareData : public QObject {
  Q_OBJECT
 public:
  static constexpr int kGridWidth = 96;   // common map grid (16:9, about 2.5x the GABRIL CNN's
  static constexpr int kGridHeight = 54;  // 20x38 feature map)

  explicit CompareData(StudioDocument* doc, QObject* parent = nullptr);
  ~CompareData() override;

  // The `autofocus` CLI used for missing attention maps (default: DefaultAutofocusCli()).
  void SetCliProgram(const QString& program) { cli_ = program; }
  // Up to 4 sources, in pane order; the missing policy maps are requested.
  void SetSources(const QStringList& ids);
  QStringList sourceIds() const;
  const std::vector<CompareSource>& sources() const { return sources_; }
  // Reference of the metric lanes: saliency | gaze | ground-truth | source:0 (source A).
  void SetReference(const QString& kind);
  QString reference() const { return reference_; }
  // Metric of the lanes: cc | sim | kl.
  void SetMetric(const QString& metric);
  QString metric() const { return metric_; }
  // Per-frame metric of source i against the reference (NaN where it cannot be computed).
  const std::vector<double>& Metric(int i) const;
  // Per-frame disagreement 1 - CC of sources a and b (empty unless both are ready).
  std::vector<double> Disagreement(int a, int b) const;
  // Disagreement(0, 1), computed once per change (the lanes repaint it on every frame).
  const std::vector<double>& DisagreementAB() const { return disagreement_ab_; }
  // Whether an attention child process is running or queued.
  bool busy() const { return process_ || !queue_.empty(); }
  // Re-reads everything for the current episode (cache hits are immediate).
  void Reload();

  // The label of a source id ("run:bc" -> "bc", "ref:gaze" -> "gaze (reference)").
  static QString LabelOf(const QString& id);

 Q_SIGNALS:
  // Sources or metrics changed (panes repaint, lanes replot).
  void changed();
  // A policy's attention state for the Policies model: "cached", "computing…", "failed: …".
  void attentionState(const QString& run, const QString& state);

 private:
  void LoadSource(CompareSource* s);
  void ComputeMetrics();
  void StartNext();

  StudioDocument* doc_;
  QString cli_;
  std::vector<CompareSource> sources_;
  std::vector<std::vector<double>> metrics_;
  std::vector<double> disagreement_ab_;
  QString reference_ = "saliency";
  QString metric_ = "cc";
  std::deque<QString> queue_;   // runs waiting for `autofocus attention`
  QPointer<QProcess> process_;  // the running child, if any
  QString process_run_;
  QString process_error_;
};

}  // namespace autofocus

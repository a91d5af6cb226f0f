#include "widgets/policies/compare_data.h"

#include <QCoreApplication>
#include <QDir>
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/attention/attention_cache.h"
#include "core/attention/attention_options.h"
#include "core/attention/attention_reference.h"
#include "core/attention/saliency_metrics.h"
#include "core/base/error.h"
#include "core/dataset/project_store.h"
#include "core/train/train_options.h"
#include "widgets/studio_document.h"
#include "widgets/train/train_process.h"

namespace autofocus {

namespace {
constexpr size_t kGrid = static_cast<size_t>(CompareData::kGridWidth) * CompareData::kGridHeight;
}  // namespace

const float* CompareSource::Map(int t) const {
  return maps.data() + static_cast<size_t>(t) * kGrid;
}
const float* CompareSource::Shown(int t) const {
  return shown.data() + static_cast<size_t>(t) * kGrid;
}

CompareData::CompareData(StudioDocument* doc, QObject* parent)
    : QObject(parent), doc_(doc), cli_(DefaultAutofocusCli()) {
  connect(doc_, &StudioDocument::episodeChanged, this, &CompareData::Reload);
  // Edited key objects change the saliency reference (and so the metric lanes).
  connect(doc_, &StudioDocument::annotationsChanged, this, [this] {
    if (reference_ == "saliency" || sourceIds().contains("ref:saliency")) Reload();
  });
}

CompareData::~CompareData() {
  if (process_) {
    process_->disconnect(this);
    process_->kill();
    process_->waitForFinished(2000);
  }
}

QString CompareData::LabelOf(const QString& id) {
  if (id.startsWith("run:")) return id.mid(4);
  if (id == "ref:saliency") return tr("saliency target");
  if (id == "ref:gaze") return tr("gaze");
  if (id == "ref:ground-truth") return tr("ground truth");
  return id;
}

QStringList CompareData::sourceIds() const {
  QStringList ids;
  for (const auto& s : sources_) ids << s.id;
  return ids;
}

void CompareData::SetSources(const QStringList& ids) {
  // Ready sources are kept; the others are asked again (a failed child is retried when the user
  // asks for the source again, a queued one is not queued twice).
  std::vector<CompareSource> next;
  for (const auto& id : ids.mid(0, 4)) {
    auto it = std::find_if(sources_.begin(), sources_.end(),
                           [&id](const CompareSource& s) { return s.id == id; });
    if (it != sources_.end() && it->ready()) {
      next.push_back(std::move(*it));
      continue;
    }
    CompareSource s;
    s.id = id;
    s.label = LabelOf(id);
    LoadSource(&s);
    next.push_back(std::move(s));
  }
  sources_ = std::move(next);
  ComputeMetrics();
  Q_EMIT changed();
}

void CompareData::SetReference(const QString& kind) {
  if (kind == reference_) return;
  reference_ = kind;
  ComputeMetrics();
  Q_EMIT changed();
}

void CompareData::SetMetric(const QString& metric) {
  if (metric == metric_) return;
  metric_ = metric;
  ComputeMetrics();
  Q_EMIT changed();
}

const std::vector<double>& CompareData::Metric(int i) const {
  static const std::vector<double> kEmpty;
  return i >= 0 && static_cast<size_t>(i) < metrics_.size() ? metrics_[static_cast<size_t>(i)]
                                                            : kEmpty;
}

std::vector<double> CompareData::Disagreement(int a, int b) const {
  std::vector<double> out;
  if (a < 0 || b < 0 || static_cast<size_t>(std::max(a, b)) >= sources_.size()) return out;
  const CompareSource &A = sources_[static_cast<size_t>(a)], &B = sources_[static_cast<size_t>(b)];
  if (!A.ready() || !B.ready() || A.frames != B.frames) return out;
  out.resize(static_cast<size_t>(A.frames));
  for (int t = 0; t < A.frames; ++t)
    out[static_cast<size_t>(t)] = 1.0 - Cc(A.Map(t), B.Map(t), kGrid);
  return out;
}

void CompareData::Reload() {
  for (auto& s : sources_) {
    s = CompareSource{s.id, s.label, {}, 0, {}, {}};
    LoadSource(&s);
  }
  ComputeMetrics();
  Q_EMIT changed();
}

void CompareData::LoadSource(CompareSource* s) {
  const ProjectStore* store = doc_->store();
  const std::string episode = doc_->currentEpisodeName().toStdString();
  if (!store || episode.empty()) {
    s->state = tr("no episode open");
    return;
  }
  std::vector<float> raw;  // frames x grid, before clipping
  int frames = 0;
  try {
    if (s->id.startsWith("run:")) {
      const std::string run = s->id.mid(4).toStdString();
      const RunCacheEntry entry = RunAttentionCacheEntry(*store, run, episode, AttentionOptions{});
      const auto maps = ReadAttentionCache(entry.npy, entry.identity);
      if (!maps) {
        s->state = tr("computing…");
        const QString name = s->id.mid(4);
        if (process_run_ != name && std::find(queue_.begin(), queue_.end(), name) == queue_.end())
          queue_.push_back(name);
        Q_EMIT attentionState(name, s->state);
        StartNext();
        return;
      }
      frames = static_cast<int>(maps->frames);
      raw.resize(static_cast<size_t>(frames) * kGrid);
      for (int t = 0; t < frames; ++t)
        ResizeBilinear(maps->frame(t), static_cast<int>(maps->height),
                       static_cast<int>(maps->width), kGridHeight, kGridWidth,
                       raw.data() + static_cast<size_t>(t) * kGrid);
      Q_EMIT attentionState(s->id.mid(4), tr("cached"));
    } else {
      const ReferenceEpisode ref = BuildReference(*store, episode, s->id.mid(4).toStdString(),
                                                  TrainOptions{}, kGridWidth, kGridHeight);
      frames = static_cast<int>(ref.maps.size() / kGrid);
      raw = ref.maps;
    }
  } catch (const std::exception& e) {
    s->state = QString::fromUtf8(e.what());
    if (s->id.startsWith("run:"))
      Q_EMIT attentionState(s->id.mid(4), tr("failed: %1").arg(s->state));
    return;
  }
  s->frames = frames;
  s->maps.resize(raw.size());
  s->shown.resize(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) s->maps[i] = std::max(0.f, raw[i]);
  for (int t = 0; t < frames; ++t) {
    const float* m = s->Map(t);
    NormaliseForDisplay(m, kGrid, FrameDisplayRange(m, kGrid),
                        s->shown.data() + static_cast<size_t>(t) * kGrid);
  }
  s->state.clear();
}

void CompareData::ComputeMetrics() {
  metrics_.assign(sources_.size(), {});
  disagreement_ab_ = Disagreement(0, 1);
  const ProjectStore* store = doc_->store();
  if (!store || sources_.empty()) return;
  // The reference: a built one (saliency, gaze, ground truth) or source A itself ("source:0":
  // policy against policy).
  ReferenceEpisode ref;
  int T = 0;
  const CompareSource* ref_source = nullptr;
  if (reference_ == "source:0") {
    if (!sources_[0].ready()) return;
    ref_source = &sources_[0];
    T = ref_source->frames;
  } else {
    try {
      ref = BuildReference(*store, doc_->currentEpisodeName().toStdString(),
                           reference_.toStdString(), TrainOptions{}, kGridWidth, kGridHeight);
    } catch (const std::exception&) {
      return;  // no reference of this kind for the episode: the lanes say so (empty)
    }
    T = static_cast<int>(ref.maps.size() / kGrid);
  }
  for (size_t i = 0; i < sources_.size(); ++i) {
    const CompareSource& s = sources_[i];
    if (!s.ready() || s.frames != T) continue;
    std::vector<double>& out = metrics_[i];
    out.resize(static_cast<size_t>(T));
    for (int t = 0; t < T; ++t) {
      const float* r = ref_source ? ref_source->Map(t) : ref.frame(static_cast<size_t>(t));
      const float* p = s.Map(t);
      double v = std::numeric_limits<double>::quiet_NaN();
      if (metric_ == "cc")
        v = Cc(p, r, kGrid);
      else if (metric_ == "sim")
        v = Similarity(p, r, kGrid);
      else if (metric_ == "kl")
        v = KlDivergence(p, r, kGrid);
      out[static_cast<size_t>(t)] = v;
    }
  }
}

void CompareData::StartNext() {
  if (process_ || queue_.empty() || !doc_->store()) return;
  if (cli_.isEmpty()) {
    const QString run = queue_.front();
    queue_.pop_front();
    Q_EMIT attentionState(run, tr("failed: the autofocus command-line program was not found"));
    return;
  }
  process_run_ = queue_.front();
  queue_.pop_front();
  auto* p = new QProcess(this);
  process_ = p;
  const QString report = QDir::temp().filePath(
      QStringLiteral("autofocus-studio-attention-%1").arg(QCoreApplication::applicationPid()));
  p->setProgram(cli_);
  p->setArguments({"attention", QString::fromStdString(doc_->store()->root().string()), "--runs",
                   process_run_, "--episodes", doc_->currentEpisodeName(), "--progress", "none",
                   "--out", report});
  p->setProcessChannelMode(QProcess::SeparateChannels);
  connect(p, &QProcess::finished, this, [this, p](int code, QProcess::ExitStatus status) {
    const QString run = process_run_;
    const QString err = QString::fromUtf8(p->readAllStandardError()).trimmed();
    p->deleteLater();
    process_ = nullptr;
    process_run_.clear();
    if (status != QProcess::NormalExit || code != 0) {
      const QString last = err.section('\n', -1);
      for (auto& s : sources_)
        if (s.id == "run:" + run) s.state = tr("failed: %1").arg(last);
      Q_EMIT attentionState(run, tr("failed: %1").arg(last));
      Q_EMIT changed();
    } else {
      for (auto& s : sources_)
        if (s.id == "run:" + run) {
          s = CompareSource{s.id, s.label, {}, 0, {}, {}};
          LoadSource(&s);
        }
      ComputeMetrics();
      Q_EMIT changed();
    }
    StartNext();
  });
  p->start();
}

}  // namespace autofocus

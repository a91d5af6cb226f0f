#include "widgets/studio_document.h"

#include <QFileInfo>
#include <algorithm>
#include <map>

#include "core/base/error.h"
#include "core/exchange/exchange_cache.h"
#include "core/saliency/saliency_renderer.h"
#include "core/sim/ground_truth.h"

namespace autofocus {
namespace {

Detection DetectionFrom(const Json& j) {
  Detection d;
  const Json& b = j.at("box");
  d.box = {b.at(0).get<float>(), b.at(1).get<float>(), b.at(2).get<float>(), b.at(3).get<float>()};
  d.label = j.value("label", "");
  d.score = j.value("score", 1.f);
  d.id = j.value("id", -1);
  return d;
}

Json DetectionTo(const Detection& d) {
  Json j = {{"box", {d.box.x1, d.box.y1, d.box.x2, d.box.y2}}, {"label", d.label}, {"score", d.score}};
  if (d.id >= 0) j["id"] = d.id;
  return j;
}

std::vector<std::vector<Detection>> FramesFrom(const Json& frames, const char* field) {
  std::vector<std::vector<Detection>> out;
  out.reserve(frames.size());
  for (const Json& f : frames) {
    std::vector<Detection> dets;
    for (const Json& d : f.at(field)) dets.push_back(DetectionFrom(d));
    out.push_back(std::move(dets));
  }
  return out;
}

}  // namespace

bool StudioSegment::IsKey(int id) const {
  return std::binary_search(key_ids.begin(), key_ids.end(), id);
}

int StudioEpisode::Undecided() const {
  return static_cast<int>(std::count_if(segments.begin(), segments.end(),
                                        [](const StudioSegment& s) { return s.status != "ok"; }));
}

int StudioEpisode::SegmentAt(int frame) const {
  // Segments are sorted by start and do not overlap: binary search on the start.
  auto it = std::upper_bound(segments.begin(), segments.end(), frame,
                             [](int f, const StudioSegment& s) { return f < s.start; });
  if (it == segments.begin()) return -1;
  --it;
  return frame <= it->end ? static_cast<int>(it - segments.begin()) : -1;
}

const StudioTrack* StudioEpisode::FindTrack(int id) const {
  for (const auto& t : tracks) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

StudioDocument::StudioDocument(QObject* parent) : QObject(parent) {
  flush_timer_.setSingleShot(true);
  flush_timer_.setInterval(0);
  connect(&flush_timer_, &QTimer::timeout, this, &StudioDocument::FlushSignals);
}

StudioDocument::~StudioDocument() = default;

bool StudioDocument::OpenProject(const QString& path, QString* error) {
  // The desktop file opens a project through its project.json (packaging/, the MIME type).
  const QFileInfo file(path);
  const QString dir = file.isFile() && file.fileName() == QLatin1String("project.json")
                          ? file.absolutePath()
                          : path;
  std::unique_ptr<ProjectStore> store;
  try {
    store = std::make_unique<ProjectStore>(ProjectStore::Open(dir.toStdString()));
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  SaliencyOptions saliency;
  const Json& settings = store->info().settings;
  if (settings.is_object() && settings.contains("saliency")) {
    try {
      saliency = SaliencyOptions::FromJson(settings.at("saliency"), "project.json", "settings.saliency");
    } catch (const std::exception&) {
      // A bad stored value must not make the project unopenable: fall back to the defaults.
      saliency = SaliencyOptions();
    }
  }
  episode_.reset();
  frames_.reset();
  exchanges_.reset();
  cache_.Clear();
  store_ = std::move(store);
  saliency_ = saliency;
  renderer_.reset();
  key_rects_.clear();
  map_frame_ = -1;
  frame_ = 0;
  selected_track_ = -1;
  selected_segment_ = -1;
  segment_pinned_ = false;
  flagged_.clear();
  Q_EMIT projectChanged();
  Q_EMIT episodeChanged();
  Q_EMIT saliencyParametersChanged();
  return true;
}

void StudioDocument::CloseProject() {
  episode_.reset();
  frames_.reset();
  exchanges_.reset();
  store_.reset();
  cache_.Clear();
  renderer_.reset();
  key_rects_.clear();
  map_frame_ = -1;
  frame_ = 0;
  selected_track_ = selected_segment_ = -1;
  flagged_.clear();
  Q_EMIT projectChanged();
  Q_EMIT episodeChanged();
}

QString StudioDocument::projectPath() const {
  return store_ ? QString::fromStdString(store_->root().string()) : QString();
}

bool StudioDocument::SetCurrentEpisode(const QString& qname, QString* error) {
  if (!store_) {
    if (error) *error = tr("No project is open");
    return false;
  }
  const std::string name = qname.toStdString();
  auto ep = std::make_unique<StudioEpisode>();
  std::unique_ptr<FrameSource> frames;
  try {
    ep->episode = store_->LoadEpisode(name);
    const int T = ep->episode.num_frames;
    if (store_->HasArtifact(name, "tracks")) {
      const Json j = store_->LoadArtifact(name, "tracks");
      const Json& r = j.at("result");
      ep->tracked = FramesFrom(r.at("frames"), "detections");
      for (const Json& t : r.at("tracks")) {
        ep->tracks.push_back({t.at("id").get<int>(), t.value("label", ""), t.value("first_frame", 0),
                              t.value("last_frame", 0), t.value("length", 0)});
      }
      for (const Json& s : r.at("segments")) {
        StudioSegment seg;
        seg.start = s.at("start").get<int>();
        seg.end = s.at("end").get<int>();
        seg.ids = s.at("ids").get<std::vector<int>>();
        seg.json = s;
        ep->segments.push_back(std::move(seg));
      }
    }
    if (store_->HasArtifact(name, "detections")) {
      const Json j = store_->LoadArtifact(name, "detections");
      if (j.contains("result")) {
        for (const Json& f : j.at("result").value("failed_frames", Json::array())) {
          ep->failed_frames.push_back(f.value("frame", 0));
          ep->failed_frame_errors.push_back(f.value("error", ""));
        }
      }
    }
    if (store_->HasArtifact(name, "key_objects")) {
      const Json j = store_->LoadArtifact(name, "key_objects");
      ep->key_objects_complete = j.value("complete", true);
      ep->key_boxes = FramesFrom(j.at("frames"), "objects");
      // Key-object segments supersede the tracker's: they carry the re-run IDs and decisions.
      ep->segments.clear();
      for (const Json& s : j.at("segments")) {
        StudioSegment seg;
        seg.start = s.at("start").get<int>();
        seg.end = s.at("end").get<int>();
        seg.ids = s.value("ids", std::vector<int>{});
        seg.key_ids = s.value("key_ids", std::vector<int>{});
        std::sort(seg.key_ids.begin(), seg.key_ids.end());
        seg.decided_by = s.value("decided_by", "model");
        seg.status = s.value("status", "ok");
        seg.reruns = s.value("reruns", 0);
        seg.json = s;
        ep->segments.push_back(std::move(seg));
      }
    }
    std::sort(ep->segments.begin(), ep->segments.end(),
              [](const StudioSegment& a, const StudioSegment& b) { return a.start < b.start; });
    if (store_->HasArtifact(name, "context")) {
      const Json j = store_->LoadArtifact(name, "context");
      if (j.contains("result")) ep->context = j.at("result");
    }
    ep->status = store_->HasArtifact(name, "status") ? store_->LoadArtifact(name, "status") : Json::object();
    if (store_->HasArtifact(name, "saliency")) {
      const Json j = store_->LoadArtifact(name, "saliency");
      if (j.contains("coverage")) ep->coverage = j.at("coverage").get<std::vector<double>>();
    }
    if (store_->HasArtifact(name, sim::kGroundTruthArtifact)) {
      const std::string file = store_->ArtifactPath(name, sim::kGroundTruthArtifact).string();
      ep->ground_truth = std::make_shared<const sim::EpisodeGroundTruth>(
          sim::EpisodeGroundTruth::FromJson(store_->LoadArtifact(name, sim::kGroundTruthArtifact), file));
    }
    // Artifacts of an older run may be shorter than the episode: pad so per-frame access is safe.
    ep->tracked.resize(static_cast<size_t>(T));
    ep->key_boxes.resize(static_cast<size_t>(T));
    frames = store_->OpenFrames(ep->episode);
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    Q_EMIT episodeLoadFailed(qname, QString::fromStdString(e.what()));
    return false;
  }
  episode_ = std::move(ep);
  frames_ = std::move(frames);
  renderer_.reset();
  map_frame_ = -1;
  frame_ = 0;
  selected_track_ = -1;
  selected_segment_ = -1;
  segment_pinned_ = false;
  flagged_.clear();
  key_rects_.assign(episode_->key_boxes.size(), {});
  RebuildKeyRects(0, frameCount() - 1);
  UpdateSegmentFromFrame();
  pending_first_ = pending_last_ = -1;
  pending_frame_ = false;
  Q_EMIT episodeChanged();
  Q_EMIT currentFrameChanged(frame_);
  Q_EMIT selectionChanged();
  return true;
}

QString StudioDocument::currentEpisodeName() const {
  return episode_ ? QString::fromStdString(episode_->episode.name) : QString();
}

int StudioDocument::frameCount() const { return episode_ ? episode_->num_frames() : 0; }

void StudioDocument::SetCurrentFrame(int frame) {
  const int n = frameCount();
  frame = n > 0 ? std::clamp(frame, 0, n - 1) : 0;
  if (frame == frame_) return;
  frame_ = frame;
  pending_frame_ = true;
  if (!segment_pinned_) {
    const int before = selected_segment_;
    UpdateSegmentFromFrame();
    if (before != selected_segment_) pending_selection_ = true;
  }
  ScheduleFlush();
}

void StudioDocument::UpdateSegmentFromFrame() {
  selected_segment_ = episode_ ? episode_->SegmentAt(frame_) : -1;
}

void StudioDocument::SetSelectedTrack(int id) {
  if (id == selected_track_) return;
  selected_track_ = id;
  pending_selection_ = true;
  ScheduleFlush();
}

void StudioDocument::SetSelectedSegment(int index) {
  if (!episode_ || index < -1 || index >= static_cast<int>(episode_->segments.size())) return;
  // The selection follows the cursor, so choosing a sub-sequence moves the cursor into it.
  if (index >= 0) {
    const auto& s = episode_->segments[static_cast<size_t>(index)];
    if (frame_ < s.start || frame_ > s.end) {
      frame_ = s.start;
      pending_frame_ = true;
    }
  }
  if (index == selected_segment_ && !pending_frame_) return;
  selected_segment_ = index;
  pending_selection_ = true;
  ScheduleFlush();
}

void StudioDocument::SetKeyBoxes(int first, const std::vector<std::vector<Detection>>& frames) {
  if (!episode_ || frames.empty()) return;
  const int last = std::min(frameCount() - 1, first + static_cast<int>(frames.size()) - 1);
  for (int t = std::max(0, first); t <= last; ++t) {
    episode_->key_boxes[static_cast<size_t>(t)] = frames[static_cast<size_t>(t - first)];
  }
  NotifyAnnotationsChanged(first, last);
}

void StudioDocument::SetTrackedDetections(int first, const std::vector<std::vector<Detection>>& frames) {
  if (!episode_ || frames.empty()) return;
  const int last = std::min(frameCount() - 1, first + static_cast<int>(frames.size()) - 1);
  for (int t = std::max(0, first); t <= last; ++t) {
    episode_->tracked[static_cast<size_t>(t)] = frames[static_cast<size_t>(t - first)];
  }
  // Merges and splits change which tracks exist; the inspector and the lanes read this list.
  RebuildTracks();
  NotifyAnnotationsChanged(first, last);
}

void StudioDocument::RebuildTracks() {
  std::map<int, StudioTrack> by_id;
  for (int t = 0; t < frameCount(); ++t) {
    for (const auto& d : episode_->tracked[static_cast<size_t>(t)]) {
      if (d.id < 0) continue;
      StudioTrack& track = by_id[d.id];
      if (track.id < 0) {
        track.id = d.id;
        track.label = d.label;
        track.first_frame = t;
      }
      if (track.last_frame != t || track.length == 0) ++track.length;
      track.last_frame = t;
    }
  }
  episode_->tracks.clear();
  for (auto& [id, track] : by_id) episode_->tracks.push_back(std::move(track));
}

void StudioDocument::SetSegmentIds(int segment, std::vector<int> ids) {
  if (!episode_ || segment < 0 || segment >= static_cast<int>(episode_->segments.size())) return;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  StudioSegment& s = episode_->segments[static_cast<size_t>(segment)];
  if (s.ids == ids) return;
  s.ids = ids;
  s.json["ids"] = ids;
  NotifyAnnotationsChanged(s.start, std::min(s.end, frameCount() - 1));
}

void StudioDocument::SetSegmentKeyIds(int segment, std::vector<int> key_ids, const std::string& decided_by) {
  if (!episode_ || segment < 0 || segment >= static_cast<int>(episode_->segments.size())) return;
  std::sort(key_ids.begin(), key_ids.end());
  key_ids.erase(std::unique(key_ids.begin(), key_ids.end()), key_ids.end());
  StudioSegment& s = episode_->segments[static_cast<size_t>(segment)];
  s.key_ids = key_ids;
  s.decided_by = decided_by;
  s.json["key_ids"] = key_ids;
  s.json["decided_by"] = decided_by;
  // Key boxes of the sub-sequence are the tracked boxes of the key IDs (as the pipeline writes).
  for (int t = s.start; t <= s.end && t < frameCount(); ++t) {
    std::vector<Detection> keys;
    for (const auto& d : episode_->tracked[static_cast<size_t>(t)]) {
      if (s.IsKey(d.id)) keys.push_back(d);
    }
    episode_->key_boxes[static_cast<size_t>(t)] = std::move(keys);
  }
  NotifyAnnotationsChanged(s.start, std::min(s.end, frameCount() - 1));
}

void StudioDocument::NotifyAnnotationsChanged(int first, int last) {
  if (!episode_) return;
  first = std::max(0, first);
  last = std::min(frameCount() - 1, last);
  if (first > last) return;
  RebuildKeyRects(first, last);
  // The cached map may depend on frames up to window-1 before it; just drop it.
  map_frame_ = -1;
  pending_first_ = pending_first_ < 0 ? first : std::min(pending_first_, first);
  pending_last_ = std::max(pending_last_, last);
  ScheduleFlush();
}

void StudioDocument::SaveKeyObjects() {
  if (!store_ || !episode_) return;
  const std::string& name = episode_->episode.name;
  Json art = store_->HasArtifact(name, "key_objects") ? store_->LoadArtifact(name, "key_objects")
                                                       : Json{{"stage", "key_objects"}};
  Json frames = Json::array();
  for (const auto& f : episode_->key_boxes) {
    Json objs = Json::array();
    for (const auto& d : f) objs.push_back(DetectionTo(d));
    frames.push_back({{"objects", objs}});
  }
  Json segs = Json::array();
  for (const auto& s : episode_->segments) segs.push_back(s.json);
  art["frames"] = frames;
  art["segments"] = segs;
  store_->SaveArtifact(name, "key_objects", art);
}

void StudioDocument::RebuildKeyRects(int first, int last) {
  if (!episode_) return;
  key_rects_.resize(episode_->key_boxes.size());
  for (int t = std::max(0, first); t <= last && t < static_cast<int>(key_rects_.size()); ++t) {
    auto& rects = key_rects_[static_cast<size_t>(t)];
    rects.clear();
    for (const auto& d : episode_->key_boxes[static_cast<size_t>(t)]) {
      // Invalid boxes (x2 < x1 after a careless edit) would make the renderer throw.
      Box b = d.box;
      if (b.x2 < b.x1) std::swap(b.x1, b.x2);
      if (b.y2 < b.y1) std::swap(b.y1, b.y2);
      rects.push_back(b);
    }
  }
}

void StudioDocument::SetFlaggedFrames(std::vector<int> frames) {
  std::sort(frames.begin(), frames.end());
  frames.erase(std::unique(frames.begin(), frames.end()), frames.end());
  if (frames == flagged_) return;
  flagged_ = std::move(frames);
  pending_flags_ = true;
  ScheduleFlush();
}

int StudioDocument::NextFlaggedFrame(int frame) const {
  if (flagged_.empty()) return -1;
  auto it = std::upper_bound(flagged_.begin(), flagged_.end(), frame);
  return it == flagged_.end() ? flagged_.front() : *it;
}

void StudioDocument::SetSaliencyOptions(const SaliencyOptions& options) {
  options.Check();
  saliency_ = options;
  renderer_.reset();
  map_frame_ = -1;
  pending_saliency_ = true;
  ScheduleFlush();
}

const std::vector<float>& StudioDocument::SaliencyMap(int frame, int* width, int* height) {
  static const std::vector<float> kEmpty;
  if (!episode_ || frame < 0 || frame >= static_cast<int>(key_rects_.size()) ||
      episode_->episode.width <= 0 || episode_->episode.height <= 0) {
    if (width) *width = 0;
    if (height) *height = 0;
    return kEmpty;
  }
  if (frame != map_frame_) {
    if (!renderer_) {
      renderer_ = std::make_unique<SaliencyRenderer>(saliency_, episode_->episode.width,
                                                     episode_->episode.height);
    }
    map_w_ = renderer_->width();
    map_h_ = renderer_->height();
    map_.resize(renderer_->frame_size());
    renderer_->RenderFrame(key_rects_, static_cast<size_t>(frame), map_.data());
    map_frame_ = frame;
  }
  if (width) *width = map_w_;
  if (height) *height = map_h_;
  return map_;
}

QImage StudioDocument::FrameImage(int frame) {
  if (!episode_ || !frames_ || frame < 0 || frame >= frameCount()) return {};
  try {
    cv::Mat m = cache_.Get(episode_->episode.name, frame, [&] { return frames_->Read(frame); });
    if (m.empty() || m.type() != CV_8UC3) return {};
    return QImage(m.data, m.cols, m.rows, static_cast<qsizetype>(m.step), QImage::Format_BGR888)
        .convertToFormat(QImage::Format_RGB32);
  } catch (const std::exception&) {
    return {};
  }
}

std::optional<CallRecord> StudioDocument::FindExchange(const std::string& cache_key) {
  if (!store_ || cache_key.empty()) return std::nullopt;
  try {
    if (!exchanges_) {
      ExchangeCacheOptions o;
      o.mode = ExchangeOpenMode::kReadOnly;
      exchanges_ = std::make_unique<ExchangeCache>(ExchangeCache::ProjectFile(store_->root()), o);
    }
    if (auto e = exchanges_->FindLatest(cache_key)) return e->record;
  } catch (const std::exception&) {
    // A damaged or locked exchange file only hides the details; the artifact still has them.
  }
  return std::nullopt;
}

void StudioDocument::ScheduleFlush() {
  if (!flush_timer_.isActive()) flush_timer_.start();
}

void StudioDocument::FlushSignals() {
  flush_timer_.stop();
  if (pending_flags_) {
    pending_flags_ = false;
    Q_EMIT flagsChanged();
  }
  if (pending_saliency_) {
    pending_saliency_ = false;
    Q_EMIT saliencyParametersChanged();
  }
  if (pending_first_ >= 0) {
    const int first = pending_first_, last = pending_last_;
    pending_first_ = pending_last_ = -1;
    Q_EMIT annotationsChanged(first, last);
  }
  if (pending_selection_) {
    pending_selection_ = false;
    Q_EMIT selectionChanged();
  }
  if (pending_frame_) {
    pending_frame_ = false;
    Q_EMIT currentFrameChanged(frame_);
  }
}

}  // namespace autofocus

#include "core/pipeline/pipeline.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "core/base/error.h"
#include "core/base/hash.h"
#include "core/base/strings.h"
#include "core/pipeline/action_description.h"
#include "core/pipeline/thread_pool.h"
#include "core/saliency/saliency_renderer.h"
#include "core/track/subsequences.h"
#include "core/track/tracker.h"

namespace autofocus {

const std::vector<std::string> kPipelineStages = {"context", "detect", "track", "key_objects",
                                                  "saliency"};

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kFrameChunk = 32;  // frames decoded ahead of the detector (bounds memory)

std::string HashJson(const Json& j) { return Sha256Hex(j.dump()); }

Json BoxToJson(const Box& b) { return Json::array({b.x1, b.y1, b.x2, b.y2}); }
Box BoxFromJson(const Json& j) {
  return {j.at(0).get<float>(), j.at(1).get<float>(), j.at(2).get<float>(), j.at(3).get<float>()};
}

Json DetectionToJson(const Detection& d) {
  Json j = {{"box", BoxToJson(d.box)}, {"label", d.label}, {"score", d.score}};
  if (d.id >= 0) j["id"] = d.id;
  return j;
}
Detection DetectionFromJson(const Json& j) {
  Detection d;
  d.box = BoxFromJson(j.at("box"));
  d.label = j.value("label", "");
  d.score = j.value("score", 1.f);
  d.id = j.value("id", -1);
  return d;
}

Json FramesToJson(const std::vector<std::vector<Detection>>& frames, const char* field) {
  Json out = Json::array();
  for (const auto& f : frames) {
    Json dets = Json::array();
    for (const auto& d : f) dets.push_back(DetectionToJson(d));
    out.push_back({{field, dets}});
  }
  return out;
}
std::vector<std::vector<Detection>> FramesFromJson(const Json& j, const char* field) {
  std::vector<std::vector<Detection>> out;
  for (const Json& f : j) {
    std::vector<Detection> dets;
    for (const Json& d : f.at(field)) dets.push_back(DetectionFromJson(d));
    out.push_back(std::move(dets));
  }
  return out;
}

// Records go into artifacts without the request body when it is large (the exchange cache
// keeps the complete exchange under cache_key).
Json CompactRecord(const CallRecord& r) { return r.ToJson(); }

Json Provenance(const std::string& backend, const std::string& model, const Json& parameters) {
  return {{"backend", backend}, {"model", model}, {"parameters", parameters}, {"time", NowIso8601()}};
}

std::vector<std::string> SortedUnion(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::set<std::string> s(a.begin(), a.end());
  s.insert(b.begin(), b.end());
  return {s.begin(), s.end()};
}

// Thread-safe progress aggregation with an ETA from the overall rate.
class ProgressTracker {
 public:
  ProgressTracker(ProgressCallback cb, int64_t total) : cb_(std::move(cb)), total_(total) {}
  void Advance(const std::string& stage, const std::string& item, int64_t units) {
    const int64_t done = done_.fetch_add(units) + units;
    if (!cb_) return;
    Progress p;
    p.stage = stage;
    p.item = item;
    p.done = done;
    p.total = total_;
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    if (done > 0 && done < total_) p.eta_seconds = elapsed * static_cast<double>(total_ - done) / done;
    if (done >= total_) p.eta_seconds = 0;
    std::lock_guard<std::mutex> lock(mu_);
    cb_(p);
  }

 private:
  ProgressCallback cb_;
  int64_t total_;
  std::atomic<int64_t> done_{0};
  Clock::time_point start_ = Clock::now();
  std::mutex mu_;
};

}  // namespace

int PipelineReport::Failed() const {
  return static_cast<int>(std::count_if(episodes.begin(), episodes.end(),
                                        [](const EpisodeOutcome& e) { return !e.ok; }));
}

int PipelineReport::FailedFrames() const {
  int n = 0;
  for (const auto& e : episodes) n += e.failed_frames;
  return n;
}

int PipelineReport::Undecided() const {
  int n = 0;
  for (const auto& e : episodes) n += e.undecided;
  return n;
}

Json PipelineReport::ToJson() const {
  Json eps = Json::array();
  for (const auto& e : episodes) {
    eps.push_back({{"episode", e.episode}, {"ok", e.ok}, {"failed_stage", e.failed_stage},
                   {"error", e.error}, {"ran", e.ran}, {"skipped", e.skipped},
                   {"failed_frames", e.failed_frames}, {"undecided", e.undecided}});
  }
  return {{"episodes", eps}, {"failed", Failed()}, {"failed_frames", FailedFrames()},
          {"undecided", Undecided()}, {"seconds", seconds}};
}

std::vector<int> SampleFrameIndices(int num_frames, int count, int stride) {
  std::vector<int> out;
  if (num_frames <= 0) return out;
  if (stride > 0) {
    for (int i = 0; i < num_frames; i += stride) out.push_back(i);
    return out;
  }
  if (count >= num_frames) {
    for (int i = 0; i < num_frames; ++i) out.push_back(i);
    return out;
  }
  if (count == 1) return {0};
  for (int k = 0; k < count; ++k) {
    // numpy: linspace(0, T-1, count).astype(int) truncates towards zero.
    const double v = static_cast<double>(k) * (num_frames - 1) / (count - 1);
    const int idx = static_cast<int>(std::floor(v + 1e-9));
    if (out.empty() || out.back() != idx) out.push_back(idx);
  }
  return out;
}

namespace {

std::string SaliencyInputHash(const Json& key_objects, const SaliencyOptions& options) {
  return HashJson({{"upstream", key_objects.value("output_hash", "")}, {"saliency", options.ToJson()}});
}

}  // namespace

Json RenderSaliencyArtifact(const Episode& e, const Json& key_objects, const SaliencyOptions& options,
                            int threads, const ProgressCallback& progress, const StopCheck& stop) {
  SaliencyInput in;
  in.image_width = e.width;
  in.image_height = e.height;
  for (const auto& f : FramesFromJson(key_objects.at("frames"), "objects")) {
    std::vector<Box> boxes;
    for (const auto& d : f) boxes.push_back(d.box);
    in.frames.push_back(std::move(boxes));
  }
  const std::vector<float> maps = RenderSaliencyEpisode(in, options, threads, progress, stop);
  const int w = options.OutputWidth(e.width);
  const size_t per = in.frames.empty() ? 0 : maps.size() / in.frames.size();
  Json coverage = Json::array(), peaks = Json::array();
  for (size_t t = 0; t < in.frames.size(); ++t) {
    const float* m = maps.data() + t * per;
    size_t above = 0, best = 0;
    for (size_t i = 0; i < per; ++i) {
      if (m[i] >= 0.5f) ++above;
      if (m[i] > m[best]) best = i;
    }
    coverage.push_back(per ? static_cast<double>(above) / static_cast<double>(per) : 0.0);
    if (per && m[best] > 0) {
      peaks.push_back({static_cast<int>(best % static_cast<size_t>(w)), static_cast<int>(best / static_cast<size_t>(w))});
    } else {
      peaks.push_back(nullptr);
    }
  }
  Json art = {{"stage", "saliency"},
              {"input_hash", SaliencyInputHash(key_objects, options)},
              {"parameters", options.ToJson()},
              {"provenance", Provenance("saliency", "eq1", options.ToJson())},
              {"coverage", coverage},
              {"peak", peaks}};
  art["output_hash"] = HashJson(art["coverage"]);
  return art;
}

Json LoadEpisodeStatus(const ProjectStore& store, const std::string& episode) {
  if (!store.HasArtifact(episode, "status")) return Json::object();
  return store.LoadArtifact(episode, "status");
}

std::vector<std::vector<Detection>> LoadKeyBoxes(const ProjectStore& store, const std::string& episode) {
  const Json j = store.LoadArtifact(episode, "key_objects");
  return FramesFromJson(j.at("frames"), "objects");
}

struct PipelineController::Impl {
  ProjectStore& store;
  PipelineOptions options;
  PipelineBackends backends;
  std::unique_ptr<ThreadPool> requests;
  std::mutex store_mu;  // guards project.json updates

  Impl(ProjectStore& s, PipelineOptions o, PipelineBackends b)
      : store(s), options(std::move(o)), backends(std::move(b)) {}

  Json VlmIdentity() const {
    return {{"kind", backends.vlm->Kind()}, {"model", backends.vlm->Model()},
            {"domain", options.domain}, {"config", WithoutTransport(options.vlm)}};
  }
  Json DetectorIdentity() const {
    return {{"kind", backends.detector->Kind()}, {"model", backends.detector->Model()},
            {"config", WithoutTransport(options.detector)}};
  }

  // Returns the stored artifact when it was computed from the same inputs.
  std::optional<Json> Current(const std::string& ep, const std::string& artifact,
                              const std::string& input_hash) const {
    if (!store.HasArtifact(ep, artifact)) return std::nullopt;
    try {
      Json j = store.LoadArtifact(ep, artifact);
      if (j.value("input_hash", "") == input_hash && j.value("complete", true)) return j;
    } catch (const Error&) {
      // A corrupt artifact is recomputed rather than trusted.
    }
    return std::nullopt;
  }

  void MarkStage(const std::string& ep, Json& status, const std::string& stage, const Json& artifact,
                 double seconds, bool ran) {
    status["stages"][stage] = {{"input_hash", artifact.value("input_hash", "")},
                               {"output_hash", artifact.value("output_hash", "")},
                               {"finished", NowIso8601()},
                               {"seconds", seconds},
                               {"ran", ran}};
    status["error"] = nullptr;
    store.SaveArtifact(ep, "status", status);
  }

  std::string GroupOf(const std::string& ep, const Episode& e) const {
    if (options.context_scope == PipelineOptions::ContextScope::kPerEpisode) return ep;
    auto it = e.metadata.find(options.group_key);
    if (it == e.metadata.end()) return ep;  // ungrouped episodes keep their own context
    return options.group_key + "=" + (it->is_string() ? it->get<std::string>() : it->dump());
  }

  // The expert's action regime at every frame, in the words of the key-object prompt
  // (PipelineOptions::action_regimes).
  std::vector<std::string> ActionRegimes(const Episode& e) const {
    std::vector<std::string> out = ActionRegimeLabels(e.actions, store.info().action_spec, options.action_regimes,
                                                      options.action_jump, options.regime_lookahead);
    out.resize(static_cast<size_t>(e.num_frames), out.empty() ? "" : out.back());
    return out;
  }

  // The vocabulary classes whose appearance does not start a sub-sequence (quiet_relevance).
  std::vector<std::string> QuietLabels(const Json& context_art) const {
    std::vector<std::string> out;
    if (options.quiet_relevance.empty()) return out;
    const GlobalContext ctx = GlobalContext::FromJson(context_art.at("result").at("context"));
    for (const auto& v : ctx.vocabulary) {
      if (std::find(options.quiet_relevance.begin(), options.quiet_relevance.end(), ToLower(v.relevance)) !=
          options.quiet_relevance.end()) {
        out.push_back(ToLower(Trim(v.name)));
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // --- stage 1: global context -------------------------------------------------------------
  Json ComputeContext(const Episode& e, const StopCheck& stop) {
    ThrowIfStopped(stop);
    const std::vector<int> idx = SampleFrameIndices(e.num_frames, options.sample_frames, options.sample_stride);
    GlobalContextRequest req;
    req.episode = e.name;
    req.frame_indices = idx;
    req.domain = options.domain;
    auto frames = store.OpenFrames(e);
    for (int i : idx) req.frames.push_back(frames->Read(i));
    CallRecord rec;
    GlobalContext ctx;
    try {
      ctx = backends.vlm->QueryGlobalContext(req, &rec);
    } catch (const Error& err) {
      throw Error(store.ArtifactPath(e.name, "context").string(), "global context",
                  std::string(err.what()) + (rec.raw_answer.empty() ? "" : " (raw answer kept in the exchange cache)"));
    }
    Json result = {{"sampled_frames", idx}, {"context", ctx.ToJson()},
                   {"vocabulary", ctx.VocabularyNames()}, {"record", CompactRecord(rec)}};
    return result;
  }

  // --- stage 2: detection on every frame ----------------------------------------------------
  std::vector<std::vector<Detection>> DetectFrames(const Episode& e, FrameSource& frames, int first,
                                                   int last, const std::vector<std::string>& vocab,
                                                   std::vector<std::string>* keys, Json* stats,
                                                   ProgressTracker* progress, const StopCheck& stop,
                                                   Json* failed) {
    const int n = last - first + 1;
    std::vector<std::vector<Detection>> out(static_cast<size_t>(n));
    std::vector<CallRecord> records(static_cast<size_t>(n));
    std::mutex failures_mu;
    Json& failures = *failed;
    for (int c = 0; c < n; c += kFrameChunk) {
      ThrowIfStopped(stop);
      const int m = std::min(kFrameChunk, n - c);
      std::vector<cv::Mat> images(static_cast<size_t>(m));
      for (int i = 0; i < m; ++i) images[static_cast<size_t>(i)] = frames.Read(first + c + i);
      ParallelFor(*requests, static_cast<size_t>(m), [&](size_t i) {
        ThrowIfStopped(stop);
        DetectRequest req;
        req.episode = e.name;
        req.frame_index = first + c + static_cast<int>(i);
        req.image = images[i];
        req.vocabulary = vocab;
        const size_t slot = static_cast<size_t>(c) + i;
        try {
          out[slot] = backends.detector->Detect(req, &records[slot]);
        } catch (const Cancelled&) {
          throw;
        } catch (const std::exception& ex) {
          // One bad answer costs one frame: it is recorded empty and flagged; the caller decides
          // whether the episode can stand that many.
          out[slot].clear();
          std::lock_guard<std::mutex> lock(failures_mu);
          failures.push_back({{"frame", req.frame_index}, {"error", ex.what()}});
        }
        for (auto& d : out[slot]) {
          d.id = -1;
          d.label = ToLower(d.label);
        }
      });
      if (progress) progress->Advance("detect", e.name, m);
    }
    if (keys) {
      for (const auto& r : records) keys->push_back(r.cache_key);
    }
    if (stats) {
      double latency = 0;
      int cached = 0, retries = 0;
      for (const auto& r : records) {
        latency += r.latency_ms;
        cached += r.from_cache ? 1 : 0;
        retries += r.retries;
      }
      *stats = {{"calls", n}, {"from_cache", cached}, {"retries", retries}, {"latency_ms", latency}};
    }
    std::sort(failures.begin(), failures.end(),
              [](const Json& a, const Json& b) { return a.at("frame").get<int>() < b.at("frame").get<int>(); });
    return out;
  }

  // --- stage 4: one key-object question -----------------------------------------------------
  struct Ask {
    bool ok = false;
    KeyObjectAnswer answer;
    CallRecord record;
    std::string error;
  };

  Ask AskKeyObjects(const Episode& e, const cv::Mat& frame, int t, const GlobalContext& ctx,
                    const std::vector<Detection>& active) {
    KeyObjectRequest req;
    req.episode = e.name;
    req.frame_index = t;
    req.frame = frame;
    req.action = e.actions.at(static_cast<size_t>(t));
    req.action_names = store.info().action_spec.Names();
    req.action_description = DescribeRecentActions(e.actions, t, req.action_names);
    req.context = ctx;
    req.max_key_objects = options.max_key_objects;
    req.domain = options.domain;
    for (const auto& d : active) req.candidates.push_back({d.id, d.label, d.box});
    Ask a;
    try {
      a.answer = backends.vlm->SelectKeyObjects(req, &a.record);
      a.ok = true;
    } catch (const Cancelled&) {
      throw;
    } catch (const std::exception& ex) {
      a.error = ex.what();
    }
    return a;
  }

  static Json CandidatesJson(const std::vector<Detection>& active) {
    Json c = Json::array();
    for (const auto& d : active) c.push_back({{"id", d.id}, {"label", d.label}, {"box", BoxToJson(d.box)}});
    return c;
  }

  // The candidates of a sub-sequence asked at frame `at`: each track's box there, or, for a
  // track not detected there, its detection nearest to `at` in [start, end] (earlier on ties;
  // with at = start: its first detection later in the sub-sequence, as before).
  static std::vector<Detection> ActiveAt(const std::vector<std::vector<Detection>>& frames, int start,
                                         int end, const std::vector<int>& ids, int at = -1) {
    if (at < 0) at = start;
    std::vector<Detection> out;
    auto find = [&](int t, int id) -> const Detection* {
      const auto& f = frames[static_cast<size_t>(t)];
      const auto it = std::find_if(f.begin(), f.end(), [id](const Detection& d) { return d.id == id; });
      return it == f.end() ? nullptr : &*it;
    };
    for (int id : ids) {
      for (int dt = 0; at - dt >= start || at + dt <= end; ++dt) {
        const Detection* d = at - dt >= start ? find(at - dt, id) : nullptr;
        if (!d && at + dt <= end) d = find(at + dt, id);
        if (d) {
          out.push_back(*d);
          break;
        }
      }
    }
    return out;
  }

  // The frame a sub-sequence's question shows (PipelineOptions::AskFrame).
  int AskFrameOf(const std::vector<std::vector<Detection>>& frames, const Subsequence& s) const {
    if (options.ask_frame == PipelineOptions::AskFrame::kStart) return s.start;
    // Among the frames showing the most of its tracks, the one nearest the middle: a decision
    // made there is stale for at most half the sub-sequence when relevance changes inside it.
    // kCentral searches only the central half: a frame there is representative of both ends.
    const double mid = 0.5 * (s.start + s.end);
    const int quarter = options.ask_frame == PipelineOptions::AskFrame::kCentral ? (s.end - s.start + 1) / 4 : 0;
    int best = s.start, best_n = -1;
    for (int t = s.start + quarter; t <= s.end - quarter; ++t) {
      int n = 0;
      for (const auto& d : frames[static_cast<size_t>(t)]) {
        if (std::binary_search(s.ids.begin(), s.ids.end(), d.id)) ++n;
      }
      if (n > best_n || (n == best_n && std::abs(t - mid) < std::abs(best - mid))) {
        best_n = n;
        best = t;
      }
    }
    return best;
  }

  // Linearly interpolated boxes of track `id` for the frames of [start, end] in which it was
  // not detected but was detected on both sides within max_gap + 1 frames. `at(t)` gives the
  // detections of any frame.
  template <typename At>
  std::vector<std::pair<int, Detection>> InterpolateGaps(int id, int start, int end, int n_frames,
                                                         const At& at) const {
    std::vector<std::pair<int, Detection>> out;
    const int reach = options.tracker.max_gap + 1;
    auto find = [&](int t) -> const Detection* {
      if (t < 0 || t >= n_frames) return nullptr;
      for (const auto& d : at(t)) {
        if (d.id == id) return &d;
      }
      return nullptr;
    };
    for (int t = start; t <= end; ++t) {
      if (find(t)) continue;
      const Detection* a = nullptr;
      const Detection* b = nullptr;
      int ta = 0, tb = 0;
      for (int k = 1; k <= reach && !a; ++k) {
        if ((a = find(t - k))) ta = t - k;
      }
      for (int k = 1; k <= reach && !b; ++k) {
        if ((b = find(t + k))) tb = t + k;
      }
      if (!a || !b || tb - ta - 1 > options.tracker.max_gap) continue;
      const float w = static_cast<float>(t - ta) / static_cast<float>(tb - ta);
      Detection d = *a;
      d.box = {a->box.x1 + w * (b->box.x1 - a->box.x1), a->box.y1 + w * (b->box.y1 - a->box.y1),
               a->box.x2 + w * (b->box.x2 - a->box.x2), a->box.y2 + w * (b->box.y2 - a->box.y2)};
      d.score = std::min(a->score, b->score);
      out.emplace_back(t, d);
    }
    return out;
  }

  Json KeyObjectsStage(const Episode& e, const Json& context_art, const Json& tracks_art,
                       const std::string& input_hash, const StopCheck& stop) {
    if (options.vocabulary_scope == "episode") return KeyObjectsEpisodeScope(e, context_art, tracks_art, input_hash, stop);
    const GlobalContext ctx = GlobalContext::FromJson(context_art.at("result").at("context"));
    const std::vector<std::string> base_vocab =
        context_art.at("result").at("vocabulary").get<std::vector<std::string>>();
    std::vector<std::vector<Detection>> tracked = FramesFromJson(tracks_art.at("result").at("frames"), "detections");
    std::vector<Subsequence> segments;
    for (const Json& s : tracks_art.at("result").at("segments")) {
      segments.push_back({s.at("start").get<int>(), s.at("end").get<int>(), s.at("ids").get<std::vector<int>>()});
    }
    int next_id = 0;
    for (const auto& f : tracked) {
      for (const auto& d : f) next_id = std::max(next_id, d.id + 1);
    }

    auto frames = store.OpenFrames(e);
    std::vector<int> ask_at;
    std::vector<cv::Mat> first_frames;
    for (const auto& s : segments) {
      ask_at.push_back(AskFrameOf(tracked, s));
      first_frames.push_back(frames->Read(ask_at.back()));
    }

    // First question of every sub-sequence, in parallel.
    std::vector<Ask> asks(segments.size());
    ParallelFor(*requests, segments.size(), [&](size_t i) {
      ThrowIfStopped(stop);
      const auto& s = segments[i];
      asks[i] = AskKeyObjects(e, first_frames[i], ask_at[i], ctx, ActiveAt(tracked, s.start, s.end, s.ids, ask_at[i]));
    });
    std::vector<std::vector<char>> interpolated(tracked.size());
    Json rerun_failures = Json::array();

    Json seg_json = Json::array();
    std::vector<std::vector<Detection>> key_frames(tracked.size());
    int failed = 0;
    std::string first_error;
    for (size_t i = 0; i < segments.size(); ++i) {
      ThrowIfStopped(stop);
      const Subsequence& s = segments[i];
      const int ask_t = ask_at[i];
      std::vector<Detection> active = ActiveAt(tracked, s.start, s.end, s.ids, ask_t);
      Json iterations = Json::array();
      Ask current = asks[i];
      iterations.push_back({{"iteration", 0},
                            {"vocabulary_added", Json::array()},
                            {"candidates", CandidatesJson(active)},
                            {"ok", current.ok},
                            {"error", current.error},
                            {"answer", current.ok ? current.answer.ToJson() : Json(nullptr)},
                            {"record", CompactRecord(current.record)}});
      // The frames this sub-sequence's key boxes come from (replaced by a re-run's frames).
      std::vector<std::vector<Detection>> seg_frames(tracked.begin() + s.start, tracked.begin() + s.end + 1);

      // Missing-category re-runs (paper III-A): augment the vocabulary, re-detect this
      // sub-sequence, re-track it, ask again; stop when nothing is missing or at the cap.
      std::vector<std::string> added;
      for (int it = 1; current.ok && it <= options.missing_rerun_cap; ++it) {
        std::vector<std::string> missing;
        for (const auto& m : current.answer.missing_categories) {
          const std::string lm = ToLower(Trim(m));
          if (!lm.empty() && std::find(base_vocab.begin(), base_vocab.end(), lm) == base_vocab.end() &&
              std::find(added.begin(), added.end(), lm) == added.end()) {
            missing.push_back(lm);
          }
        }
        if (missing.empty()) break;  // nothing new to look for: a re-run would repeat itself
        added = SortedUnion(added, missing);
        const std::vector<std::string> vocab = SortedUnion(base_vocab, added);
        auto redetected = DetectFrames(e, *frames, s.start, s.end, vocab, nullptr, nullptr, nullptr, stop, &rerun_failures);
        TrackResult local = Track(redetected, options.tracker, {}, stop);
        // Keep the IDs of objects already tracked (same label, IoU >= 0.5 on the track's first
        // frame); genuinely new objects get fresh IDs after every existing one.
        std::map<int, int> remap;
        std::set<int> taken;
        for (const auto& tr : local.tracks) {
          const auto& lf = local.frames[static_cast<size_t>(tr.first_frame)];
          const auto dit = std::find_if(lf.begin(), lf.end(), [&](const Detection& d) { return d.id == tr.id; });
          int mapped = -1;
          if (dit != lf.end()) {
            float best = 0.5f;
            for (const auto& o : seg_frames[static_cast<size_t>(tr.first_frame)]) {
              if (o.label != dit->label || taken.count(o.id)) continue;
              const float iou = IoU(o.box, dit->box);
              if (iou >= best) {
                best = iou;
                mapped = o.id;
              }
            }
          }
          if (mapped < 0) mapped = next_id++;
          taken.insert(mapped);
          remap[tr.id] = mapped;
        }
        for (auto& f : local.frames) {
          for (auto& d : f) d.id = remap[d.id];
        }
        const int ask_rel = ask_t - s.start;
        std::vector<int> ids = ActiveIds(local.frames[static_cast<size_t>(ask_rel)]);
        std::vector<Detection> re_active = ActiveAt(local.frames, ask_rel, ask_rel, ids);
        Ask again = AskKeyObjects(e, first_frames[i], ask_t, ctx, re_active);
        std::vector<std::string> still;
        if (again.ok) {
          for (const auto& m : again.answer.missing_categories) still.push_back(ToLower(Trim(m)));
        }
        std::vector<std::string> recovered;
        for (const auto& m : missing) {
          if (again.ok && std::find(still.begin(), still.end(), m) == still.end()) recovered.push_back(m);
        }
        iterations.push_back({{"iteration", it},
                              {"vocabulary_added", missing},
                              {"vocabulary", vocab},
                              {"detections", [&] {
                                 size_t n = 0;
                                 for (const auto& f : redetected) n += f.size();
                                 return n;
                               }()},
                              {"candidates", CandidatesJson(re_active)},
                              {"ok", again.ok},
                              {"error", again.error},
                              {"answer", again.ok ? again.answer.ToJson() : Json(nullptr)},
                              {"recovered", recovered},
                              {"record", CompactRecord(again.record)}});
        if (!again.ok) {
          current = again;
          break;
        }
        current = again;
        active = re_active;
        seg_frames = std::move(local.frames);
      }

      Json sj = DecideSegment(e, s, ask_t, current, active, seg_frames, tracked, key_frames, interpolated);
      if (sj.at("status") == "undecided") {
        ++failed;
        if (first_error.empty()) first_error = current.error;
      }
      sj["vocabulary_added"] = added;
      sj["reruns"] = static_cast<int>(iterations.size()) - 1;
      sj["iterations"] = iterations;
      seg_json.push_back(std::move(sj));
    }
    return FinishKeyObjects(e, input_hash, seg_json, key_frames, interpolated, failed, first_error,
                            rerun_failures.empty() ? Json() : Json{{"rerun_failed_frames", rerun_failures}});
  }

  // Key objects with missing categories at episode scope (PipelineOptions::vocabulary_scope).
  // Every sub-sequence is asked once. When answers name categories the vocabulary lacks, those
  // are detected on every frame and tracked (IDs after the existing ones, which do not change);
  // the new tracks join the sub-sequences they are active in, and a sub-sequence is split where
  // one of them appears. Asked again are only the sub-sequences whose answer named a category
  // just added, and the new pieces that start where a new track appears: an answer that did not
  // name the category stands (the VLM saw that frame and nothing of the category mattered). At
  // most missing_rerun_cap rounds.
  Json KeyObjectsEpisodeScope(const Episode& e, const Json& context_art, const Json& tracks_art,
                              const std::string& input_hash, const StopCheck& stop) {
    const GlobalContext ctx = GlobalContext::FromJson(context_art.at("result").at("context"));
    std::vector<std::string> vocab =
        context_art.at("result").at("vocabulary").get<std::vector<std::string>>();
    std::vector<std::vector<Detection>> tracked = FramesFromJson(tracks_art.at("result").at("frames"), "detections");
    struct Seg {
      Subsequence s;
      int ask_t = 0;
      int answer = -1;  // index into `asks`, -1 = to ask
      int round = 0;    // the round its question was asked in
    };
    std::vector<Seg> segs;
    for (const Json& sj : tracks_art.at("result").at("segments")) {
      Seg g;
      g.s = {sj.at("start").get<int>(), sj.at("end").get<int>(), sj.at("ids").get<std::vector<int>>()};
      g.ask_t = AskFrameOf(tracked, g.s);
      segs.push_back(std::move(g));
    }
    int next_id = 0;
    for (const auto& f : tracked) {
      for (const auto& d : f) next_id = std::max(next_id, d.id + 1);
    }
    const int n = static_cast<int>(tracked.size());
    const std::vector<std::string> quiet = QuietLabels(context_art);
    auto frames = store.OpenFrames(e);
    std::map<int, cv::Mat> images;
    std::vector<Ask> asks;
    std::vector<std::vector<Detection>> added_frames(static_cast<size_t>(n));
    std::vector<std::string> added_vocab;
    Json rounds = Json::array();
    Json rerun_failures = Json::array();
    for (int round = 0;; ++round) {
      ThrowIfStopped(stop);
      std::vector<size_t> todo;
      for (size_t i = 0; i < segs.size(); ++i) {
        if (segs[i].answer < 0) {
          todo.push_back(i);
          if (!images.count(segs[i].ask_t)) images.emplace(segs[i].ask_t, frames->Read(segs[i].ask_t));
        }
      }
      std::vector<Ask> got(todo.size());
      ParallelFor(*requests, todo.size(), [&](size_t k) {
        ThrowIfStopped(stop);
        const Seg& g = segs[todo[k]];
        got[k] = AskKeyObjects(e, images.at(g.ask_t), g.ask_t, ctx, ActiveAt(tracked, g.s.start, g.s.end, g.s.ids, g.ask_t));
      });
      std::vector<std::string> missing;
      for (size_t k = 0; k < todo.size(); ++k) {
        segs[todo[k]].answer = static_cast<int>(asks.size());
        segs[todo[k]].round = round;
        asks.push_back(std::move(got[k]));
        const Ask& a = asks.back();
        if (!a.ok) continue;
        for (const auto& m : a.answer.missing_categories) {
          const std::string lm = ToLower(Trim(m));
          if (!lm.empty() && std::find(vocab.begin(), vocab.end(), lm) == vocab.end() &&
              std::find(missing.begin(), missing.end(), lm) == missing.end()) {
            missing.push_back(lm);
          }
        }
      }
      std::sort(missing.begin(), missing.end());
      if (missing.empty() || round >= options.missing_rerun_cap) break;

      // Only the new categories are detected: the existing tracks (and their IDs) stay.
      auto found = DetectFrames(e, *frames, 0, n - 1, missing, nullptr, nullptr, nullptr, stop, &rerun_failures);
      TrackResult nt = Track(found, options.tracker, {}, stop);
      struct Added {
        int id, first, last;
        bool splits;
      };
      std::vector<Added> added;
      for (const auto& tr : nt.tracks) {
        if (tr.length < options.subsequences.min_track_frames) continue;
        added.push_back({tr.id + next_id, tr.first_frame, tr.last_frame,
                         std::find(quiet.begin(), quiet.end(), tr.label) == quiet.end()});
      }
      size_t count = 0;
      for (int t = 0; t < n; ++t) {
        for (auto d : nt.frames[static_cast<size_t>(t)]) {
          d.id += next_id;
          tracked[static_cast<size_t>(t)].push_back(d);
          added_frames[static_cast<size_t>(t)].push_back(d);
          ++count;
        }
      }
      next_id += static_cast<int>(nt.tracks.size());
      vocab = SortedUnion(vocab, missing);
      added_vocab = SortedUnion(added_vocab, missing);
      rounds.push_back({{"round", round + 1}, {"vocabulary_added", missing}, {"detections", count},
                        {"tracks", nt.tracks.size()}});

      std::vector<Seg> next;
      for (const Seg& g : segs) {
        const Ask& a = asks[static_cast<size_t>(g.answer)];
        bool named = false;  // the answer asked for one of the categories just added
        if (a.ok) {
          for (const auto& m : a.answer.missing_categories) {
            if (std::binary_search(missing.begin(), missing.end(), ToLower(Trim(m)))) named = true;
          }
        }
        // Cut where a new (non-quiet) track appears, keeping pieces of at least min_length.
        std::vector<int> cuts;
        for (const Added& ad : added) {
          if (ad.splits && ad.first > g.s.start && ad.first <= g.s.end) cuts.push_back(ad.first);
        }
        std::sort(cuts.begin(), cuts.end());
        cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
        std::vector<int> starts = {g.s.start};
        for (int c : cuts) {
          if (c - starts.back() >= options.subsequences.min_length && g.s.end - c + 1 >= options.subsequences.min_length) {
            starts.push_back(c);
          }
        }
        for (size_t p = 0; p < starts.size(); ++p) {
          Seg piece;
          piece.s.start = starts[p];
          piece.s.end = p + 1 < starts.size() ? starts[p + 1] - 1 : g.s.end;
          piece.s.ids = g.s.ids;
          bool gained = false;
          for (const Added& ad : added) {
            if (ad.first <= piece.s.end && ad.last >= piece.s.start) {
              piece.s.ids.push_back(ad.id);
              gained = true;
            }
          }
          std::sort(piece.s.ids.begin(), piece.s.ids.end());
          // The first piece keeps its question frame when it still lies inside it.
          const bool keeps_frame = g.ask_t >= piece.s.start && g.ask_t <= piece.s.end;
          piece.ask_t = keeps_frame ? g.ask_t : AskFrameOf(tracked, piece.s);
          if (keeps_frame && !(named && gained)) {
            piece.answer = g.answer;
            piece.round = g.round;
          }
          next.push_back(std::move(piece));
        }
      }
      segs = std::move(next);
    }

    Json seg_json = Json::array();
    std::vector<std::vector<Detection>> key_frames(tracked.size());
    std::vector<std::vector<char>> interpolated(tracked.size());
    int undecided = 0;
    std::string first_error;
    for (const Seg& g : segs) {
      const Ask& ask = asks[static_cast<size_t>(g.answer)];
      const std::vector<Detection> active = ActiveAt(tracked, g.s.start, g.s.end, g.s.ids, g.ask_t);
      const std::vector<std::vector<Detection>> seg_frames(tracked.begin() + g.s.start, tracked.begin() + g.s.end + 1);
      Json sj = DecideSegment(e, g.s, g.ask_t, ask, active, seg_frames, tracked, key_frames, interpolated);
      if (sj.at("status") == "undecided") {
        ++undecided;
        if (first_error.empty()) first_error = ask.error;
      }
      sj["vocabulary_added"] = added_vocab;
      sj["reruns"] = 0;
      sj["iterations"] = Json::array({{{"iteration", 0},
                                       {"round", g.round},
                                       {"candidates", CandidatesJson(active)},
                                       {"ok", ask.ok},
                                       {"error", ask.error},
                                       {"answer", ask.ok ? ask.answer.ToJson() : Json(nullptr)},
                                       {"record", CompactRecord(ask.record)}}});
      seg_json.push_back(std::move(sj));
    }
    const Json extra = {{"vocabulary_scope", "episode"},
                        {"questions", asks.size()},
                        {"rounds", rounds},
                        {"vocabulary_added", added_vocab},
                        {"added_tracks", FramesToJson(added_frames, "detections")},
                        {"rerun_failed_frames", rerun_failures}};
    return FinishKeyObjects(e, input_hash, seg_json, key_frames, interpolated, undecided, first_error, extra);
  }

  // The key ids of one sub-sequence from its answer, its key boxes (plus interpolated ones) added
  // to key_frames, and its key_objects.json entry. An unusable answer leaves the sub-sequence
  // "undecided": every candidate is kept and it is flagged for review, the episode goes on.
  Json DecideSegment(const Episode& e, const Subsequence& s, int ask_t, const Ask& current,
                     const std::vector<Detection>& active,
                     const std::vector<std::vector<Detection>>& seg_frames,
                     const std::vector<std::vector<Detection>>& tracked,
                     std::vector<std::vector<Detection>>& key_frames,
                     std::vector<std::vector<char>>& interpolated) const {
    std::vector<int> key_ids;
    Json keys = Json::array();
    if (current.ok) {
      for (const auto& k : current.answer.key_objects) {
        key_ids.push_back(k.id);
        keys.push_back({{"id", k.id}, {"class", k.label}, {"score", k.score}, {"rationale", k.rationale}});
      }
    } else {
      for (const auto& d : active) {
        key_ids.push_back(d.id);
        keys.push_back({{"id", d.id}, {"class", d.label}, {"score", nullptr},
                        {"rationale", "undecided: no usable answer, every candidate kept for review"}});
      }
    }
    std::sort(key_ids.begin(), key_ids.end());
    for (int t = s.start; t <= s.end; ++t) {
      for (const auto& d : seg_frames[static_cast<size_t>(t - s.start)]) {
        if (std::binary_search(key_ids.begin(), key_ids.end(), d.id)) {
          key_frames[static_cast<size_t>(t)].push_back(d);
          interpolated[static_cast<size_t>(t)].push_back(0);
        }
      }
    }
    if (options.interpolate_key_gaps && options.tracker.max_gap > 0) {
      // Frames inside the sub-sequence come from its (possibly re-run) frames, the ones around
      // it from the episode's tracks, so a gap across a boundary is filled too.
      auto at = [&](int t) -> const std::vector<Detection>& {
        if (t >= s.start && t <= s.end) return seg_frames[static_cast<size_t>(t - s.start)];
        return tracked[static_cast<size_t>(t)];
      };
      for (int id : key_ids) {
        for (auto& [t, d] : InterpolateGaps(id, s.start, s.end, static_cast<int>(tracked.size()), at)) {
          key_frames[static_cast<size_t>(t)].push_back(d);
          interpolated[static_cast<size_t>(t)].push_back(1);
        }
      }
    }
    Json sj = {{"start", s.start},
               {"end", s.end},
               {"ids", s.ids},
               {"frame", ask_t},
               {"action", e.actions.at(static_cast<size_t>(ask_t))},
               {"action_description", DescribeRecentActions(e.actions, ask_t, store.info().action_spec.Names())},
               {"status", current.ok ? "ok" : "undecided"},
               {"error", current.error},
               {"decided_by", "model"},
               {"key_ids", key_ids},
               {"key_objects", keys},
               {"missing_categories",
                current.ok ? current.answer.missing_categories : std::vector<std::string>{}}};
    if (!current.ok) sj["flagged"] = true;
    return sj;
  }

  // Writes key_objects.json. Undecided sub-sequences leave it incomplete, so the next run asks
  // them again (answered questions come from the exchange cache).
  Json FinishKeyObjects(const Episode& e, const std::string& input_hash, const Json& seg_json,
                        const std::vector<std::vector<Detection>>& key_frames,
                        const std::vector<std::vector<char>>& interpolated, int undecided,
                        const std::string& first_error, const Json& extra) {
    Json frames_json = FramesToJson(key_frames, "objects");
    for (size_t t = 0; t < key_frames.size(); ++t) {
      for (size_t k = 0; k < key_frames[t].size(); ++k) {
        if (interpolated[t][k]) frames_json[t]["objects"][k]["interpolated"] = true;
      }
    }
    Json art = {{"stage", "key_objects"},
                {"input_hash", input_hash},
                {"output_hash", HashJson(frames_json)},
                {"complete", undecided == 0},
                {"undecided", undecided},
                {"provenance", Provenance(backends.vlm->Kind(), backends.vlm->Model(), VlmIdentity())},
                {"segments", seg_json},
                {"frames", frames_json}};
    if (undecided > 0) art["first_error"] = first_error;
    if (extra.is_object()) {
      for (const auto& [k, v] : extra.items()) art[k] = v;
    }
    store.SaveArtifact(e.name, "key_objects", art);
    return art;
  }

  // --- one episode, stages 2..5 ------------------------------------------------------------------
  void RunEpisode(const std::string& ep, const Json& context_art, EpisodeOutcome& out,
                  ProgressTracker& progress, const StopCheck& stop) {
    Episode e;
    Json status;
    try {
      e = store.LoadEpisode(ep);
      status = LoadEpisodeStatus(store, ep);
    } catch (const Error& ex) {
      // A damaged episode.json or status.json costs this episode only; the file is left as it
      // is for `autofocus validate --repair` (status.json is not overwritten: it may be the
      // damaged one).
      out.ok = false;
      out.failed_stage = "load";
      out.error = ex.what();
      return;
    }
    if (!status.contains("stages")) status["stages"] = Json::object();
    std::string stage = "context";
    try {
      MarkStage(ep, status, "context", context_art, 0, false);
      progress.Advance("context", ep, 1);

      // detect
      stage = "detect";
      auto t0 = Clock::now();
      const Json det_params = {{"upstream", context_art.at("output_hash")}, {"detector", DetectorIdentity()}};
      const std::string det_hash = HashJson(det_params);
      std::optional<Json> det = Current(ep, "detections", det_hash);
      if (det) {
        out.skipped.push_back(stage);
        progress.Advance("detect", ep, e.num_frames);
      } else {
        const auto vocab = context_art.at("result").at("vocabulary").get<std::vector<std::string>>();
        auto frames = store.OpenFrames(e);
        std::vector<std::string> keys;
        Json stats;
        Json failed_frames = Json::array();
        auto dets = DetectFrames(e, *frames, 0, e.num_frames - 1, vocab, &keys, &stats, &progress, stop, &failed_frames);
        Json result = {{"vocabulary", vocab}, {"frames", FramesToJson(dets, "detections")},
                       {"cache_keys", keys}, {"stats", stats}, {"failed_frames", failed_frames}};
        const int cap = static_cast<int>(std::floor(options.detect_failure_cap * e.num_frames + 1e-9));
        if (static_cast<int>(failed_frames.size()) > cap) {
          // Too many to trust the episode: nothing is saved, a later run asks the failed frames
          // again (the answered ones come from the exchange cache).
          throw Error(store.ArtifactPath(ep, "detections").string(), "detect",
                      std::to_string(failed_frames.size()) + " of " + std::to_string(e.num_frames) +
                          " frames failed detection (cap " + std::to_string(cap) + " = detect_failure_cap " +
                          [&] {
                            char b[32];
                            std::snprintf(b, sizeof b, "%g", options.detect_failure_cap);
                            return std::string(b);
                          }() + "); first error at frame " +
                          std::to_string(failed_frames.front().at("frame").get<int>()) + ": " +
                          failed_frames.front().at("error").get<std::string>());
        }
        det = Json{{"stage", "detect"},
                   {"complete", failed_frames.empty()},
                   {"input_hash", det_hash},
                   {"output_hash", HashJson(result.at("frames"))},
                   {"provenance", Provenance(backends.detector->Kind(), backends.detector->Model(), DetectorIdentity())},
                   {"result", result}};
        store.SaveArtifact(ep, "detections", *det);
        out.ran.push_back(stage);
      }
      out.failed_frames = static_cast<int>(det->at("result").value("failed_frames", Json::array()).size());
      MarkStage(ep, status, stage, *det, std::chrono::duration<double>(Clock::now() - t0).count(), !out.ran.empty() && out.ran.back() == stage);
      status["stages"][stage]["failed_frames"] = det->at("result").value("failed_frames", Json::array());

      // track
      stage = "track";
      t0 = Clock::now();
      const std::vector<std::string> quiet = QuietLabels(context_art);  // parsed once: hash and split
      const bool regimes_on = (options.action_regimes != "none" || options.action_jump > 0) && options.subsequences.split_on_regime;
      Json trk_params = {{"upstream", det->at("output_hash")},
                         {"tracker", TrackerOptionsToJson(options.tracker)},
                         {"subsequence_min_length", options.subsequences.min_length},
                         {"subsequence_bridge_gaps", options.subsequences.bridge_gaps},
                         {"subsequence_min_track_frames", options.subsequences.min_track_frames},
                         {"subsequence_split_on_exit", options.subsequences.split_on_exit},
                         {"action_regimes", regimes_on ? options.action_regimes : "none"},
                         {"action_jump", regimes_on ? options.action_jump : 0.0},
                         {"subsequence_regime_min_frames", options.subsequences.regime_min_frames},
                         {"subsequence_max_length", options.subsequences.max_length},
                         {"quiet_labels", quiet}};
      // Only when set, so tracks made before the option existed (trailing window) stay current.
      if (regimes_on && options.regime_lookahead != 0) trk_params["regime_lookahead"] = options.regime_lookahead;
      const std::string trk_hash = HashJson(trk_params);
      std::optional<Json> trk = Current(ep, "tracks", trk_hash);
      if (trk) {
        out.skipped.push_back(stage);
      } else {
        const auto dets = FramesFromJson(det->at("result").at("frames"), "detections");
        TrackResult tr = Track(dets, options.tracker, {}, stop);
        std::vector<std::string> regimes;
        if (regimes_on) regimes = ActionRegimes(e);
        const auto segs = SplitSubsequences(tr.frames, options.subsequences, regimes, quiet);
        Json tracks = Json::array();
        for (const auto& t : tr.tracks) {
          tracks.push_back({{"id", t.id}, {"label", t.label}, {"first_frame", t.first_frame},
                            {"last_frame", t.last_frame}, {"length", t.length}});
        }
        Json segments = Json::array();
        for (const auto& s : segs) {
          Json sj = {{"start", s.start}, {"end", s.end}, {"ids", s.ids}};
          if (regimes_on) sj["regime"] = regimes[static_cast<size_t>(s.start)];
          segments.push_back(std::move(sj));
        }
        Json result = {{"frames", FramesToJson(tr.frames, "detections")}, {"tracks", tracks}, {"segments", segments}};
        trk = Json{{"stage", "track"},
                   {"input_hash", trk_hash},
                   {"output_hash", HashJson(result)},
                   {"provenance", Provenance("tracker", TrackerModeName(options.tracker.mode), trk_params)},
                   {"result", result}};
        store.SaveArtifact(ep, "tracks", *trk);
        out.ran.push_back(stage);
      }
      MarkStage(ep, status, stage, *trk, std::chrono::duration<double>(Clock::now() - t0).count(), out.ran.size() && out.ran.back() == stage);
      progress.Advance("track", ep, 1);

      // key objects
      stage = "key_objects";
      t0 = Clock::now();
      const Json key_params = {{"upstream", trk->at("output_hash")},
                               {"context", context_art.at("output_hash")},
                               {"vlm", VlmIdentity()},
                               {"detector", DetectorIdentity()},
                               {"max_key_objects", options.max_key_objects},
                               {"missing_rerun_cap", options.missing_rerun_cap},
                               {"ask_frame", AskFrameName(options.ask_frame)},
                               {"interpolate_key_gaps", options.interpolate_key_gaps},
                               {"vocabulary_scope", options.vocabulary_scope}};
      const std::string key_hash = HashJson(key_params);
      std::optional<Json> keys = Current(ep, "key_objects", key_hash);
      if (keys) {
        out.skipped.push_back(stage);
      } else {
        keys = KeyObjectsStage(e, context_art, *trk, key_hash, stop);
        out.ran.push_back(stage);
      }
      out.undecided = keys->value("undecided", 0);
      MarkStage(ep, status, stage, *keys, std::chrono::duration<double>(Clock::now() - t0).count(), out.ran.size() && out.ran.back() == stage);
      status["stages"][stage]["undecided"] = out.undecided;
      progress.Advance("key_objects", ep, 1);

      // saliency
      stage = "saliency";
      t0 = Clock::now();
      std::optional<Json> sal = Current(ep, "saliency", SaliencyInputHash(*keys, options.saliency));
      if (sal) {
        out.skipped.push_back(stage);
      } else {
        sal = RenderSaliencyArtifact(e, *keys, options.saliency, 1, {}, stop);
        store.SaveArtifact(ep, "saliency", *sal);
        out.ran.push_back(stage);
      }
      MarkStage(ep, status, stage, *sal, std::chrono::duration<double>(Clock::now() - t0).count(), out.ran.size() && out.ran.back() == stage);
      progress.Advance("saliency", ep, 1);
      out.ok = true;
    } catch (const Cancelled&) {
      throw;
    } catch (const std::exception& ex) {
      out.ok = false;
      out.failed_stage = stage;
      out.error = ex.what();
      status["error"] = {{"stage", stage}, {"message", out.error}, {"time", NowIso8601()}};
      store.SaveArtifact(ep, "status", status);
    }
  }
};

PipelineController::PipelineController(ProjectStore& store, PipelineOptions options, PipelineBackends backends)
    : impl_(std::make_unique<Impl>(store, std::move(options), std::move(backends))) {
  impl_->options.Check();
  if (!impl_->backends.vlm) throw Error("", "vlm", "no VLM backend configured");
  if (!impl_->backends.detector) throw Error("", "detector", "no detector configured");
}

PipelineController::~PipelineController() = default;

PipelineReport PipelineController::Run(const std::vector<std::string>& requested,
                                       const ProgressCallback& progress_cb, const StopCheck& stop) {
  Impl& m = *impl_;
  const auto start = Clock::now();
  std::vector<std::string> names = requested;
  if (names.empty()) {
    for (const auto& e : m.store.info().episodes) names.push_back(e.name);
  }
  for (const auto& n : names) {
    if (m.store.FindEpisode(n) < 0) throw Error(m.store.root().string(), "episode \"" + n + "\"", "no such episode");
  }
  int64_t total = 0;
  for (const auto& n : names) {
    total += m.store.info().episodes[static_cast<size_t>(m.store.FindEpisode(n))].num_frames + 4;
  }
  ProgressTracker progress(progress_cb, total);
  m.requests = std::make_unique<ThreadPool>(static_cast<size_t>(m.options.request_workers));

  // Record the settings the project's results come from (the studio shows and reuses them).
  {
    std::lock_guard<std::mutex> lock(m.store_mu);
    m.store.mutable_info().settings["pipeline"] = m.options.ToJson();
    m.store.mutable_info().settings["saliency"] = m.options.saliency.ToJson();
    m.store.Save();
  }

  // Stage 1 for every context "leader" (the episode itself, or the first episode of its group
  // in project order), in parallel on the request pool.
  std::map<std::string, std::string> leader_of;  // episode -> leader episode
  std::map<std::string, std::string> leader_by_group;
  // Episodes whose episode.json cannot be read fail on their own ("load"), whatever the rest.
  std::map<std::string, std::string> load_errors;
  std::map<std::string, std::string> group_of;
  for (const auto& entry : m.store.info().episodes) {
    const bool requested_here = std::find(names.begin(), names.end(), entry.name) != names.end();
    if (!requested_here && m.options.context_scope == PipelineOptions::ContextScope::kPerEpisode) continue;
    try {
      const Episode e = m.store.LoadEpisode(entry.name);
      group_of[entry.name] = m.GroupOf(entry.name, e);
      if (m.options.context_scope == PipelineOptions::ContextScope::kPerGroup)
        leader_by_group.emplace(group_of[entry.name], entry.name);
    } catch (const Error& ex) {
      load_errors[entry.name] = ex.what();
    }
  }
  std::vector<std::string> leaders;
  for (const auto& n : names) {
    if (load_errors.count(n)) continue;
    std::string leader = n;
    if (m.options.context_scope == PipelineOptions::ContextScope::kPerGroup) {
      leader = leader_by_group.at(group_of.at(n));
    }
    leader_of[n] = leader;
    if (std::find(leaders.begin(), leaders.end(), leader) == leaders.end()) leaders.push_back(leader);
  }
  std::map<std::string, Json> contexts;
  std::map<std::string, std::string> context_errors;
  std::map<std::string, bool> context_ran;
  std::mutex ctx_mu;
  const Json ctx_params = {{"vlm", m.VlmIdentity()},
                           {"sample_frames", m.options.sample_frames},
                           {"sample_stride", m.options.sample_stride}};
  ParallelFor(*m.requests, leaders.size(), [&](size_t i) {
    const std::string& leader = leaders[i];
    const std::string hash = HashJson({{"params", ctx_params}, {"episode", leader}});
    try {
      std::optional<Json> art = m.Current(leader, "context", hash);
      bool ran = false;
      if (!art) {
        const Episode e = m.store.LoadEpisode(leader);
        Json result = m.ComputeContext(e, stop);
        art = Json{{"stage", "context"},
                   {"input_hash", hash},
                   {"output_hash", HashJson(result.at("vocabulary")) + HashJson(result.at("context")).substr(0, 16)},
                   {"provenance", Provenance(m.backends.vlm->Kind(), m.backends.vlm->Model(), ctx_params)},
                   {"shared_from", nullptr},
                   {"result", result}};
        m.store.SaveArtifact(leader, "context", *art);
        ran = true;
      }
      std::lock_guard<std::mutex> lock(ctx_mu);
      contexts[leader] = *art;
      context_ran[leader] = ran;
    } catch (const Cancelled&) {
      throw;
    } catch (const std::exception& ex) {
      std::lock_guard<std::mutex> lock(ctx_mu);
      context_errors[leader] = ex.what();
    }
  });

  PipelineReport report;
  report.episodes.resize(names.size());
  ThreadPool episodes(static_cast<size_t>(m.options.episode_workers));
  std::atomic<bool> cancelled{false};
  ParallelFor(episodes, names.size(), [&](size_t i) {
    EpisodeOutcome& out = report.episodes[i];
    out.episode = names[i];
    if (load_errors.count(names[i])) {
      out.failed_stage = "load";
      out.error = load_errors.at(names[i]);
      progress.Advance("context", names[i], m.store.info().episodes[static_cast<size_t>(m.store.FindEpisode(names[i]))].num_frames + 4);
      return;
    }
    const std::string& leader = leader_of[names[i]];
    if (context_errors.count(leader)) {
      out.failed_stage = "context";
      out.error = context_errors[leader];
      try {
        Json status = LoadEpisodeStatus(m.store, names[i]);
        status["error"] = {{"stage", "context"}, {"message", out.error}, {"time", NowIso8601()}};
        m.store.SaveArtifact(names[i], "status", status);
      } catch (const Error&) {
        // A damaged status.json is left for `validate --repair`; the outcome still says why.
      }
      progress.Advance("context", names[i], m.store.info().episodes[static_cast<size_t>(m.store.FindEpisode(names[i]))].num_frames + 4);
      return;
    }
    Json ctx = contexts.at(leader);
    if (leader != names[i]) {
      // Group members store the shared context under their own name, marked as shared.
      ctx["shared_from"] = leader;
      std::optional<Json> mine = m.Current(names[i], "context", ctx.at("input_hash").get<std::string>());
      if (!mine || mine->value("output_hash", "") != ctx.value("output_hash", "")) {
        m.store.SaveArtifact(names[i], "context", ctx);
      }
    }
    (context_ran[leader] && leader == names[i] ? out.ran : out.skipped).push_back("context");
    try {
      m.RunEpisode(names[i], ctx, out, progress, stop);
    } catch (const Cancelled&) {
      cancelled = true;
    }
  });
  m.requests.reset();
  if (cancelled || (stop && stop())) throw Cancelled();
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

}  // namespace autofocus

#include "core/pipeline/pipeline.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
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

Json PipelineReport::ToJson() const {
  Json eps = Json::array();
  for (const auto& e : episodes) {
    eps.push_back({{"episode", e.episode}, {"ok", e.ok}, {"failed_stage", e.failed_stage},
                   {"error", e.error}, {"ran", e.ran}, {"skipped", e.skipped}});
  }
  return {{"episodes", eps}, {"failed", Failed()}, {"seconds", seconds}};
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
                                                   ProgressTracker* progress, const StopCheck& stop) {
    const int n = last - first + 1;
    std::vector<std::vector<Detection>> out(static_cast<size_t>(n));
    std::vector<CallRecord> records(static_cast<size_t>(n));
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
        out[slot] = backends.detector->Detect(req, &records[slot]);
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

  // The candidates of a sub-sequence: each active track's box on its first frame, or, for a
  // gap-bridged track not detected there, its first detection later in the sub-sequence.
  static std::vector<Detection> ActiveAt(const std::vector<std::vector<Detection>>& frames, int start,
                                         int end, const std::vector<int>& ids) {
    std::vector<Detection> out;
    for (int id : ids) {
      for (int t = start; t <= end; ++t) {
        const auto& f = frames[static_cast<size_t>(t)];
        const auto it = std::find_if(f.begin(), f.end(), [id](const Detection& d) { return d.id == id; });
        if (it != f.end()) {
          out.push_back(*it);
          break;
        }
      }
    }
    return out;
  }

  Json KeyObjectsStage(const Episode& e, const Json& context_art, const Json& tracks_art,
                       const std::string& input_hash, const StopCheck& stop) {
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
    std::vector<cv::Mat> first_frames;
    for (const auto& s : segments) first_frames.push_back(frames->Read(s.start));

    // First question of every sub-sequence, in parallel.
    std::vector<Ask> asks(segments.size());
    ParallelFor(*requests, segments.size(), [&](size_t i) {
      ThrowIfStopped(stop);
      const auto& s = segments[i];
      asks[i] = AskKeyObjects(e, first_frames[i], s.start, ctx, ActiveAt(tracked, s.start, s.end, s.ids));
    });

    Json seg_json = Json::array();
    std::vector<std::vector<Detection>> key_frames(tracked.size());
    int failed = 0;
    std::string first_error;
    for (size_t i = 0; i < segments.size(); ++i) {
      ThrowIfStopped(stop);
      const Subsequence& s = segments[i];
      std::vector<Detection> active = ActiveAt(tracked, s.start, s.end, s.ids);
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
        auto redetected = DetectFrames(e, *frames, s.start, s.end, vocab, nullptr, nullptr, nullptr, stop);
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
        std::vector<int> ids = ActiveIds(local.frames.front());
        std::vector<Detection> re_active = ActiveAt(local.frames, 0, 0, ids);
        Ask again = AskKeyObjects(e, first_frames[i], s.start, ctx, re_active);
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

      std::vector<int> key_ids;
      Json keys = Json::array();
      if (current.ok) {
        for (const auto& k : current.answer.key_objects) {
          key_ids.push_back(k.id);
          keys.push_back({{"id", k.id}, {"class", k.label}, {"score", k.score}, {"rationale", k.rationale}});
        }
      } else {
        ++failed;
        if (first_error.empty()) first_error = current.error;
      }
      std::sort(key_ids.begin(), key_ids.end());
      for (int t = s.start; t <= s.end; ++t) {
        for (const auto& d : seg_frames[static_cast<size_t>(t - s.start)]) {
          if (std::binary_search(key_ids.begin(), key_ids.end(), d.id)) key_frames[static_cast<size_t>(t)].push_back(d);
        }
      }
      seg_json.push_back({{"start", s.start},
                          {"end", s.end},
                          {"ids", s.ids},
                          {"frame", s.start},
                          {"action", e.actions.at(static_cast<size_t>(s.start))},
                          {"action_description",
                           DescribeRecentActions(e.actions, s.start, store.info().action_spec.Names())},
                          {"status", current.ok ? "ok" : "failed"},
                          {"error", current.error},
                          {"decided_by", "model"},
                          {"key_ids", key_ids},
                          {"key_objects", keys},
                          {"missing_categories", current.ok ? current.answer.missing_categories : std::vector<std::string>{}},
                          {"vocabulary_added", added},
                          {"reruns", static_cast<int>(iterations.size()) - 1},
                          {"iterations", iterations}});
    }
    Json frames_json = FramesToJson(key_frames, "objects");
    Json art = {{"stage", "key_objects"},
                {"input_hash", input_hash},
                {"output_hash", HashJson(frames_json)},
                {"complete", failed == 0},
                {"provenance", Provenance(backends.vlm->Kind(), backends.vlm->Model(), VlmIdentity())},
                {"segments", seg_json},
                {"frames", frames_json}};
    store.SaveArtifact(e.name, "key_objects", art);
    if (failed > 0) {
      throw Error(store.ArtifactPath(e.name, "key_objects").string(), "key objects",
                  std::to_string(failed) + " of " + std::to_string(segments.size()) +
                      " sub-sequences failed; first error: " + first_error);
    }
    return art;
  }

  // --- one episode, stages 2..5 ------------------------------------------------------------------
  void RunEpisode(const std::string& ep, const Json& context_art, EpisodeOutcome& out,
                  ProgressTracker& progress, const StopCheck& stop) {
    const Episode e = store.LoadEpisode(ep);
    Json status = LoadEpisodeStatus(store, ep);
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
        auto dets = DetectFrames(e, *frames, 0, e.num_frames - 1, vocab, &keys, &stats, &progress, stop);
        Json result = {{"vocabulary", vocab}, {"frames", FramesToJson(dets, "detections")},
                       {"cache_keys", keys}, {"stats", stats}};
        det = Json{{"stage", "detect"},
                   {"input_hash", det_hash},
                   {"output_hash", HashJson(result.at("frames"))},
                   {"provenance", Provenance(backends.detector->Kind(), backends.detector->Model(), DetectorIdentity())},
                   {"result", result}};
        store.SaveArtifact(ep, "detections", *det);
        out.ran.push_back(stage);
      }
      MarkStage(ep, status, stage, *det, std::chrono::duration<double>(Clock::now() - t0).count(), !out.ran.empty() && out.ran.back() == stage);

      // track
      stage = "track";
      t0 = Clock::now();
      const Json trk_params = {{"upstream", det->at("output_hash")},
                               {"tracker", TrackerOptionsToJson(options.tracker)},
                               {"subsequence_min_length", options.subsequences.min_length},
                               {"subsequence_bridge_gaps", options.subsequences.bridge_gaps}};
      const std::string trk_hash = HashJson(trk_params);
      std::optional<Json> trk = Current(ep, "tracks", trk_hash);
      if (trk) {
        out.skipped.push_back(stage);
      } else {
        const auto dets = FramesFromJson(det->at("result").at("frames"), "detections");
        TrackResult tr = Track(dets, options.tracker, {}, stop);
        const auto segs = SplitSubsequences(tr.frames, options.subsequences);
        Json tracks = Json::array();
        for (const auto& t : tr.tracks) {
          tracks.push_back({{"id", t.id}, {"label", t.label}, {"first_frame", t.first_frame},
                            {"last_frame", t.last_frame}, {"length", t.length}});
        }
        Json segments = Json::array();
        for (const auto& s : segs) segments.push_back({{"start", s.start}, {"end", s.end}, {"ids", s.ids}});
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
                               {"missing_rerun_cap", options.missing_rerun_cap}};
      const std::string key_hash = HashJson(key_params);
      std::optional<Json> keys = Current(ep, "key_objects", key_hash);
      if (keys) {
        out.skipped.push_back(stage);
      } else {
        keys = KeyObjectsStage(e, context_art, *trk, key_hash, stop);
        out.ran.push_back(stage);
      }
      MarkStage(ep, status, stage, *keys, std::chrono::duration<double>(Clock::now() - t0).count(), out.ran.size() && out.ran.back() == stage);
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
  for (const auto& entry : m.store.info().episodes) {
    if (m.options.context_scope == PipelineOptions::ContextScope::kPerEpisode) break;
    const Episode e = m.store.LoadEpisode(entry.name);
    leader_by_group.emplace(m.GroupOf(entry.name, e), entry.name);
  }
  std::vector<std::string> leaders;
  for (const auto& n : names) {
    std::string leader = n;
    if (m.options.context_scope == PipelineOptions::ContextScope::kPerGroup) {
      leader = leader_by_group.at(m.GroupOf(n, m.store.LoadEpisode(n)));
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
    const std::string& leader = leader_of[names[i]];
    if (context_errors.count(leader)) {
      out.failed_stage = "context";
      out.error = context_errors[leader];
      Json status = LoadEpisodeStatus(m.store, names[i]);
      status["error"] = {{"stage", "context"}, {"message", out.error}, {"time", NowIso8601()}};
      m.store.SaveArtifact(names[i], "status", status);
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

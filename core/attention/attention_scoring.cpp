#include "core/attention/attention_scoring.h"

#include "core/base/error.h"

namespace autofocus {
namespace {

Json Opt(const std::optional<double>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json MeanOf(const std::vector<FrameAttentionScore>& s,
            std::optional<double> (*get)(const FrameAttentionScore&)) {
  double sum = 0;
  size_t n = 0;
  for (const auto& f : s)
    if (const auto v = get(f)) {
      sum += *v;
      ++n;
    }
  return n ? Json(sum / static_cast<double>(n)) : Json(nullptr);
}

}  // namespace

std::vector<FrameAttentionScore> ScoreAttention(const AttentionMaps& maps,
                                                const ReferenceEpisode& ref, Evidence evidence) {
  const size_t T = static_cast<size_t>(maps.frames);
  if (ref.fixations.size() != T)
    throw Error(
        "", "reference",
        "has " + std::to_string(ref.fixations.size()) + " frames, the maps " + std::to_string(T));
  const size_t hw = static_cast<size_t>(ref.width) * static_cast<size_t>(ref.height);
  std::vector<float> up(hw);
  std::vector<FrameAttentionScore> out(T);
  for (size_t t = 0; t < T; ++t) {
    // Evidence first, then resampling: a positive and a negative cell must not blur into each
    // other before the sign is chosen.
    const std::vector<float> ev =
        SplitEvidence(maps.frame(static_cast<int64_t>(t)), maps.frame_size(), evidence);
    ResizeBilinear(ev.data(), static_cast<int>(maps.height), static_cast<int>(maps.width),
                   ref.height, ref.width, up.data());
    FrameAttentionScore& s = out[t];
    s.metrics = ComputeFrameMetrics(up.data(), ref.frame(t), ref.width, ref.height,
                                    &ref.fixations[t], t + 1);
    if (!ref.key_boxes[t].empty())
      s.mass_key = AttentionMass(up.data(), ref.width, ref.height, ref.key_boxes[t]);
    if (!ref.distractor_boxes[t].empty())
      s.mass_distractor = AttentionMass(up.data(), ref.width, ref.height, ref.distractor_boxes[t]);
    if (ref.icon_region)
      s.mass_icon = AttentionMass(up.data(), ref.width, ref.height, {*ref.icon_region});
  }
  return out;
}

Json MeanScoresJson(const std::vector<FrameAttentionScore>& s) {
  std::vector<FrameMetrics> m;
  for (const auto& f : s) m.push_back(f.metrics);
  Json j = MeanMetricsJson(m);
  j["mass_key"] = MeanOf(s, [](const FrameAttentionScore& f) { return f.mass_key; });
  j["mass_distractor"] = MeanOf(s, [](const FrameAttentionScore& f) { return f.mass_distractor; });
  j["mass_icon"] = MeanOf(s, [](const FrameAttentionScore& f) { return f.mass_icon; });
  j["frames"] = s.size();
  return j;
}

Json ScoresJson(const std::vector<FrameAttentionScore>& s) {
  std::vector<FrameMetrics> m;
  for (const auto& f : s) m.push_back(f.metrics);
  Json j = MetricsReportJson(m);
  for (size_t t = 0; t < s.size(); ++t) {
    j["frames"][t]["mass_key"] = Opt(s[t].mass_key);
    j["frames"][t]["mass_distractor"] = Opt(s[t].mass_distractor);
    j["frames"][t]["mass_icon"] = Opt(s[t].mass_icon);
  }
  j["mean"] = MeanScoresJson(s);
  return j;
}

}  // namespace autofocus

#include "core/exchange/exchange_key.h"

#include "core/base/hash.h"

namespace autofocus {
namespace {

Json ImageDescription(const cv::Mat& image) {
  return {{"sha256", ImagePixelHash(image)},
          {"width", image.cols},
          {"height", image.rows},
          {"type", image.type()}};
}

Json BoxJson(const Box& b) { return Json::array({b.x1, b.y1, b.x2, b.y2}); }

}  // namespace

std::string ImagePixelHash(const cv::Mat& image) {
  Sha256 h;
  h.UpdateField("cv::Mat");
  h.UpdateField(std::to_string(image.rows));
  h.UpdateField(std::to_string(image.cols));
  h.UpdateField(std::to_string(image.type()));
  if (!image.empty()) {
    // Row by row: a ROI view has gaps between rows that are not part of the image.
    const size_t row_bytes = static_cast<size_t>(image.cols) * image.elemSize();
    for (int r = 0; r < image.rows; ++r) {
      h.Update(std::string_view(reinterpret_cast<const char*>(image.ptr(r)), row_bytes));
    }
  }
  return h.FinalHex();
}

Json DescribeRequest(const GlobalContextRequest& request) {
  Json frames = Json::array();
  for (const cv::Mat& f : request.frames) frames.push_back(ImageDescription(f));
  return {{"episode", request.episode},
          {"frame_indices", request.frame_indices},
          {"frames", frames},
          {"domain", request.domain}};
}

Json DescribeRequest(const KeyObjectRequest& request) {
  Json candidates = Json::array();
  for (const auto& c : request.candidates) {
    candidates.push_back({{"id", c.id}, {"label", c.label}, {"box", BoxJson(c.box)}});
  }
  return {{"episode", request.episode},
          {"frame_index", request.frame_index},
          {"frame", ImageDescription(request.frame)},
          {"action", request.action},
          {"action_names", request.action_names},
          {"action_description", request.action_description},
          {"context", request.context.ToJson()},
          {"candidates", candidates},
          {"max_key_objects", request.max_key_objects},
          {"domain", request.domain}};
}

Json DescribeRequest(const DetectRequest& request) {
  return {{"episode", request.episode},
          {"frame_index", request.frame_index},
          {"image", ImageDescription(request.image)},
          {"vocabulary", request.vocabulary}};
}

std::string ExchangeKey(const std::string& kind, const ExchangeKeyContext& context,
                        const Json& request_description) {
  Sha256 h;
  h.UpdateField("autofocus-exchange/v1");
  h.UpdateField(kind);
  h.UpdateField(context.backend);
  h.UpdateField(context.model);
  h.UpdateField(context.template_hash);
  // nlohmann::json keeps object keys sorted, so dump() is canonical for equal content.
  h.UpdateField(request_description.dump());
  h.UpdateField(context.parameters.dump());
  return h.FinalHex();
}

std::string GlobalContextKey(const ExchangeKeyContext& context,
                             const GlobalContextRequest& request) {
  return ExchangeKey(kExchangeGlobalContext, context, DescribeRequest(request));
}

std::string KeyObjectKey(const ExchangeKeyContext& context, const KeyObjectRequest& request) {
  return ExchangeKey(kExchangeKeyObjects, context, DescribeRequest(request));
}

std::string DetectKey(const ExchangeKeyContext& context, const DetectRequest& request) {
  return ExchangeKey(kExchangeDetect, context, DescribeRequest(request));
}

}  // namespace autofocus

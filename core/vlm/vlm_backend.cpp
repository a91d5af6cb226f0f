#include "core/vlm/vlm_backend.h"

#include <set>

#include "core/base/strings.h"

namespace autofocus {

Json CallRecord::ToJson() const {
  return {{"backend", backend},
          {"model", model},
          {"template_name", template_name},
          {"template_hash", template_hash},
          {"cache_key", cache_key},
          {"request", request},
          {"raw_answer", raw_answer},
          {"parsed", parsed},
          {"warnings", warnings},
          {"error", error},
          {"latency_ms", latency_ms},
          {"prompt_tokens", prompt_tokens},
          {"completion_tokens", completion_tokens},
          {"retries", retries},
          {"repairs", repairs},
          {"from_cache", from_cache}};
}

CallRecord CallRecord::FromJson(const Json& j) {
  CallRecord r;
  r.backend = j.value("backend", "");
  r.model = j.value("model", "");
  r.template_name = j.value("template_name", "");
  r.template_hash = j.value("template_hash", "");
  r.cache_key = j.value("cache_key", "");
  r.request = j.value("request", Json::object());
  r.raw_answer = j.value("raw_answer", "");
  r.parsed = j.contains("parsed") ? j["parsed"] : Json(nullptr);
  r.warnings = j.value("warnings", std::vector<std::string>{});
  r.error = j.value("error", "");
  r.latency_ms = j.value("latency_ms", 0.0);
  r.prompt_tokens = j.value("prompt_tokens", 0);
  r.completion_tokens = j.value("completion_tokens", 0);
  r.retries = j.value("retries", 0);
  r.repairs = j.value("repairs", 0);
  r.from_cache = j.value("from_cache", false);
  return r;
}

std::vector<std::string> GlobalContext::VocabularyNames() const {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& v : vocabulary) {
    std::string n = ToLower(Trim(v.name));
    if (!n.empty() && seen.insert(n).second) out.push_back(n);
  }
  return out;
}

Json GlobalContext::ToJson() const {
  Json vocab = Json::array();
  for (const auto& v : vocabulary) {
    vocab.push_back({{"name", v.name}, {"relevance", v.relevance}, {"description", v.description}});
  }
  return {{"summary", summary}, {"vocabulary", vocab}};
}

GlobalContext GlobalContext::FromJson(const Json& j) {
  GlobalContext c;
  c.summary = j.value("summary", "");
  for (const Json& v : j.value("vocabulary", Json::array())) {
    c.vocabulary.push_back({v.value("name", ""), v.value("relevance", ""), v.value("description", "")});
  }
  return c;
}

Json KeyObjectAnswer::ToJson() const {
  Json keys = Json::array();
  for (const auto& k : key_objects) {
    keys.push_back({{"id", k.id}, {"class", k.label}, {"score", k.score}, {"rationale", k.rationale}});
  }
  return {{"key_objects", keys}, {"missing_categories", missing_categories}};
}

KeyObjectAnswer KeyObjectAnswer::FromJson(const Json& j) {
  KeyObjectAnswer a;
  for (const Json& k : j.value("key_objects", Json::array())) {
    a.key_objects.push_back({k.value("id", -1), k.value("class", ""), k.value("score", 1.f),
                             k.value("rationale", "")});
  }
  a.missing_categories = j.value("missing_categories", std::vector<std::string>{});
  return a;
}

}  // namespace autofocus

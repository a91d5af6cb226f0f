#include "core/vlm/vlm_backend.h"

#include <cmath>
#include <limits>
#include <set>

#include "core/base/error.h"
#include "core/base/strings.h"

namespace autofocus {
namespace {

// Readers of the fields of a stored record (an exchange-file line, a cached answer): `fallback`
// when the field is absent or null, else the value, or an Error naming `what.key` when it has the
// wrong type or does not fit (a damaged line must be an Error, never a JSON library exception
// or an out-of-range conversion).
const Json* Find(const Json& j, const char* key, const std::string& what) {
  if (!j.is_object())
    throw Error("", what, "expected an object, got " + std::string(j.type_name()));
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

std::string StringField(const Json& j, const char* key, const std::string& what) {
  const Json* v = Find(j, key, what);
  if (!v) return "";
  if (!v->is_string()) throw Error("", what + "." + key, "expected a string");
  return v->get<std::string>();
}

double NumberField(const Json& j, const char* key, double fallback, const std::string& what) {
  const Json* v = Find(j, key, what);
  if (!v) return fallback;
  if (!v->is_number()) throw Error("", what + "." + key, "expected a number");
  return v->get<double>();
}

int IntField(const Json& j, const char* key, int fallback, const std::string& what) {
  const Json* v = Find(j, key, what);
  if (!v) return fallback;
  if (!v->is_number()) throw Error("", what + "." + key, "expected an integer");
  const double d = v->get<double>();
  if (std::floor(d) != d || d < std::numeric_limits<int>::min() ||
      d > std::numeric_limits<int>::max()) {
    throw Error("", what + "." + key, "expected an integer in the int range, got " + v->dump());
  }
  return static_cast<int>(d);
}

bool BoolField(const Json& j, const char* key, bool fallback, const std::string& what) {
  const Json* v = Find(j, key, what);
  if (!v) return fallback;
  if (!v->is_boolean()) throw Error("", what + "." + key, "expected true or false");
  return v->get<bool>();
}

std::vector<std::string> StringListField(const Json& j, const char* key, const std::string& what) {
  const Json* v = Find(j, key, what);
  std::vector<std::string> out;
  if (!v) return out;
  if (!v->is_array()) throw Error("", what + "." + key, "expected a list of strings");
  for (const Json& e : *v) {
    if (!e.is_string()) throw Error("", what + "." + key, "expected a list of strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

const Json& ListField(const Json& j, const char* key, const std::string& what) {
  static const Json kEmpty = Json::array();
  const Json* v = Find(j, key, what);
  if (!v) return kEmpty;
  if (!v->is_array()) throw Error("", what + "." + key, "expected a list");
  return *v;
}

}  // namespace

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
  const std::string what = "record";
  CallRecord r;
  r.backend = StringField(j, "backend", what);
  r.model = StringField(j, "model", what);
  r.template_name = StringField(j, "template_name", what);
  r.template_hash = StringField(j, "template_hash", what);
  r.cache_key = StringField(j, "cache_key", what);
  r.request = j.value("request", Json::object());
  r.raw_answer = StringField(j, "raw_answer", what);
  r.parsed = j.contains("parsed") ? j["parsed"] : Json(nullptr);
  r.warnings = StringListField(j, "warnings", what);
  r.error = StringField(j, "error", what);
  r.latency_ms = NumberField(j, "latency_ms", 0.0, what);
  r.prompt_tokens = IntField(j, "prompt_tokens", 0, what);
  r.completion_tokens = IntField(j, "completion_tokens", 0, what);
  r.retries = IntField(j, "retries", 0, what);
  r.repairs = IntField(j, "repairs", 0, what);
  r.from_cache = BoolField(j, "from_cache", false, what);
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
  c.summary = StringField(j, "summary", "answer");
  const Json& vocabulary = ListField(j, "vocabulary", "answer");
  for (size_t i = 0; i < vocabulary.size(); ++i) {
    const Json& v = vocabulary[i];
    const std::string what = "answer.vocabulary[" + std::to_string(i) + "]";
    c.vocabulary.push_back({StringField(v, "name", what), StringField(v, "relevance", what),
                            StringField(v, "description", what)});
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
  const Json& keys = ListField(j, "key_objects", "answer");
  for (size_t i = 0; i < keys.size(); ++i) {
    const Json& k = keys[i];
    const std::string what = "answer.key_objects[" + std::to_string(i) + "]";
    a.key_objects.push_back({IntField(k, "id", -1, what), StringField(k, "class", what),
                             static_cast<float>(NumberField(k, "score", 1.0, what)),
                             StringField(k, "rationale", what)});
  }
  a.missing_categories = StringListField(j, "missing_categories", "answer");
  return a;
}

}  // namespace autofocus

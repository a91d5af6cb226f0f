#include "core/vlm/answer_parsing.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/base/strings.h"

namespace autofocus {
namespace {

Json TryParseObject(const std::string& text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : Json();
}

// The first balanced {...} in `text`, honouring JSON strings so braces inside them do not
// count. Empty when there is no complete object.
std::string FirstBalancedObject(const std::string& text) {
  size_t start = text.find('{');
  while (start != std::string::npos) {
    int depth = 0;
    bool in_string = false, escaped = false;
    for (size_t i = start; i < text.size(); ++i) {
      char c = text[i];
      if (in_string) {
        if (escaped) escaped = false;
        else if (c == '\\') escaped = true;
        else if (c == '"') in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{') {
        ++depth;
      } else if (c == '}' && --depth == 0) {
        std::string candidate = text.substr(start, i - start + 1);
        if (!TryParseObject(candidate).is_null()) return candidate;
        break;  // balanced but not JSON (e.g. prose in braces): try the next '{'
      }
    }
    start = text.find('{', start + 1);
  }
  return "";
}

std::string TypeName(const Json& j) { return j.type_name(); }

const Json* Field(const Json& obj, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    auto it = obj.find(n);
    if (it != obj.end() && !it->is_null()) return &*it;
  }
  return nullptr;
}

std::string RequireString(const Json& obj, std::initializer_list<const char*> names,
                          const std::string& where, bool required) {
  const Json* v = Field(obj, names);
  if (!v) {
    if (required) throw InvalidAnswer(where, std::string("missing field \"") + *names.begin() + "\"");
    return "";
  }
  if (!v->is_string()) {
    throw InvalidAnswer(where + "." + *names.begin(), "must be a string, got " + TypeName(*v));
  }
  return v->get<std::string>();
}

}  // namespace

Json ExtractJsonObject(const std::string& raw) {
  std::string text = Trim(raw);
  if (text.empty()) throw InvalidAnswer("answer", "empty answer");
  if (Json j = TryParseObject(text); !j.is_null()) return j;
  // A fenced block (```json ... ```) is the most common wrapper; prefer its content.
  size_t fence = text.find("```");
  if (fence != std::string::npos) {
    size_t body = text.find('\n', fence);
    size_t end = body == std::string::npos ? std::string::npos : text.find("```", body);
    if (end != std::string::npos) {
      std::string inner = text.substr(body + 1, end - body - 1);
      if (Json j = TryParseObject(Trim(inner)); !j.is_null()) return j;
    }
  }
  std::string obj = FirstBalancedObject(text);
  if (obj.empty()) {
    throw InvalidAnswer("answer", text.find('{') == std::string::npos
                                      ? "no JSON object in the answer"
                                      : "the JSON object is incomplete or malformed");
  }
  return TryParseObject(obj);
}

const std::vector<std::string>& AllowedRelevance(const std::string& domain) {
  static const std::vector<std::string> kDriving = {"traffic_control", "navigation",
                                                    "safety_critical", "context"};
  static const std::vector<std::string> kManipulation = {"target",  "tool",     "container",
                                                         "support", "obstacle", "background"};
  if (domain == "driving") return kDriving;
  if (domain == "manipulation") return kManipulation;
  throw Error("", "domain", "unknown domain '" + domain + "' (driving | manipulation)");
}

GlobalContext ValidateGlobalContext(const Json& answer, const std::string& domain,
                                    std::vector<std::string>* warnings) {
  const auto& allowed = AllowedRelevance(domain);
  if (!answer.is_object()) throw InvalidAnswer("answer", "must be a JSON object");
  GlobalContext out;
  out.summary = Trim(RequireString(answer, {"description", "summary"}, "answer", true));
  if (out.summary.empty() && warnings) warnings->push_back("description: empty context summary");
  const Json* objects = Field(answer, {"objects", "vocabulary"});
  if (!objects) throw InvalidAnswer("answer", "missing field \"objects\"");
  if (!objects->is_array()) {
    throw InvalidAnswer("objects", "must be an array, got " + TypeName(*objects));
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < objects->size(); ++i) {
    const Json& o = (*objects)[i];
    std::string where = "objects[" + std::to_string(i) + "]";
    if (!o.is_object()) throw InvalidAnswer(where, "must be an object, got " + TypeName(o));
    VocabularyEntry e;
    e.name = Trim(RequireString(o, {"type", "name"}, where, true));
    if (e.name.empty()) throw InvalidAnswer(where + ".type", "must not be empty");
    e.relevance = ToLower(Trim(RequireString(o, {"relevance", "role"}, where, true)));
    if (domain == "manipulation") {
      std::string state = Trim(RequireString(o, {"state"}, where, false));
      std::string affordance = Trim(RequireString(o, {"affordance"}, where, false));
      std::string desc = Trim(RequireString(o, {"description"}, where, false));
      for (const std::string* part : {&desc, &state, &affordance}) {
        if (!part->empty()) e.description += (e.description.empty() ? "" : "; ") + *part;
      }
    } else {
      e.description = Trim(RequireString(o, {"description"}, where, false));
    }
    if (std::find(allowed.begin(), allowed.end(), e.relevance) == allowed.end() && warnings) {
      warnings->push_back(where + ": relevance '" + e.relevance + "' is not one of the " + domain +
                          " values");
    }
    if (!seen.insert(ToLower(e.name)).second) {
      if (warnings) warnings->push_back(where + ": duplicate object '" + e.name + "' collapsed");
      continue;
    }
    out.vocabulary.push_back(std::move(e));
  }
  return out;
}

KeyObjectAnswer ValidateKeyObjects(const Json& answer, const std::vector<CandidateObject>& offered,
                                   int max_key_objects, std::vector<std::string>* warnings) {
  auto warn = [&](const std::string& w) {
    if (warnings) warnings->push_back(w);
  };
  if (!answer.is_object()) throw InvalidAnswer("answer", "must be a JSON object");
  const Json* top = Field(answer, {"top_k", "key_objects"});
  if (!top) throw InvalidAnswer("answer", "missing field \"top_k\"");
  if (!top->is_array()) throw InvalidAnswer("top_k", "must be an array, got " + TypeName(*top));
  std::map<int, const CandidateObject*> by_id;
  for (const auto& c : offered) by_id[c.id] = &c;

  KeyObjectAnswer out;
  std::map<int, size_t> index_of;  // id -> position in out.key_objects
  for (size_t i = 0; i < top->size(); ++i) {
    const Json& k = (*top)[i];
    std::string where = "top_k[" + std::to_string(i) + "]";
    if (!k.is_object()) throw InvalidAnswer(where, "must be an object, got " + TypeName(k));
    const Json* id = Field(k, {"id"});
    if (!id) throw InvalidAnswer(where, "missing field \"id\"");
    // Integral floats (7.0) are accepted; strings or fractions are not IDs.
    bool integral = id->is_number_integer() ||
                    (id->is_number_float() && std::floor(id->get<double>()) == id->get<double>());
    if (!integral) throw InvalidAnswer(where + ".id", "must be an integer, got " + id->dump());
    // 9.1e301 is integral too, but converting it to int is undefined: no track has such an ID.
    if (!(std::fabs(id->get<double>()) <= 2147483647.0))
      throw InvalidAnswer(where + ".id", "is out of range, got " + id->dump());
    const Json* score = Field(k, {"score"});
    if (!score) throw InvalidAnswer(where, "missing field \"score\"");
    if (!score->is_number()) {
      throw InvalidAnswer(where + ".score", "must be a number, got " + TypeName(*score));
    }
    KeyObjectChoice c;
    c.id = static_cast<int>(id->get<double>());
    c.label = Trim(RequireString(k, {"class", "label"}, where, false));
    c.rationale = Trim(RequireString(k, {"rationale", "reason"}, where, false));
    double s = score->get<double>();
    if (!(s >= 0 && s <= 1)) {
      double clamped = std::isnan(s) ? 0.0 : std::clamp(s, 0.0, 1.0);
      warn(where + ": score " + score->dump() + " clamped to " + (clamped > 0 ? "1" : "0"));
      s = clamped;
    }
    c.score = static_cast<float>(s);
    auto cand = by_id.find(c.id);
    if (cand == by_id.end()) {
      warn(where + ": id " + std::to_string(c.id) + " was not offered; dropped");
      continue;
    }
    if (!c.label.empty() && ToLower(c.label) != ToLower(cand->second->label)) {
      warn(where + ": class '" + c.label + "' of id " + std::to_string(c.id) +
           " differs from the offered '" + cand->second->label + "'");
    }
    c.label = cand->second->label;
    auto dup = index_of.find(c.id);
    if (dup != index_of.end()) {
      warn(where + ": duplicate id " + std::to_string(c.id) + " collapsed");
      KeyObjectChoice& kept = out.key_objects[dup->second];
      if (c.score > kept.score) kept = c;
      continue;
    }
    index_of[c.id] = out.key_objects.size();
    out.key_objects.push_back(std::move(c));
  }
  if (static_cast<int>(out.key_objects.size()) > max_key_objects) {
    warn("top_k: " + std::to_string(out.key_objects.size()) + " key objects, kept the " +
         std::to_string(max_key_objects) + " highest scores");
    // Stable: among equal scores the VLM's own order decides.
    std::stable_sort(out.key_objects.begin(), out.key_objects.end(),
                     [](const auto& a, const auto& b) { return a.score > b.score; });
    out.key_objects.resize(std::max(0, max_key_objects));
  }

  const Json* missing = Field(answer, {"missing_suspects", "missing_categories"});
  if (missing) {
    if (!missing->is_array()) {
      throw InvalidAnswer("missing_suspects", "must be an array, got " + TypeName(*missing));
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < missing->size(); ++i) {
      const Json& m = (*missing)[i];
      if (!m.is_string()) {
        throw InvalidAnswer("missing_suspects[" + std::to_string(i) + "]",
                            "must be a string, got " + TypeName(m));
      }
      std::string name = ToLower(Trim(m.get<std::string>()));
      if (!name.empty() && seen.insert(name).second) out.missing_categories.push_back(name);
    }
  }
  return out;
}

Json GlobalContextSchema(const std::string& domain) {
  const auto& allowed = AllowedRelevance(domain);
  Json object;
  if (domain == "manipulation") {
    object = {{"type", "object"},
              {"properties",
               {{"type", {{"type", "string"}}},
                {"state", {{"type", "string"}}},
                {"role", {{"type", "string"}, {"enum", allowed}}},
                {"affordance", {{"type", "string"}}}}},
              {"required", {"type", "state", "role", "affordance"}}};
  } else {
    object = {{"type", "object"},
              {"properties",
               {{"type", {{"type", "string"}}},
                {"relevance", {{"type", "string"}, {"enum", allowed}}},
                {"description", {{"type", "string"}}}}},
              {"required", {"type", "relevance", "description"}}};
  }
  return {{"type", "object"},
          {"properties",
           {{"objects", {{"type", "array"}, {"items", object}}},
            {"description", {{"type", "string"}}}}},
          {"required", {"objects", "description"}}};
}

Json KeyObjectsSchema(int max_key_objects) {
  Json item = {{"type", "object"},
               {"properties",
                {{"id", {{"type", "integer"}}},
                 {"class", {{"type", "string"}}},
                 {"score", {{"type", "number"}, {"minimum", 0}, {"maximum", 1}}},
                 {"rationale", {{"type", "string"}}}}},
               {"required", {"id", "class", "score", "rationale"}}};
  return {{"type", "object"},
          {"properties",
           {{"top_k", {{"type", "array"}, {"items", item}, {"maxItems", max_key_objects}}},
            {"missing_suspects", {{"type", "array"}, {"items", {{"type", "string"}}}}}}},
          {"required", {"top_k", "missing_suspects"}}};
}

}  // namespace autofocus

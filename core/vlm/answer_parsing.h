#pragma once

// Tolerant extraction and strict validation of VLM answers (paper semantics, reference schemas
// of REFERENCE.md 1.2 and 1.6), plus the JSON schemas sent as response_format.

#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/base/json_io.h"
#include "core/vlm/vlm_backend.h"

namespace autofocus {

// An answer that cannot be used as it is; reason() is quoted in the repair request.
class InvalidAnswer : public Error {
 public:
  InvalidAnswer(const std::string& where, const std::string& reason) : Error("", where, reason) {}
};

// The JSON object inside a model answer: strips ``` fences and any prose before or after the
// first balanced {...} object. Throws InvalidAnswer when there is none or it does not parse.
Json ExtractJsonObject(const std::string& raw);

// Allowed relevance values of a domain ("driving" | "manipulation"); throws Error otherwise.
const std::vector<std::string>& AllowedRelevance(const std::string& domain);

// Validates a global-context answer:
// {"description": str, "objects": [{"type": str, "relevance"|"role": str, "description"|
//  "state"|"affordance": str}]}  ("summary" is accepted for "description").
// Types are strict (InvalidAnswer); an object with an empty type is invalid; a relevance outside
// the domain's set is kept and flagged in `warnings`; names are trimmed and entries with the
// same name (case-insensitive) collapsed (flagged).
GlobalContext ValidateGlobalContext(const Json& answer, const std::string& domain,
                                    std::vector<std::string>* warnings);

// Validates a key-object answer:
// {"top_k": [{"id": int, "class": str, "score": number, "rationale": str}],
//  "missing_suspects": [str]}  ("key_objects"/"missing_categories" are accepted as aliases).
// Types are strict (InvalidAnswer). Scores outside [0,1] are clamped and flagged; IDs not
// offered are dropped and flagged; duplicate IDs are collapsed keeping the highest score
// (flagged); beyond `max_key_objects` the highest scores are kept (flagged); the label is the
// offered candidate's label. Missing categories are trimmed, lower-cased, deduplicated.
KeyObjectAnswer ValidateKeyObjects(const Json& answer, const std::vector<CandidateObject>& offered,
                                   int max_key_objects, std::vector<std::string>* warnings);

// JSON schema of the global-context answer for `domain` (response_format json_schema).
Json GlobalContextSchema(const std::string& domain);
// JSON schema of the key-object answer.
Json KeyObjectsSchema(int max_key_objects);

}  // namespace autofocus

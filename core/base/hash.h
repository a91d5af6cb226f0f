#pragma once

#include <string>
#include <string_view>

namespace autofocus {

// SHA-256 of `data` as 64 lower-case hex digits (content hashes for caches and provenance).
std::string Sha256Hex(std::string_view data);

// Incremental SHA-256, for hashing several parts without concatenating them.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  // Adds bytes to the hash.
  void Update(std::string_view data);
  // Adds a length-prefixed field, so ("ab","c") and ("a","bc") hash differently.
  void UpdateField(std::string_view data);
  // Finishes and returns the hex digest; the object must not be used afterwards.
  std::string FinalHex();

 private:
  void* ctx_;
};

// Base64 (standard alphabet, padded), e.g. for data: URLs.
std::string Base64Encode(std::string_view data);
// Decodes standard base64; throws std::invalid_argument on bad input.
std::string Base64Decode(std::string_view text);

}  // namespace autofocus

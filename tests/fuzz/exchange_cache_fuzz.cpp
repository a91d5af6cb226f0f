// Fuzz target: the exchange-cache reader (core/exchange/exchange_cache.h). The input is an
// exchanges.jsonl file. It is opened read-only (the studio, listings) and every answered record
// is decoded as a cached replay does (CachingVlmBackend / CachingDetector); a damaged record
// must be an Error, never anything else. Then it is opened read-write (a torn tail is cut off),
// one record appended, and reopened: the append must be there and the file clean at its end.

#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "core/detect/detection_json.h"
#include "core/exchange/exchange_cache.h"
#include "core/exchange/exchange_key.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

namespace fs = std::filesystem;
using autofocus::Error;
using autofocus::ExchangeCache;
using autofocus::ExchangeCacheOptions;
using autofocus::ExchangeOpenMode;

void DecodeAnswer(const std::string& kind, const autofocus::Json& parsed) {
  if (kind == autofocus::kExchangeGlobalContext) {
    autofocus::GlobalContext::FromJson(parsed).VocabularyNames();
  } else if (kind == autofocus::kExchangeKeyObjects) {
    autofocus::KeyObjectAnswer::FromJson(parsed);
  } else if (kind == autofocus::kExchangeDetect) {
    autofocus::DetectionsFromJson(parsed, "exchange cache answer");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fs::path dir = autofocus::fuzz::ScratchDir() / "exchanges";
  const fs::path file = dir / "exchanges.jsonl";
  autofocus::fuzz::WriteBytes(file, data, size);
  ExchangeCacheOptions read_only;
  read_only.mode = ExchangeOpenMode::kReadOnly;
  try {
    ExchangeCache cache(file, read_only);
    cache.load_report().Summary(file.string());
    for (const auto& entry : cache.Entries()) {
      if (auto answer = cache.FindAnswer(entry.key)) {
        try {
          DecodeAnswer(entry.kind, answer->parsed);
        } catch (const Error&) {
        }
      }
    }
  } catch (const Error&) {
  }

  ExchangeCacheOptions read_write;
  read_write.durable = false;  // scratch file: no fdatasync per input
  size_t before = 0;
  try {
    ExchangeCache cache(file, read_write);
    before = cache.size();
    autofocus::CallRecord record;
    record.backend = "fuzz";
    record.cache_key = "fuzz-appended";
    record.parsed = autofocus::Json::array();
    cache.Append(autofocus::kExchangeDetect, record);
  } catch (const Error& e) {
    autofocus::fuzz::Violated(std::string("read-write open or append failed: ") + e.what());
  }
  try {
    ExchangeCache reopened(file, read_only);
    if (reopened.load_report().torn_tail || reopened.size() != before + 1 ||
        !reopened.FindAnswer("fuzz-appended")) {
      autofocus::fuzz::Violated("the appended record is not read back after a torn-tail cut");
    }
  } catch (const Error& e) {
    autofocus::fuzz::Violated(std::string("reopen after append failed: ") + e.what());
  }
  return 0;
}

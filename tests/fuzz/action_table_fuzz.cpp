// Fuzz target: the folder importer's action readers (core/importers/import_common.h). The
// input is written as an episode's actions.csv (ReadNumericCsv, also used for state.csv) and as
// its actions.json (ReadActionsJson). What is accepted must be a rectangular table of finite
// numbers with one unique, non-empty name per column (an empty bare array has no columns).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <set>

#include "core/importers/import_common.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

void Check(const autofocus::NumericTable& t) {
  std::set<std::string> names(t.names.begin(), t.names.end());
  // A bare "[]" has no rows and so no columns to name; any row needs named columns.
  if ((t.names.empty() && !t.rows.empty()) || names.size() != t.names.size() || names.count("")) {
    autofocus::fuzz::Violated("accepted column names are empty or not unique");
  }
  for (const auto& row : t.rows) {
    if (row.size() != t.names.size()) autofocus::fuzz::Violated("accepted a ragged row");
    for (float v : row) {
      if (!std::isfinite(v)) autofocus::fuzz::Violated("accepted a value that is not finite");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::filesystem::path dir = autofocus::fuzz::ScratchDir() / "episode";
  autofocus::fuzz::WriteBytes(dir / "actions.csv", data, size);
  try {
    Check(autofocus::ReadNumericCsv(dir / "actions.csv"));
  } catch (const autofocus::Error&) {
  }
  autofocus::fuzz::WriteBytes(dir / "actions.json", data, size);
  try {
    Check(autofocus::ReadActionsJson(dir / "actions.json"));
  } catch (const autofocus::Error&) {
  }
  return 0;
}

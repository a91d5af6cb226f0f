// Fuzz target: the robomimic-style HDF5 importer (core/importers/hdf5_importer.h) on mutated
// small files. The input is written as a .hdf5 file and imported into a fresh project folder;
// what imports must then open and load like any project. libhdf5's own error stack printing is
// silenced (our code turns its failures into Errors naming the file and dataset).

#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "core/dataset/project_store.h"
#include "core/importers/hdf5_importer.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool silenced = [] {
    H5open();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)silenced;
  namespace fs = std::filesystem;
  const fs::path dir = autofocus::fuzz::ScratchDir() / "hdf5";
  const fs::path file = dir / "demo.hdf5";
  const fs::path out = dir / "project";
  std::error_code ec;
  fs::remove_all(out, ec);
  autofocus::fuzz::WriteBytes(file, data, size);
  autofocus::Hdf5ImportOptions options;
  options.file = file;
  options.out = out;
  try {
    autofocus::Hdf5Importer(options).Run();
  } catch (const autofocus::Error&) {
    return 0;
  }
  try {
    const autofocus::ProjectStore store = autofocus::ProjectStore::Open(out);
    for (const auto& e : store.info().episodes) store.LoadEpisode(e.name);
  } catch (const autofocus::Error& e) {
    autofocus::fuzz::Violated(std::string("an imported project does not load: ") + e.what());
  }
  return 0;
}

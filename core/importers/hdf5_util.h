#pragma once
// Internal helpers over the HDF5 C API shared by the HDF5 importer and the validator. Every
// function here must be called while an Hdf5Session is alive.

#include <hdf5.h>

#include <mutex>
#include <string>
#include <vector>

#include "core/base/json_io.h"

namespace autofocus::hdf5 {

// Holds Hdf5Mutex() and silences the HDF5 error stack for its lifetime (failures become
// Error messages instead of stack dumps on stderr).
class Hdf5Session {
 public:
  Hdf5Session();
  ~Hdf5Session();
  Hdf5Session(const Hdf5Session&) = delete;
  Hdf5Session& operator=(const Hdf5Session&) = delete;

 private:
  std::lock_guard<std::mutex> lock_;
  H5E_auto2_t old_func_ = nullptr;
  void* old_data_ = nullptr;
};

// Owns an HDF5 identifier and closes it with the matching H5?close.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  ~Handle() { Reset(); }
  Handle(Handle&& o) noexcept : id_(o.id_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void Reset();

 private:
  hid_t id_ = -1;
};

// Opens a file read-only; throws Error naming the file when it is missing or not readable HDF5
// (a truncated file fails here).
Handle OpenFile(const std::string& path);

// Names of the direct children of `group_path` that are groups (`groups`) or datasets.
std::vector<std::string> ListChildren(hid_t file, const std::string& group_path, bool groups);

// True when `path` names a group (resp. dataset) in the file.
bool IsGroup(hid_t file, const std::string& path);
bool IsDataset(hid_t file, const std::string& path);

// Shape and element type of a dataset.
struct DatasetInfo {
  std::vector<hsize_t> dims;              // extent per dimension
  H5T_class_t type_class = H5T_NO_CLASS;  // integer, float, string, ...
  size_t type_size = 0;                   // bytes per element
  bool is_unsigned = false;               // integer signedness
  // uint8 [T,H,W,3]: an RGB image stack.
  bool IsImageStack() const;
  // Integer or floating point.
  bool IsNumeric() const;
};
// Throws Error(file_name, path, ...) when the dataset cannot be opened.
DatasetInfo GetDatasetInfo(hid_t file, const std::string& file_name, const std::string& path);

// Reads a numeric rank-1/2 dataset as float rows [dims[0]][dims[1] or 1] (HDF5 converts).
std::vector<std::vector<float>> ReadFloatRows(hid_t file, const std::string& file_name,
                                              const std::string& path);

// Reads frame `index` of a uint8 image stack into `out` (H*W*C bytes); false on failure
// (truncation, missing filter).
bool ReadImageFrame(hid_t file, const std::string& path, const DatasetInfo& info, hsize_t index,
                    std::vector<unsigned char>* out);

// Reads a 1-D dataset of strings (fixed-length, null-padded as numpy 'S' writes robomimic's
// masks, or variable-length); throws Error(file_name, path, ...) for any other type.
std::vector<std::string> ReadStrings(hid_t file, const std::string& file_name,
                                     const std::string& path);

// Attributes of an object as JSON: numeric scalars and small arrays (<= 16 values) and strings
// up to `max_string` bytes; anything else (e.g. robomimic's multi-MB model_file) is skipped.
Json ReadAttributes(hid_t file, const std::string& path, size_t max_string = 1024);

}  // namespace autofocus::hdf5

#include "core/importers/hdf5_util.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/base/error.h"
#include "core/dataset/frame_source.h"

namespace autofocus::hdf5 {

Hdf5Session::Hdf5Session() : lock_(Hdf5Mutex()) {
  H5Eget_auto2(H5E_DEFAULT, &old_func_, &old_data_);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

Hdf5Session::~Hdf5Session() {
  H5Eset_auto2(H5E_DEFAULT, old_func_, old_data_);
}

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    Reset();
    id_ = o.id_;
    o.id_ = -1;
  }
  return *this;
}

void Handle::Reset() {
  if (id_ >= 0) {
    // One closer for every kind of identifier we hand out.
    switch (H5Iget_type(id_)) {
      case H5I_FILE:
        H5Fclose(id_);
        break;
      case H5I_GROUP:
        H5Gclose(id_);
        break;
      case H5I_DATASET:
        H5Dclose(id_);
        break;
      case H5I_DATASPACE:
        H5Sclose(id_);
        break;
      case H5I_DATATYPE:
        H5Tclose(id_);
        break;
      case H5I_ATTR:
        H5Aclose(id_);
        break;
      case H5I_GENPROP_LST:
        H5Pclose(id_);
        break;
      default:
        H5Oclose(id_);
        break;
    }
  }
  id_ = -1;
}

Handle OpenFile(const std::string& path) {
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw Error(path, "", "no such file");
    std::fclose(f);
    throw Error(path, "", "not a readable HDF5 file (corrupt, truncated or another format)");
  }
  Handle h(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!h.valid()) {
    throw Error(path, "", "HDF5 file cannot be opened (truncated or corrupt)");
  }
  return h;
}

namespace {

struct IterState {
  hid_t group;
  bool groups;
  std::vector<std::string>* out;
};

herr_t CollectChild(hid_t group, const char* name, const H5L_info_t*, void* data) {
  auto* st = static_cast<IterState*>(data);
  // Open the object to learn its kind; this works the same across HDF5 1.10/1.12 APIs.
  Handle obj(H5Oopen(group, name, H5P_DEFAULT));
  if (!obj.valid()) return 0;
  const H5I_type_t t = H5Iget_type(obj.get());
  if ((st->groups && t == H5I_GROUP) || (!st->groups && t == H5I_DATASET)) {
    st->out->push_back(name);
  }
  return 0;
}

bool IsKind(hid_t file, const std::string& path, H5I_type_t kind) {
  // H5Lexists only checks the last component; walk the prefixes so a missing parent is not an
  // error.
  size_t pos = 0;
  while ((pos = path.find('/', pos + 1)) != std::string::npos) {
    if (H5Lexists(file, path.substr(0, pos).c_str(), H5P_DEFAULT) <= 0) return false;
  }
  if (H5Lexists(file, path.c_str(), H5P_DEFAULT) <= 0) return false;
  Handle obj(H5Oopen(file, path.c_str(), H5P_DEFAULT));
  return obj.valid() && H5Iget_type(obj.get()) == kind;
}

}  // namespace

std::vector<std::string> ListChildren(hid_t file, const std::string& group_path, bool groups) {
  std::vector<std::string> out;
  Handle g(H5Gopen2(file, group_path.c_str(), H5P_DEFAULT));
  if (!g.valid()) return out;
  IterState st{g.get(), groups, &out};
  hsize_t idx = 0;
  H5Literate(g.get(), H5_INDEX_NAME, H5_ITER_NATIVE, &idx, CollectChild, &st);
  return out;
}

bool IsGroup(hid_t file, const std::string& path) {
  return IsKind(file, path, H5I_GROUP);
}
bool IsDataset(hid_t file, const std::string& path) {
  return IsKind(file, path, H5I_DATASET);
}

bool DatasetInfo::IsImageStack() const {
  return type_class == H5T_INTEGER && type_size == 1 && is_unsigned && dims.size() == 4 &&
         dims[3] == 3;
}

bool DatasetInfo::IsNumeric() const {
  return type_class == H5T_INTEGER || type_class == H5T_FLOAT;
}

DatasetInfo GetDatasetInfo(hid_t file, const std::string& file_name, const std::string& path) {
  if (!IsDataset(file, path)) throw Error(file_name, path, "dataset not found");
  Handle d(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
  if (!d.valid()) throw Error(file_name, path, "dataset cannot be opened");
  DatasetInfo info;
  Handle space(H5Dget_space(d.get()));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) throw Error(file_name, path, "cannot read the dataset shape");
  info.dims.resize(static_cast<size_t>(rank));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), info.dims.data(), nullptr);
  Handle type(H5Dget_type(d.get()));
  info.type_class = H5Tget_class(type.get());
  info.type_size = H5Tget_size(type.get());
  if (info.type_class == H5T_INTEGER) info.is_unsigned = H5Tget_sign(type.get()) == H5T_SGN_NONE;
  return info;
}

std::vector<std::vector<float>> ReadFloatRows(hid_t file, const std::string& file_name,
                                              const std::string& path) {
  const DatasetInfo info = GetDatasetInfo(file, file_name, path);
  if (!info.IsNumeric()) throw Error(file_name, path, "expected a numeric dataset");
  if (info.dims.empty() || info.dims.size() > 2) {
    throw Error(file_name, path,
                "expected shape [T] or [T,D], got rank " + std::to_string(info.dims.size()));
  }
  const size_t rows = info.dims[0];
  const size_t cols = info.dims.size() == 2 ? info.dims[1] : 1;
  std::vector<float> flat(rows * cols);
  Handle d(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
  if (!flat.empty() &&
      H5Dread(d.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, flat.data()) < 0) {
    throw Error(file_name, path,
                "dataset cannot be read (truncated file or missing compression filter)");
  }
  std::vector<std::vector<float>> out(rows);
  for (size_t r = 0; r < rows; ++r)
    out[r].assign(flat.begin() + r * cols, flat.begin() + (r + 1) * cols);
  return out;
}

bool ReadImageFrame(hid_t file, const std::string& path, const DatasetInfo& info, hsize_t index,
                    std::vector<unsigned char>* out) {
  if (info.dims.size() != 4 || index >= info.dims[0]) return false;
  Handle d(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
  if (!d.valid()) return false;
  Handle fspace(H5Dget_space(d.get()));
  hsize_t start[4] = {index, 0, 0, 0};
  hsize_t count[4] = {1, info.dims[1], info.dims[2], info.dims[3]};
  if (H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0) {
    return false;
  }
  Handle mspace(H5Screate_simple(4, count, nullptr));
  out->resize(static_cast<size_t>(info.dims[1] * info.dims[2] * info.dims[3]));
  return H5Dread(d.get(), H5T_NATIVE_UINT8, mspace.get(), fspace.get(), H5P_DEFAULT, out->data()) >=
         0;
}

namespace {

struct AttrState {
  Json* out;
  size_t max_string;
};

herr_t CollectAttribute(hid_t loc, const char* name, const H5A_info_t*, void* data) {
  auto* st = static_cast<AttrState*>(data);
  Handle a(H5Aopen(loc, name, H5P_DEFAULT));
  if (!a.valid()) return 0;
  Handle type(H5Aget_type(a.get()));
  Handle space(H5Aget_space(a.get()));
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls == H5T_STRING && n == 1) {
    if (H5Tis_variable_str(type.get()) > 0) {
      Handle mtype(H5Tcopy(H5T_C_S1));
      H5Tset_size(mtype.get(), H5T_VARIABLE);
      H5Tset_cset(mtype.get(), H5Tget_cset(type.get()));
      char* s = nullptr;
      if (H5Aread(a.get(), mtype.get(), &s) >= 0 && s) {
        std::string v(s);
        H5free_memory(s);
        if (v.size() <= st->max_string) (*st->out)[name] = v;
      }
    } else {
      const size_t size = H5Tget_size(type.get());
      // Check the size before reading: model_file attributes run to megabytes.
      if (size <= st->max_string) {
        Handle mtype(H5Tcopy(H5T_C_S1));
        H5Tset_size(mtype.get(), size);
        std::string buf(size, '\0');
        if (H5Aread(a.get(), mtype.get(), buf.data()) >= 0) {
          buf.resize(std::strlen(buf.c_str()));
          (*st->out)[name] = buf;
        }
      }
    }
  } else if ((cls == H5T_INTEGER || cls == H5T_FLOAT) && n >= 1 && n <= 16) {
    std::vector<double> v(static_cast<size_t>(n));
    if (H5Aread(a.get(), H5T_NATIVE_DOUBLE, v.data()) >= 0) {
      Json j = Json::array();
      for (double x : v) {
        // JSON has no NaN; integers stay integers so num_samples reads back as an int.
        if (!std::isfinite(x)) {
          j.push_back(nullptr);
        } else if (cls == H5T_INTEGER && std::fabs(x) < 9.2e18) {  // fits int64 (else UB)
          j.push_back(static_cast<int64_t>(x));
        } else {
          j.push_back(x);
        }
      }
      (*st->out)[name] = H5Sget_simple_extent_ndims(space.get()) == 0 ? j[0] : j;
    }
  }
  return 0;
}

}  // namespace

Json ReadAttributes(hid_t file, const std::string& path, size_t max_string) {
  Json out = Json::object();
  Handle obj(H5Oopen(file, path.c_str(), H5P_DEFAULT));
  if (!obj.valid()) return out;
  AttrState st{&out, max_string};
  hsize_t idx = 0;
  H5Aiterate2(obj.get(), H5_INDEX_NAME, H5_ITER_NATIVE, &idx, CollectAttribute, &st);
  return out;
}

std::vector<std::string> ReadStrings(hid_t file, const std::string& file_name,
                                     const std::string& path) {
  Handle ds(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
  if (!ds.valid()) throw Error(file_name, path, "cannot open dataset");
  Handle type(H5Dget_type(ds.get()));
  Handle space(H5Dget_space(ds.get()));
  if (H5Tget_class(type.get()) != H5T_STRING)
    throw Error(file_name, path, "expected a dataset of strings");
  if (H5Sget_simple_extent_ndims(space.get()) != 1)
    throw Error(file_name, path, "expected a 1-D dataset");
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.get(), &n, nullptr);
  std::vector<std::string> out;
  if (H5Tis_variable_str(type.get()) > 0) {
    std::vector<char*> ptrs(n, nullptr);
    Handle mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem.get(), H5T_VARIABLE);
    if (n > 0 && H5Dread(ds.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0) {
      throw Error(file_name, path, "cannot read strings");
    }
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    if (n > 0) H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, ptrs.data());
    return out;
  }
  const size_t len = H5Tget_size(type.get());
  std::vector<char> buf(n * len + 1, '\0');
  if (n > 0 && H5Dread(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0) {
    throw Error(file_name, path, "cannot read strings");
  }
  for (hsize_t i = 0; i < n; ++i) {
    const char* p = buf.data() + i * len;
    out.emplace_back(p, strnlen(p, len));  // null-padded: stop at the first NUL
  }
  return out;
}

}  // namespace autofocus::hdf5

#include "core/importers/import_common.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/base/json_io.h"
#include "core/base/strings.h"
#include "core/imageio/image_io.h"

namespace autofocus {
namespace fs = std::filesystem;

namespace {

std::string RowWhere(size_t row, size_t line) {
  return "row " + std::to_string(row) + " (line " + std::to_string(line) + ")";
}

// Parses one CSV field as a float; the whole (trimmed) field must be the number.
bool ParseFloat(const std::string& field, float* out) {
  if (field.empty()) return false;
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(field.c_str(), &end);
  if (end != field.c_str() + field.size()) return false;
  *out = static_cast<float>(v);
  return true;
}

std::string ColumnName(const std::vector<std::string>& names, size_t c) {
  return c < names.size() ? names[c] : std::to_string(c);
}

void CheckNames(const std::vector<std::string>& names, const std::string& file,
                const std::string& where) {
  if (names.empty()) throw Error(file, where, "no column names");
  std::set<std::string> seen;
  for (size_t c = 0; c < names.size(); ++c) {
    if (names[c].empty()) {
      throw Error(file, where + " column " + std::to_string(c + 1), "empty column name");
    }
    if (!seen.insert(names[c]).second) {
      throw Error(file, where, "duplicate column name \"" + names[c] + "\"");
    }
  }
}

}  // namespace

NumericTable ReadNumericCsv(const fs::path& path) {
  const std::string file = path.string();
  const std::string text = ReadFile(path);
  NumericTable t;
  size_t line_no = 0;
  size_t pos = 0;
  bool header = true;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // Blank lines (typically a trailing newline) carry no row.
    if (Trim(line).empty()) continue;
    std::vector<std::string> fields = Split(line, ',');
    for (auto& f : fields) f = Trim(f);
    if (header) {
      CheckNames(fields, file, "header");
      t.names = std::move(fields);
      header = false;
      continue;
    }
    const size_t row = t.rows.size() + 1;
    if (fields.size() != t.names.size()) {
      throw Error(file, RowWhere(row, line_no),
                  "has " + std::to_string(fields.size()) + " fields but the header names " +
                      std::to_string(t.names.size()) + " columns");
    }
    std::vector<float> values(fields.size());
    for (size_t c = 0; c < fields.size(); ++c) {
      const std::string where = RowWhere(row, line_no) + ", column " + t.names[c];
      if (!ParseFloat(fields[c], &values[c])) {
        throw Error(file, where, "not a number: \"" + fields[c] + "\"");
      }
      if (!std::isfinite(values[c])) {
        throw Error(file, where, "value is not finite (" + fields[c] + ")");
      }
    }
    t.rows.push_back(std::move(values));
  }
  if (header) throw Error(file, "header", "file is empty (expected a header row of names)");
  return t;
}

NumericTable ReadActionsJson(const fs::path& path) {
  const std::string file = path.string();
  const Json j = LoadJsonFile(path);
  NumericTable t;
  const Json* rows = &j;
  if (j.is_object()) {
    const Json& names = RequireField(j, "names", file, "");
    if (!names.is_array()) throw Error(file, "names", "expected an array of strings");
    for (const Json& n : names) {
      if (!n.is_string()) throw Error(file, "names", "expected an array of strings");
      t.names.push_back(n.get<std::string>());
    }
    CheckNames(t.names, file, "names");
    rows = &RequireField(j, "actions", file, "");
  }
  const std::string rows_where = j.is_object() ? "actions" : "(root)";
  if (!rows->is_array()) throw Error(file, rows_where, "expected an array of rows");
  for (size_t r = 0; r < rows->size(); ++r) {
    const Json& row = (*rows)[r];
    const std::string where = (j.is_object() ? "actions" : "") + std::string("[") +
                              std::to_string(r) + "]";
    if (!row.is_array()) throw Error(file, where, "expected an array of numbers");
    if (t.names.empty()) {
      if (row.empty()) throw Error(file, where, "empty row");
      t.names = DefaultActionNames(row.size());
    }
    if (row.size() != t.names.size()) {
      throw Error(file, where,
                  "has " + std::to_string(row.size()) + " values but there are " +
                      std::to_string(t.names.size()) + " action names");
    }
    std::vector<float> values;
    values.reserve(row.size());
    for (size_t c = 0; c < row.size(); ++c) {
      if (!row[c].is_number()) {
        throw Error(file, where + ", column " + t.names[c], "not a number: " + row[c].dump());
      }
      const double v = row[c].get<double>();
      if (!std::isfinite(static_cast<float>(v))) {
        throw Error(file, where + ", column " + t.names[c], "value is not finite");
      }
      values.push_back(static_cast<float>(v));
    }
    t.rows.push_back(std::move(values));
  }
  return t;
}

void RequireFinite(const std::vector<std::vector<float>>& rows,
                   const std::vector<std::string>& names, const std::string& file,
                   const std::string& where) {
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < rows[r].size(); ++c) {
      if (!std::isfinite(rows[r][c])) {
        throw Error(file,
                    where + "[row " + std::to_string(r) + ", column " + ColumnName(names, c) + "]",
                    "value is not finite (" + std::to_string(rows[r][c]) + ")");
      }
    }
  }
}

std::vector<std::string> DefaultActionNames(size_t n) {
  std::vector<std::string> names;
  for (size_t i = 0; i < n; ++i) names.push_back("a" + std::to_string(i));
  return names;
}

void ActionRangeAccumulator::Add(const std::vector<std::vector<float>>& rows) {
  for (const auto& row : rows) {
    if (min_.empty()) {
      min_.assign(row.size(), std::numeric_limits<double>::infinity());
      max_.assign(row.size(), -std::numeric_limits<double>::infinity());
    }
    for (size_t c = 0; c < row.size() && c < min_.size(); ++c) {
      min_[c] = std::min(min_[c], static_cast<double>(row[c]));
      max_[c] = std::max(max_[c], static_cast<double>(row[c]));
    }
  }
}

ActionSpec ActionRangeAccumulator::Spec(const std::vector<std::string>& names) const {
  ActionSpec spec;
  spec.kind = ActionSpec::Kind::kContinuous;
  for (size_t c = 0; c < names.size(); ++c) {
    ActionDim d;
    d.name = names[c];
    d.has_range = true;
    if (c < min_.size()) {
      d.min = min_[c];
      d.max = max_[c];
    }
    spec.dims.push_back(std::move(d));
  }
  return spec;
}

void ParallelFor(size_t n, int threads, const std::function<void(size_t)>& fn,
                 const StopCheck& stop) {
  if (n == 0) return;
  size_t workers = threads > 0 ? static_cast<size_t>(threads)
                               : std::max(1u, std::thread::hardware_concurrency());
  workers = std::min(workers, n);
  std::atomic<size_t> next{0};
  std::atomic<bool> halt{false};
  std::atomic<bool> cancelled{false};
  std::mutex mu;
  size_t error_index = n;
  std::exception_ptr error;
  auto work = [&] {
    for (;;) {
      if (halt.load()) return;
      if (stop && stop()) {
        cancelled = true;
        halt = true;
        return;
      }
      // Indices are handed out in increasing order, so every index below a failing one has
      // already been taken and finishes: the reported error is always the lowest failing one.
      const size_t i = next.fetch_add(1);
      if (i >= n) return;
      try {
        fn(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (i < error_index) {
          error_index = i;
          error = std::current_exception();
        }
        halt = true;
      }
    }
  };
  if (workers == 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (size_t w = 0; w < workers; ++w) pool.emplace_back(work);
    for (auto& t : pool) t.join();
  }
  if (error) std::rethrow_exception(error);
  if (cancelled) throw Cancelled();
}

ProgressCounter::ProgressCounter(ProgressCallback callback, std::string stage, int64_t total)
    : callback_(std::move(callback)),
      stage_(std::move(stage)),
      total_(total),
      start_(std::chrono::steady_clock::now()) {}

void ProgressCounter::Advance(int64_t units, const std::string& item) {
  const int64_t done = done_.fetch_add(units) + units;
  if (!callback_) return;
  Progress p;
  p.stage = stage_;
  p.item = item;
  p.done = done;
  p.total = total_;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (done > 0 && total_ >= done) p.eta_seconds = elapsed * double(total_ - done) / double(done);
  callback_(p);
}

DecodedImageInfo DecodeImageFile(const fs::path& path, const fs::path& copy_to) {
  // Read the bytes once: they are decoded from memory and, for --copy, written out unchanged.
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    std::error_code ec;
    throw Error(path.string(), "", fs::exists(path, ec) ? "cannot be read" : "no such file");
  }
  const std::streamsize size = in.tellg();
  in.seekg(0);
  std::vector<uchar> bytes(static_cast<size_t>(std::max<std::streamsize>(size, 0)));
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size)) {
    throw Error(path.string(), "", "read failed");
  }
  // Inputs OpenCV rejects with an exception come back empty too: "does not decode" below.
  const cv::Mat img = DecodeImage(bytes);
  if (img.empty()) throw Error(path.string(), "", "image does not decode");
  if (!copy_to.empty()) {
    std::ofstream out(copy_to, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw Error(copy_to.string(), "", "cannot write copied frame");
  }
  return {img.cols, img.rows};
}

bool IsImageFileName(const std::string& name) {
  const std::string ext = ToLower(fs::path(name).extension().string());
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".tif" ||
         ext == ".tiff" || ext == ".webp";
}

bool IsVideoFileName(const std::string& name) {
  const std::string ext = ToLower(fs::path(name).extension().string());
  return ext == ".mp4" || ext == ".avi" || ext == ".mkv" || ext == ".mov" || ext == ".webm";
}

}  // namespace autofocus

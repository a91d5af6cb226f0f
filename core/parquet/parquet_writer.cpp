// Field numbers and enum values below are those of parquet-format's parquet.thrift; the footer is
// serialised with Thrift's compact protocol by hand (libthrift would be a dependency for ~100
// lines of varints).
#include "core/parquet/parquet_writer.h"

#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <numeric>
#include <sstream>

#include "core/base/atomic_file.h"
#include "core/base/error.h"

namespace autofocus::parquet {
namespace {

// parquet.thrift enums.
constexpr int kTypeBoolean = 0, kTypeInt64 = 2, kTypeFloat = 4, kTypeDouble = 5, kTypeByteArray = 6;
constexpr int kRequired = 0, kOptional = 1, kRepeated = 2;
constexpr int kConvertedUtf8 = 0, kConvertedList = 3;
constexpr int kEncodingPlain = 0, kEncodingRle = 3;
constexpr int kPageData = 0;

// Thrift compact protocol type ids.
enum : uint8_t {
  kCtBoolTrue = 1,
  kCtBoolFalse = 2,
  kCtByte = 3,
  kCtI16 = 4,
  kCtI32 = 5,
  kCtI64 = 6,
  kCtDouble = 7,
  kCtBinary = 8,
  kCtList = 9,
  kCtSet = 10,
  kCtMap = 11,
  kCtStruct = 12,
};

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

// Compact-protocol struct writer: field headers carry the id delta from the previous field of
// the same struct, so nested structs keep their own "last id".
class ThriftWriter {
 public:
  void I32(int16_t id, int32_t v) {
    Field(id, kCtI32);
    PutVarint(&out_, ZigZag(v));
  }
  void I64(int16_t id, int64_t v) {
    Field(id, kCtI64);
    PutVarint(&out_, ZigZag(v));
  }
  void Binary(int16_t id, const std::string& v) {
    Field(id, kCtBinary);
    RawBinary(v);
  }
  void BeginStruct(int16_t id) {
    Field(id, kCtStruct);
    last_.push_back(0);
  }
  void EndStruct() {
    out_.push_back(0);
    last_.pop_back();
  }
  // A list field of `n` elements of compact type `elem`.
  void BeginList(int16_t id, uint8_t elem, size_t n) {
    Field(id, kCtList);
    if (n < 15) {
      out_.push_back(static_cast<char>((n << 4) | elem));
    } else {
      out_.push_back(static_cast<char>(0xf0 | elem));
      PutVarint(&out_, n);
    }
  }
  // Elements of a list.
  void ElemI32(int32_t v) { PutVarint(&out_, ZigZag(v)); }
  void ElemBinary(const std::string& v) { RawBinary(v); }
  void BeginElemStruct() { last_.push_back(0); }
  void EndElemStruct() { EndStruct(); }
  // Ends the outermost struct.
  std::string Finish() {
    out_.push_back(0);
    return std::move(out_);
  }

 private:
  void Field(int16_t id, uint8_t type) {
    const int delta = id - last_.back();
    if (delta > 0 && delta <= 15) {
      out_.push_back(static_cast<char>((delta << 4) | type));
    } else {
      out_.push_back(static_cast<char>(type));
      PutVarint(&out_, ZigZag(id));
    }
    last_.back() = id;
  }
  void RawBinary(const std::string& v) {
    PutVarint(&out_, v.size());
    out_ += v;
  }
  std::string out_;
  std::vector<int16_t> last_{0};
};

// Compact-protocol reader: enough to walk any FileMetaData, skipping what it does not need.
class ThriftReader {
 public:
  ThriftReader(const char* p, size_t n, std::string file)
      : p_(p), end_(p + n), file_(std::move(file)) {}
  // Next field of the current struct: false at its stop byte.
  bool NextField(int16_t* id, uint8_t* type) {
    const uint8_t b = Byte();
    if (b == 0) return false;
    *type = b & 0x0f;
    const int delta = b >> 4;
    *id = delta ? static_cast<int16_t>(last_.back() + delta)
                : static_cast<int16_t>(UnZigZag(Varint()));
    last_.back() = *id;
    return true;
  }
  void BeginStruct() { last_.push_back(0); }
  void EndStruct() { last_.pop_back(); }
  int64_t Int() { return UnZigZag(Varint()); }
  std::string Binary() {
    const uint64_t n = Varint();
    if (n > static_cast<uint64_t>(end_ - p_)) Fail("string past the end of the footer");
    std::string s(p_, n);
    p_ += n;
    return s;
  }
  // List header: element type and count.
  size_t List(uint8_t* elem) {
    const uint8_t b = Byte();
    *elem = b & 0x0f;
    size_t n = b >> 4;
    if (n == 15) n = Varint();
    return n;
  }
  void Skip(uint8_t type) {
    switch (type) {
      case kCtBoolTrue:
      case kCtBoolFalse:
        return;  // the value is in the field header
      case kCtByte:
        Byte();
        return;
      case kCtI16:
      case kCtI32:
      case kCtI64:
        Varint();
        return;
      case kCtDouble:
        Advance(8);
        return;
      case kCtBinary:
        Binary();
        return;
      case kCtList:
      case kCtSet: {
        uint8_t elem;
        const size_t n = List(&elem);
        for (size_t i = 0; i < n; ++i) SkipElem(elem);
        return;
      }
      case kCtMap: {
        const uint64_t n = Varint();
        if (n == 0) return;
        const uint8_t kv = Byte();
        for (uint64_t i = 0; i < n; ++i) {
          SkipElem(kv >> 4);
          SkipElem(kv & 0x0f);
        }
        return;
      }
      case kCtStruct:
        Struct([](int16_t, uint8_t) { return false; });
        return;
      default:
        Fail("unknown Thrift type " + std::to_string(type));
    }
  }
  // Calls `field(id, type)` for every field up to the current struct's stop byte; a field it
  // returns false for is skipped.
  template <typename F>
  void Fields(F field) {
    int16_t id;
    uint8_t type;
    while (NextField(&id, &type)) {
      if (!field(id, type)) Skip(type);
    }
  }
  // Fields() of a nested struct.
  template <typename F>
  void Struct(F field) {
    BeginStruct();
    Fields(field);
    EndStruct();
  }
  // Reads a list header and calls `each()` once per element (structs in the footers we read).
  template <typename F>
  void Elements(F each) {
    uint8_t elem;
    const size_t n = List(&elem);
    for (size_t i = 0; i < n; ++i) each();
  }
  void SkipElem(uint8_t type) {
    if (type == kCtBoolTrue || type == kCtBoolFalse) {
      Byte();  // list elements store booleans as bytes
    } else {
      Skip(type);
    }
  }
  [[noreturn]] void Fail(const std::string& why) const { throw Error(file_, "footer", why); }

 private:
  uint8_t Byte() {
    if (p_ >= end_) Fail("truncated Thrift footer");
    return static_cast<uint8_t>(*p_++);
  }
  void Advance(size_t n) {
    if (n > static_cast<size_t>(end_ - p_)) Fail("truncated Thrift footer");
    p_ += n;
  }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const uint8_t b = Byte();
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    Fail("bad varint");
  }
  static int64_t UnZigZag(uint64_t v) {
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }
  const char* p_;
  const char* end_;
  std::string file_;
  std::vector<int16_t> last_{0};
};

// RLE/bit-packing hybrid levels as runs only (every run an RLE run), prefixed by the 4-byte
// length data page v1 requires.
void PutLevels(std::string* out, const std::vector<int>& levels, int max_level) {
  int bits = 0;
  while ((1 << bits) <= max_level) ++bits;
  const int bytes = (bits + 7) / 8;
  std::string runs;
  for (size_t i = 0; i < levels.size();) {
    size_t j = i;
    while (j < levels.size() && levels[j] == levels[i]) ++j;
    PutVarint(&runs, static_cast<uint64_t>(j - i) << 1);
    for (int b = 0; b < bytes; ++b)
      runs.push_back(static_cast<char>((levels[i] >> (8 * b)) & 0xff));
    i = j;
  }
  const uint32_t n = static_cast<uint32_t>(runs.size());
  for (int b = 0; b < 4; ++b) out->push_back(static_cast<char>((n >> (8 * b)) & 0xff));
  *out += runs;
}

template <typename T>
void PutLittleEndian(std::string* out, const std::vector<T>& v) {
  // x86-64 and every Debian architecture autofocus builds on are little-endian, as Parquet is.
  const size_t at = out->size();
  out->resize(at + v.size() * sizeof(T));
  if (!v.empty()) std::memcpy(&(*out)[at], v.data(), v.size() * sizeof(T));
}

std::string PlainValues(const Column& c) {
  std::string out;
  switch (c.type) {
    case ValueType::kInt64:
      PutLittleEndian(&out, c.int64s);
      break;
    case ValueType::kFloat:
      PutLittleEndian(&out, c.floats);
      break;
    case ValueType::kDouble:
      PutLittleEndian(&out, c.doubles);
      break;
    case ValueType::kBool: {
      out.assign((c.bools.size() + 7) / 8, '\0');
      for (size_t i = 0; i < c.bools.size(); ++i) {
        if (c.bools[i]) out[i / 8] = static_cast<char>(out[i / 8] | (1 << (i % 8)));
      }
      break;
    }
    case ValueType::kString:
      for (const auto& s : c.strings) {
        const uint32_t n = static_cast<uint32_t>(s.size());
        for (int b = 0; b < 4; ++b) out.push_back(static_cast<char>((n >> (8 * b)) & 0xff));
        out += s;
      }
      break;
  }
  return out;
}

int PhysicalType(ValueType t) {
  switch (t) {
    case ValueType::kBool:
      return kTypeBoolean;
    case ValueType::kInt64:
      return kTypeInt64;
    case ValueType::kFloat:
      return kTypeFloat;
    case ValueType::kDouble:
      return kTypeDouble;
    case ValueType::kString:
      return kTypeByteArray;
  }
  return kTypeInt64;
}

int CodecId(Compression c) {
  switch (c) {
    case Compression::kNone:
      return 0;
    case Compression::kSnappy:
      return 1;
    case Compression::kGzip:
      return 2;
    case Compression::kZstd:
      return 6;
  }
  return 0;
}

std::string Compress(Compression c, const std::string& in, const std::string& column) {
  switch (c) {
    case Compression::kNone:
      return in;
    case Compression::kSnappy: {
      size_t n = snappy_max_compressed_length(in.size());
      std::string out(n, '\0');
      if (snappy_compress(in.data(), in.size(), out.data(), &n) != SNAPPY_OK) {
        throw Error("", column, "snappy compression failed");
      }
      out.resize(n);
      return out;
    }
    case Compression::kZstd: {
      std::string out(ZSTD_compressBound(in.size()), '\0');
      const size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
      if (ZSTD_isError(n))
        throw Error("", column, std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
      out.resize(n);
      return out;
    }
    case Compression::kGzip: {
      // Parquet's GZIP codec is the gzip format (RFC 1952): windowBits 15 + 16.
      z_stream z{};
      if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw Error("", column, "gzip compression failed");
      }
      std::string out(deflateBound(&z, static_cast<uLong>(in.size())) + 32, '\0');
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      z.avail_in = static_cast<uInt>(in.size());
      z.next_out = reinterpret_cast<Bytef*>(out.data());
      z.avail_out = static_cast<uInt>(out.size());
      const int r = deflate(&z, Z_FINISH);
      out.resize(z.total_out);
      deflateEnd(&z);
      if (r != Z_STREAM_END) throw Error("", column, "gzip compression failed");
      return out;
    }
  }
  return in;
}

// Levels of a column: a fixed shape {d1..dk} of required lists has max repetition and
// definition level k; the repetition level of a leaf says which list (1 = outermost) it starts
// a new element of, 0 a new row.
struct Levels {
  int max_rep = 0, max_def = 0;
  std::vector<int> rep, def;
};

Levels ColumnLevels(const Column& c, int64_t rows) {
  Levels l;
  const int k = static_cast<int>(c.shape.size());
  if (k == 0) {
    if (c.optional) {
      l.max_def = 1;
      for (int64_t r = 0; r < rows; ++r) l.def.push_back(c.present[static_cast<size_t>(r)] ? 1 : 0);
    }
    return l;
  }
  l.max_rep = l.max_def = k;
  const size_t per = c.PerRow();
  // The repetition level of the i-th leaf of a row: the outermost dimension whose index changes.
  std::vector<int> pattern(per, 0);
  for (size_t i = 1; i < per; ++i) {
    size_t rest = i;
    int level = k;
    for (int d = k - 1; d > 0; --d) {
      if (rest % static_cast<size_t>(c.shape[static_cast<size_t>(d)]) != 0) break;
      rest /= static_cast<size_t>(c.shape[static_cast<size_t>(d)]);
      --level;
    }
    pattern[i] = level;
  }
  l.rep.reserve(per * static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) l.rep.insert(l.rep.end(), pattern.begin(), pattern.end());
  l.def.assign(l.rep.size(), k);
  return l;
}

void CheckColumn(const Column& c, int64_t rows) {
  for (int d : c.shape) {
    if (d <= 0) throw Error("", c.name, "list dimensions must be positive");
  }
  if (c.optional && !c.shape.empty())
    throw Error("", c.name, "only scalar columns can be optional");
  size_t want = c.PerRow() * static_cast<size_t>(rows);
  if (c.optional) {
    if (c.present.size() != static_cast<size_t>(rows)) {
      throw Error("", c.name,
                  "has " + std::to_string(c.present.size()) + " presence flags for " +
                      std::to_string(rows) + " rows");
    }
    want = static_cast<size_t>(std::count(c.present.begin(), c.present.end(), true));
  }
  if (c.StoredValues() != want) {
    throw Error(
        "", c.name,
        "has " + std::to_string(c.StoredValues()) + " values, expected " + std::to_string(want));
  }
}

// The schema elements of one column (the group nodes of its lists, then the leaf).
void PutSchema(ThriftWriter* w, const Column& c) {
  auto leaf = [&](const std::string& name, int repetition) {
    w->BeginElemStruct();
    w->I32(1, PhysicalType(c.type));
    w->I32(3, repetition);
    w->Binary(4, name);
    if (c.type == ValueType::kString) {
      w->I32(6, kConvertedUtf8);
      w->BeginStruct(10);  // LogicalType union: STRING
      w->BeginStruct(1);
      w->EndStruct();
      w->EndStruct();
    }
    w->EndElemStruct();
  };
  if (c.shape.empty()) {
    leaf(c.name, c.optional ? kOptional : kRequired);
    return;
  }
  std::string name = c.name;
  for (size_t d = 0; d < c.shape.size(); ++d) {
    w->BeginElemStruct();  // <name> (LIST), required
    w->I32(3, kRequired);
    w->Binary(4, name);
    w->I32(5, 1);
    w->I32(6, kConvertedList);
    w->BeginStruct(10);  // LogicalType union: LIST
    w->BeginStruct(3);
    w->EndStruct();
    w->EndStruct();
    w->EndElemStruct();
    w->BeginElemStruct();  // repeated group list
    w->I32(3, kRepeated);
    w->Binary(4, "list");
    w->I32(5, 1);
    w->EndElemStruct();
    name = "element";
  }
  leaf("element", kRequired);
}

size_t SchemaNodes(const Column& c) {
  return 1 + 2 * c.shape.size();
}

std::vector<std::string> LeafPath(const Column& c) {
  std::vector<std::string> p = {c.name};
  for (size_t d = 0; d < c.shape.size(); ++d) {
    p.push_back("list");
    p.push_back("element");
  }
  return p;
}

struct ChunkInfo {
  int64_t offset = 0, uncompressed = 0, compressed = 0, num_values = 0;
  bool levels = false;
};

}  // namespace

Compression ParseCompression(const std::string& name, const std::string& where) {
  if (name == "none") return Compression::kNone;
  if (name == "snappy") return Compression::kSnappy;
  if (name == "gzip") return Compression::kGzip;
  if (name == "zstd") return Compression::kZstd;
  throw Error("", where, "must be none, snappy, gzip or zstd, got '" + name + "'");
}

std::string CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "none";
    case Compression::kSnappy:
      return "snappy";
    case Compression::kGzip:
      return "gzip";
    case Compression::kZstd:
      return "zstd";
  }
  return "none";
}

size_t Column::PerRow() const {
  size_t n = 1;
  for (int d : shape) n *= static_cast<size_t>(std::max(d, 0));
  return n;
}

size_t Column::StoredValues() const {
  switch (type) {
    case ValueType::kBool:
      return bools.size();
    case ValueType::kInt64:
      return int64s.size();
    case ValueType::kFloat:
      return floats.size();
    case ValueType::kDouble:
      return doubles.size();
    case ValueType::kString:
      return strings.size();
  }
  return 0;
}

Column Int64Column(const std::string& name, std::vector<int64_t> v) {
  Column c;
  c.name = name;
  c.type = ValueType::kInt64;
  c.int64s = std::move(v);
  return c;
}

Column DoubleColumn(const std::string& name, std::vector<double> v) {
  Column c;
  c.name = name;
  c.type = ValueType::kDouble;
  c.doubles = std::move(v);
  return c;
}

Column StringColumn(const std::string& name, std::vector<std::string> v) {
  Column c;
  c.name = name;
  c.type = ValueType::kString;
  c.strings = std::move(v);
  return c;
}

Column FloatListColumn(const std::string& name, std::vector<int> shape, std::vector<float> v) {
  Column c;
  c.name = name;
  c.type = ValueType::kFloat;
  c.shape = std::move(shape);
  c.floats = std::move(v);
  return c;
}

Column DoubleListColumn(const std::string& name, std::vector<int> shape, std::vector<double> v) {
  Column c = DoubleColumn(name, std::move(v));
  c.shape = std::move(shape);
  return c;
}

Column Int64ListColumn(const std::string& name, std::vector<int> shape, std::vector<int64_t> v) {
  Column c = Int64Column(name, std::move(v));
  c.shape = std::move(shape);
  return c;
}

std::string EncodeTable(const Table& table, const WriteOptions& options) {
  std::string file = "PAR1";
  std::vector<ChunkInfo> chunks;
  for (const Column& c : table.columns) {
    CheckColumn(c, table.num_rows);
    const Levels l = ColumnLevels(c, table.num_rows);
    std::string page;
    if (l.max_rep > 0) PutLevels(&page, l.rep, l.max_rep);
    if (l.max_def > 0) PutLevels(&page, l.def, l.max_def);
    page += PlainValues(c);
    const std::string body = Compress(options.compression, page, c.name);
    ChunkInfo ci;
    ci.offset = static_cast<int64_t>(file.size());
    ci.num_values = l.max_def > 0 ? static_cast<int64_t>(l.def.size()) : table.num_rows;
    ci.levels = l.max_def > 0;
    ThriftWriter h;  // PageHeader
    h.I32(1, kPageData);
    h.I32(2, static_cast<int32_t>(page.size()));
    h.I32(3, static_cast<int32_t>(body.size()));
    h.BeginStruct(5);  // DataPageHeader
    h.I32(1, static_cast<int32_t>(ci.num_values));
    h.I32(2, kEncodingPlain);
    h.I32(3, kEncodingRle);
    h.I32(4, kEncodingRle);
    h.EndStruct();
    const std::string header = h.Finish();
    file += header;
    file += body;
    ci.uncompressed = static_cast<int64_t>(header.size() + page.size());
    ci.compressed = static_cast<int64_t>(header.size() + body.size());
    chunks.push_back(ci);
  }

  ThriftWriter m;  // FileMetaData
  m.I32(1, 1);
  size_t nodes = 1;
  for (const Column& c : table.columns) nodes += SchemaNodes(c);
  m.BeginList(2, kCtStruct, nodes);
  m.BeginElemStruct();  // the root
  m.Binary(4, "schema");
  m.I32(5, static_cast<int32_t>(table.columns.size()));
  m.EndElemStruct();
  for (const Column& c : table.columns) PutSchema(&m, c);
  m.I64(3, table.num_rows);
  m.BeginList(4, kCtStruct, 1);  // one row group
  m.BeginElemStruct();
  m.BeginList(1, kCtStruct, table.columns.size());
  int64_t total_uncompressed = 0, total_compressed = 0;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const Column& c = table.columns[i];
    const ChunkInfo& ci = chunks[i];
    total_uncompressed += ci.uncompressed;
    total_compressed += ci.compressed;
    m.BeginElemStruct();  // ColumnChunk
    m.I64(2, ci.offset);
    m.BeginStruct(3);  // ColumnMetaData
    m.I32(1, PhysicalType(c.type));
    m.BeginList(2, kCtI32, ci.levels ? 2 : 1);
    m.ElemI32(kEncodingPlain);
    if (ci.levels) m.ElemI32(kEncodingRle);
    const auto path = LeafPath(c);
    m.BeginList(3, kCtBinary, path.size());
    for (const auto& p : path) m.ElemBinary(p);
    m.I32(4, CodecId(options.compression));
    m.I64(5, ci.num_values);
    m.I64(6, ci.uncompressed);
    m.I64(7, ci.compressed);
    m.I64(9, ci.offset);
    m.EndStruct();
    m.EndElemStruct();
  }
  m.I64(2, total_uncompressed);
  m.I64(3, table.num_rows);
  m.I64(5, chunks.empty() ? 4 : chunks.front().offset);
  m.I64(6, total_compressed);
  m.EndElemStruct();
  if (!table.metadata.empty()) {
    m.BeginList(5, kCtStruct, table.metadata.size());
    for (const auto& [k, v] : table.metadata) {
      m.BeginElemStruct();
      m.Binary(1, k);
      m.Binary(2, v);
      m.EndElemStruct();
    }
  }
  m.Binary(6, options.created_by);
  const std::string footer = m.Finish();
  file += footer;
  const uint32_t n = static_cast<uint32_t>(footer.size());
  for (int b = 0; b < 4; ++b) file.push_back(static_cast<char>((n >> (8 * b)) & 0xff));
  file += "PAR1";
  return file;
}

void WriteTable(const std::filesystem::path& file, const Table& table,
                const WriteOptions& options) {
  std::string bytes;
  try {
    bytes = EncodeTable(table, options);
  } catch (const Error& e) {
    throw Error(file.string(), e.where(), e.reason());
  }
  std::filesystem::create_directories(file.parent_path());
  WriteFileAtomic(file, bytes);
}

FileSummary ReadSummary(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(file.string(), "", "cannot open the Parquet file");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string bytes = ss.str();
  if (bytes.size() < 12 || bytes.compare(0, 4, "PAR1") != 0 ||
      bytes.compare(bytes.size() - 4, 4, "PAR1") != 0) {
    throw Error(file.string(), "", "not a Parquet file (no PAR1 magic at both ends)");
  }
  uint32_t n = 0;
  for (int b = 0; b < 4; ++b)
    n |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[bytes.size() - 8 + b])) << (8 * b);
  if (n > bytes.size() - 12)
    throw Error(file.string(), "footer",
                "footer length " + std::to_string(n) + " exceeds the file");
  ThriftReader r(bytes.data() + bytes.size() - 8 - n, n, file.string());
  FileSummary s;
  struct Node {
    std::string name;
    int children = 0;
  };
  std::vector<Node> schema;
  r.Fields([&](int16_t id, uint8_t type) {
    if (id == 2 && type == kCtList) {
      r.Elements([&] {
        Node node;
        r.Struct([&](int16_t f, uint8_t t) {
          if (f == 4 && t == kCtBinary) {
            node.name = r.Binary();
          } else if (f == 5 && t == kCtI32) {
            node.children = static_cast<int>(r.Int());
          } else {
            return false;
          }
          return true;
        });
        schema.push_back(node);
      });
    } else if (id == 3 && type == kCtI64) {
      s.num_rows = r.Int();
    } else if (id == 4 && type == kCtList) {
      r.Elements([&] {
        ++s.row_groups;
        r.Skip(kCtStruct);
      });
    } else if (id == 5 && type == kCtList) {
      r.Elements([&] {
        std::pair<std::string, std::string> kv;
        r.Struct([&](int16_t f, uint8_t t) {
          if (t != kCtBinary || (f != 1 && f != 2)) return false;
          (f == 1 ? kv.first : kv.second) = r.Binary();
          return true;
        });
        s.metadata.push_back(kv);
      });
    } else {
      return false;
    }
    return true;
  });
  if (schema.empty()) r.Fail("no schema");
  // Top-level columns: the root's children, each followed by its own subtree.
  size_t i = 1;
  std::function<void()> skip_subtree = [&] {
    if (i >= schema.size()) r.Fail("schema tree ends early");
    const int kids = schema[i++].children;
    for (int k = 0; k < kids; ++k) skip_subtree();
  };
  for (int c = 0; c < schema[0].children; ++c) {
    if (i >= schema.size()) r.Fail("schema tree ends early");
    s.columns.push_back(schema[i].name);
    skip_subtree();
  }
  return s;
}

}  // namespace autofocus::parquet

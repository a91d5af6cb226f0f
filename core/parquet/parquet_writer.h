#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

// The smallest Apache Parquet writer LeRobot's tables need (Debian 12 ships no Parquet
// library): one row group, one PLAIN-encoded data page (v1) per column, RLE levels, columns of
// int64 / float / double / bool / UTF-8 string, each either one value per row (required or
// optional) or a fixed-shape list per row ({n}: list<T>, {3,1,1}: list<list<list<T>>>, the
// 3-level LIST layout Arrow writes), optional Snappy, gzip or Zstd page compression, key/value
// metadata (e.g. pandas' index metadata). The footer is Thrift compact protocol, written here.

namespace autofocus::parquet {

// Leaf value type of a column.
enum class ValueType { kBool, kInt64, kFloat, kDouble, kString };

// Page compression codec.
enum class Compression { kNone, kSnappy, kGzip, kZstd };

// "none" | "snappy" | "gzip" | "zstd"; Error naming `where` otherwise.
Compression ParseCompression(const std::string& name, const std::string& where);
// The codec's name as ParseCompression() takes it.
std::string CompressionName(Compression c);

// One column of a table: a name, a leaf type, an optional fixed per-row list shape and the
// values of every row, row-major (rows x product(shape)).
struct Column {
  std::string name;                    // column name (may contain '/' and '.', as LeRobot's do)
  ValueType type = ValueType::kInt64;  // leaf type
  std::vector<int> shape;       // empty: one value per row; else the fixed list shape of every row
  bool optional = false;        // scalar columns only: rows whose `present` entry is false are null
  std::vector<bool> present;    // optional columns: one flag per row
  std::vector<int64_t> int64s;  // kInt64 values (present rows only)
  std::vector<float> floats;    // kFloat values
  std::vector<double> doubles;  // kDouble values
  std::vector<bool> bools;      // kBool values
  std::vector<std::string> strings;  // kString values

  // Values per row (product of `shape`, 1 for a scalar).
  size_t PerRow() const;
  // Number of stored values of the column's type.
  size_t StoredValues() const;
};

// Named constructors of the usual columns.
Column Int64Column(const std::string& name, std::vector<int64_t> v);
Column DoubleColumn(const std::string& name, std::vector<double> v);
Column StringColumn(const std::string& name, std::vector<std::string> v);
// A float list column: every row holds product(shape) floats.
Column FloatListColumn(const std::string& name, std::vector<int> shape, std::vector<float> v);
// A double list column: every row holds product(shape) doubles.
Column DoubleListColumn(const std::string& name, std::vector<int> shape, std::vector<double> v);
// An int64 list column: every row holds product(shape) int64s.
Column Int64ListColumn(const std::string& name, std::vector<int> shape, std::vector<int64_t> v);

// A whole table: rows, columns, file key/value metadata.
struct Table {
  int64_t num_rows = 0;                                       // rows of every column
  std::vector<Column> columns;                                // in file order
  std::vector<std::pair<std::string, std::string>> metadata;  // FileMetaData key_value_metadata
};

// Settings of a write.
struct WriteOptions {
  Compression compression = Compression::kNone;         // page codec
  std::string created_by = "autofocus parquet writer";  // FileMetaData.created_by
};

// The bytes of a Parquet file holding `table`. Throws Error (naming the column) when a column's
// value count does not match num_rows x its shape, or a list column is optional.
std::string EncodeTable(const Table& table, const WriteOptions& options = {});

// Writes EncodeTable() to `file` atomically (temp + fsync + rename).
void WriteTable(const std::filesystem::path& file, const Table& table,
                const WriteOptions& options = {});

// What ReadSummary() finds in a file's footer.
struct FileSummary {
  int64_t num_rows = 0;                                       // FileMetaData.num_rows
  int row_groups = 0;                                         // number of row groups
  std::vector<std::string> columns;                           // top-level column names
  std::vector<std::pair<std::string, std::string>> metadata;  // key/value metadata
};

// Reads a Parquet file's magic numbers and Thrift footer (any writer's). Throws Error naming
// the file and what is wrong when it is not a Parquet file.
FileSummary ReadSummary(const std::filesystem::path& file);

}  // namespace autofocus::parquet

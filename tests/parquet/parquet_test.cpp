// The Parquet writer: every column kind LeRobot needs, each codec, read back by an independent
// reader (hyparquet, pure JavaScript) value by value, and by our own footer reader.
#include <gtest/gtest.h>

#include <fstream>

#include "core/base/error.h"
#include "core/parquet/parquet_writer.h"
#include "tests/support/test_support.h"

namespace autofocus::parquet {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;

// Three rows of every column kind: scalars, an optional scalar with a null, a float list (2),
// a nested double list (3,1,1) like LeRobot's image stats, a string list (1) like its `tasks`.
Table SampleTable() {
  Table t;
  t.num_rows = 3;
  t.columns.push_back(Int64Column("episode_index", {0, 1, -5000000000}));
  t.columns.push_back(
      DoubleColumn("videos/observation.images.image/from_timestamp", {0.0, 2.4, 4.8}));
  t.columns.push_back(StringColumn("task", {"drive", "", "stop at the light"}));
  Column b;
  b.name = "done";
  b.type = ValueType::kBool;
  b.bools = {false, true, true};
  t.columns.push_back(b);
  Column opt = Int64Column("maybe", {7, 9});
  opt.optional = true;
  opt.present = {true, false, true};
  t.columns.push_back(opt);
  t.columns.push_back(FloatListColumn("action", {2}, {0.5f, -1.f, 0.25f, 1e-7f, 3.f, -0.f}));
  t.columns.push_back(DoubleListColumn("stats/observation.images.image/mean", {3, 1, 1},
                                       {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}));
  Column tasks = StringColumn("tasks", {"drive", "park", "stop"});
  tasks.shape = {1};
  t.columns.push_back(tasks);
  t.columns.push_back(Int64ListColumn("stats/action/count", {1}, {3, 3, 3}));
  t.metadata.push_back({"pandas", R"({"index_columns": []})"});
  return t;
}

TEST(Parquet, EveryColumnKindAndCodecReadsBackWithHyparquet) {
  const std::string why = testing::ParquetOracleUnavailable();
  if (!why.empty()) GTEST_SKIP() << why;
  TempDir dir;
  for (const std::string codec : {"none", "snappy", "gzip", "zstd"}) {
    const fs::path file = dir / (codec + ".parquet");
    WriteOptions o;
    o.compression = ParseCompression(codec, "codec");
    WriteTable(file, SampleTable(), o);
    const nlohmann::json j = testing::ReadParquetIndependently(file);
    ASSERT_EQ(j["num_rows"], 3) << codec;
    EXPECT_EQ(j["columns"],
              nlohmann::json::array(
                  {"episode_index", "videos/observation.images.image/from_timestamp", "task",
                   "done", "maybe", "action", "stats/observation.images.image/mean", "tasks",
                   "stats/action/count"}));
    for (const auto& c : j["codecs"])
      EXPECT_EQ(c, codec == "none"     ? "UNCOMPRESSED"
                   : codec == "snappy" ? "SNAPPY"
                   : codec == "gzip"   ? "GZIP"
                                       : "ZSTD");
    EXPECT_EQ(j["metadata"]["pandas"], R"({"index_columns": []})");
    const auto& r = j["rows"];
    EXPECT_EQ(r[2]["episode_index"], -5000000000LL);
    EXPECT_EQ(r[1]["videos/observation.images.image/from_timestamp"], 2.4);
    EXPECT_EQ(r[0]["task"], "drive");
    EXPECT_EQ(r[1]["task"], "");
    EXPECT_EQ(r[2]["task"], "stop at the light");
    EXPECT_EQ(r[0]["done"], false);
    EXPECT_EQ(r[2]["done"], true);
    EXPECT_EQ(r[0]["maybe"], 7);
    EXPECT_TRUE(r[1]["maybe"].is_null());
    EXPECT_EQ(r[2]["maybe"], 9);
    EXPECT_EQ(r[0]["action"], nlohmann::json::array({0.5, -1.0}));
    EXPECT_EQ(r[1]["action"][1].get<double>(), static_cast<double>(1e-7f));  // float32 exactly
    EXPECT_EQ(r[2]["action"], nlohmann::json::array({3.0, -0.0}));
    EXPECT_EQ(r[1]["stats/observation.images.image/mean"],
              nlohmann::json::parse("[[[0.4]],[[0.5]],[[0.6]]]"));
    EXPECT_EQ(r[2]["tasks"], nlohmann::json::array({"stop"}));
    EXPECT_EQ(r[0]["stats/action/count"], nlohmann::json::array({3}));
    // The schema is the 3-level LIST layout Arrow writes, strings annotated as UTF-8.
    bool list = false, utf8 = false;
    for (const auto& e : j["schema"]) {
      if (e["name"] == "action")
        list = e["converted_type"] == "LIST" && e["logical_type"] == "LIST";
      if (e["name"] == "task")
        utf8 = e["converted_type"] == "UTF8" && e["logical_type"] == "STRING";
    }
    EXPECT_TRUE(list);
    EXPECT_TRUE(utf8);
  }
}

TEST(Parquet, OwnFooterReaderAndManyColumns) {
  TempDir dir;
  // 40 columns: lists longer than 14 elements use the long list header, in both directions.
  Table t;
  t.num_rows = 2;
  for (int c = 0; c < 40; ++c)
    t.columns.push_back(FloatListColumn("c" + std::to_string(c), {2}, {1, 2, 3, 4}));
  t.metadata.push_back({"k", "v"});
  WriteTable(dir / "wide.parquet", t);
  const FileSummary s = ReadSummary(dir / "wide.parquet");
  EXPECT_EQ(s.num_rows, 2);
  EXPECT_EQ(s.row_groups, 1);
  ASSERT_EQ(s.columns.size(), 40u);
  EXPECT_EQ(s.columns[39], "c39");
  ASSERT_EQ(s.metadata.size(), 1u);
  EXPECT_EQ(s.metadata[0].second, "v");
  const FileSummary s2 = [&] {
    WriteTable(dir / "sample.parquet", SampleTable(), {Compression::kSnappy, "x"});
    return ReadSummary(dir / "sample.parquet");
  }();
  EXPECT_EQ(s2.num_rows, 3);
  EXPECT_EQ(s2.columns.size(), 9u);
  EXPECT_EQ(s2.columns[6], "stats/observation.images.image/mean");
  const std::string why = testing::ParquetOracleUnavailable();
  if (!why.empty()) GTEST_SKIP() << why;
  const nlohmann::json j = testing::ReadParquetIndependently(dir / "wide.parquet");
  EXPECT_EQ(j["rows"][1]["c39"], nlohmann::json::array({3.0, 4.0}));
}

TEST(Parquet, BadInputIsAClearError) {
  TempDir dir;
  Table t;
  t.num_rows = 2;
  t.columns.push_back(FloatListColumn("action", {3}, {1, 2, 3, 4}));
  try {
    WriteTable(dir / "bad.parquet", t);
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), (dir / "bad.parquet").string());
    EXPECT_EQ(e.where(), "action");
    EXPECT_NE(e.reason().find("has 4 values, expected 6"), std::string::npos) << e.reason();
  }
  EXPECT_FALSE(fs::exists(dir / "bad.parquet"));
  testing::WriteText(dir / "not.parquet", "PAR1 hello");
  EXPECT_THROW(ReadSummary(dir / "not.parquet"), Error);
  EXPECT_THROW(ParseCompression("lz4", "--compress"), Error);
  EXPECT_EQ(CompressionName(ParseCompression("zstd", "x")), "zstd");
}

}  // namespace
}  // namespace autofocus::parquet

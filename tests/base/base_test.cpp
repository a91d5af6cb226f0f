#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/base/hash.h"
#include "core/base/json_io.h"
#include "core/base/npy.h"
#include "core/base/strings.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {
using testing::ListDir;
using testing::TempDir;

TEST(NaturalSort, OrdersDigitRunsByValue) {
  std::vector<std::string> v = {"frame_10.png", "frame_2.png", "frame_1.png", "frame_02.png",
                                "frame_100.png", "a.png"};
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return NaturalLess(a, b); });
  EXPECT_EQ(v, (std::vector<std::string>{"a.png", "frame_1.png", "frame_2.png", "frame_02.png",
                                         "frame_10.png", "frame_100.png"}));
}

TEST(NaturalSort, HugeNumbersDoNotOverflow) {
  EXPECT_TRUE(NaturalLess("f99999999999999999999998", "f99999999999999999999999"));
  EXPECT_FALSE(NaturalLess("f99999999999999999999999", "f99999999999999999999998"));
}

TEST(AtomicFile, ReplacesContentsAndLeavesNoTempFiles) {
  TempDir dir;
  const auto p = dir / "a.json";
  WriteFileAtomic(p, "first");
  WriteFileAtomic(p, "second");
  EXPECT_EQ(ReadFile(p), "second");
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{"a.json"});
}

TEST(AtomicFile, FailureKeepsOldContents) {
  TempDir dir;
  const auto p = dir / "sub" / "f.txt";
  WriteFileAtomic(p, "old");
  // A directory in the way of the rename target makes the rename fail.
  const auto blocked = dir / "sub" / "blocked";
  std::filesystem::create_directories(blocked / "child");
  EXPECT_THROW(WriteFileAtomic(blocked, "x"), Error);
  EXPECT_EQ(ReadFile(p), "old");
  EXPECT_EQ(ListDir(dir / "sub"), (std::vector<std::string>{"blocked", "f.txt"}));
}

TEST(AtomicFile, MissingFileErrorNamesTheFile) {
  TempDir dir;
  try {
    ReadFile(dir / "nope.txt");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nope.txt"), std::string::npos);
    EXPECT_EQ(e.reason(), "no such file");
  }
}

TEST(StagingDirectory, RemovedUnlessCommitted) {
  TempDir dir;
  {
    StagingDirectory s(dir / "out");
    testing::WriteText(s.path() / "x.txt", "x");
  }
  EXPECT_TRUE(ListDir(dir.path()).empty());
  {
    StagingDirectory s(dir / "out");
    testing::WriteText(s.path() / "x.txt", "x");
    s.Commit();
  }
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{"out"});
  EXPECT_THROW(StagingDirectory(dir / "out"), Error);
}

TEST(AppendDurable, AppendsRecords) {
  TempDir dir;
  AppendFileDurable(dir / "log.jsonl", "a\n");
  AppendFileDurable(dir / "log.jsonl", "b\n");
  EXPECT_EQ(ReadFile(dir / "log.jsonl"), "a\nb\n");
}

TEST(Hash, Sha256KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 a, b;
  a.UpdateField("ab");
  a.UpdateField("c");
  b.UpdateField("a");
  b.UpdateField("bc");
  EXPECT_NE(a.FinalHex(), b.FinalHex());
}

TEST(Hash, Base64RoundTrip) {
  EXPECT_EQ(Base64Encode("hello"), "aGVsbG8=");
  EXPECT_EQ(Base64Decode("aGVsbG8="), "hello");
  EXPECT_EQ(Base64Decode(Base64Encode(std::string("\0\1\2\xff", 4))), std::string("\0\1\2\xff", 4));
  EXPECT_THROW(Base64Decode("abc"), std::invalid_argument);
}

TEST(Npy, HeaderIsNpyV1AndRoundTrips) {
  TempDir dir;
  std::vector<float> v(2 * 3 * 4);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i) * 0.5f;
  WriteNpyFloat32(dir / "a.npy", {2, 3, 4}, v.data(), v.size());
  const std::string bytes = ReadFile(dir / "a.npy");
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  const size_t hlen = static_cast<uint8_t>(bytes[8]) | (static_cast<uint8_t>(bytes[9]) << 8);
  EXPECT_EQ((10 + hlen) % 64, 0u);
  EXPECT_EQ(bytes[10 + hlen - 1], '\n');
  EXPECT_NE(bytes.find("'shape': (2, 3, 4)"), std::string::npos);
  const NpyArray back = ReadNpyFloat32(dir / "a.npy");
  EXPECT_EQ(back.shape, (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(back.data, v);
}

TEST(Npy, OneDimensionalShapeHasTrailingComma) {
  TempDir dir;
  float x[3] = {1, 2, 3};
  WriteNpyFloat32(dir / "b.npy", {3}, x, 3);
  EXPECT_NE(ReadFile(dir / "b.npy").find("'shape': (3,)"), std::string::npos);
}

TEST(JsonIo, SyntaxErrorNamesLineAndColumn) {
  TempDir dir;
  testing::WriteText(dir / "bad.json", "{\n  \"a\": 1,\n  \"b\": ]\n}\n");
  try {
    LoadJsonFile(dir / "bad.json");
    FAIL();
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("bad.json"), std::string::npos) << msg;
    EXPECT_NE(msg.find("line 3, column 8"), std::string::npos) << msg;
  }
}

TEST(JsonIo, NumberOverflowNamesTheFile) {
  try {
    ParseJsonText("{\"x\": 1e400}", "big.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), "big.json");
    EXPECT_NE(std::string(e.what()).find("malformed JSON ([json.exception.out_of_range.406] number overflow"), std::string::npos) << e.what();
  }
}

TEST(JsonIo, RequireFieldNamesPath) {
  Json j = {{"frames", Json::array()}};
  try {
    RequireField(j, "width", "boxes.json", "");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "boxes.json: width: missing field");
  }
}

}  // namespace
}  // namespace autofocus

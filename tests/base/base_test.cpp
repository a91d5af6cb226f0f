#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

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

// kill -9 skips the destructor: the next staging folder for the same path removes what a dead
// process of this host left, and keeps what a live process, another host or an older naming
// scheme owns.
TEST(StagingDirectory, RemovesWhatAKilledProcessLeft) {
  TempDir dir;
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_GT(child, 0);
  ::waitpid(child, nullptr, 0);  // reaped: its pid names no process now
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  const std::string h = host[0] ? host : "localhost";
  const std::string dead = ".out.partial-" + h + "-" + std::to_string(child) + "-1a2b";
  const std::string live = ".out.partial-" + h + "-" + std::to_string(::getpid()) + "-3c4d";
  const std::string other_host = ".out.partial-elsewhere-" + std::to_string(child) + "-5e6f";
  const std::string old_style = ".out.partial-7a8b9c";
  const std::string other_path = ".other.partial-" + h + "-" + std::to_string(child) + "-1a2b";
  for (const auto& n : {dead, live, other_host, old_style, other_path}) {
    std::filesystem::create_directory(dir / n);
    testing::WriteText(dir / n / "part.bin", "x");
  }
  {
    StagingDirectory s(dir / "out");
    EXPECT_FALSE(std::filesystem::exists(dir / dead));
    EXPECT_TRUE(std::filesystem::exists(dir / live));
    EXPECT_TRUE(std::filesystem::exists(dir / other_host));
    EXPECT_TRUE(std::filesystem::exists(dir / old_style));
    EXPECT_TRUE(std::filesystem::exists(dir / other_path));
    // Its own name carries host and pid, so a later run can judge it the same way.
    const std::string own = ".out.partial-" + h + "-" + std::to_string(::getpid()) + "-";
    EXPECT_EQ(s.path().filename().string().rfind(own, 0), 0u) << s.path();
  }
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

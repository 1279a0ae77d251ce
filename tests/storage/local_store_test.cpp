// Store over the local filesystem: atomic writes, conditional writes, ranges, readers, writers,
// listing and the errors for absent or unwritable locations.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/error.h"
#include "storage/local_files.h"
#include "storage/store.h"

namespace onnxfn::storage {
namespace {

namespace fs = std::filesystem;

class LocalStore : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("onnxfn-store-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_ / "ro", fs::perms::owner_all, ec);
    fs::remove_all(dir_, ec);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir_))
      if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir_).string());
    std::sort(out.begin(), out.end());
    return out;
  }
  fs::path dir_;
  Store store_;
};

TEST_F(LocalStore, WriteCreatesFoldersAndReadsBack) {
  const auto result = store_.write(path("a/b/part-0.csv"), "x,y\n1,2\n");
  EXPECT_TRUE(result.written);
  EXPECT_EQ(result.etag, local::content_etag("x,y\n1,2\n"));
  EXPECT_EQ(store_.read(path("a/b/part-0.csv")), "x,y\n1,2\n");
  EXPECT_EQ(files(), (std::vector<std::string>{"a/b/part-0.csv"}));  // no temp file left
  const auto stat = store_.stat(path("a/b/part-0.csv"));
  ASSERT_TRUE(stat);
  EXPECT_EQ(stat->size, 8u);
  EXPECT_EQ(stat->etag, result.etag);
}

TEST_F(LocalStore, ReplaceChangesTheEtagAndKeepsOneFile) {
  const auto first = store_.write(path("m.json"), "{\"v\":1}");
  const auto second = store_.write(path("m.json"), "{\"v\":2}");
  EXPECT_NE(first.etag, second.etag);
  EXPECT_EQ(store_.read(path("m.json")), "{\"v\":2}");
  EXPECT_EQ(files(), (std::vector<std::string>{"m.json"}));
}

TEST_F(LocalStore, AbsentObjectsAreNulloptOrAClearError) {
  EXPECT_FALSE(store_.try_read(path("none")));
  EXPECT_FALSE(store_.stat(path("none")));
  EXPECT_FALSE(store_.exists(path("none")));
  try {
    store_.read(path("none"));
    FAIL() << "read of an absent file returned";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find(path("none")), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(store_.remove(path("none")));
}

TEST_F(LocalStore, CreateIfAbsentHasOneWinner) {
  EXPECT_TRUE(store_.write_if_absent(path("lease-3"), "run-a").written);
  const auto second = store_.write_if_absent(path("lease-3"), "run-b");
  EXPECT_FALSE(second.written);
  EXPECT_EQ(store_.read(path("lease-3")), "run-a");
  EXPECT_EQ(files(), (std::vector<std::string>{"lease-3"}));
}

TEST_F(LocalStore, CreateIfAbsentFromManyThreadsHasExactlyOneWinner) {
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      Store own;
      if (own.write_if_absent(path("marker"), "writer-" + std::to_string(i)).written) ++winners;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(winners.load(), 1);
  EXPECT_EQ(store_.read(path("marker")).rfind("writer-", 0), 0u);
  EXPECT_EQ(files(), (std::vector<std::string>{"marker"}));
}

TEST_F(LocalStore, ReplaceIfMatchIsACompareAndSwap) {
  const auto v1 = store_.write(path("manifest"), "v1");
  const auto v2 = store_.write_if_match(path("manifest"), "v2", v1.etag);
  ASSERT_TRUE(v2.written);
  EXPECT_EQ(v2.etag, local::content_etag("v2"));
  // The old etag no longer matches: nothing changes.
  EXPECT_FALSE(store_.write_if_match(path("manifest"), "stale", v1.etag).written);
  EXPECT_EQ(store_.read(path("manifest")), "v2");
  // Absent object: no etag matches.
  EXPECT_FALSE(store_.write_if_match(path("other"), "x", v1.etag).written);
  EXPECT_FALSE(store_.exists(path("other")));
  EXPECT_EQ(files(), (std::vector<std::string>{"manifest"}));
}

TEST_F(LocalStore, ConcurrentCompareAndSwapIncrementsLoseNoUpdate) {
  store_.write(path("counter"), "0");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      Store own;
      for (int i = 0; i < 25; ++i) {
        for (;;) {
          const auto stat = own.stat(path("counter"));
          const int value = std::stoi(own.read(path("counter")));
          // The etag is of the content: a value read after the stat belongs to that etag or the
          // swap below fails and is retried.
          if (own.write_if_match(path("counter"), std::to_string(value + 1), stat->etag).written) break;
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(store_.read(path("counter")), "100");
}

TEST_F(LocalStore, RangesAndReader) {
  std::string data;
  for (int i = 0; i < 300000; ++i) data += static_cast<char>('a' + i % 26);
  store_.write(path("big"), data);
  EXPECT_EQ(store_.read_range(path("big"), 5, 3), "fgh");
  EXPECT_EQ(store_.read_range(path("big"), data.size() - 2, 10), data.substr(data.size() - 2));
  EXPECT_EQ(store_.read_range(path("big"), data.size(), 10), "");
  auto reader = store_.open_reader(path("big"));
  EXPECT_EQ(reader->size(), data.size());
  std::string back;
  char buffer[7777];
  while (std::size_t n = reader->read(buffer, sizeof buffer)) back.append(buffer, n);
  EXPECT_EQ(back, data);
}

TEST_F(LocalStore, WriterPublishesOnlyOnCommit) {
  {
    auto writer = store_.open_writer(path("out/matches.csv"));
    writer->write("a,b\n");
    EXPECT_FALSE(store_.exists(path("out/matches.csv")));
  }  // dropped uncommitted
  EXPECT_FALSE(store_.exists(path("out/matches.csv")));
  EXPECT_TRUE(files().empty());
  auto writer = store_.open_writer(path("out/matches.csv"));
  writer->write("a,b\n");
  writer->write("1,2\n");
  const auto result = writer->commit();
  EXPECT_EQ(result.etag, local::content_etag("a,b\n1,2\n"));
  EXPECT_EQ(store_.read(path("out/matches.csv")), "a,b\n1,2\n");
}

TEST_F(LocalStore, ListsByPrefixSortedWithoutTempFiles) {
  store_.write(path("run/part-1"), "1");
  store_.write(path("run/part-0"), "00");
  store_.write(path("run/sub/part-9"), "9");
  store_.write(path("run/manifest"), "m");
  std::ofstream(path("run/.part-2.tmp-1-1")) << "junk";
  const auto parts = store_.list(path("run/part-"));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].location, path("run/part-0"));
  EXPECT_EQ(parts[0].size, 2u);
  EXPECT_EQ(parts[1].location, path("run/part-1"));
  EXPECT_EQ(store_.list(path("run/")).size(), 4u);
  EXPECT_TRUE(store_.list(path("missing/")).empty());
  store_.remove(path("run/part-0"));
  EXPECT_EQ(store_.list(path("run/part-")).size(), 1u);
}

TEST_F(LocalStore, ReadOnlyFolderIsAClearErrorAndKeepsTheOldFile) {
  if (geteuid() == 0) GTEST_SKIP() << "root ignores folder permissions";
  store_.write(path("ro/x"), "old");
  fs::permissions(dir_ / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  try {
    store_.write(path("ro/x"), "new");
    FAIL() << "write into a read-only folder returned";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("ro/x"), std::string::npos) << e.what();
  }
  EXPECT_EQ(store_.read(path("ro/x")), "old");
}

TEST_F(LocalStore, UnwritableLocationIsAClearError) {
  store_.write(path("blocker"), "a file where a folder should be");
  try {
    store_.write(path("blocker/x"), "new");
    FAIL() << "write below a regular file returned";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("blocker/x"), std::string::npos) << e.what();
  }
  EXPECT_EQ(files(), (std::vector<std::string>{"blocker"}));
}

TEST_F(LocalStore, ParsesS3Uris) {
  EXPECT_TRUE(is_s3_uri("s3://b/k"));
  EXPECT_FALSE(is_s3_uri("/tmp/s3://b"));
  const auto loc = parse_s3_uri("s3://bucket/a/b/c.csv");
  EXPECT_EQ(loc.bucket, "bucket");
  EXPECT_EQ(loc.key, "a/b/c.csv");
  EXPECT_EQ(parse_s3_uri("s3://bucket").key, "");
  EXPECT_THROW(parse_s3_uri("s3:///key"), Error);
  EXPECT_THROW(store_.read("s3://bucket"), Error);  // no key
}

}  // namespace
}  // namespace onnxfn::storage

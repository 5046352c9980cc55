// Damaged captures made from a real corpus capture: every kind of damage docs/damaged-input.md
// lists. For each: the records before the damage are delivered, the error names the record
// and its byte offset, and nothing reads out of bounds (this suite also runs under ASan).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/render/tcpdump_renderer.hpp"

namespace tcplens {
namespace {

using Bytes = std::vector<std::uint8_t>;

const std::string kCapture =
    std::string(TCPLENS_SOURCE_DIR) + "/../shared/corpus/live/http-get/get-http-server.pcap";

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string write_temp(const Bytes& b) {
  char name[] = "/tmp/tcplens-damaged-XXXXXX";
  int fd = mkstemp(name);
  if (!b.empty()) EXPECT_EQ(write(fd, b.data(), b.size()), static_cast<ssize_t>(b.size()));
  close(fd);
  return name;
}

struct Result {
  std::string open_error;
  std::size_t packets = 0;
  ReadStatus last = ReadStatus::End;
  SourceError error;
  std::string text;  // rendered as tcpdump -n would
};

Result run(const std::string& path) {
  Result r;
  auto source = PcapFileSource::open(path, r.open_error);
  if (!source) return r;
  Output out(-1);
  TcpdumpOptions options;
  options.time_format = 3;  // delta from the previous packet: shows time going backwards
  TcpdumpRenderer renderer(out, options);
  RawPacket p;
  while ((r.last = source->next(p)) == ReadStatus::Ok) {
    ++r.packets;
    renderer.render(p);
  }
  r.error = source->error();
  r.text = std::string(out.text());
  return r;
}

Result run_bytes(const Bytes& b) {
  std::string path = write_temp(b);
  Result r = run(path);
  unlink(path.c_str());
  return r;
}

// Offsets of every record header in a little-endian microsecond pcap.
std::vector<std::size_t> record_offsets(const Bytes& b) {
  std::vector<std::size_t> out;
  std::size_t off = 24;
  while (off + 16 <= b.size()) {
    out.push_back(off);
    std::uint32_t caplen;
    std::memcpy(&caplen, b.data() + off + 8, 4);
    off += 16 + caplen;
  }
  return out;
}

void put_le32(Bytes& b, std::size_t off, std::uint32_t v) { std::memcpy(b.data() + off, &v, 4); }

class DamagedCapture : public ::testing::Test {
 protected:
  void SetUp() override {
    whole = read_file(kCapture);
    ASSERT_GT(whole.size(), 100u) << "corpus capture missing: " << kCapture;
    records = record_offsets(whole);
    ASSERT_EQ(records.size(), 38u);
  }
  Bytes whole;
  std::vector<std::size_t> records;
};

TEST_F(DamagedCapture, CutAtEveryOffsetOfTheLastRecord) {
  const std::size_t last = records.back();
  for (std::size_t cut = last; cut < whole.size(); ++cut) {
    Result r = run_bytes(Bytes(whole.begin(), whole.begin() + static_cast<long>(cut)));
    EXPECT_EQ(r.packets, 37u) << "cut at " << cut;
    if (cut == last) {
      EXPECT_EQ(r.last, ReadStatus::End);  // a clean end between records
    } else {
      EXPECT_EQ(r.last, ReadStatus::Error) << "cut at " << cut;
      EXPECT_EQ(r.error.record, 38u);
      EXPECT_EQ(r.error.file_offset, last);
    }
  }
}

TEST_F(DamagedCapture, BadMagic) {
  Bytes b = whole;
  b[0] ^= 0xFF;
  Result r = run_bytes(b);
  EXPECT_EQ(r.open_error, "unknown file format");
}

TEST_F(DamagedCapture, CaptureLengthBeyondTheSnapshotLengthIsCutToIt) {
  // As libpcap: a record longer than the file's snapshot length (but within 256 KiB) is
  // delivered cut to the snapshot length, and reading goes on.
  Bytes b = whole;
  put_le32(b, 16, 60);  // snaplen 60
  Result r = run_bytes(b);
  EXPECT_EQ(r.last, ReadStatus::End) << r.error.message;
  EXPECT_EQ(r.packets, 38u);
}

TEST_F(DamagedCapture, CaptureLengthBeyond256KiBStopsThere) {
  Bytes b = whole;
  put_le32(b, records[5] + 8, 300000);
  Result r = run_bytes(b);
  EXPECT_EQ(r.packets, 5u);
  EXPECT_EQ(r.last, ReadStatus::Error);
  EXPECT_EQ(r.error.record, 6u);
  EXPECT_EQ(r.error.file_offset, records[5]);
  EXPECT_NE(r.error.message.find("invalid packet capture length 300000"), std::string::npos);
}

TEST_F(DamagedCapture, ZeroLengthRecordsArePrintedAsTcpdumpDoes) {
  // A record with caplen 0 and len 0 in the middle: tcpdump prints an "[Invalid header"
  // line for it and goes on with the next record.
  Bytes b(whole.begin(), whole.begin() + static_cast<long>(records[3]));
  Bytes zero(16, 0);
  std::memcpy(zero.data(), whole.data() + records[3], 8);  // keep the timestamp
  b.insert(b.end(), zero.begin(), zero.end());
  b.insert(b.end(), whole.begin() + static_cast<long>(records[3]), whole.end());
  Result r = run_bytes(b);
  EXPECT_EQ(r.last, ReadStatus::End);
  EXPECT_EQ(r.packets, 39u);
  EXPECT_NE(r.text.find("[Invalid header: caplen==0, len==0]"), std::string::npos);
}

TEST_F(DamagedCapture, TimestampsGoingBackwards) {
  Bytes b = whole;
  std::uint32_t sec;
  std::memcpy(&sec, b.data() + records[10], 4);
  put_le32(b, records[10], sec - 100);
  Result r = run_bytes(b);
  EXPECT_EQ(r.last, ReadStatus::End);
  EXPECT_EQ(r.packets, 38u);
  EXPECT_NE(r.text.find("\n-00:01:"), std::string::npos);  // -ttt: a negative delta
}

TEST_F(DamagedCapture, EmptyFileDirectoryAndFifo) {
  EXPECT_EQ(run_bytes({}).open_error,
            "truncated dump file; tried to read 4 file header bytes, only got 0");
  EXPECT_EQ(run("/tmp").open_error, "error reading dump file: Is a directory");
  // A FIFO with a whole capture written into it, then closed: read like a file.
  char dir[] = "/tmp/tcplens-fifo-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string fifo = std::string(dir) + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  pid_t child = fork();
  if (child == 0) {
    int fd = open(fifo.c_str(), O_WRONLY);
    ssize_t w = write(fd, whole.data(), whole.size());
    _exit(w == static_cast<ssize_t>(whole.size()) ? 0 : 1);
  }
  Result r = run(fifo);
  EXPECT_EQ(r.packets, 38u);
  EXPECT_EQ(r.last, ReadStatus::End);
  unlink(fifo.c_str());
  rmdir(dir);
}

// --- pcapng ---------------------------------------------------------------------------

void put32(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// Section header + interface + `packets` enhanced packet blocks of 4 bytes, with `extra`
// (a block or garbage) inserted after the first packet.
Bytes pcapng(int packets, const Bytes& extra) {
  Bytes b;
  for (std::uint32_t v : {0x0a0d0d0au, 28u, 0x1a2b3c4du, 0x00000001u, 0xffffffffu, 0xffffffffu, 28u})
    put32(b, v);
  for (std::uint32_t v : {1u, 20u, 1u, 0u, 20u}) put32(b, v);  // IDB: Ethernet, no snaplen
  for (int i = 0; i < packets; ++i) {
    for (std::uint32_t v : {6u, 36u, 0u, 0u, static_cast<std::uint32_t>(i), 4u, 4u}) put32(b, v);
    put32(b, 0x01020304);
    put32(b, 36);
    if (i == 0) b.insert(b.end(), extra.begin(), extra.end());
  }
  return b;
}

TEST(DamagedPcapng, UnknownBlocksAreSkipped) {
  Bytes unknown;
  for (std::uint32_t v : {0x0BADu, 16u, 0xdeadbeefu, 16u}) put32(unknown, v);
  Result r = run_bytes(pcapng(3, unknown));
  EXPECT_EQ(r.last, ReadStatus::End) << r.error.message;
  EXPECT_EQ(r.packets, 3u);
}

TEST(DamagedPcapng, OversizedBlockStopsWithItsOffset) {
  Bytes huge;
  for (std::uint32_t v : {0x0BADu, 0x7ffffff0u}) put32(huge, v);
  Result r = run_bytes(pcapng(3, huge));
  EXPECT_EQ(r.packets, 1u);
  EXPECT_EQ(r.last, ReadStatus::Error);
  EXPECT_EQ(r.error.file_offset, 28u + 20u + 36u);
  EXPECT_NE(r.error.message.find("pcapng block size"), std::string::npos);
}

TEST(DamagedPcapng, TrailerMismatchAndTruncatedBlock) {
  Bytes bad;
  for (std::uint32_t v : {0x0BADu, 16u, 0u, 20u}) put32(bad, v);  // trailer says 20
  Result r = run_bytes(pcapng(3, bad));
  EXPECT_EQ(r.packets, 1u);
  EXPECT_NE(r.error.message.find("don't match"), std::string::npos);
  Bytes whole = pcapng(2, {});
  for (std::size_t cut = whole.size() - 35; cut < whole.size(); ++cut) {
    Result t = run_bytes(Bytes(whole.begin(), whole.begin() + static_cast<long>(cut)));
    EXPECT_EQ(t.packets, 1u) << "cut at " << cut;
    EXPECT_EQ(t.last, ReadStatus::Error) << "cut at " << cut;
  }
}

}  // namespace
}  // namespace tcplens

// PcapFileSource: both pcap byte orders and resolutions, pcapng, and damage at every offset.
#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/capture/link_type.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace tcplens {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put32(Bytes& b, std::uint32_t v, bool big = false) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(big ? v >> (24 - 8 * i) : v >> (8 * i)));
}
void put16(Bytes& b, std::uint16_t v, bool big = false) {
  b.push_back(static_cast<std::uint8_t>(big ? v >> 8 : v));
  b.push_back(static_cast<std::uint8_t>(big ? v : v >> 8));
}

// A classic pcap file with `count` records of `size` bytes each.
Bytes make_pcap(bool big, bool nano, int count, std::uint32_t size = 60) {
  Bytes b;
  put32(b, nano ? 0xa1b23c4d : 0xa1b2c3d4, big);  // magic
  put16(b, 2, big);                               // version 2.4
  put16(b, 4, big);
  put32(b, 0, big);      // thiszone
  put32(b, 0, big);      // sigfigs
  put32(b, 65535, big);  // snaplen
  put32(b, 1, big);      // LINKTYPE_ETHERNET
  for (int i = 0; i < count; ++i) {
    put32(b, 1700000000u + static_cast<std::uint32_t>(i), big);  // seconds
    put32(b, nano ? 123456789u : 123456u, big);                  // fraction
    put32(b, size, big);                                         // caplen
    put32(b, size + 4, big);                                     // wirelen
    for (std::uint32_t k = 0; k < size; ++k) b.push_back(static_cast<std::uint8_t>(i + k));
  }
  return b;
}

class TempFile {
 public:
  explicit TempFile(const Bytes& bytes) {
    char name[] = "/tmp/tcplens-unit-XXXXXX";
    int fd = mkstemp(name);
    path_ = name;
    if (!bytes.empty()) EXPECT_EQ(write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    close(fd);
  }
  ~TempFile() { unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct ReadResult {
  std::vector<RawPacket> packets;  // data views are not kept valid; compare fields only
  ReadStatus last = ReadStatus::End;
  SourceError error;
  std::string open_error;
};

ReadResult read_all(const Bytes& bytes) {
  TempFile file(bytes);
  ReadResult r;
  auto source = PcapFileSource::open(file.path(), r.open_error);
  if (!source) {
    r.last = ReadStatus::Error;
    return r;
  }
  RawPacket p;
  while ((r.last = source->next(p)) == ReadStatus::Ok) r.packets.push_back(p);
  r.error = source->error();
  return r;
}

TEST(PcapFileSource, ReadsBothByteOrdersAndResolutions) {
  for (bool big : {false, true}) {
    for (bool nano : {false, true}) {
      ReadResult r = read_all(make_pcap(big, nano, 3));
      ASSERT_EQ(r.last, ReadStatus::End) << r.error.message;
      ASSERT_EQ(r.packets.size(), 3u);
      EXPECT_EQ(r.packets[2].ts.sec, 1700000002);
      EXPECT_EQ(r.packets[2].ts.nsec, nano ? 123456789 : 123456000);
      EXPECT_EQ(r.packets[0].caplen, 60u);
      EXPECT_EQ(r.packets[0].wirelen, 64u);
      EXPECT_EQ(r.packets[0].linktype, 1u);
      EXPECT_EQ(r.packets[1].number, 2u);
      EXPECT_EQ(r.packets[1].file_offset, 24u + 76u);
    }
  }
}

TEST(PcapFileSource, EveryCutOfTheLastRecordKeepsTheRecordsBefore) {
  Bytes whole = make_pcap(false, false, 3);
  const std::size_t last_record = 24 + 2 * 76;
  for (std::size_t cut = last_record + 1; cut < whole.size(); ++cut) {
    ReadResult r = read_all(Bytes(whole.begin(), whole.begin() + static_cast<long>(cut)));
    ASSERT_EQ(r.packets.size(), 2u) << "cut at " << cut;
    EXPECT_EQ(r.last, ReadStatus::Error) << "cut at " << cut;
    EXPECT_EQ(r.error.record, 3u);
    EXPECT_EQ(r.error.file_offset, last_record);
    EXPECT_NE(r.error.message.find("truncated dump file"), std::string::npos) << r.error.message;
  }
}

TEST(PcapFileSource, RejectsBadHeaders) {
  EXPECT_EQ(read_all({}).open_error, "truncated dump file; tried to read 4 file header bytes, only got 0");
  EXPECT_EQ(read_all({'n', 'o', 't', ' ', 'a', ' ', 'p', 'c', 'a', 'p'}).open_error, "unknown file format");
  Bytes header = make_pcap(false, false, 0);
  EXPECT_NE(read_all(Bytes(header.begin(), header.begin() + 10)).open_error.find("truncated dump file"),
            std::string::npos);
  Bytes old = header;
  old[4] = 1;  // version 1.4
  EXPECT_EQ(read_all(old).open_error, "archaic pcap savefile format");
}

TEST(PcapFileSource, RefusesACaptureLengthBeyondTheMaximum) {
  Bytes b = make_pcap(false, false, 1);
  // caplen of record 1 := 300000 (> 262144): libpcap's "invalid packet capture length".
  b[24 + 8] = 0xE0;
  b[24 + 9] = 0x93;
  b[24 + 10] = 0x04;
  ReadResult r = read_all(b);
  EXPECT_TRUE(r.packets.empty());
  EXPECT_EQ(r.last, ReadStatus::Error);
  EXPECT_NE(r.error.message.find("invalid packet capture length 300000"), std::string::npos);
}

// pcapng: section header, one interface (nanosecond resolution), one enhanced packet block.
Bytes make_pcapng(std::uint32_t caplen = 4) {
  Bytes b;
  put32(b, 0x0a0d0d0a);
  put32(b, 28);
  put32(b, 0x1a2b3c4d);
  put16(b, 1);
  put16(b, 0);
  put32(b, 0xffffffff);
  put32(b, 0xffffffff);
  put32(b, 28);
  // Interface Description Block with if_tsresol = 9.
  put32(b, 1);
  put32(b, 32);
  put16(b, 1);  // LINKTYPE_ETHERNET
  put16(b, 0);
  put32(b, 0);  // snaplen 0: unlimited
  put16(b, 9);  // if_tsresol
  put16(b, 1);
  b.insert(b.end(), {9, 0, 0, 0});
  put16(b, 0);  // opt_endofopt
  put16(b, 0);
  put32(b, 32);
  // Enhanced Packet Block.
  const std::uint32_t padded = (caplen + 3) & ~3u;
  put32(b, 6);
  put32(b, 32 + padded);
  put32(b, 0);  // interface 0
  const std::uint64_t ts = 1700000000ull * 1000000000ull + 5;
  put32(b, static_cast<std::uint32_t>(ts >> 32));
  put32(b, static_cast<std::uint32_t>(ts));
  put32(b, caplen);
  put32(b, caplen);
  for (std::uint32_t i = 0; i < padded; ++i) b.push_back(static_cast<std::uint8_t>(i));
  put32(b, 32 + padded);
  return b;
}

TEST(PcapFileSource, ReadsPcapng) {
  ReadResult r = read_all(make_pcapng());
  ASSERT_EQ(r.last, ReadStatus::End) << r.open_error << r.error.message;
  ASSERT_EQ(r.packets.size(), 1u);
  EXPECT_EQ(r.packets[0].ts.sec, 1700000000);
  EXPECT_EQ(r.packets[0].ts.nsec, 5);
  EXPECT_EQ(r.packets[0].caplen, 4u);
}

TEST(PcapFileSource, PcapngCutAtEveryOffsetOfThePacketBlockFailsCleanly) {
  Bytes whole = make_pcapng();
  const std::size_t block = 28 + 32;
  for (std::size_t cut = block + 1; cut < whole.size(); ++cut) {
    ReadResult r = read_all(Bytes(whole.begin(), whole.begin() + static_cast<long>(cut)));
    EXPECT_TRUE(r.packets.empty());
    EXPECT_EQ(r.last, ReadStatus::Error) << "cut at " << cut;
    EXPECT_EQ(r.error.file_offset, block);
  }
}

}  // namespace
}  // namespace tcplens

namespace tcplens {
namespace {

// Readers of one SharedCaptureFile each see every record, as open() does; a reader that is
// done (or failed to start) holds nobody back; damage stops every reader at the same record.
TEST(SharedCaptureFile, EveryReaderSeesTheWholeFile) {
  const Bytes bytes = make_pcap(false, false, 6000, 1000);  // 6 MB: several release steps
  TempFile file(bytes);
  auto map = SharedCaptureFile::open(file.path(), 3);
  ASSERT_NE(map, nullptr);
  std::string error;
  auto a = PcapFileSource::open_shared(*map, 0, error);
  auto b = PcapFileSource::open_shared(*map, 1, error);
  ASSERT_TRUE(a && b) << error;
  { auto c = PcapFileSource::open_shared(*map, 2, error); }  // done at once: no hold on a or b
  RawPacket pa, pb;
  int n = 0;
  while (a->next(pa) == ReadStatus::Ok) {
    ASSERT_EQ(b->next(pb), ReadStatus::Ok);
    ASSERT_EQ(pa.number, pb.number);
    ASSERT_EQ(pa.caplen, 1000u);
    ASSERT_EQ(pa.data[7], pb.data[7]);
    ASSERT_EQ(pa.data[7], static_cast<std::uint8_t>(n + 7));
    ++n;
  }
  EXPECT_EQ(n, 6000);
  EXPECT_EQ(b->next(pb), ReadStatus::End);

  // Cut inside the last record: both readers get every record before it, then the error.
  const Bytes cut(bytes.begin(), bytes.end() - 10);
  TempFile damaged(cut);
  auto map2 = SharedCaptureFile::open(damaged.path(), 2);
  ASSERT_NE(map2, nullptr);
  // (Read in turns: one reader alone would wait for the other once 2 MiB ahead.)
  auto first = PcapFileSource::open_shared(*map2, 0, error);
  auto second = PcapFileSource::open_shared(*map2, 1, error);
  ASSERT_TRUE(first && second);
  int got[2] = {0, 0};
  ReadStatus st[2] = {ReadStatus::Ok, ReadStatus::Ok};
  while (st[0] == ReadStatus::Ok || st[1] == ReadStatus::Ok) {
    if (st[0] == ReadStatus::Ok && (st[0] = first->next(pa)) == ReadStatus::Ok) ++got[0];
    if (st[1] == ReadStatus::Ok && (st[1] = second->next(pb)) == ReadStatus::Ok) ++got[1];
  }
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(got[i], 5999);
    EXPECT_EQ(st[i], ReadStatus::Error);
  }
  EXPECT_NE(first->error().message.find("truncated dump file"), std::string::npos);
  EXPECT_EQ(SharedCaptureFile::open("/nonexistent/x.pcap", 2), nullptr);
  EXPECT_EQ(SharedCaptureFile::open("/tmp", 2), nullptr);  // not a regular file
}

// Reads `path` with `readers` sources of one SharedCaptureFile in turns, a record each, and
// checks that each sees every record exactly as open() does.
void expect_shared_reads_as_open(const std::string& path, std::size_t readers, std::size_t records_wanted) {
  std::string error;
  auto plain = PcapFileSource::open(path, error);
  ASSERT_TRUE(plain) << error;
  auto shared = SharedCaptureFile::open(path, readers);
  ASSERT_NE(shared, nullptr);
  std::vector<std::unique_ptr<PcapFileSource>> sources;
  for (std::size_t i = 0; i < readers; ++i) {
    sources.push_back(PcapFileSource::open_shared(*shared, i, error));
    ASSERT_TRUE(sources.back()) << error;
  }
  RawPacket want, got;
  std::size_t records = 0;
  for (;;) {
    const ReadStatus status = plain->next(want);
    for (auto& source : sources) {
      ASSERT_EQ(source->next(got), status) << "record " << records + 1;
      if (status != ReadStatus::Ok) continue;
      ASSERT_EQ(got.number, want.number);
      ASSERT_EQ(got.ts.sec, want.ts.sec);
      ASSERT_EQ(got.ts.nsec, want.ts.nsec);
      ASSERT_EQ(got.data.size(), want.data.size());
      ASSERT_EQ(std::memcmp(got.data.data(), want.data.data(), want.data.size()), 0)
          << "record " << records + 1;
    }
    if (status != ReadStatus::Ok) break;
    ++records;
  }
  EXPECT_EQ(records, records_wanted);
}

// Several times the ring's size, in records that straddle its end at many offsets.
TEST(SharedCaptureFile, RingWrapsAround) {
  const Bytes bytes = make_pcap(true, true, 25000, 997);
  ASSERT_GT(bytes.size(), 5 * SharedCaptureFile::kRingSize);
  TempFile file(bytes);
  expect_shared_reads_as_open(file.path(), 2, 25000);
}

// pcapng blocks larger than the ring takes (read by each reader alone) between small ones.
TEST(SharedCaptureFile, BlocksLargerThanARingView) {
  Bytes bytes = make_pcapng(4);
  Bytes header(bytes.begin(), bytes.end() - 36);  // section and interface
  header[36] = linktype::kDbus;                   // records of up to 128 MiB
  Bytes file_bytes = header;
  for (int i = 0; i < 40; ++i) {
    const std::uint32_t caplen = i % 4 == 1 ? 3u << 20 : 1000u + static_cast<std::uint32_t>(i);
    Bytes one = make_pcapng(caplen);
    one[one.size() - 5 - (caplen & 3 ? 4 - (caplen & 3) : 0)] = static_cast<std::uint8_t>(i);
    file_bytes.insert(file_bytes.end(), one.begin() + static_cast<long>(header.size()), one.end());
  }
  ASSERT_GT(file_bytes.size(), 5 * SharedCaptureFile::kRingSize);
  TempFile file(file_bytes);
  expect_shared_reads_as_open(file.path(), 3, 40);
  // Cut in a large block: the same records, then the same error.
  TempFile cut(Bytes(file_bytes.begin(), file_bytes.end() - (3u << 20)));
  expect_shared_reads_as_open(cut.path(), 2, 37);
}

}  // namespace
}  // namespace tcplens

// The state files of `tcplens detect --shard-index` and their merge (detect_state.hpp): every
// field of every event comes back as written, across blocks; a file cut at any byte or with
// any byte damaged is refused with its name and an offset, never read past its end; a merge
// refuses states of other runs; and shards' states merged find, byte for byte, what one
// Detector over the whole stream finds.
#include "tcplens/detect/detect_state.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "packet_builder.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/detect/finding_render.hpp"
#include "tcplens/flow/flow_key.hpp"
#include "tcplens/flow/shard.hpp"

namespace tcplens::detect {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/tcplens-detect-state.XXXXXX";
    path_ = ::mkdtemp(name);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void write_file(const std::string& path, std::string_view bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
  std::fclose(f);
}

IpAddress v4(std::uint32_t a) {
  IpAddress r;
  r.family = 4;
  for (int i = 0; i < 4; ++i) r.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(a >> (24 - 8 * i));
  return r;
}

std::string describe(const PacketFacts& p) {
  char b[256];
  std::snprintf(b, sizeof b, "frame %llu ns %lld f%u/%u %u>%u seq %u ack %u flags %x win %u ttl %u id %u len %u opt %u ts %d/%u",
                static_cast<unsigned long long>(p.frame), static_cast<long long>(p.ns), p.src.family, p.dst.family,
                p.sport, p.dport, p.seq, p.ack, p.flags, p.window, p.ttl, p.ip_id, p.payload_len,
                static_cast<unsigned>(p.options), p.has_ts, p.ts_val);
  std::string s = b;
  for (const IpAddress* a : {&p.src, &p.dst})
    for (std::uint8_t x : a->bytes) s += " " + std::to_string(x);
  return s;
}

// Events of every shape: both families, an IPv4 address with stray bytes past its four, zero
// and largest fields, time going backwards, frames far apart, replies (addresses swapped).
std::vector<std::pair<DetectInput, PacketFacts>> varied_events(std::size_t n) {
  std::mt19937_64 rng(42);
  std::vector<std::pair<DetectInput, PacketFacts>> out;
  std::uint64_t frame = 0;
  std::int64_t ns = 1'700'000'000'000'000'000;
  PacketFacts prev;
  for (std::size_t i = 0; i < n; ++i) {
    PacketFacts p;
    const std::uint64_t r = rng();
    frame += 1 + (r % 7 == 0 ? rng() % 1'000'000'000 : r % 3);
    ns += static_cast<std::int64_t>(rng() % 2'000'000) - (r % 11 == 0 ? 5'000'000 : 0);
    p.frame = frame;
    p.ns = ns;
    switch (r % 5) {
      case 0:  // a reply
        p.src = prev.dst;
        p.dst = prev.src;
        break;
      case 1:  // the same pair again
        p.src = prev.src;
        p.dst = prev.dst;
        break;
      case 2:
        p.src.family = p.dst.family = 6;
        for (auto& x : p.src.bytes) x = static_cast<std::uint8_t>(rng());
        for (auto& x : p.dst.bytes) x = static_cast<std::uint8_t>(rng());
        break;
      case 3:
        p.src = v4(static_cast<std::uint32_t>(rng()));
        p.dst = v4(static_cast<std::uint32_t>(rng()));
        p.dst.bytes[9] = 0x5a;  // stray bytes an IPv4 address should not have, kept as they are
        break;
      default:
        p.src = v4(static_cast<std::uint32_t>(rng()));
        p.dst = prev.dst;
        break;
    }
    const bool zero = r % 13 == 0;
    p.sport = zero ? 0 : static_cast<std::uint16_t>(rng());
    p.dport = static_cast<std::uint16_t>(r % 17 == 0 ? 65535 : rng() % 1024);
    p.seq = zero ? 0 : static_cast<std::uint32_t>(rng());
    p.ack = r % 3 == 0 ? 0 : static_cast<std::uint32_t>(rng());
    p.flags = static_cast<std::uint16_t>(rng() & 0xfff);
    p.window = zero ? 0 : static_cast<std::uint16_t>(rng());
    p.ttl = static_cast<std::uint8_t>(rng());
    p.ip_id = zero ? 0 : static_cast<std::uint16_t>(rng());
    p.payload_len = r % 4 == 0 ? 0 : static_cast<std::uint32_t>(rng() % (r % 9 == 0 ? 0xffffffffull : 1500));
    p.options = static_cast<OptionShape>(rng() % 4);
    p.has_ts = r % 2 == 0;
    p.ts_val = r % 6 == 0 ? 0 : static_cast<std::uint32_t>(rng());
    out.emplace_back(r % 10 == 0 ? DetectInput::Unreachable : DetectInput::Tcp, p);
    prev = p;
  }
  return out;
}

DetectStateHeader header_of(std::uint32_t shard, std::uint32_t shards) {
  DetectStateHeader h;
  h.shard = shard;
  h.shards = shards;
  h.filter = "tcp port 80";
  h.options.syn_rate = 7.5;
  return h;
}

std::string state_bytes(const std::vector<std::pair<DetectInput, PacketFacts>>& events, const DetectStateHeader& h,
                        std::uint64_t others = 0) {
  Output out(-1);
  DetectStateWriter w(out);
  w.start(h);
  for (const auto& [kind, p] : events) w.add(kind, p);
  for (std::uint64_t i = 0; i < others; ++i) w.add_other();
  EXPECT_TRUE(w.finish());
  return std::string(out.text());
}

TEST(DetectState, EveryFieldComesBackAcrossBlocks) {
  TempDir dir;
  const auto events = varied_events(20000);
  const std::string bytes = state_bytes(events, header_of(1, 3), 5);
  EXPECT_GT(bytes.size(), 4 * DetectStateWriter::kBlockBytes);  // several blocks
  EXPECT_LT(bytes.size(), events.size() * 48);
  write_file(dir.file("s"), bytes);
  DetectStateReader r;
  ASSERT_TRUE(r.open(dir.file("s"))) << r.error();
  EXPECT_EQ(r.header().shard, 1u);
  EXPECT_EQ(r.header().shards, 3u);
  EXPECT_EQ(r.header().filter, "tcp port 80");
  EXPECT_EQ(r.header().options.syn_rate, 7.5);
  EXPECT_TRUE(options_difference(r.header(), header_of(0, 3)).empty());
  for (int pass = 0; pass < 2; ++pass) {  // and again after rewind()
    DetectInput kind;
    PacketFacts p;
    std::size_t i = 0;
    while (r.next(kind, p)) {
      ASSERT_LT(i, events.size());
      EXPECT_EQ(kind, events[i].first) << i;
      ASSERT_EQ(describe(p), describe(events[i].second)) << i;
      ++i;
    }
    EXPECT_TRUE(r.error().empty()) << r.error();
    EXPECT_EQ(i, events.size());
    EXPECT_EQ(r.events(), events.size());
    EXPECT_EQ(r.other_packets(), 5u);
    ASSERT_TRUE(r.rewind());
  }
}

TEST(DetectState, OptionsThatDifferAreNamed) {
  DetectStateHeader a = header_of(0, 2), b = header_of(1, 2);
  EXPECT_EQ(options_difference(a, b), "");
  b.options.scan_ports = 12;
  EXPECT_EQ(options_difference(a, b), "--scan-ports 10 vs 12");
  b = a;
  b.options.flow_cache_log2_sets = 12;
  EXPECT_EQ(options_difference(a, b), "flow_cache_log2_sets 16 vs 12");
  b = a;
  b.filter = "tcp";
  EXPECT_EQ(options_difference(a, b), "filter 'tcp port 80' vs 'tcp'");
}

// Reads a file to its end: true when every event was read without error.
bool read_all(const std::string& path, std::string& error) {
  DetectStateReader r;
  if (!r.open(path)) {
    error = r.error();
    return false;
  }
  DetectInput kind;
  PacketFacts p;
  while (r.next(kind, p)) {
  }
  error = r.error();
  return error.empty() && r.done();
}

TEST(DetectState, CutAtAnyByteIsRefusedWithTheFileAndAnOffset) {
  TempDir dir;
  const std::string bytes = state_bytes(varied_events(60), header_of(0, 1), 2);
  const std::string path = dir.file("cut");
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    write_file(path, std::string_view(bytes).substr(0, n));
    std::string error;
    ASSERT_FALSE(read_all(path, error)) << n;
    ASSERT_EQ(error.rfind(path + ": offset ", 0), 0u) << n << ": " << error;
  }
  write_file(path, bytes + "x");
  std::string error;
  EXPECT_FALSE(read_all(path, error));
  EXPECT_NE(error.find("bytes after the trailer"), std::string::npos) << error;
}

TEST(DetectState, ADamagedByteIsRefusedOrChangesOnlyTheHeader) {
  TempDir dir;
  const std::string bytes = state_bytes(varied_events(60), header_of(0, 1));
  const std::string path = dir.file("damaged");
  DetectStateReader clean;
  write_file(path, bytes);
  ASSERT_TRUE(clean.open(path));
  const DetectStateHeader good = clean.header();
  for (std::size_t at = 0; at < bytes.size(); ++at) {
    std::string d = bytes;
    d[at] = static_cast<char>(d[at] ^ 0x10);
    write_file(path, d);
    std::string error;
    if (!read_all(path, error)) {
      ASSERT_EQ(error.rfind(path + ": offset ", 0), 0u) << at << ": " << error;
      continue;
    }
    // Read whole: the damage was in the header, which a merge compares.
    DetectStateReader r;
    ASSERT_TRUE(r.open(path));
    ASSERT_TRUE(r.header().shard != good.shard || r.header().shards != good.shards ||
                r.header().input_packets != good.input_packets || !options_difference(r.header(), good).empty())
        << "byte " << at << " damaged unseen";
  }
}

TEST(DetectState, ImpossibleShardCountsAreRefused) {
  TempDir dir;
  for (std::uint32_t shards : {0u, 1u << 17, 0xffffffffu}) {
    DetectStateHeader h = header_of(0, shards);
    write_file(dir.file("s"), state_bytes({}, h));
    DetectStateReader r;
    EXPECT_FALSE(r.open(dir.file("s"))) << shards;
    EXPECT_NE(r.error().find("offset 12: shard 0 of"), std::string::npos) << r.error();
  }
}

TEST(DetectState, FramesMustIncrease) {
  Output out(-1);
  DetectStateWriter w(out);
  w.start(header_of(0, 1));
  PacketFacts p;
  p.frame = 5;
  w.add(DetectInput::Tcp, p);
  EXPECT_FALSE(w.failed());
  w.add(DetectInput::Tcp, p);
  EXPECT_TRUE(w.failed());
  EXPECT_FALSE(w.finish());
}

// ---------------------------------------------------------------- the merge

using test::Host;
constexpr std::uint16_t kSyn = 0x02, kAck = 0x10, kRst = 0x04, kFin = 0x01;

Host host(std::uint32_t a, std::uint16_t port) {
  return Host{{static_cast<std::uint8_t>(a >> 24), static_cast<std::uint8_t>(a >> 16),
               static_cast<std::uint8_t>(a >> 8), static_cast<std::uint8_t>(a)},
              port};
}

// A capture of a spoofed SYN flood, a SYN scan, an ACK flood, a server with constant ISNs and
// ordinary connections, interleaved; fed to one Detector and, by flow, to `shards` writers.
struct Capture {
  explicit Capture(std::uint32_t shards) {
    for (std::uint32_t k = 0; k < shards; ++k) {
      outs.push_back(std::make_unique<Output>(-1));
      writers.push_back(std::make_unique<DetectStateWriter>(*outs.back()));
      DetectStateHeader h = header_of(k, shards);
      h.options = DetectOptions();
      writers.back()->start(h);
    }
  }
  void send(Host src, Host dst, std::uint32_t seq, std::uint32_t ack, std::uint16_t flags, double t,
            std::uint32_t payload = 0) {
    test::Segment s = test::segment_between(src, dst, seq, ack, flags, payload);
    s.ip_id = static_cast<std::uint16_t>(frame * 7);
    const auto bytes = test::build_ipv4_tcp(s);
    const auto sec = static_cast<std::int64_t>(t);
    const RawPacket raw =
        test::raw_packet(bytes, ++frame, 1700000000 + sec, static_cast<std::uint32_t>((t - static_cast<double>(sec)) * 1e9));
    const DecodedPacket& pkt = decoder.decode(raw);
    whole.on_packet(raw, pkt);
    Direction dir;
    const FlowKey key = FlowKey::make(pkt.ip.src, pkt.tcp.src_port, pkt.ip.dst, pkt.tcp.dst_port, 6, dir);
    PacketFacts p;
    const DetectInput kind = Detector::input_of(raw, pkt, p);
    writers[shard_of(key, static_cast<std::uint32_t>(writers.size()))]->add(kind, p);
  }
  void other() {  // a packet that is no TCP (counted, in shard 0 as split puts it)
    ++frame;
    whole.add_other_packets(1);
    writers[0]->add_other();
  }
  void traffic() {
    std::mt19937 rng(3);
    const Host server = host(0x0a000002, 80), isn_server = host(0x0a000003, 22), target = host(0x0a000004, 0);
    for (int i = 0; i < 4000; ++i) {
      const double t = i * 0.002;
      if (i % 4 == 0) send(host(rng(), static_cast<std::uint16_t>(1024 + i)), server, rng(), 0, kSyn, t);  // flood
      if (i % 4 == 1 && i < 800) {  // a scan of 200 ports, answered by RST
        Host probe = target;
        probe.port = static_cast<std::uint16_t>(7000 + i / 4);
        send(host(0x0a000009, 40000), probe, 1234, 0, kSyn, t);
        send(probe, host(0x0a000009, 40000), 0, 1235, kRst | kAck, t + 0.0005);
      }
      if (i % 4 == 2) send(host(0x0a00000a, static_cast<std::uint16_t>(2000 + i)), host(0x0a000005, 443), rng(),
                           rng(), kAck, t);  // an ACK flood
      if (i % 40 == 3) {  // a complete connection to a server whose ISNs are all one
        const Host c = host(0x0a000100 + static_cast<std::uint32_t>(i % 7), static_cast<std::uint16_t>(30000 + i));
        const std::uint32_t cisn = rng();
        send(c, isn_server, cisn, 0, kSyn, t);
        send(isn_server, c, 555, cisn + 1, kSyn | kAck, t + 0.0001);
        send(c, isn_server, cisn + 1, 556, kAck, t + 0.0002);
        send(c, isn_server, cisn + 1, 556, kAck, t + 0.0003, 100);
        send(c, isn_server, cisn + 101, 556, kFin | kAck, t + 0.0004);
      }
      if (i % 50 == 7) other();
    }
  }
  std::vector<std::string> files(const TempDir& dir) {
    std::vector<std::string> paths;
    for (std::size_t k = 0; k < writers.size(); ++k) {
      EXPECT_TRUE(writers[k]->finish());
      paths.push_back(dir.file("shard-" + std::to_string(k) + ".state"));
      write_file(paths.back(), outs[k]->text());
    }
    return paths;
  }

  PacketDecoder decoder;
  Detector whole;
  std::vector<std::unique_ptr<Output>> outs;
  std::vector<std::unique_ptr<DetectStateWriter>> writers;
  std::uint64_t frame = 0;
};

std::string rendered(const Detector& d) {
  Output out(-1);
  for (const Finding& f : d.findings()) write_finding_json(out, f, Lang::En, "final");
  write_findings_table(out, d.findings(), Lang::En);
  return std::string(out.text());
}

// The findings raised while packets come (--live), in order, and the final ones.
struct Heard {
  explicit Heard(Detector& d) {
    d.set_on_raise([this](const Finding& f) { raised += f.source + ">" + f.target + "@" + std::to_string(f.first_frame) + ";"; });
  }
  std::string raised;
};

TEST(DetectMerge, ShardsMergedEqualOneDetector) {
  for (std::uint32_t shards : {1u, 2u, 3u, 5u}) {
    TempDir dir;
    Capture cap(shards);
    Heard heard_whole(cap.whole);
    cap.traffic();
    cap.whole.finish();
    ASSERT_GE(cap.whole.findings().size(), 4u) << "the capture must raise floods, a scan and weak ISNs";
    auto paths = cap.files(dir);
    std::reverse(paths.begin(), paths.end());  // the order of the files does not matter
    Detector merged;
    Heard heard_merged(merged);
    DetectMergeResult result;
    std::string error;
    DetectStateHeader expected = header_of(0, shards);
    expected.options = DetectOptions();
    ASSERT_TRUE(merge_detect_states(paths, expected, merged, result, error)) << error;
    merged.finish();
    EXPECT_EQ(rendered(merged), rendered(cap.whole)) << shards << " shards";
    EXPECT_EQ(heard_merged.raised, heard_whole.raised);
    EXPECT_EQ(merged.packets(), cap.whole.packets());
    EXPECT_EQ(merged.tcp_packets(), cap.whole.tcp_packets());
    EXPECT_EQ(result.packets, cap.frame);
  }
}

TEST(DetectMerge, FindingsOfShardsAloneAreNotTheSame) {
  // Why the merge replays instead of concatenating: each shard alone sees a share of the flood.
  TempDir dir;
  Capture cap(3);
  cap.traffic();
  cap.whole.finish();
  const auto paths = cap.files(dir);
  std::string alone;
  for (const std::string& p : paths) {
    Detector d;
    DetectMergeResult result;
    std::string error;
    DetectStateHeader one = header_of(0, 3);
    one.options = DetectOptions();
    // A shard's file alone is refused (the others are missing) ...
    EXPECT_FALSE(merge_detect_states({p}, one, d, result, error));
    EXPECT_NE(error.find("is missing"), std::string::npos) << error;
  }
  // ... and replaying one shard's events alone finds less, or other things.
  DetectStateReader r;
  ASSERT_TRUE(r.open(paths[1]));
  Detector d;
  DetectInput kind;
  PacketFacts p;
  while (r.next(kind, p)) d.on_input(kind, p);
  d.finish();
  EXPECT_NE(rendered(d), rendered(cap.whole));
}

TEST(DetectMerge, Refusals) {
  TempDir dir;
  Capture cap(3);
  cap.traffic();
  const auto paths = cap.files(dir);
  DetectStateHeader expected = header_of(0, 3);
  expected.options = DetectOptions();
  auto refused = [&](const std::vector<std::string>& files, const DetectStateHeader& h) {
    Detector d;
    DetectMergeResult result;
    std::string error;
    EXPECT_FALSE(merge_detect_states(files, h, d, result, error));
    EXPECT_EQ(d.packets(), 0u) << "nothing replayed before the refusal";
    return error;
  };
  EXPECT_EQ(refused({paths[0], paths[2]}, expected), "shard 1 of 3 is missing");
  EXPECT_EQ(refused({paths[0], paths[1], paths[2], paths[1]}, expected),
            paths[1] + ": shard 1 of 3, as is " + paths[1]);
  DetectStateHeader other = expected;
  other.options.window_sec = 5;
  EXPECT_EQ(refused(paths, other),
            paths[0] + ": its shard run had other options than this merge (shard run vs merge: --window 10 vs 5)");
  other = expected;
  other.filter = "";
  EXPECT_NE(refused(paths, other).find("filter 'tcp port 80' vs ''"), std::string::npos);
  EXPECT_EQ(refused({}, expected), "no state files to merge");
  // A damaged last block is found before anything is replayed.
  std::FILE* f = std::fopen(paths[2].c_str(), "r+b");
  ASSERT_NE(f, nullptr);
  std::fseek(f, -40, SEEK_END);
  std::fputc('!', f);
  std::fclose(f);
  EXPECT_NE(refused(paths, expected).find(paths[2] + ": offset "), std::string::npos);
}

}  // namespace
}  // namespace tcplens::detect

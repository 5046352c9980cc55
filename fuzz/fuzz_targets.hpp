// The bodies of the fuzz targets (render, pcap, decode, flow), shared by the libFuzzer drivers (fuzz_*.cpp) and by the
// unit test that replays every file of fuzz/regressions/ in the normal test suite.
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "tcplens/capture/link_type.hpp"
#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/dfilter/display_filter.hpp"
#include "tcplens/detect/detect_sink.hpp"
#include "tcplens/detect/detector.hpp"
#include "tcplens/engine/engine.hpp"
#include "tcplens/detect/finding_render.hpp"
#include "tcplens/flow/shard.hpp"
#include "tcplens/render/tcpdump_renderer.hpp"
#include "tcplens/render/connection_summary.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/render/sinks.hpp"
#include "tcplens/render/tshark_tsv.hpp"
#include "tcplens/render/wireshark_renderer.hpp"
#include "tcplens/render/zeek_conn_log.hpp"
#include "tcplens/tcp/connection.hpp"
#include "tcplens/tcp/stream_tracker.hpp"
#include "tcplens/tcp/zeek_conn.hpp"
#include "tcplens/tcp/zeek_decode.hpp"

namespace tcplens::fuzz {

inline constexpr std::uint32_t kRenderLinkTypes[] = {
    linktype::kEthernet, linktype::kLinuxSll, linktype::kLinuxSll2, linktype::kNull,
    linktype::kLoop,     linktype::kRaw,      linktype::kIpv4,      linktype::kIpv6,
    linktype::kSlip,     linktype::kDbus};

// One packet through the tcpdump renderer. Byte 0 picks the link type, byte 1 the options,
// byte 2 is added to the wire length; the rest is the packet.
inline void render_one(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return;
  TcpdumpOptions options;
  const std::uint8_t flags = data[1];
  options.verbose = flags & 3;
  options.link_header = (flags & 4) != 0;
  options.quiet = (flags >> 3) & 1;
  options.hex_ascii = (flags >> 4) & 1;
  options.absolute_seq = (flags >> 5) & 1;
  options.time_format = flags >> 6;
  Output out(-1, 1 << 16);
  TcpdumpRenderer renderer(out, options);
  RawPacket packet;
  packet.linktype = kRenderLinkTypes[data[0] % (sizeof kRenderLinkTypes / sizeof kRenderLinkTypes[0])];
  packet.data = ByteView(data + 3, size - 3);
  packet.caplen = static_cast<std::uint32_t>(size - 3);
  packet.wirelen = packet.caplen + data[2];
  packet.ts = {1700000000, 123456000};
  // Twice: the second pass sees the relative-sequence table the first one filled.
  renderer.render(packet);
  renderer.render(packet);
}

// A whole capture file through the reader and the renderer.
inline void pcap_one(const std::uint8_t* data, std::size_t size) {
  char path[] = "/tmp/tcplens-fuzz-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return;
  bool written = write(fd, data, size) == static_cast<ssize_t>(size);
  close(fd);
  if (written) {
    std::string error;
    if (auto source = PcapFileSource::open(path, error)) {
      Output out(-1, 1 << 16);
      TcpdumpRenderer renderer(out, TcpdumpOptions{});
      RawPacket packet;
      for (int i = 0; i < 10000 && source->next(packet) == ReadStatus::Ok; ++i) {
        renderer.render(packet);
        out.clear();
      }
    }
  }
  unlink(path);
}

// Do two decodings of one packet agree on everything the rest of tcplens reads? (The
// decoder's fast path for plain Ethernet + IPv4 + TCP against its general one.)
inline bool same_decoding(const DecodedPacket& a, const DecodedPacket& b) {
  auto same_ip = [](const IpHeader& x, const IpHeader& y) {
    return x.version == y.version && x.protocol == y.protocol && x.ttl == y.ttl && x.tos == y.tos &&
           x.src == y.src && x.dst == y.dst && x.header_len == y.header_len &&
           x.claimed_len == y.claimed_len && x.reported_len == y.reported_len &&
           x.fragment == y.fragment && x.more_fragments == y.more_fragments &&
           x.fragment_offset == y.fragment_offset && x.ident == y.ident;
  };
  // (Reassembled datagrams live in each decoder's own buffers: compare the bytes.)
  auto same_view = [](ByteView x, ByteView y) {
    return x.size() == y.size() && (x.empty() || std::memcmp(x.data(), y.data(), x.size()) == 0);
  };
  auto same_options = [](const TcpOptions& x, const TcpOptions& y) {
    for (std::size_t i = 0; i < TcpOptions::kMaxSackBlocks; ++i)
      if (x.sack[i].left != y.sack[i].left || x.sack[i].right != y.sack[i].right) return false;
    return x.has_mss == y.has_mss && x.has_window_scale == y.has_window_scale &&
           x.sack_permitted == y.sack_permitted && x.has_timestamps == y.has_timestamps &&
           x.has_mptcp == y.has_mptcp && x.tfo_cookie_request == y.tfo_cookie_request &&
           x.has_tfo_cookie == y.has_tfo_cookie && x.malformed == y.malformed && x.mss == y.mss &&
           x.window_scale == y.window_scale && x.sack_count == y.sack_count &&
           x.tfo_cookie_len == y.tfo_cookie_len && x.ts_val == y.ts_val && x.ts_ecr == y.ts_ecr;
  };
  const TcpSegment& s = a.tcp;
  const TcpSegment& t = b.tcp;
  const bool same_tcp =
      s.ports_valid == t.ports_valid && s.fixed_valid == t.fixed_valid && s.header_valid == t.header_valid &&
      s.have_seglen == t.have_seglen && s.src_port == t.src_port && s.dst_port == t.dst_port &&
      s.seq == t.seq && s.ack == t.ack && s.flags == t.flags && s.window == t.window &&
      s.checksum == t.checksum && s.urgent_ptr == t.urgent_ptr && s.header_len == t.header_len &&
      s.payload_len == t.payload_len && same_view(s.header, t.header) && same_view(s.payload, t.payload) &&
      same_options(s.options, t.options);
  return a.layers == b.layers && a.status == b.status && a.stop_layer == b.stop_layer &&
         a.linktype == b.linktype && a.ether_type == b.ether_type && a.vlan_count == b.vlan_count &&
         a.vlan_ids == b.vlan_ids && a.ip_depth == b.ip_depth && same_ip(a.ip, b.ip) &&
         same_ip(a.outer_ip, b.outer_ip) && same_tcp && a.udp.src_port == b.udp.src_port &&
         a.udp.dst_port == b.udp.dst_port && a.udp.length == b.udp.length &&
         same_view(a.udp.payload, b.udp.payload) && a.in_icmp_error == b.in_icmp_error &&
         a.reassembled == b.reassembled;
}

// One packet through the decoder and a stream tracker, in render_one's input format (byte 0
// link type, byte 2 added to the wire length), so the render seeds serve here too.
inline void decode_one(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return;
  PacketDecoder decoder;
  StreamTracker tracker;
  RawPacket packet;
  packet.linktype = kRenderLinkTypes[data[0] % (sizeof kRenderLinkTypes / sizeof kRenderLinkTypes[0])];
  packet.data = ByteView(data + 3, size - 3);
  packet.caplen = static_cast<std::uint32_t>(size - 3);
  packet.wirelen = packet.caplen + data[2];
  packet.number = 1;
  const DecodedPacket& decoded = decoder.decode(packet);
  // The fast path for plain Ethernet + IPv4 + TCP decodes as the general one does.
  PacketDecoder general;
  general.set_fast_path(false);
  if (!same_decoding(decoded, general.decode(packet))) __builtin_trap();
  const TcpPacketAnalysis& a = tracker.on_packet(decoded, 1, packet.ts);
  if (a.tracked) (void)StreamTracker::numbers(decoded.tcp, a, tracker.summary(a.stream));
  // analyze's workers rely on this: a shard read straight from the bytes is the one of the
  // 4-tuple the tracker tracks the packet under.
  for (std::uint32_t shards : {2u, 3u}) {
    const std::uint32_t peeked = peek_shard(packet, shards);
    if (peeked == kShardUnknown) continue;
    FlowKey key;
    if (!a.tracked || !StreamTracker::tracked_key(decoded, key) || shard_of(key, shards) != peeked)
      __builtin_trap();
  }
}

// A sequence of raw IP packets, each preceded by a 2-byte big-endian header: the low 11
// bits are the packet's length, the top 5 bits its distance in time from the previous
// packet (0, else 2^(n-1) microseconds: up to 18 minutes, so the out-of-order window, the
// close linger and the idle timeout all come into play). Direction comes from the packets.
// The packets, as a pcap file in memory, go through the engine as the commands drive it,
// with caps small enough to evict, on one worker and on two: tcpdump lines, Wireshark-style
// lines, tshark's TSV with its second pass and tshark's flags, the connection records as
// JSON, CSV, the table and Zeek's conn.log, and detect; then detect's detectors directly,
// with tables small enough to evict and thresholds low enough to raise findings, once whole
// and once split in two shards merged, rendered as JSON and tables in both languages.
inline void flow_one(const std::uint8_t* data, std::size_t size) {
  auto each_packet = [&](auto&& fn) {
    PacketDecoder decoder;
    RawPacket raw;
    raw.linktype = linktype::kRaw;
    std::int64_t now_us = 1000000;
    std::size_t off = 0;
    std::uint64_t frame = 0;
    while (off + 2 <= size) {
      const unsigned header = (unsigned{data[off]} << 8) | data[off + 1];
      std::size_t len = header & 0x7ff;
      const unsigned gap = header >> 11;
      if (gap) now_us += std::int64_t{1} << (gap - 1);
      off += 2;
      if (len > size - off) len = size - off;
      raw.data = ByteView(data + off, len);
      raw.caplen = raw.wirelen = static_cast<std::uint32_t>(len);
      raw.number = ++frame;
      raw.ts = {now_us / 1000000, static_cast<std::uint32_t>(now_us % 1000000) * 1000};
      fn(raw, decoder.decode(raw));
      off += len;
    }
  };

  // The pcap file (microseconds, LINKTYPE_RAW), in a memory file the engine can read twice.
  const int file = ::memfd_create("tcplens-fuzz", MFD_CLOEXEC);
  if (file < 0) return;
  std::string bytes;
  auto put32 = [&bytes](std::uint32_t v) { bytes.append(reinterpret_cast<const char*>(&v), 4); };
  put32(0xa1b2c3d4);
  put32(0x00040002);  // version 2.4 (two 16-bit fields, little-endian)
  put32(0);
  put32(0);
  put32(65535);
  put32(linktype::kRaw);
  each_packet([&](const RawPacket& raw, const DecodedPacket&) {
    put32(static_cast<std::uint32_t>(raw.ts.sec));
    put32(static_cast<std::uint32_t>(raw.ts.nsec / 1000));
    put32(raw.caplen);
    put32(raw.wirelen);
    bytes.append(reinterpret_cast<const char*>(raw.data.data()), raw.data.size());
  });
  if (::write(file, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {
    ::close(file);
    return;
  }
  const std::string path = "/proc/self/fd/" + std::to_string(file);
  const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);

  EngineOptions options;
  options.limits.max_live = 8;
  options.limits.idle_timeout_sec = 60;
  options.limits.max_remembered = 16;
  options.out_fd = null;
  for (unsigned threads : {1u, 2u}) {
    options.threads = threads;
    {
      options.ground_truth = false;
      Engine engine(options);
      TcpdumpSinks tcpdump{TcpdumpOptions{}};
      WiresharkSinks wireshark{WiresharkOptions{}};
      TsharkTsvSinks tsv(true);
      ConnectionRecordSinks json(ConnectionRecordSinks::Format::Json, true);
      ConnectionRecordSinks csv(ConnectionRecordSinks::Format::Csv, true);
      detect::DetectSinkFactory detect(detect::DetectSettings{});
      for (SinkFactory* f : std::initializer_list<SinkFactory*>{&tcpdump, &wireshark, &tsv, &json, &csv, &detect})
        engine.add_sinks(*f);
      (void)engine.run_file(path, nullptr);
    }
    options.ground_truth = true;
    for (auto format : {ConnectionRecordSinks::Format::Table, ConnectionRecordSinks::Format::Zeek}) {
      Engine engine(options);
      ConnectionRecordSinks records(format, true);
      engine.add_sinks(records);
      (void)engine.run_file(path, nullptr);
    }
  }
  ::close(null);
  ::close(file);
  Output out(-1);

  detect::DetectOptions tiny;
  tiny.window_sec = 1;
  tiny.syn_rate = tiny.ack_rate = tiny.rst_rate = tiny.reflection_rate = 1;
  tiny.scan_ports = tiny.scan_hosts = 2;
  tiny.isn_min_samples = 3;
  tiny.flow_cache_log2_sets = tiny.target_log2_sets = tiny.scan_log2_sets = tiny.isn_log2_sets = 1;
  detect::Detector whole(tiny), shard0(tiny), shard1(tiny);
  whole.set_report_random_isns(true);
  each_packet([&](const RawPacket& raw, const DecodedPacket& pkt) {
    whole.on_packet(raw, pkt);
    FlowKey key;
    (StreamTracker::tracked_key(pkt, key) && shard_of(key, 2) == 1 ? shard1 : shard0).on_packet(raw, pkt);
  });
  whole.finish();
  shard0.merge_from(shard1);
  shard0.finish();
  for (const detect::Detector* d : {&whole, &shard0})
    for (detect::Lang lang : {detect::Lang::En, detect::Lang::Zh}) {
      for (const detect::Finding& f : d->findings()) detect::write_finding_json(out, f, lang, "final");
      detect::write_findings_table(out, d->findings(), lang);
      out.clear();
    }
}

// A display filter and packets to run it on: the filter's text up to the first NUL byte,
// then packets, each after a 2-byte header (link type index in the top 4 bits, length in the
// low 12). The filter is compiled (an error must have a message and a place inside the
// text, else this traps); a filter that compiles is evaluated on every packet, decoded and
// tracked as the engine would, and on a connection record.
inline void filter_one(const std::uint8_t* data, std::size_t size) {
  const std::uint8_t* nul = static_cast<const std::uint8_t*>(std::memchr(data, 0, size));
  const std::size_t text_len = nul != nullptr ? static_cast<std::size_t>(nul - data) : size;
  const std::string_view text(reinterpret_cast<const char*>(data), text_len);
  DfilterError error;
  auto filter = DisplayFilter::compile(text, error);
  if (!filter) {
    if (error.message.empty() || error.at > static_cast<int>(text.size()) || error.len < 0) __builtin_trap();
    (void)format_dfilter_error(text, error);
    return;
  }
  PacketDecoder decoder;
  StreamTracker tracker;
  std::size_t off = text_len + 1;
  std::uint64_t number = 0;
  Timestamp first{1700000000, 0};
  Timestamp prev = first;
  while (off + 2 <= size) {
    const unsigned header = static_cast<unsigned>(data[off]) << 8 | data[off + 1];
    const std::size_t len = std::min<std::size_t>(header & 0xfff, size - off - 2);
    RawPacket raw;
    raw.linktype = kRenderLinkTypes[(header >> 12) % (sizeof kRenderLinkTypes / sizeof kRenderLinkTypes[0])];
    raw.data = ByteView(data + off + 2, len);
    raw.caplen = raw.wirelen = static_cast<std::uint32_t>(len);
    raw.number = ++number;
    raw.ts = {first.sec + static_cast<std::int64_t>(number), 0};
    off += 2 + len;
    const DecodedPacket& pkt = decoder.decode(raw);
    const TcpPacketAnalysis& a = tracker.on_packet(pkt, raw.number, raw.ts);
    StreamSummary summary;
    if (a.tracked) summary = tracker.summary(a.stream);
    PacketEvent ev;
    ev.raw = &raw;
    ev.pkt = &pkt;
    ev.tcp = &a;
    ev.summary = a.tracked ? &summary : nullptr;
    ev.stream = a.stream;
    ev.stream_known = true;
    ev.first_ts = first;
    ev.prev_ts = prev;
    (void)filter->matches(ev);
    prev = raw.ts;
  }
  ConnectionRecord record;
  record.conn.first_ts = first;
  record.conn.last_ts = prev;
  (void)filter->matches_record(record);
}

}  // namespace tcplens::fuzz

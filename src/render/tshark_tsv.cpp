#include "tcplens/render/tshark_tsv.hpp"

#include <array>
#include <cstring>

#include "tcplens/wire/ip_text.hpp"

namespace tcplens {

namespace {
constexpr std::array<const char*, 45> kColumns = {
    "frame.number", "frame.time_epoch", "tcp.stream", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
    "tcp.srcport", "tcp.dstport", "tcp.seq", "tcp.ack", "tcp.seq_raw", "tcp.ack_raw", "tcp.len",
    "tcp.nxtseq", "tcp.flags", "tcp.flags.str", "tcp.window_size_value", "tcp.window_size",
    "tcp.window_size_scalefactor", "tcp.analysis.acks_frame", "tcp.analysis.bytes_in_flight",
    "tcp.analysis.retransmission", "tcp.analysis.fast_retransmission",
    "tcp.analysis.spurious_retransmission", "tcp.analysis.out_of_order",
    "tcp.analysis.lost_segment", "tcp.analysis.ack_lost_segment", "tcp.analysis.duplicate_ack",
    "tcp.analysis.zero_window", "tcp.analysis.zero_window_probe",
    "tcp.analysis.zero_window_probe_ack", "tcp.analysis.window_full",
    "tcp.analysis.window_update", "tcp.analysis.keep_alive", "tcp.analysis.keep_alive_ack",
    "tcp.analysis.reused_ports", "tcp.analysis.tfo_syn", "tcp.analysis.tfo_ack",
    "tcp.analysis.tfo_ignored", "tcp.analysis.duplicate_ack_num",
    "tcp.analysis.duplicate_ack_frame", "tcp.analysis.initial_rtt", "tcp.analysis.ack_rtt",
    "tcp.completeness"};

constexpr std::array<Anomaly, 18> kFlagColumns = {
    Anomaly::Retransmission, Anomaly::FastRetransmission, Anomaly::SpuriousRetransmission,
    Anomaly::OutOfOrder, Anomaly::LostSegment, Anomaly::AckLostSegment, Anomaly::DuplicateAck,
    Anomaly::ZeroWindow, Anomaly::ZeroWindowProbe, Anomaly::ZeroWindowProbeAck,
    Anomaly::WindowFull, Anomaly::WindowUpdate, Anomaly::KeepAlive, Anomaly::KeepAliveAck,
    Anomaly::ReusedPorts, Anomaly::TfoSyn, Anomaly::TfoAck, Anomaly::TfoIgnored};
}  // namespace

void TsharkTsvWriter::header() {
  for (std::size_t i = 0; i < kColumns.size(); ++i) {
    if (i) out_->put('\t');
    out_->put(kColumns[i]);
  }
  out_->put('\n');
}

namespace {
constexpr char kHex[] = "0123456789abcdef";

// Wireshark's display_signed_time(): one sign for both parts, then their magnitudes. At most
// 32 bytes.
char* format_time(char* p, std::int64_t sec, std::int32_t nsec) {
  if (sec < 0 || nsec < 0) *p++ = '-';
  p = Output::format_u64(p, sec < 0 ? 0 - static_cast<std::uint64_t>(sec) : static_cast<std::uint64_t>(sec));
  *p++ = '.';
  std::uint32_t ns = nsec < 0 ? 0u - static_cast<std::uint32_t>(nsec) : static_cast<std::uint32_t>(nsec);
  // Watch out: a damaged file can hold nsec >= 10^9; tshark prints it as %09u does.
  if (ns >= 1000000000u) return Output::format_u32(p, ns);
  return Output::format_u32_padded(p, ns, 9);
}

// Room for every column of a row after the addresses (well under this).
constexpr std::size_t kRowTail = 512;
}  // namespace

void TsharkTsvWriter::put_time(std::int64_t sec, std::int32_t nsec) {
  out_->commit(format_time(out_->raw(32), sec, nsec));
}

void TsharkTsvWriter::put_addresses(const DecodedPacket& pkt) {
  // tshark's occurrence=l: the last IPv4 and the last IPv6 header of the packet.
  const IpHeader* v4 = nullptr;
  const IpHeader* v6 = nullptr;
  if (pkt.ip_depth >= 2) {
    if (pkt.outer_ip.version == 4) v4 = &pkt.outer_ip;
    if (pkt.outer_ip.version == 6) v6 = &pkt.outer_ip;
  }
  if (pkt.ip.version == 4) v4 = &pkt.ip;
  if (pkt.ip.version == 6) v6 = &pkt.ip;
  if (v6 == nullptr) {
    char* p = out_->raw(sizeof(AddressText::text));
    if (v4 == nullptr) {
      std::memcpy(p, "\t\t\t\t", 4);
      out_->commit(p + 4);
      return;
    }
    std::uint32_t src, dst;
    std::memcpy(&src, v4->src.bytes.data(), 4);
    std::memcpy(&dst, v4->dst.bytes.data(), 4);
    const std::uint64_t pair = std::uint64_t{src} << 32 | dst;
    AddressText& cached = addresses_[(pair * 0x9e3779b97f4a7c15ull) >> 60];
    if (cached.pair != pair || cached.len == 0) {
      char* t = cached.text;
      *t++ = '\t';
      t = format_ipv4_text(t, v4->src.bytes.data());
      *t++ = '\t';
      t = format_ipv4_text(t, v4->dst.bytes.data());
      t[0] = '\t';
      t[1] = '\t';
      cached.len = static_cast<std::uint8_t>(t + 2 - cached.text);
      cached.pair = pair;
    }
    std::memcpy(p, cached.text, sizeof cached.text);
    out_->commit(p + cached.len);
    return;
  }
  auto tab = [&] { out_->put('\t'); };
  tab();
  if (v4) out_->put_ipv4(v4->src.bytes.data());
  tab();
  if (v4) out_->put_ipv4(v4->dst.bytes.data());
  tab();
  out_->put_ipv6(v6->src.bytes.data());
  tab();
  out_->put_ipv6(v6->dst.bytes.data());
}

void TsharkTsvWriter::short_row(const RawPacket& raw, const DecodedPacket& pkt) {
  out_->put_u64(raw.number);
  out_->put('\t');
  put_time(raw.ts.sec, static_cast<std::int32_t>(raw.ts.nsec));
  out_->put('\t');  // no stream
  put_addresses(pkt);
  out_->put('\t');
  out_->put_u32(pkt.tcp.src_port);
  out_->put('\t');
  out_->put_u32(pkt.tcp.dst_port);
  for (int i = 0; i < 13; ++i) out_->put('\t');  // seq .. acks_frame, bytes_in_flight
  for (std::size_t i = 0; i < kFlagColumns.size(); ++i) out_->put("\t0");
  for (int i = 0; i < 5; ++i) out_->put('\t');  // dup-ack num/frame, RTTs, completeness
  out_->put('\n');
}

void TsharkTsvWriter::row(const RawPacket& raw, const DecodedPacket& pkt, const TcpPacketAnalysis& a,
                          const StreamSummary& summary, std::uint32_t stream) {
  const TcpSegment& seg = pkt.tcp;
  const TcpNumbers n = StreamTracker::numbers(seg, a, summary);

  // Written through a local pointer into room reserved once per part (see Output::raw).
  char* p = out_->raw(80);
  p = Output::format_u64(p, raw.number);
  *p++ = '\t';
  const auto nsec = static_cast<std::int32_t>(raw.ts.nsec);
  if (raw.ts.sec == time_sec_ && nsec >= 0 && nsec < 1000000000) {
    // Most rows fall in the previous row's second: its digits are kept.
    std::memcpy(p, time_text_, sizeof time_text_);
    p = Output::format_u32_padded(p + time_len_, static_cast<std::uint32_t>(nsec), 9);
  } else {
    char* start = p;
    p = format_time(p, raw.ts.sec, nsec);
    if (raw.ts.sec >= 0 && nsec >= 0 && nsec < 1000000000 && p - start - 9 <= static_cast<long>(sizeof time_text_)) {
      time_len_ = static_cast<std::uint8_t>(p - start - 9);  // "SECONDS."
      std::memcpy(time_text_, start, time_len_);
      time_sec_ = raw.ts.sec;
    }
  }
  *p++ = '\t';
  if (emitter_ != nullptr) {
    out_->commit(p);
    emitter_->put_stream(stream);
  } else {
    p = Output::format_u32(p, stream);
    out_->commit(p);
  }
  put_addresses(pkt);

  p = out_->raw(kRowTail);
  *p++ = '\t';
  p = Output::format_u32(p, seg.src_port);
  *p++ = '\t';
  p = Output::format_u32(p, seg.dst_port);
  *p++ = '\t';
  p = Output::format_u32(p, n.seq);
  const bool full = !a.short_header;
  *p++ = '\t';
  if (full) p = Output::format_u32(p, n.ack);
  *p++ = '\t';
  p = Output::format_u32(p, seg.seq);
  *p++ = '\t';
  if (full) p = Output::format_u32(p, seg.ack);
  *p++ = '\t';
  if (a.have_seglen) p = Output::format_u32(p, a.seglen);
  *p++ = '\t';
  if (full && n.has_nxtseq) p = Output::format_u32(p, n.nxtseq);
  *p++ = '\t';
  if (full) {
    const unsigned fl = seg.flags;
    p[0] = '0';
    p[1] = 'x';
    p[2] = kHex[(fl >> 12) & 15];
    p[3] = kHex[(fl >> 8) & 15];
    p[4] = kHex[(fl >> 4) & 15];
    p[5] = kHex[fl & 15];
    p += 6;
  }
  *p++ = '\t';
  if (full) {
    // Most rows repeat the previous row's flags: the string is kept for them.
    const unsigned key = seg.flags | (a.use_ace ? 0x1000u : 0u);
    if (key != flags_key_) {
      static constexpr char kLetters[] = "RRRACEUAPRSF";
      const unsigned ace = ((seg.flags & tcpflag::kAe) ? 4u : 0u) | ((seg.flags & tcpflag::kCwr) ? 2u : 0u) |
                           ((seg.flags & tcpflag::kEce) ? 1u : 0u);
      char* f = flags_text_;
      for (int i = 0; i < 12; ++i) {
        if (a.use_ace && i >= 3 && i <= 5) {
          *f++ = i == 4 ? static_cast<char>('0' + ace) : '-';
        } else if ((seg.flags >> (11 - i)) & 1) {
          *f++ = kLetters[i];
        } else {
          f[0] = '\xc2';
          f[1] = '\xb7';
          f += 2;
        }
      }
      flags_len_ = static_cast<std::uint8_t>(f - flags_text_);
      flags_key_ = key;
    }
    std::memcpy(p, flags_text_, sizeof flags_text_);  // the row's room has space for all of it
    p += flags_len_;
  }
  *p++ = '\t';
  if (full) p = Output::format_u32(p, seg.window);
  *p++ = '\t';
  if (full) p = Output::format_u32(p, n.window);
  *p++ = '\t';
  if (full && n.has_scale) {
    if (n.scale < 0) *p++ = '-';
    p = Output::format_u32(p, n.scale < 0 ? 0u - static_cast<std::uint32_t>(n.scale)
                                          : static_cast<std::uint32_t>(n.scale));
  }
  *p++ = '\t';
  if (a.acks_frame) p = Output::format_u64(p, a.acks_frame);
  *p++ = '\t';
  if (a.bytes_in_flight) p = Output::format_u32(p, a.bytes_in_flight);
  // tshark adds the retransmission expert to fast and spurious retransmissions too.
  const bool retrans = a.anomalies.has(Anomaly::Retransmission) ||
                       a.anomalies.has(Anomaly::FastRetransmission) ||
                       a.anomalies.has(Anomaly::SpuriousRetransmission);
  if (a.anomalies.empty()) {  // most rows
    static constexpr char kNoFlags[] = "\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0";
    static_assert(sizeof kNoFlags - 1 == 2 * kFlagColumns.size());
    std::memcpy(p, kNoFlags, sizeof kNoFlags - 1);
    p += sizeof kNoFlags - 1;
  } else {
    for (Anomaly f : kFlagColumns) {
      p[0] = '\t';
      p[1] = (f == Anomaly::Retransmission ? retrans : a.anomalies.has(f)) ? '1' : '0';
      p += 2;
    }
  }
  *p++ = '\t';
  if (a.dupack_num) p = Output::format_u32(p, a.dupack_num);
  *p++ = '\t';
  if (a.dupack_num) p = Output::format_u64(p, a.dupack_frame);
  *p++ = '\t';
  if (a.has_acked_record && !summary.initial_rtt.is_zero()) {
    RttText& cached = initial_rtts_[stream & 63];
    if (cached.stream != stream + 1) {
      cached.len = static_cast<std::uint8_t>(
          format_time(cached.text, summary.initial_rtt.secs, summary.initial_rtt.nsecs) - cached.text);
      cached.stream = stream + 1;
    }
    std::memcpy(p, cached.text, sizeof cached.text);
    p += cached.len;
  }
  *p++ = '\t';
  if (a.acks_frame && !a.ack_rtt.is_zero()) p = format_time(p, a.ack_rtt.secs, a.ack_rtt.nsecs);
  *p++ = '\t';
  p = Output::format_u32(p, a.completeness);
  *p++ = '\n';
  out_->commit(p);
}

}  // namespace tcplens

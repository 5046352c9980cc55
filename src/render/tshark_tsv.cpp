#include "tcplens/render/tshark_tsv.hpp"

#include <array>

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
    if (i) out_.put('\t');
    out_.put(kColumns[i]);
  }
  out_.put('\n');
}

// Wireshark's display_signed_time(): one sign for both parts, then their magnitudes.
void TsharkTsvWriter::put_time(std::int64_t sec, std::int32_t nsec) {
  if (sec < 0 || nsec < 0) out_.put('-');
  out_.put_u64(sec < 0 ? 0 - static_cast<std::uint64_t>(sec) : static_cast<std::uint64_t>(sec));
  out_.put('.');
  std::uint32_t ns = nsec < 0 ? 0u - static_cast<std::uint32_t>(nsec) : static_cast<std::uint32_t>(nsec);
  // Watch out: a damaged file can hold nsec >= 10^9; tshark prints it as %09u does.
  if (ns >= 1000000000u)
    out_.put_u32(ns);
  else
    out_.put_u32_padded(ns, 9);
}

void TsharkTsvWriter::put_addresses(const DecodedPacket& pkt) {
  auto tab = [&] { out_.put('\t'); };
  // tshark's occurrence=l: the last IPv4 and the last IPv6 header of the packet.
  const IpHeader* v4 = nullptr;
  const IpHeader* v6 = nullptr;
  for (const IpHeader* h : {&pkt.outer_ip, &pkt.ip}) {
    if (h == &pkt.outer_ip && pkt.ip_depth < 2) continue;
    if (h->version == 4) v4 = h;
    if (h->version == 6) v6 = h;
  }
  tab();
  if (v4) out_.put_ipv4(v4->src.bytes.data());
  tab();
  if (v4) out_.put_ipv4(v4->dst.bytes.data());
  tab();
  if (v6) out_.put_ipv6(v6->src.bytes.data());
  tab();
  if (v6) out_.put_ipv6(v6->dst.bytes.data());
}

void TsharkTsvWriter::short_row(const RawPacket& raw, const DecodedPacket& pkt) {
  out_.put_u64(raw.number);
  out_.put('\t');
  put_time(raw.ts.sec, static_cast<std::int32_t>(raw.ts.nsec));
  out_.put('\t');  // no stream
  put_addresses(pkt);
  out_.put('\t');
  out_.put_u32(pkt.tcp.src_port);
  out_.put('\t');
  out_.put_u32(pkt.tcp.dst_port);
  for (int i = 0; i < 13; ++i) out_.put('\t');  // seq .. acks_frame, bytes_in_flight
  for (std::size_t i = 0; i < kFlagColumns.size(); ++i) out_.put("\t0");
  for (int i = 0; i < 5; ++i) out_.put('\t');  // dup-ack num/frame, RTTs, completeness
  out_.put('\n');
}

void TsharkTsvWriter::row(const RawPacket& raw, const DecodedPacket& pkt, const TcpPacketAnalysis& a,
                          const StreamSummary& summary) {
  const TcpSegment& seg = pkt.tcp;
  const TcpNumbers n = StreamTracker::numbers(seg, a, summary);
  auto tab = [&] { out_.put('\t'); };

  out_.put_u64(raw.number);
  tab();
  put_time(raw.ts.sec, static_cast<std::int32_t>(raw.ts.nsec));
  tab();
  out_.put_u32(a.stream);
  put_addresses(pkt);
  tab();
  out_.put_u32(seg.src_port);
  tab();
  out_.put_u32(seg.dst_port);
  tab();
  out_.put_u32(n.seq);
  const bool full = !a.short_header;
  tab();
  if (full) out_.put_u32(n.ack);
  tab();
  out_.put_u32(seg.seq);
  tab();
  if (full) out_.put_u32(seg.ack);
  tab();
  if (a.have_seglen) out_.put_u32(a.seglen);
  tab();
  if (full && n.has_nxtseq) out_.put_u32(n.nxtseq);
  tab();
  if (full) {
    out_.put("0x");
    out_.put_hex(seg.flags, 4);
  }
  tab();
  if (full) {
    static constexpr char kLetters[] = "RRRACEUAPRSF";
    const unsigned ace = ((seg.flags & tcpflag::kAe) ? 4u : 0u) | ((seg.flags & tcpflag::kCwr) ? 2u : 0u) |
                         ((seg.flags & tcpflag::kEce) ? 1u : 0u);
    for (int i = 0; i < 12; ++i) {
      if (a.use_ace && i >= 3 && i <= 5) {
        out_.put(i == 4 ? static_cast<char>('0' + ace) : '-');
      } else if ((seg.flags >> (11 - i)) & 1) {
        out_.put(kLetters[i]);
      } else {
        out_.put("\xc2\xb7");
      }
    }
  }
  tab();
  if (full) out_.put_u32(seg.window);
  tab();
  if (full) out_.put_u32(n.window);
  tab();
  if (full && n.has_scale) out_.put_i64(n.scale);
  tab();
  if (a.acks_frame) out_.put_u64(a.acks_frame);
  tab();
  if (a.bytes_in_flight) out_.put_u32(a.bytes_in_flight);
  for (Anomaly f : kFlagColumns) {
    tab();
    bool on = a.anomalies.has(f);
    // tshark adds the retransmission expert to fast and spurious retransmissions too.
    if (f == Anomaly::Retransmission)
      on = on || a.anomalies.has(Anomaly::FastRetransmission) ||
           a.anomalies.has(Anomaly::SpuriousRetransmission);
    out_.put(on ? '1' : '0');
  }
  tab();
  if (a.dupack_num) out_.put_u32(a.dupack_num);
  tab();
  if (a.dupack_num) out_.put_u64(a.dupack_frame);
  tab();
  if (a.has_acked_record && !summary.initial_rtt.is_zero())
    put_time(summary.initial_rtt.secs, summary.initial_rtt.nsecs);
  tab();
  if (a.acks_frame && !a.ack_rtt.is_zero()) put_time(a.ack_rtt.secs, a.ack_rtt.nsecs);
  tab();
  out_.put_u32(a.completeness);
  out_.put('\n');
}

}  // namespace tcplens

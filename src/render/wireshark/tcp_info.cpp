// The Info column of a TCP segment as Wireshark 4.0's packet-tcp.c builds it (dissect_tcp,
// tcp_dissect_options and tcp_print_sequence_number_analysis; our own code).
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include "render/wireshark/wireshark_private.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/render/wireshark_renderer.hpp"

namespace tcplens {

namespace {

// " NAME=V" in one append: this runs several times for every packet.
void append_uint(std::string& out, std::string_view name, std::uint32_t v) {
  char buf[48];
  const std::size_t n = std::min(name.size(), sizeof buf - 12);
  buf[0] = ' ';
  std::memcpy(buf + 1, name.data(), n);
  buf[n + 1] = '=';
  char* end = Output::format_u32(buf + n + 2, v);
  out.append(buf, static_cast<std::size_t>(end - buf));
}

void append_number(std::string& out, std::uint32_t v) {
  char buf[12];
  out.append(buf, static_cast<std::size_t>(Output::format_u32(buf, v) - buf));
}

// tcp_flags_to_str(): names in bit order, ", ACE=n" instead of ECE/CWR/AE once AccECN is in use.
void append_flags(std::string& out, const TcpSegment& seg, bool use_ace) {
  static constexpr const char* kNames[] = {"FIN", "SYN", "RST", "PSH", "ACK",
                                           "URG", "ECE", "CWR", "AE"};
  const std::size_t start = out.size();
  const int count = use_ace ? 6 : 9;
  for (int i = 0; i < count; ++i) {
    if (!(seg.flags & (1u << i))) continue;
    if (out.size() != start) out += ", ";
    out += kNames[i];
  }
  if (use_ace) {
    const unsigned ace = ((seg.flags & tcpflag::kAe) ? 4u : 0u) |
                         ((seg.flags & tcpflag::kCwr) ? 2u : 0u) |
                         ((seg.flags & tcpflag::kEce) ? 1u : 0u);
    out += ", ACE=";
    out += static_cast<char>('0' + ace);
  }
  if (seg.flags & tcpflag::kReserved) {
    if (out.size() != start) out += ", ";
    out += "Reserved";
  }
  if (out.size() == start) out += "<None>";
}

// The AccECN option's byte counters, as many as its length holds (" AccECN" when none):
// " EE0B=n ECEB=n EE1B=n", EE1B first in the AccECN1 order.
void append_acc_ecn(std::string& out, ByteView counters, bool order1) {
  static constexpr const char* kNames[2][3] = {{"EE0B", "ECEB", "EE1B"}, {"EE1B", "ECEB", "EE0B"}};
  if (counters.size() < 3) {
    out += " AccECN";
    return;
  }
  for (std::size_t i = 0; i < 3 && 3 * i + 3 <= counters.size(); ++i)
    append_uint(out, kNames[order1][i], load_be24(counters.data() + 3 * i));
}

// tcp_dissect_options(): walks the options in order. Returns false when the walk ran off the
// captured bytes (tshark throws there: "[Packet size limited during capture]").
bool append_options(std::string& out, const TcpSegment& seg, std::uint32_t rev_base) {
  const std::size_t hlen = seg.header_len;
  const ByteView h = seg.header;
  std::size_t off = 20;
  std::size_t length = hlen > 20 ? hlen - 20 : 0;
  bool eol_seen = false;
  while (length > 0) {
    if (off >= h.size()) return false;
    const std::uint8_t opt = h[off];
    if (eol_seen && opt != tcpopt::kEol) return true;  // "Non-zero header padding"
    --length;
    if (opt == tcpopt::kEol || opt == tcpopt::kNop) {
      ++off;
      if (opt == tcpopt::kEol) eol_seen = true;
      continue;
    }
    if (length == 0) return true;  // length byte past end of options
    if (off + 1 >= h.size()) return false;
    const std::size_t optlen = h[off + 1];
    --length;
    if (optlen < 2 || optlen - 2 > length) return true;  // bogus length: tshark stops quietly
    if (off + optlen > h.size()) return false;
    const ByteView o = h.subspan(off, optlen);
    switch (opt) {
      case tcpopt::kMss:
        // A wrong length is an expert item only; the value is not shown.
        if (optlen == 4) append_uint(out, "MSS", load_be16(o, 2));
        break;
      case tcpopt::kWindowScale:
        if (optlen == 3) {
          unsigned shift = o[2];
          if (shift > 14) shift = 14;  // RFC 7323 section 2.3, as tshark
          append_uint(out, "WS", 1u << shift);
        }
        break;
      case tcpopt::kSackPermitted:
        if (optlen == 2) out += " SACK_PERM";
        break;
      case tcpopt::kSack: {
        std::size_t rest = optlen - 2;
        std::size_t p = 2;
        while (rest >= 8) {
          append_uint(out, "SLE", load_be32(o, p) - rev_base);
          append_uint(out, "SRE", load_be32(o, p + 4) - rev_base);
          p += 8;
          rest -= 8;
        }
        break;
      }
      case tcpopt::kTimestamps:
        if (optlen == 10) {
          append_uint(out, "TSval", load_be32(o, 2));
          append_uint(out, "TSecr", load_be32(o, 6));
        }
        break;
      case tcpopt::kFastOpen:
        // dissect_tcpopt_tfo_payload(): a request has no cookie.
        out += optlen == 2 ? " TFO=R" : " TFO=C";
        break;
      case tcpopt::kAccEcn0:
      case tcpopt::kAccEcn1:
        append_acc_ecn(out, o.subspan(2), opt == tcpopt::kAccEcn1);
        break;
      case tcpopt::kExperimental1:
      case tcpopt::kExperimental2:
        if (optlen >= 4 && load_be16(o, 2) == tcpopt::kFastOpenMagic)
          out += optlen == 4 ? " TFO=R" : " TFO=C";
        else if (optlen >= 4 && (load_be16(o, 2) == tcpopt::kAccEcn0Magic || load_be16(o, 2) == tcpopt::kAccEcn1Magic))
          append_acc_ecn(out, o.subspan(4), load_be16(o, 2) == tcpopt::kAccEcn1Magic);
        break;
      default:
        break;
    }
    off += optlen;
    length -= optlen - 2;
  }
  return true;
}

}  // namespace

void format_tcp_expert_prefix(std::string& out, const TcpPacketAnalysis& a) {
  // tcp_print_sequence_number_analysis() prepends each label in this call order, so the
  // line shows them in reverse: zero window group first, reused ports last.
  const AnomalySet& f = a.anomalies;
  if (f.has(Anomaly::ZeroWindowProbeAck)) out += "[TCP ZeroWindowProbeAck] ";
  if (f.has(Anomaly::ZeroWindow)) out += "[TCP ZeroWindow] ";
  if (f.has(Anomaly::ZeroWindowProbe)) out += "[TCP ZeroWindowProbe] ";
  if (a.dupack_num && f.has(Anomaly::DuplicateAck)) {
    out += "[TCP Dup ACK ";
    out += std::to_string(a.dupack_frame);
    out += '#';
    out += std::to_string(a.dupack_num);
    out += "] ";
  }
  if (f.has(Anomaly::KeepAliveAck)) out += "[TCP Keep-Alive ACK] ";
  if (f.has(Anomaly::KeepAlive)) out += "[TCP Keep-Alive] ";
  if (f.has(Anomaly::WindowFull)) out += "[TCP Window Full] ";
  if (f.has(Anomaly::WindowUpdate)) out += "[TCP Window Update] ";
  if (f.has(Anomaly::AckLostSegment)) out += "[TCP ACKed unseen segment] ";
  if (f.has(Anomaly::LostSegment)) out += "[TCP Previous segment not captured] ";
  if (f.has(Anomaly::OutOfOrder)) out += "[TCP Out-Of-Order] ";
  const bool fast = f.has(Anomaly::FastRetransmission);
  const bool spurious = f.has(Anomaly::SpuriousRetransmission);
  if (spurious) out += "[TCP Spurious Retransmission] ";
  if (fast) out += "[TCP Fast Retransmission] ";
  // Our AnomalySet also marks fast and spurious retransmissions as retransmissions (the
  // expert item is added for all three); tshark's ta->flags holds only one of them.
  if (f.has(Anomaly::Retransmission) && !fast && !spurious) out += "[TCP Retransmission] ";
  if (f.has(Anomaly::ReusedPorts)) out += "[TCP Port numbers reused] ";
}

bool format_tcp_body(std::string& out, const TcpSegment& seg, const TcpPacketAnalysis& a,
                     const TcpNumbers& n) {
  append_number(out, seg.src_port);
  out += " \xe2\x86\x92 ";
  append_number(out, seg.dst_port);
  if (!seg.fixed_valid) {
    out += "[Packet size limited during capture]";
    return false;
  }
  out += " [";
  append_flags(out, seg, a.use_ace && !(seg.flags & tcpflag::kSyn));
  out += ']';
  append_uint(out, "Seq", n.seq);
  if (seg.flags & tcpflag::kAck) append_uint(out, "Ack", n.ack);
  append_uint(out, "Win", n.window);
  if (seg.header_len < 20) {
    out += ", bogus TCP header length (";
    out += std::to_string(seg.header_len);
    out += ", must be at least 20)";
    return false;
  }
  if (seg.header.size() < 20) {
    out += "[Packet size limited during capture]";
    return false;
  }
  if (seg.flags & tcpflag::kUrg) append_uint(out, "Urg", load_be16(seg.header, 18));
  if (seg.have_seglen) append_uint(out, "Len", seg.payload_len);
  const std::uint32_t rev_base = a.rel_base[a.dir == Direction::AToB ? 1 : 0];
  if (!append_options(out, seg, rev_base)) {
    out += "[Packet size limited during capture]";
    return false;
  }
  return a.tracked;
}

void format_tcp_info(std::string& out, const TcpSegment& seg, const TcpPacketAnalysis& a,
                     const TcpNumbers& n) {
  std::string body;
  if (format_tcp_body(body, seg, a, n)) format_tcp_expert_prefix(out, a);
  out += body;
}

}  // namespace tcplens

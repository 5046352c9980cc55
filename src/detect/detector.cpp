#include "tcplens/detect/detector.hpp"

#include <algorithm>
#include <tuple>

#include "tcplens/flow/flow_key.hpp"
#include "tcplens/wire/ip.hpp"
#include "tcplens/wire/tcp.hpp"

namespace tcplens::detect {

namespace {

// An orphan 4-tuple whose first packet was a RST (kept in FlowSlot::counts' high nibble,
// where other orphans keep their ProbeClass).
constexpr unsigned kRstOrphan = 15;

bool scan_probe(ProbeClass c) {
  return c == ProbeClass::Fin || c == ProbeClass::Null || c == ProbeClass::Xmas ||
         c == ProbeClass::Ack || c == ProbeClass::Maimon;
}

void facts_of(const IpHeader& ip, const TcpSegment& tcp, std::uint64_t frame, std::int64_t ns, PacketFacts& p) {
  p.src = ip.src;
  p.dst = ip.dst;
  p.sport = tcp.src_port;
  p.dport = tcp.dst_port;
  p.seq = tcp.seq;
  p.ack = tcp.ack;
  p.flags = tcp.flags;
  p.window = tcp.window;
  p.ttl = ip.ttl;
  p.ip_id = static_cast<std::uint16_t>(ip.ident);
  p.payload_len = tcp.payload_len;
  p.options = option_shape(tcp);
  p.has_ts = tcp.header_valid && tcp.options.has_timestamps;
  p.ts_val = tcp.options.ts_val;
  p.frame = frame;
  p.ns = ns;
}

}  // namespace

OptionShape option_shape(const TcpSegment& seg) {
  if (!seg.header_valid || seg.header_len <= 20) return OptionShape::None;
  const TcpOptions& o = seg.options;
  const bool extras = o.sack_permitted || o.has_timestamps || o.has_window_scale;
  if (o.has_mss && !extras && seg.header_len == 24) return OptionShape::MssOnly;
  if (o.has_mss && extras) return OptionShape::Full;
  return OptionShape::Other;
}

ProbeClass probe_class(std::uint16_t flags, std::uint32_t payload_len) {
  using namespace tcpflag;
  const std::uint16_t f = flags & (kFin | kSyn | kRst | kPsh | kAck | kUrg);
  if (f & kSyn) return ProbeClass::Syn;
  if (f == 0) return ProbeClass::Null;
  if (f == kFin) return ProbeClass::Fin;
  if (f == (kFin | kPsh | kUrg)) return ProbeClass::Xmas;
  if (f == (kFin | kAck)) return payload_len == 0 ? ProbeClass::Maimon : ProbeClass::Data;
  if ((f & kAck) && !(f & (kFin | kRst))) return payload_len == 0 && f == kAck ? ProbeClass::Ack : ProbeClass::Data;
  return ProbeClass::Other;
}

bool is_bogus_source(const IpAddress& a) {
  if (a.family == 4) {
    const std::uint8_t b = a.bytes[0];
    return b == 0 || b == 127 || b >= 224;
  }
  if (a.family == 6) {
    if (a.bytes[0] == 0xff) return true;
    bool zero = true;
    for (int i = 0; i < 15; ++i) zero = zero && a.bytes[i] == 0;
    return zero && a.bytes[15] <= 1;
  }
  return false;
}

Detector::Detector(const DetectOptions& options)
    : opt_(options),
      flows_(options.flow_cache_log2_sets),
      flood_(opt_, findings_),
      scan_(opt_, findings_),
      isn_(opt_, findings_) {}

DetectInput Detector::input_of(const RawPacket& raw, const DecodedPacket& pkt, PacketFacts& p) {
  if (pkt.has_tcp() && pkt.ip.protocol == ipproto::kTcp) {
    facts_of(pkt.ip, pkt.tcp, raw.number, to_ns(raw.ts), p);
    return DetectInput::Tcp;
  }
  if (pkt.in_icmp_error && pkt.icmp_error.tcp.fixed_valid && pkt.icmp_error.has_ip) {
    const IcmpError& e = pkt.icmp_error;
    const bool unreachable = (e.ip.version == 4 && pkt.has(Layer::Icmp) && e.type == 3) ||
                             (pkt.has(Layer::Icmpv6) && e.type == 1);
    if (unreachable) {
      facts_of(e.ip, e.tcp, raw.number, to_ns(raw.ts), p);  // the quoted probe
      return DetectInput::Unreachable;
    }
  }
  return DetectInput::Other;
}

void Detector::on_packet(const RawPacket& raw, const DecodedPacket& pkt) {
  PacketFacts p;
  on_input(input_of(raw, pkt, p), p);
}

void Detector::on_input(DetectInput kind, const PacketFacts& p) {
  ++packets_;
  if (kind == DetectInput::Tcp) {
    ++tcp_packets_;
    Direction dir;
    const FlowKey key = FlowKey::make(p.src, p.sport, p.dst, p.dport, ipproto::kTcp, dir);
    on_tcp(p, key.hash(), dir == Direction::AToB);
  } else if (kind == DetectInput::Unreachable) {
    on_unreachable(p);
  }
}

void Detector::on_tcp(const PacketFacts& p, std::uint64_t hash, bool from_low) {
  using namespace tcpflag;
  const std::uint16_t now = tick(p.ns);
  bool created = false;
  FlowSlot& f = flows_.find_or_insert(hash, now, created);
  const bool syn = p.flags & kSyn, ack = p.flags & kAck, rst = p.flags & kRst;
  const bool from_client = created || ((f.state & FlowSlot::kLowIsClient) != 0) == from_low;
  // The state bit that makes the packet's source (or destination) the client.
  const std::uint8_t src_is_client = from_low ? FlowSlot::kLowIsClient : 0;
  const std::uint8_t dst_is_client = from_low ? 0 : FlowSlot::kLowIsClient;
  auto restart = [&](std::uint8_t state) {
    const std::uint32_t tag = f.tag;
    f = FlowSlot{};
    f.tag = tag;
    f.state = state;
    f.tick = now;
  };

  if (syn && !ack && !rst) {
    if (!created && (f.state & FlowSlot::kSyn) && from_client && f.client_seq == p.seq) {
      if (f.pending()) {  // a retransmission of the attempt's SYN
        f.bump_low();
        flood_.on_syn_retry(p);
        scan_.on_probe_repeat(p);
      }
      return;
    }
    restart(FlowSlot::kSyn | src_is_client);  // a new attempt (or a new ISN on a used 4-tuple)
    f.client_seq = p.seq;
    flood_.on_attempt(p);
    scan_.on_probe(p, ProbeClass::Syn);
    return;
  }

  if (syn && ack && !rst) {
    if (!created && (f.state & FlowSlot::kSyn)) {
      if (from_client || p.ack != f.client_seq + 1) return;  // not the answer to this SYN
      if (f.state & FlowSlot::kSynAck) {
        if (f.server_isn == p.seq) {
          f.bump_high();
          if (f.pending()) flood_.on_synack(p, true);
        }
        return;
      }
      f.state |= FlowSlot::kSynAck;
      f.server_isn = p.seq;
      flood_.on_synack(p, false);
      scan_.on_open(p);
      isn_.sample(p.src, p.seq, hash, true, p.frame, p.ns);
      return;
    }
    if (!created && (f.state & FlowSlot::kOrphanSynAck) && !from_client) {
      const bool again = f.server_isn == p.seq;
      if (again) f.bump_high();
      f.server_isn = p.seq;
      flood_.on_orphan_synack(p, again);
      if (!again) isn_.sample(p.src, p.seq, hash, true, p.frame, p.ns);
      return;
    }
    if (!created && (f.state & FlowSlot::kOrphan) && !(f.state & FlowSlot::kAlive)) return;
    // A SYN-ACK answering no SYN seen: reflection or backscatter (or a capture that began
    // between the SYN and its answer).
    restart(FlowSlot::kOrphanSynAck | dst_is_client);
    f.server_isn = p.seq;
    flood_.on_orphan_synack(p, false);
    isn_.sample(p.src, p.seq, hash, true, p.frame, p.ns);
    return;
  }

  if (rst) {
    if (created) {
      restart(FlowSlot::kOrphan | src_is_client);
      f.client_seq = p.seq;
      f.counts = static_cast<std::uint8_t>(kRstOrphan << 4 | 1);
      flood_.on_orphan_rst(p);
      return;
    }
    if (f.pending()) {
      const std::int64_t attempt = began(f, p.ns);
      if (!from_client) {
        flood_.on_refused({p.src, p.sport}, attempt);
        scan_.on_closed(p, true);
      } else {
        flood_.on_client_reset(p, attempt);
        if (f.state & FlowSlot::kSynAck) scan_.on_half_open_reset(p.src, p.dst, p.dport);
      }
      f.state |= FlowSlot::kResolved;
      f.counts = 0;
      f.tick = now;
      return;
    }
    if ((f.state & FlowSlot::kOrphan) && !(f.state & FlowSlot::kAlive)) {
      if (!from_client) {
        flood_.on_orphan_reply(p);
        scan_.on_closed(p, false);
      } else if ((f.counts >> 4) == kRstOrphan) {
        f.bump_low();
        flood_.on_orphan_rst(p);
      }
      return;
    }
    if ((f.state & FlowSlot::kOrphanSynAck) && from_client) {
      flood_.on_reflection_rst(p);
      return;
    }
    f.tick = now;
    return;
  }

  // ACK, FIN, PSH, URG or no flag at all.
  if (created) {
    const ProbeClass cls = probe_class(p.flags, p.payload_len);
    restart(FlowSlot::kOrphan | src_is_client);
    f.client_seq = p.seq + p.payload_len + ((p.flags & kFin) ? 1 : 0);
    f.server_isn = p.ack;
    f.counts = static_cast<std::uint8_t>(static_cast<unsigned>(cls) << 4 | 1);
    flood_.on_orphan(p, cls);
    if (scan_probe(cls)) scan_.on_probe(p, cls);
    return;
  }
  if (f.pending()) {
    if (from_client && ack && p.seq == f.client_seq + 1 &&
        (!(f.state & FlowSlot::kSynAck) || p.ack == f.server_isn + 1)) {
      const std::int64_t attempt = began(f, p.ns);
      const unsigned retries = f.syn_retries();
      f.state |= FlowSlot::kResolved | FlowSlot::kCompleted;
      f.counts = 0;
      f.tick = now;
      flood_.on_completed(p, attempt, retries);
      scan_.on_completed(p.src, p.dst, p.dport);
      isn_.sample(p.src, f.client_seq, hash, false, p.frame, p.ns);
      if (p.payload_len > 0) {
        f.counts |= 0x80;
        scan_.on_used(p.src, p.dst, p.dport);
      }
    }
    return;
  }
  if ((f.state & FlowSlot::kOrphan) && !(f.state & FlowSlot::kAlive)) {
    // Proof of a connection: an answer other than RST, or the sender going on in order.
    const bool in_order = p.seq == f.client_seq && (p.payload_len > 0 || (ack && p.ack != f.server_isn));
    if (!from_client || in_order) {
      orphan_alive(f, p, from_client);
      return;
    }
    f.bump_low();
    flood_.on_orphan(p, probe_class(p.flags, p.payload_len));
    scan_.on_probe_repeat(p);
    return;
  }
  if ((f.state & FlowSlot::kOrphanSynAck) && from_client && ack && p.ack == f.server_isn + 1) {
    // The SYN-ACK was answered: a connection whose SYN came before the capture.
    f.state = static_cast<std::uint8_t>((f.state & FlowSlot::kLowIsClient) | FlowSlot::kSynAck |
                                        FlowSlot::kResolved | FlowSlot::kCompleted);
    f.tick = now;
    flood_.on_reflection_answered(p);
    return;
  }
  f.tick = now;
  if ((f.state & FlowSlot::kCompleted) && p.payload_len > 0 && !(f.counts & 0x80)) {
    f.counts |= 0x80;
    if (from_client)
      scan_.on_used(p.src, p.dst, p.dport);
    else
      scan_.on_used(p.dst, p.src, p.sport);
  }
}

void Detector::orphan_alive(FlowSlot& f, const PacketFacts& p, bool from_client) {
  const unsigned cls = f.counts >> 4;
  const unsigned n = f.counts & 15u;
  const TargetKey target = from_client ? TargetKey{p.dst, p.dport} : TargetKey{p.src, p.sport};
  const IpAddress& client = from_client ? p.src : p.dst;
  flood_.on_orphan_alive(target, cls == kRstOrphan, began(f, p.ns), n);
  if (cls != kRstOrphan && scan_probe(static_cast<ProbeClass>(cls))) scan_.on_alive(client, target.addr, target.port);
  f.state |= FlowSlot::kAlive;
  f.counts = 0;
  f.tick = tick(p.ns);
}

void Detector::on_unreachable(const PacketFacts& q) {
  // q: the probe an ICMP unreachable quotes, scanner (or client) to target.
  Direction dir;
  const FlowKey key = FlowKey::make(q.src, q.sport, q.dst, q.dport, ipproto::kTcp, dir);
  FlowSlot* f = flows_.find(key.hash());
  if (f == nullptr) return;
  const bool from_client = ((f->state & FlowSlot::kLowIsClient) != 0) == (dir == Direction::AToB);
  if (!from_client) return;
  if (f->pending()) {
    flood_.on_refused({q.dst, q.dport}, began(*f, q.ns));
    f->state |= FlowSlot::kResolved;
    scan_.on_unreachable(q);
  } else if ((f->state & FlowSlot::kOrphan) && !(f->state & FlowSlot::kAlive)) {
    scan_.on_unreachable(q);
  }
}

void Detector::finish() {
  flood_.finish();
  scan_.finish();
  isn_.finish();
  merge_duplicates();
}

void Detector::merge_from(const Detector& other) {
  flows_.merge_from(other.flows_);
  flood_.merge_from(other.flood_);
  scan_.merge_from(other.scan_);
  isn_.merge_from(other.isn_);
  packets_ += other.packets_;
  tcp_packets_ += other.tcp_packets_;
  // The other detector's findings of entries it evicted are kept; the rest are raised again
  // from the merged evidence by finish().
  for (const Finding& f : other.findings_.items()) findings_.items().push_back(f);
}

void Detector::merge_duplicates() {
  std::vector<Finding>& all = findings_.items();
  // By identity, the one with the most packets first, then the order raised.
  std::vector<std::size_t> order(all.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto identity = [&](std::size_t i) {
    const Finding& f = all[i];
    return std::tie(f.kind, f.source, f.target, f.scan_type);
  };
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (identity(a) != identity(b)) return identity(a) < identity(b);
    if (all[a].packets != all[b].packets) return all[a].packets > all[b].packets;
    return a < b;
  });
  std::vector<Finding> out;
  std::size_t prev = 0;
  for (std::size_t k = 0; k < order.size(); ++k) {
    Finding& f = all[order[k]];
    if (k > 0 && identity(order[k]) == identity(prev)) {
      Finding& kept = out.back();  // the one with the most packets keeps its evidence
      if (f.first_frame != 0 && (f.first_frame < kept.first_frame || kept.first_frame == 0)) {
        kept.first_frame = f.first_frame;
        kept.first_ts = f.first_ts;
      }
      if (f.last_frame > kept.last_frame) {
        kept.last_frame = f.last_frame;
        kept.last_ts = f.last_ts;
      }
      continue;
    }
    prev = order[k];
    out.push_back(f);
  }
  std::sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.first_frame, a.kind, a.target, a.source) < std::tie(b.first_frame, b.kind, b.target, b.source);
  });
  all = std::move(out);
}

}  // namespace tcplens::detect

// ScanDetector: port scans, vertical (one source, many ports of one host) and horizontal (one
// source, one port of many hosts), with the probe type, what the scanner learned and, where
// it shows, the tool.
//
// A probe is a SYN that starts an attempt, or the first packet of a 4-tuple of no connection
// (FIN, NULL, Xmas, ACK, Maimon). Each (scanner, host) and (scanner, port) pair counts its
// distinct ports / hosts with a HyperLogLog, the answers (SYN-ACK: open; RST: closed or
// unfiltered; ICMP unreachable or nothing: filtered) and how many probes found a service the
// scanner then used (a handshake that carried data; a 4-tuple that proved a connection). A
// pair is a scan when its distinct ports (hosts) reach --scan-ports (--scan-hosts) while at
// most --scan-max-success of its probes succeeded that way: a client that retries one port
// is no scanner, nor is one that opens many connections it uses (FTP data connections, a
// crawler).
#pragma once

#include <array>
#include <cstdint>

#include "tcplens/detect/finding.hpp"
#include "tcplens/detect/options.hpp"
#include "tcplens/detect/packet_facts.hpp"
#include "tcplens/detect/sketch.hpp"
#include "tcplens/detect/table.hpp"

namespace tcplens::detect {

// A scan pair's counts: plain values, reset by value (the sketches beside them reset in O(1)).
struct ScanCounts {
  bool horizontal = false;
  std::int32_t finding = -1;
  Span span;
  std::uint64_t packets = 0;  // probe packets, repeats included
  std::uint64_t probes = 0;   // new probes
  std::array<std::uint64_t, kProbeClasses> classes{};  // new probes by ProbeClass
  // Answers and outcomes.
  std::uint64_t synacks = 0, refused = 0, half_open_resets = 0, completed = 0, used_conns = 0;
  std::uint64_t closed_replies = 0, alive = 0, unreachable = 0;
  std::array<std::uint16_t, 16> open_ports{};  // vertical: the first open ports found
  std::uint8_t open_port_count = 0;
  IpAddress host_min, host_max;  // horizontal: the range of hosts probed
  // Fingerprints.
  std::uint64_t win_nmap = 0, win_512 = 0;
  std::array<std::uint64_t, 4> option_shapes{};
  std::uint32_t first_seq = 0;
  std::uint64_t same_seq = 0;
  std::uint64_t ipid_zmap = 0;
  std::uint8_t ttl_min = 255, ttl_max = 0;
};

struct ScanPair : ScanCounts {
  using Key = PairKey;
  Key key;
  bool used = false;
  DistinctCounter<8, 128> probed;  // ports (vertical) or hosts (horizontal)
  DistinctCounter<8, 128> closed;  // of them, answered by RST
  DistinctCounter<6, 16> open;     // of them, answered by SYN-ACK
  DistinctCounter<4, 4> sports;    // source ports of the probes

  // Cheap, as a forged flood makes a pair of every forged source: the counts by value, the
  // sketches cleared in place.
  void reset(const Key& k) {
    static_cast<ScanCounts&>(*this) = ScanCounts();
    probed.clear();
    closed.clear();
    open.clear();
    sports.clear();
    key = k;
    used = true;
  }
  std::uint64_t score(std::int64_t now_ns) const {
    return recent_score(span, now_ns, 3600'000'000'000, probes, finding >= 0);
  }
  void merge_from(const ScanPair& o);
};

class ScanDetector {
 public:
  ScanDetector(const DetectOptions& options, FindingList& findings);

  // A SYN that starts an attempt, or the first packet of a 4-tuple of no connection.
  void on_probe(const PacketFacts& p, ProbeClass cls);
  // The same probe again (retransmission; a packet on a 4-tuple not yet proved).
  void on_probe_repeat(const PacketFacts& p);
  // Answers from the target (p.src) to the scanner (p.dst).
  void on_open(const PacketFacts& p);                      // SYN-ACK
  void on_closed(const PacketFacts& p, bool to_syn);       // RST to a SYN or to a probe
  // Outcomes, from the scanner's (client's) side: `scanner`, `host`, `port` of the target.
  void on_half_open_reset(const IpAddress& scanner, const IpAddress& host, std::uint16_t port);
  void on_completed(const IpAddress& scanner, const IpAddress& host, std::uint16_t port);
  void on_used(const IpAddress& scanner, const IpAddress& host, std::uint16_t port);
  void on_alive(const IpAddress& scanner, const IpAddress& host, std::uint16_t port);
  // An ICMP unreachable quoting the probe `quoted` (scanner to target).
  void on_unreachable(const PacketFacts& quoted);

  void finish();
  void merge_from(const ScanDetector& other);

 private:
  using Table = BoundedTable<ScanPair>;
  template <typename F>
  void both(const IpAddress& scanner, const IpAddress& host, std::uint16_t port, F&& f);
  void judge(ScanPair& e);
  Finding describe(const ScanPair& e) const;
  void keep(ScanPair& e);

  const DetectOptions& opt_;
  FindingList& findings_;
  Table vertical_, horizontal_;
};

}  // namespace tcplens::detect

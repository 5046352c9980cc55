// The thresholds of `tcplens detect`, with their defaults and the command-line options that
// set them (docs/detect.md explains how each detector uses them).
//
// Every threshold is a rate or a share over a window of capture time, never a count fit to a
// capture: the defaults are chosen so that busy but ordinary traffic (thousands of
// connections a second to one server, refused and retried connections, keep-alives, zero
// window probes) raises nothing, and the attacks of the corpus are far above them.
#pragma once

#include <cstdint>

namespace tcplens::detect {

struct DetectOptions {
  // Floods: counted in a sliding window of `window_sec` seconds (eight buckets); attempts
  // younger than a quarter of the window are not judged yet (their handshake may still
  // complete), except at the end of the input.
  double window_sec = 10;  // --window
  // SYN flood: half-open attempts (new SYNs that neither completed nor were refused) per
  // second, averaged over the window, and their share of the window's attempts.
  double syn_rate = 20;          // --syn-rate
  double syn_halfopen_ratio = 0.5;  // --syn-halfopen-ratio
  // ACK and RST floods: packets per second to one IP:port on 4-tuples of no connection
  // (no handshake seen, never answered but by RST), and their share of such packets.
  double ack_rate = 20;  // --ack-rate
  double rst_rate = 20;  // --rst-rate
  double orphan_ratio = 0.8;  // --orphan-ratio
  // SYN-ACK reflection: SYN-ACKs per second to one address that never sent the SYN.
  double reflection_rate = 20;  // --reflection-rate
  // A flood has `spoofed` sources when this many distinct sources send it, each sending
  // about one packet (distinct sources >= share x packets), and no source sends half.
  std::uint32_t spoofed_min_sources = 32;
  double spoofed_source_share = 0.5;

  // Port scans: distinct ports of one host (vertical) or hosts on one port (horizontal)
  // probed by one source, while at most `scan_max_success` of the probes found a service
  // that the source then used (a completed handshake, an answered probe).
  // One source trying many ports of one host is rare in ordinary traffic (nmap's quickest
  // scan, --top-ports 10, is caught); one port of many hosts is common (the clients of a
  // service with many servers, peer-to-peer), so horizontal scans need more hosts.
  std::uint32_t scan_ports = 10;  // --scan-ports
  std::uint32_t scan_hosts = 16;  // --scan-hosts
  double scan_max_success = 0.5;  // --scan-max-success
  // A scan is "slow" below this many probes a second.
  double scan_slow_rate = 10;

  // ISN quality: a host is judged once it chose ISNs for this many connections (distinct
  // 4-tuples), and is weak when at least `isn_predictable_ratio` of the increments between
  // successive ones are predictable (zero, small, or on a line in time) and random ISNs would
  // do that with probability below `isn_max_pvalue`.
  std::uint32_t isn_min_samples = 16;  // --isn-min-samples
  double isn_predictable_ratio = 0.7;  // --isn-predictable-ratio
  double isn_max_pvalue = 1e-6;
  // An increment is "small" up to this many sequence numbers (random ISNs: 1 in 2048).
  std::uint32_t isn_small_increment = 1u << 20;

  // Memory: log2 of the sets (four ways each) of the bounded tables.
  unsigned flow_cache_log2_sets = 16;  // 262144 4-tuples, 4 MiB
  unsigned target_log2_sets = 8;       // 1024 flood targets per kind
  unsigned scan_log2_sets = 10;        // 4096 (scanner, host) and (scanner, port) pairs
  unsigned isn_log2_sets = 8;          // 1024 hosts' ISN samples
};

}  // namespace tcplens::detect

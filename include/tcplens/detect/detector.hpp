// Detector: `tcplens detect`'s analysis. It reads the headers of every TCP packet (and the
// TCP headers quoted in ICMP unreachables), follows 4-tuples in a bounded FlowCache to turn
// packets into events (a new attempt, a retried SYN, a SYN-ACK, a completed handshake, a
// refusal, a packet of no connection, the answer to a probe), and hands them to three
// detectors: floods (flood.hpp), port scans (scan.hpp), ISN quality (isn.hpp).
//
// One Detector sees every packet of a capture in frame order: scans and floods cross flows
// (one source to many ports are many 4-tuples), so the detectors cannot be split by
// connection the way the tracker is. It needs no stream tracking and no connection analysis,
// only the decoded headers, and costs a hash and a cache-resident lookup per packet. Its
// memory is fixed when it is made (about 25 MiB with the default DetectOptions), whatever the
// traffic: a spoofed flood cycles through the tables, it does not grow them.
//
// Detectors that saw parts of one capture (worker threads, shards) combine with
// merge_from(); finish() then judges the merged evidence.
#pragma once

#include <cstdint>
#include <memory>

#include "tcplens/capture/raw_packet.hpp"
#include "tcplens/decode/decoded_packet.hpp"
#include "tcplens/detect/finding.hpp"
#include "tcplens/detect/flood.hpp"
#include "tcplens/detect/flow_cache.hpp"
#include "tcplens/detect/isn.hpp"
#include "tcplens/detect/options.hpp"
#include "tcplens/detect/scan.hpp"

namespace tcplens::detect {

// What a packet is to the detectors: a TCP segment, the TCP probe an ICMP unreachable quotes,
// or neither (only counted).
enum class DetectInput : std::uint8_t { Other = 0, Tcp = 1, Unreachable = 2 };

class Detector {
 public:
  explicit Detector(const DetectOptions& options = DetectOptions());
  Detector(const Detector&) = delete;
  Detector& operator=(const Detector&) = delete;

  // Heard once for each finding, when its threshold is crossed (live output).
  void set_on_raise(FindingList::Callback cb) { findings_.set_on_raise(std::move(cb)); }
  // Also report the hosts whose ISNs were judged random (kind isn_quality).
  void set_report_random_isns(bool on) { isn_.set_report_random(on); }

  // Every packet, in frame order (`pkt` decoded from `raw`).
  void on_packet(const RawPacket& raw, const DecodedPacket& pkt);
  // on_packet in two steps: what the detectors read of a packet (`p`: the segment's or the
  // quoted probe's facts), and feeding that to them. A shard run of `detect` writes the first
  // step's output (detect_state.hpp) and its merge replays it, in frame order, into one
  // Detector: the same calls, so the same findings, as one run over the whole input.
  static DetectInput input_of(const RawPacket& raw, const DecodedPacket& pkt, PacketFacts& p);
  void on_input(DetectInput kind, const PacketFacts& p);
  // Packets that were neither (`Other`) counted elsewhere.
  void add_other_packets(std::uint64_t n) { packets_ += n; }
  // End of input: judges what is still open and completes every finding's evidence.
  void finish();
  void merge_from(const Detector& other);

  // The findings, in the order they were raised; after finish(), final. Findings with the
  // same kind, source, target and scan type are one.
  const std::vector<Finding>& findings() const { return findings_.items(); }
  std::uint64_t packets() const { return packets_; }
  std::uint64_t tcp_packets() const { return tcp_packets_; }
  const DetectOptions& options() const { return opt_; }

 private:
  void on_tcp(const PacketFacts& p, std::uint64_t hash, bool from_low);
  void on_unreachable(const PacketFacts& q);
  std::uint16_t tick(std::int64_t ns) const {
    return static_cast<std::uint16_t>(ns / kTickNs);
  }
  // The time of an attempt or orphan whose slot was stamped at `tick`.
  std::int64_t began(const FlowSlot& f, std::int64_t now_ns) const {
    return now_ns - static_cast<std::int64_t>(static_cast<std::uint16_t>(tick(now_ns) - f.tick)) * kTickNs;
  }
  void orphan_alive(FlowSlot& f, const PacketFacts& p, bool from_client);
  void merge_duplicates();

  static constexpr std::int64_t kTickNs = 62'500'000;  // 1/16 s

  DetectOptions opt_;
  FindingList findings_;
  FlowCache flows_;
  FloodDetector flood_;
  ScanDetector scan_;
  IsnDetector isn_;
  std::uint64_t packets_ = 0;
  std::uint64_t tcp_packets_ = 0;
};

}  // namespace tcplens::detect

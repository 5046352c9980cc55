// Per-packet TCP anomalies: named bit flags whose names and meanings follow tshark's
// `tcp.analysis.*` expert fields (Wireshark's TCP_A_* in packet-tcp.c).
#pragma once

#include <cstdint>
#include <string_view>

namespace tcplens {

enum class Anomaly : std::uint8_t {
  Retransmission,
  FastRetransmission,
  SpuriousRetransmission,
  OutOfOrder,
  LostSegment,
  AckLostSegment,
  DuplicateAck,
  ZeroWindow,
  ZeroWindowProbe,
  ZeroWindowProbeAck,
  WindowFull,
  WindowUpdate,
  KeepAlive,
  KeepAliveAck,
  ReusedPorts,
  TfoSyn,
  TfoAck,
  TfoIgnored,
  Count_,
};

inline constexpr std::size_t kAnomalyCount = static_cast<std::size_t>(Anomaly::Count_);

struct AnomalyInfo {
  std::string_view name;         // tshark field name without "tcp.analysis."
  std::string_view description;  // one plain-English sentence
};

const AnomalyInfo& anomaly_info(Anomaly a);

class AnomalySet {
 public:
  constexpr AnomalySet() = default;
  void set(Anomaly a) { bits_ |= bit(a); }
  void clear(Anomaly a) { bits_ &= ~bit(a); }
  bool has(Anomaly a) const { return bits_ & bit(a); }
  bool empty() const { return bits_ == 0; }
  std::uint32_t bits() const { return bits_; }
  friend bool operator==(AnomalySet, AnomalySet) = default;

 private:
  static constexpr std::uint32_t bit(Anomaly a) { return std::uint32_t{1} << static_cast<unsigned>(a); }
  std::uint32_t bits_ = 0;
};

}  // namespace tcplens

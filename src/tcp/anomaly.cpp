#include "tcplens/tcp/anomaly.hpp"

#include <array>

namespace tcplens {

namespace {
constexpr std::array<AnomalyInfo, kAnomalyCount> kInfo{{
    {"retransmission", "The segment repeats sequence space already sent."},
    {"fast_retransmission", "A retransmission sent right after two or more duplicate ACKs asked for it."},
    {"spurious_retransmission", "A retransmission of data the receiver had already acknowledged."},
    {"out_of_order", "The segment arrived after one with a higher sequence number, soon enough to be reordering rather than a retransmission."},
    {"lost_segment", "The segment starts beyond the next expected sequence number: an earlier segment was not captured."},
    {"ack_lost_segment", "The ACK covers data that was never captured in the other direction."},
    {"duplicate_ack", "The ACK repeats the previous ACK, window and sequence number without carrying data."},
    {"zero_window", "The sender advertises a zero receive window: its peer must stop sending."},
    {"zero_window_probe", "One byte sent at the next sequence number while the peer's window is zero, to probe it."},
    {"zero_window_probe_ack", "The ACK answering a zero-window probe, still with a zero window."},
    {"window_full", "The segment fills the receiver's advertised window exactly."},
    {"window_update", "A bare ACK that only changes the advertised window."},
    {"keep_alive", "A segment of zero or one byte one below the next sequence number, sent to keep the connection alive."},
    {"keep_alive_ack", "The ACK answering a keep-alive."},
    {"reused_ports", "A new connection on a 4-tuple already used by an earlier one."},
    {"tfo_syn", "A SYN carrying a TCP Fast Open cookie."},
    {"tfo_ack", "A SYN-ACK that acknowledges the data sent with a Fast Open SYN."},
    {"tfo_ignored", "A SYN-ACK that ignores the data sent with a Fast Open SYN."},
}};
}  // namespace

const AnomalyInfo& anomaly_info(Anomaly a) { return kInfo[static_cast<std::size_t>(a)]; }

}  // namespace tcplens

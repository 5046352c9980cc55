// One connection's record as `tcplens conns` reports it: ConnectionAnalyzer's conclusions
// (handshake, data, teardown, each side's RFC 9293 state with its changes), tshark's
// tcp.completeness and Zeek's conn_state and history for the same 4-tuple and time.
//
// Records own their contents, so they can cross from a worker thread to the merge.
// docs/conns.md describes every field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tcplens/tcp/connection.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace tcplens {

struct ConnectionRecord {
  Connection conn;  // conn.stream: tcp.stream (the engine gives the whole input's numbering)
  std::uint8_t completeness = 0;  // tshark's tcp.completeness
  bool has_zeek = false;          // Zeek's view was computed and found for this connection
  std::string_view zeek_conn_state;  // a static string ("SF", ...)
  std::string zeek_history;
  StreamEnd why = StreamEnd::Finish;  // what ended the record (closed, idle, end of input...)
  // The display filter chose this connection (one of its packets matched, or its conn.*
  // fields did); always true without a filter.
  bool selected = true;
};

}  // namespace tcplens

// One record per TCP connection, for `tcplens conns`: JSON lines, CSV, or an aligned table
// for people. Field names and meanings are documented in docs/conns.md.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "tcplens/render/output.hpp"
#include "tcplens/tcp/connection.hpp"

namespace tcplens {

// Extra per-connection facts that come from other analysers than ConnectionAnalyzer.
struct ConnectionExtras {
  std::uint8_t completeness = 0;  // tshark's tcp.completeness
  std::string_view zeek_conn_state;  // empty when not computed
  std::string_view zeek_history;
};

// One JSON object on one line.
void write_connection_json(Output& out, const Connection& c, const ConnectionExtras& extras);

void write_connection_csv_header(Output& out);
void write_connection_csv(Output& out, const Connection& c, const ConnectionExtras& extras);

// The table: a header line, then one aligned line per connection.
void write_connection_table(Output& out, const std::vector<const Connection*>& connections,
                            const std::vector<ConnectionExtras>& extras);

}  // namespace tcplens

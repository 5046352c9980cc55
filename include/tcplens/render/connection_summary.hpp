// One record per TCP connection, for `tcplens conns`: JSON lines, CSV, or an aligned table
// for people. Field names and meanings are documented in docs/conns.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tcplens/engine/connection_record.hpp"
#include "tcplens/engine/sink.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/tcp/connection.hpp"

namespace tcplens {

// Extra per-connection facts that come from other analysers than ConnectionAnalyzer.
struct ConnectionExtras {
  std::uint8_t completeness = 0;  // tshark's tcp.completeness
  std::string_view zeek_conn_state;  // empty when not computed
  std::string_view zeek_history;
  // Writes the stream number (the engine's numbering of the whole input); null: c.stream.
  Emitter* stream_writer = nullptr;
};

// The extras of an engine's record.
ConnectionExtras extras_of(const ConnectionRecord& r, Emitter* stream_writer);

// One JSON object on one line.
void write_connection_json(Output& out, const Connection& c, const ConnectionExtras& extras);
// The same object without its closing "}\n", for a record that adds fields (explain's findings).
void write_connection_json_fields(Output& out, const Connection& c, const ConnectionExtras& extras);

void write_connection_csv_header(Output& out);
void write_connection_csv(Output& out, const Connection& c, const ConnectionExtras& extras);

// The table for people: one line of cells per connection, separated by tabs (an
// AlignedTable aligns them); the header's cells.
void write_connection_table_row(Output& out, const Connection& c, const ConnectionExtras& extras);
const std::vector<std::string>& connection_table_header();

}  // namespace tcplens

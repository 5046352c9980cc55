// A Zeek conn.log (TSV with Zeek's #fields header) of the TCP connections as Zeek splits and
// judges them (ZeekConnTable), for `tcplens conns --format zeek`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tcplens/render/output.hpp"
#include "tcplens/tcp/zeek_conn.hpp"

namespace tcplens {

void write_zeek_conn_log(Output& out, const std::vector<zeek::ZeekConnTable::Finished>& conns);

// The same in pieces, for a log written as connections finish: the header; one line without
// its uid (Zeek's are random; ours are "C" and the line's number in base 62, so that runs
// compare); the line with the uid of the n-th line (from 1) put in after the time.
const std::string& zeek_conn_log_header();
void write_zeek_conn_line(Output& out, const zeek::ZeekConnTable::Finished& c);
void put_zeek_line_with_uid(std::uint64_t n, std::string_view line, Output& out);

}  // namespace tcplens

// A Zeek conn.log (TSV with Zeek's #fields header) of the TCP connections as Zeek splits and
// judges them (ZeekConnTable), for `tcplens conns --format zeek`.
#pragma once

#include <vector>

#include "tcplens/render/output.hpp"
#include "tcplens/tcp/zeek_conn.hpp"

namespace tcplens {

void write_zeek_conn_log(Output& out, const std::vector<zeek::ZeekConnTable::Finished>& conns);

}  // namespace tcplens

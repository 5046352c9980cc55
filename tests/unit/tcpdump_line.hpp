// Test helper: what the tcpdump renderer prints for one packet, without a timestamp (-t).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tcplens/capture/raw_packet.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/render/tcpdump_renderer.hpp"

namespace tcplens::test {

// `bytes` of link type `linktype`, of which the first `caplen` were captured (0: all);
// `link_header`: -e.
inline std::string tcpdump_line(std::uint32_t linktype, const std::vector<std::uint8_t>& bytes,
                                int verbose, std::size_t caplen = 0, bool link_header = false) {
  if (caplen == 0) caplen = bytes.size();
  Output out(-1);
  TcpdumpOptions opt;
  opt.time_format = 1;
  opt.verbose = verbose;
  opt.link_header = link_header;
  TcpdumpRenderer renderer(out, opt);
  RawPacket p;
  p.caplen = static_cast<std::uint32_t>(caplen);
  p.wirelen = static_cast<std::uint32_t>(bytes.size());
  p.linktype = linktype;
  p.data = ByteView(bytes.data(), caplen);
  p.number = 1;
  renderer.render(p);
  return std::string(out.text());
}

}  // namespace tcplens::test

// tcplens print --style wireshark: every packet is decoded and tracked; the BPF filter only
// decides which lines are printed, as a tshark display filter does.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "commands.hpp"
#include "tcplens/capture/pcap/bpf_filter.hpp"
#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/render/wireshark_renderer.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace tcplens::cli {

int run_print_wireshark(const PrintArgs& args, const std::string& expression) {
  std::string error;
  auto source = PcapFileSource::open(args.read_file, error);
  if (!source) {
    std::fprintf(stderr, "tcplens: %s: %s\n", args.read_file.c_str(), error.c_str());
    return 1;
  }
  const SourceInfo& info = source->info();
  std::unique_ptr<BpfFilter> filter;
  if (!expression.empty()) {
    filter = BpfFilter::compile(expression, info.linktype, info.snaplen, error);
    if (!filter) {
      std::fprintf(stderr, "tcplens: %s\n", error.c_str());
      return 1;
    }
  }
  WiresharkOptions options;
  options.nanosecond = info.nanosecond_file;
  WiresharkRenderer renderer(options);
  PacketDecoder decoder;
  StreamTracker tracker = make_tracker(TrackLimitArgs{}, args.compat);
  Output out(STDOUT_FILENO);
  RawPacket raw;
  long long shown = 0;
  ReadStatus st;
  while ((st = source->next(raw)) == ReadStatus::Ok) {
    if (args.count >= 0 && shown >= args.count) break;
    const DecodedPacket& pkt = decoder.decode(raw);
    const TcpPacketAnalysis& a = tracker.on_packet(pkt, raw.number, raw.ts);
    renderer.on_packet(raw, pkt, a, tracker);
    if (filter && !filter->matches(raw)) continue;
    ++shown;
    renderer.print(out);
    if (!out.flush_if_large()) break;
  }
  out.flush();
  report_tracker(tracker.counters());
  if (out.failed()) {
    std::fprintf(stderr, "tcplens: error writing output: %s\n", std::strerror(errno));
    return 1;
  }
  if (st == ReadStatus::Error) {
    report_read_error(args.read_file, source->error());
    return 1;
  }
  return 0;
}

}  // namespace tcplens::cli

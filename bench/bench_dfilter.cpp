// Micro-benchmark of display filter evaluation: the packets of a capture are decoded and
// tracked once, before timing (each packet's DecodedPacket, analysis and stream summary
// kept), then a compiled filter is evaluated on every one. The target: under 20 ns a
// packet for `ip.addr==X and tcp.port==80`.
//
// Packets: the first TCPLENS_BENCH_PACKETS (default 2000) of TCPLENS_BENCH_PCAP (default: a
// corpus capture; bench/README.md runs it on big.pcap). Few enough that their decoded form
// stays in cache, as in the engine, where the filter reads what the decoder has just written;
// with 200000 the loop measures memory (each DecodedPacket is a kilobyte) instead.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/dfilter/display_filter.hpp"
#include "tcplens/engine/packet_event.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace {

using namespace tcplens;

struct Tracked {
  RawPacket raw;
  DecodedPacket pkt;
  TcpPacketAnalysis tcp;
  StreamSummary summary;
};

struct Packets {
  std::vector<std::vector<std::uint8_t>> bytes;
  std::vector<Tracked> tracked;
  Timestamp first;
};

const Packets& packets() {
  static const Packets all = [] {
    Packets p;
    const char* path = std::getenv("TCPLENS_BENCH_PCAP");
    const char* count = std::getenv("TCPLENS_BENCH_PACKETS");
    const std::size_t limit = count ? std::strtoull(count, nullptr, 10) : 2000;
    std::string error;
    auto source = PcapFileSource::open(path ? path : TCPLENS_BENCH_DEFAULT_PCAP, error);
    if (!source) {
      std::fprintf(stderr, "bench_dfilter: %s\n", error.c_str());
      std::exit(1);
    }
    RawPacket raw;
    while (p.bytes.size() < limit && source->next(raw) == ReadStatus::Ok)
      p.bytes.emplace_back(raw.data.begin(), raw.data.end());
    // Second walk: decode and track from our own copies, whose addresses stay put.
    std::string e2;
    source = PcapFileSource::open(path ? path : TCPLENS_BENCH_DEFAULT_PCAP, e2);
    PacketDecoder decoder;
    StreamTracker tracker;
    p.tracked.resize(p.bytes.size());
    for (std::size_t i = 0; i < p.bytes.size() && source->next(raw) == ReadStatus::Ok; ++i) {
      Tracked& t = p.tracked[i];
      t.raw = raw;
      t.raw.data = ByteView(p.bytes[i].data(), p.bytes[i].size());
      if (i == 0) p.first = raw.ts;
      t.pkt = decoder.decode(t.raw);
      t.tcp = tracker.on_packet(t.pkt, t.raw.number, t.raw.ts);
      if (t.tcp.tracked) t.summary = tracker.summary(t.tcp.stream);
    }
    return p;
  }();
  return all;
}

void run(benchmark::State& state, const char* text) {
  const Packets& p = packets();
  DfilterError error;
  auto filter = DisplayFilter::compile(text, error);
  if (!filter) {
    state.SkipWithError(error.message.c_str());
    return;
  }
  std::vector<PacketEvent> events(p.tracked.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Tracked& t = p.tracked[i];
    PacketEvent& ev = events[i];
    ev.raw = &t.raw;
    ev.pkt = &t.pkt;
    ev.tcp = &t.tcp;
    ev.summary = t.tcp.tracked ? &t.summary : nullptr;
    ev.stream = t.tcp.stream;
    ev.stream_known = true;
    ev.first_ts = ev.prev_ts = p.first;
  }
  std::uint64_t matched = 0;
  for (auto _ : state)
    for (const PacketEvent& ev : events) matched += filter->matches(ev);
  benchmark::DoNotOptimize(matched);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * events.size()));
  state.counters["ns/pkt"] = benchmark::Counter(static_cast<double>(state.iterations() * events.size()),
                                                benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["matched"] = static_cast<double>(matched) / static_cast<double>(state.iterations());
}

void BM_AddrAndPort(benchmark::State& s) { run(s, "ip.addr==10.200.1.1 and tcp.port==80"); }
void BM_FlagsAnalysis(benchmark::State& s) { run(s, "tcp.flags.syn==1 and tcp.flags.ack==0 or tcp.analysis.flags"); }
void BM_SetSlice(benchmark::State& s) { run(s, "tcp.dstport in {80, 443, 8000..8080} and tcp.payload[0:3] == \"GET\""); }
void BM_Matches(benchmark::State& s) { run(s, "tcp.payload matches \"^(GET|POST) \""); }

BENCHMARK(BM_AddrAndPort)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FlagsAnalysis)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SetSlice)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Matches)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

// Micro-benchmarks of tcplens's hot path: reading pcap records from memory (no I/O) and
// rendering them as tcpdump -n does into an Output that is never written (fd -1).
//
// Packets: the first TCPLENS_BENCH_PACKETS (default 100000) packets of TCPLENS_BENCH_PCAP
// (default: a corpus capture; bench/run-print-bench.sh passes big.pcap). The file is read
// into memory once, before any benchmark runs.
//
// Counters: packets/s (items_per_second; ns/packet = 1e9 / it), bytes/s of packet data, and allocs/pkt: calls to
// global operator new per packet during the timed loop, after one untimed warm-up pass
// (target: 0). They are counted by replacing operator new in this binary.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <new>
#include <string>
#include <vector>

#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/render/tcpdump_renderer.hpp"

// --- allocation counting -----------------------------------------------------------------
namespace {
std::atomic<std::uint64_t> g_allocs{0};
}  // namespace

void* operator new(std::size_t n) {
  g_allocs.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, std::align_val_t a) {
  g_allocs.fetch_add(1, std::memory_order_relaxed);
  std::size_t al = static_cast<std::size_t>(a);
  if (void* p = std::aligned_alloc(al, (n + al - 1) / al * al)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) { return operator new(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace {

using namespace tcplens;

// The first N records of the capture, as a pcap image in memory plus the packets read from it.
struct Corpus {
  std::vector<std::uint8_t> image;  // pcap (or pcapng) bytes up to the last record kept
  std::vector<RawPacket> packets;   // views into `image`
  std::uint64_t packet_bytes = 0;   // sum of caplen
  std::string path;
};

const Corpus& corpus() {
  static Corpus c = [] {
    Corpus k;
    const char* env = std::getenv("TCPLENS_BENCH_PCAP");
    k.path = env && *env ? env : TCPLENS_BENCH_DEFAULT_PCAP;
    const char* lim = std::getenv("TCPLENS_BENCH_PACKETS");
    std::uint64_t limit = lim && *lim ? std::strtoull(lim, nullptr, 10) : 100000;
    std::string error;
    auto src = PcapFileSource::open(k.path, error);
    if (!src) {
      std::fprintf(stderr, "bench: %s: %s\n", k.path.c_str(), error.c_str());
      std::exit(1);
    }
    // Find where record `limit` ends, then copy that prefix of the file into memory.
    RawPacket p;
    std::uint64_t n = 0;
    while (n < limit && src->next(p) == ReadStatus::Ok) ++n;
    RawPacket after;
    std::ifstream in(k.path, std::ios::binary | std::ios::ate);
    std::uint64_t want = static_cast<std::uint64_t>(in.tellg());
    if (src->next(after) == ReadStatus::Ok) want = after.file_offset;
    in.seekg(0);
    k.image.resize(want);
    in.read(reinterpret_cast<char*>(k.image.data()), static_cast<std::streamsize>(want));
    auto mem = PcapFileSource::open_memory(k.image, error);
    while (mem->next(p) == ReadStatus::Ok) {
      k.packets.push_back(p);
      k.packet_bytes += p.caplen;
    }
    std::fprintf(stderr, "bench: %zu packets, %llu bytes of packets, from %s\n",
                 k.packets.size(), static_cast<unsigned long long>(k.packet_bytes),
                 k.path.c_str());
    return k;
  }();
  return c;
}

void set_counters(benchmark::State& state, std::uint64_t packets, std::uint64_t bytes,
                  std::uint64_t allocs) {
  state.SetItemsProcessed(static_cast<std::int64_t>(packets));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["allocs/pkt"] =
      benchmark::Counter(packets ? static_cast<double>(allocs) / static_cast<double>(packets) : 0);
}

// Open the in-memory capture and walk every record (the reader alone).
void BM_ReadRecords(benchmark::State& state) {
  const Corpus& c = corpus();
  std::string error;
  std::uint64_t packets = 0, bytes = 0, allocs = 0;
  for (auto _ : state) {
    auto src = PcapFileSource::open_memory(c.image, error);
    std::uint64_t a0 = g_allocs.load(std::memory_order_relaxed);  // per packet, not per open
    RawPacket p;
    std::uint64_t sum = 0;
    while (src->next(p) == ReadStatus::Ok) {
      sum += p.caplen + p.data[0];
      ++packets;
      bytes += p.caplen;
    }
    benchmark::DoNotOptimize(sum);
    allocs += g_allocs.load(std::memory_order_relaxed) - a0;
  }
  set_counters(state, packets, bytes, allocs);
}
BENCHMARK(BM_ReadRecords)->Unit(benchmark::kMillisecond);

TcpdumpOptions options_for(int mode) {
  TcpdumpOptions o;
  switch (mode) {
    case 1: o.absolute_seq = true; break;   // -n -S
    case 2: o.verbose = 1; break;           // -n -v
    case 3: o.time_format = 4; break;       // -n -tttt
    case 4: o.hex_ascii = 1; break;         // -n -X
    default: break;                         // -n
  }
  return o;
}
const char* mode_name(int mode) {
  static const char* names[] = {"-n", "-n -S", "-n -v", "-n -tttt", "-n -X"};
  return names[mode];
}

// Render pre-read packets into an Output with fd -1, cleared after each packet.
void BM_Render(benchmark::State& state) {
  const Corpus& c = corpus();
  const int mode = static_cast<int>(state.range(0));
  state.SetLabel(mode_name(mode));
  Output out(-1);
  TcpdumpRenderer renderer(out, options_for(mode));
  std::uint64_t text = 0;
  for (const RawPacket& p : c.packets) {  // warm-up: grows the buffers and tables
    renderer.render(p);
    out.clear();
  }
  std::uint64_t packets = 0, bytes = 0, allocs = 0;
  for (auto _ : state) {
    std::uint64_t a0 = g_allocs.load(std::memory_order_relaxed);
    for (const RawPacket& p : c.packets) {
      renderer.render(p);
      text += out.size();
      out.clear();
    }
    allocs += g_allocs.load(std::memory_order_relaxed) - a0;
    packets += c.packets.size();
    bytes += c.packet_bytes;
  }
  set_counters(state, packets, bytes, allocs);
  state.counters["text B/pkt"] =
      benchmark::Counter(packets ? static_cast<double>(text) / static_cast<double>(packets) : 0);
}
BENCHMARK(BM_Render)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);

// Both together, as `tcplens print -n` runs them (minus the write to stdout).
void BM_ReadAndRender(benchmark::State& state) {
  const Corpus& c = corpus();
  std::string error;
  Output out(-1);
  TcpdumpRenderer renderer(out, TcpdumpOptions{});
  std::uint64_t packets = 0, bytes = 0, allocs = 0;
  bool warm = false;
  for (auto _ : state) {
    if (!warm) {
      state.PauseTiming();
      auto src = PcapFileSource::open_memory(c.image, error);
      RawPacket p;
      while (src->next(p) == ReadStatus::Ok) {
        renderer.render(p);
        out.clear();
      }
      warm = true;
      state.ResumeTiming();
    }
    auto src = PcapFileSource::open_memory(c.image, error);
    std::uint64_t a0 = g_allocs.load(std::memory_order_relaxed);  // per packet, not per open
    RawPacket p;
    while (src->next(p) == ReadStatus::Ok) {
      renderer.render(p);
      out.clear();
      ++packets;
      bytes += p.caplen;
    }
    allocs += g_allocs.load(std::memory_order_relaxed) - a0;
  }
  set_counters(state, packets, bytes, allocs);
}
BENCHMARK(BM_ReadAndRender)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

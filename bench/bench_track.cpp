// Decode, flow-table and tracking benchmarks over packets already in memory (no I/O).
//   cmake -S . -B build -DTCPLENS_BUILD_BENCH=ON && cmake --build build -j1 --target bench
//   build/bench/bench [--bench-capture FILE]   (default: a synthetic capture)
// Reports packets/s and bytes/s; a capture file given on the command line is read once into
// memory first (TCPLENS_BENCH_CAPTURE works too).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tcplens/capture/link_type.hpp"
#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/flow/tagged_index.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace {

using namespace tcplens;

struct Stored {
  std::vector<std::uint8_t> bytes;
  RawPacket raw;
};

std::vector<Stored> g_packets;
std::uint64_t g_bytes = 0;

void put16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void put32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  put16(b, static_cast<std::uint16_t>(v >> 16));
  put16(b, static_cast<std::uint16_t>(v));
}

// 2000 connections of handshake, 20 data segments each way acked, FIN/FIN/ACK; Ethernet.
void synthesize() {
  auto add = [](std::uint32_t conn, bool from_client, std::uint32_t seq, std::uint32_t ack,
                std::uint16_t flags, std::uint16_t len) {
    Stored s;
    std::vector<std::uint8_t>& b = s.bytes;
    for (int i = 0; i < 12; ++i) b.push_back(static_cast<std::uint8_t>(i));
    put16(b, 0x0800);
    std::uint8_t c[4] = {10, 1, static_cast<std::uint8_t>(conn >> 8), static_cast<std::uint8_t>(conn)};
    std::uint8_t sv[4] = {10, 2, 0, 1};
    b.push_back(0x45);
    b.push_back(0);
    put16(b, static_cast<std::uint16_t>(40 + len));
    put32(b, 0x4000);
    put32(b, 0x40060000);
    b.insert(b.end(), from_client ? c : sv, (from_client ? c : sv) + 4);
    b.insert(b.end(), from_client ? sv : c, (from_client ? sv : c) + 4);
    put16(b, from_client ? static_cast<std::uint16_t>(1024 + conn) : 80);
    put16(b, from_client ? 80 : static_cast<std::uint16_t>(1024 + conn));
    put32(b, seq);
    put32(b, ack);
    put16(b, static_cast<std::uint16_t>(0x5000 | flags));
    put16(b, 64240);
    put32(b, 0);
    b.resize(b.size() + len, 0);
    g_packets.push_back(std::move(s));
  };
  for (std::uint32_t conn = 0; conn < 2000; ++conn) {
    std::uint32_t ci = conn * 7919u, si = conn * 104729u;
    add(conn, true, ci, 0, 0x02, 0);
    add(conn, false, si, ci + 1, 0x12, 0);
    add(conn, true, ci + 1, si + 1, 0x10, 0);
    std::uint32_t seq = ci + 1;
    for (int k = 0; k < 20; ++k) {
      add(conn, true, seq, si + 1, 0x18, 1000);
      seq += 1000;
      add(conn, false, si + 1, seq, 0x10, 0);
    }
    add(conn, true, seq, si + 1, 0x11, 0);
    add(conn, false, si + 1, seq + 1, 0x11, 0);
    add(conn, true, seq + 1, si + 2, 0x10, 0);
  }
}

void load(const char* path) {
  std::string error;
  auto src = PcapFileSource::open(path, error);
  if (!src) return;
  RawPacket raw;
  while (src->next(raw) == ReadStatus::Ok) {
    Stored s;
    s.bytes.assign(raw.data.begin(), raw.data.end());
    s.raw = raw;
    g_packets.push_back(std::move(s));
  }
}

void finish_setup() {
  std::uint64_t n = 0;
  for (Stored& s : g_packets) {
    if (s.raw.linktype == 0 && s.raw.caplen == 0) {
      s.raw.linktype = linktype::kEthernet;
      s.raw.wirelen = static_cast<std::uint32_t>(s.bytes.size());
    }
    s.raw.data = ByteView(s.bytes.data(), s.bytes.size());
    s.raw.caplen = static_cast<std::uint32_t>(s.bytes.size());
    s.raw.number = ++n;
    s.raw.ts = {static_cast<std::int64_t>(n / 1000), static_cast<std::uint32_t>(n % 1000) * 1000000u};
    g_bytes += s.bytes.size();
  }
}

void report(benchmark::State& state) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * g_packets.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * g_bytes));
}

void BM_Decode(benchmark::State& state) {
  PacketDecoder d;
  for (auto _ : state)
    for (const Stored& s : g_packets) benchmark::DoNotOptimize(d.decode(s.raw).tcp.seq);
  report(state);
}
BENCHMARK(BM_Decode);

void BM_DecodeAndTrack(benchmark::State& state) {
  for (auto _ : state) {
    PacketDecoder d;
    StreamTracker t;
    for (const Stored& s : g_packets) benchmark::DoNotOptimize(t.on_packet(d.decode(s.raw), s.raw.number, s.raw.ts).stream);
  }
  report(state);
}
BENCHMARK(BM_DecodeAndTrack);

void BM_TaggedIndexLookup(benchmark::State& state) {
  std::vector<FlowKey> keys;
  for (std::uint32_t i = 0; i < 100000; ++i) {
    IpAddress a, b;
    a.family = b.family = 4;
    std::memcpy(a.bytes.data(), &i, 4);
    b.bytes[0] = 10;
    Direction dir;
    keys.push_back(FlowKey::make(a, static_cast<std::uint16_t>(i), b, 443, 6, dir));
  }
  TaggedIndex index(keys.size() * 2);
  for (std::uint32_t i = 0; i < keys.size(); ++i) index.insert(keys[i].hash(), i);
  for (auto _ : state)
    for (const FlowKey& k : keys)
      benchmark::DoNotOptimize(index.find(k.hash(), [&](std::uint32_t at) { return keys[at] == k; }));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * keys.size()));
}
BENCHMARK(BM_TaggedIndexLookup);

}  // namespace

int main(int argc, char** argv) {
  const char* capture = std::getenv("TCPLENS_BENCH_CAPTURE");
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--bench-capture") == 0 && i + 1 < argc) {
      capture = argv[++i];
      continue;
    }
    args.push_back(argv[i]);
  }
  if (capture)
    load(capture);
  else
    synthesize();
  finish_setup();
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}

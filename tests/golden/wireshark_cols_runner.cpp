// Golden test for `tcplens print --style wireshark`: for every capture of the corpus with a
// NAME.tshark-cols.tsv (what `tshark -n -r NAME.pcap` shows, single pass), runs the engine
// with the renderer print --style wireshark uses as its sink and compares each row's
// Source, Destination, Protocol, Length and Info with the file.
//
// "TCP rows" are the frames listed in NAME.tshark-tcp.tsv (TCP segments, whatever protocol
// tshark names in the Protocol column). Prints per-column agreement over TCP rows and over
// all rows; fails when Info agrees on fewer TCP rows than --min-tcp-info percent.
//
//   wireshark_cols_runner --corpus DIR [--min-tcp-info PCT] [--show N] [--only SUBSTRING] [--ground-truth]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/engine/engine.hpp"
#include "tcplens/render/wireshark_renderer.hpp"

namespace fs = std::filesystem;
using namespace tcplens;

namespace {

using CompareRow = std::function<void(std::uint64_t frame, const WiresharkColumns&)>;

// Each packet's columns, as WiresharkSinks computes them, handed to `compare`.
class ColumnSinks final : public SinkFactory {
 public:
  ColumnSinks(const WiresharkOptions& options, CompareRow compare) : options_(options), compare_(std::move(compare)) {}
  std::uint32_t needs() const override { return need::kPackets | need::kDecode | need::kTrack; }
  std::unique_ptr<PacketSink> make(unsigned) override { return std::make_unique<Sink>(*this); }

 private:
  struct Sink final : PacketSink {
    explicit Sink(ColumnSinks& parent) : owner(parent), renderer(parent.options_) {}
    void on_packet(const PacketEvent& e, Emitter&) override {
      owner.compare_(e.raw->number, renderer.on_packet(*e.raw, *e.pkt, *e.tcp, e.summary, e.first_ts));
    }
    void on_stream_end(const EndedStream& e) override { renderer.forget(e.stream); }
    ColumnSinks& owner;
    WiresharkRenderer renderer;
  };
  WiresharkOptions options_;
  CompareRow compare_;
};

struct Row {
  std::string source, destination, protocol, length, info;
};

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? tab : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return out;
}

struct Tally {
  std::uint64_t rows = 0;
  std::uint64_t equal[5] = {0, 0, 0, 0, 0};
};

constexpr const char* kColumnNames[5] = {"Source", "Destination", "Protocol", "Length", "Info"};

void print_tally(const char* title, const Tally& t) {
  std::printf("%s: %llu rows\n", title, static_cast<unsigned long long>(t.rows));
  for (int i = 0; i < 5; ++i)
    std::printf("  %-12s %8llu / %-8llu %7.3f%%\n", kColumnNames[i],
                static_cast<unsigned long long>(t.equal[i]), static_cast<unsigned long long>(t.rows),
                t.rows ? 100.0 * static_cast<double>(t.equal[i]) / static_cast<double>(t.rows) : 100.0);
}

}  // namespace

int main(int argc, char** argv) {
  std::string corpus;
  double min_tcp_info = 0;
  int show = 0;
  std::string only;
  bool ground_truth = false;  // tcplens's default flags instead of tshark's (--compat tshark)
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "missing value for %s\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--corpus") corpus = next();
    else if (a == "--min-tcp-info") min_tcp_info = std::atof(next().c_str());
    else if (a == "--show") show = std::atoi(next().c_str());
    else if (a == "--only") only = next();
    else if (a == "--ground-truth") ground_truth = true;
    else {
      std::fprintf(stderr, "usage: %s --corpus DIR [--min-tcp-info PCT] [--show N] [--only S] [--ground-truth]\n", argv[0]);
      return 2;
    }
  }
  if (corpus.empty()) {
    std::fprintf(stderr, "--corpus is required\n");
    return 2;
  }

  std::vector<fs::path> oracles;
  for (const auto& e : fs::recursive_directory_iterator(corpus)) {
    const std::string name = e.path().filename().string();
    if (name.size() > 16 && name.ends_with(".tshark-cols.tsv")) {
      if (!only.empty() && e.path().string().find(only) == std::string::npos) continue;
      oracles.push_back(e.path());
    }
  }
  std::sort(oracles.begin(), oracles.end());

  Tally tcp, all, tcp_proto;
  int shown = 0;
  std::map<std::string, std::uint64_t> per_capture_misses;
  for (const fs::path& oracle : oracles) {
    const std::string stem = oracle.string().substr(0, oracle.string().size() - 16);
    std::string capture;
    for (const char* ext : {".pcap", ".pcapng"})
      if (fs::exists(stem + ext)) capture = stem + ext;
    if (capture.empty()) continue;

    std::set<std::uint64_t> tcp_frames;
    {
      std::ifstream in(stem + ".tshark-tcp.tsv");
      std::string line;
      bool header = true;
      while (std::getline(in, line)) {
        if (header) { header = false; continue; }
        tcp_frames.insert(std::strtoull(line.c_str(), nullptr, 10));
      }
    }
    std::map<std::uint64_t, Row> expected;
    {
      std::ifstream in(oracle);
      std::string line;
      bool header = true;
      while (std::getline(in, line)) {
        if (header) { header = false; continue; }
        auto f = split_tabs(line);
        if (f.size() < 6) continue;
        std::string info = f[5];
        for (std::size_t k = 6; k < f.size(); ++k) info += "\t" + f[k];
        expected[std::strtoull(f[0].c_str(), nullptr, 10)] = Row{f[1], f[2], f[3], f[4], info};
      }
    }

    // The rows as print --style wireshark computes them: a sink on the engine.
    auto compare = [&](std::uint64_t frame, const WiresharkColumns& c) {
      auto it = expected.find(frame);
      if (it == expected.end()) return;
      const Row& e = it->second;
      const std::string got[5] = {c.source, c.destination, c.protocol, std::to_string(c.length), c.info};
      const std::string want[5] = {e.source, e.destination, e.protocol, e.length, e.info};
      const bool is_tcp = tcp_frames.count(frame) > 0;
      const bool is_tcp_proto = is_tcp && e.protocol == "TCP";
      ++all.rows;
      if (is_tcp) ++tcp.rows;
      if (is_tcp_proto) ++tcp_proto.rows;
      for (int i = 0; i < 5; ++i) {
        if (got[i] != want[i]) continue;
        ++all.equal[i];
        if (is_tcp) ++tcp.equal[i];
        if (is_tcp_proto) ++tcp_proto.equal[i];
      }
      if (is_tcp && got[4] != want[4]) {
        ++per_capture_misses[fs::relative(capture, corpus).string()];
        if (shown < show) {
          ++shown;
          std::printf("%s #%llu\n  want: [%s] %s\n  got:  [%s] %s\n",
                      fs::relative(capture, corpus).string().c_str(), static_cast<unsigned long long>(frame),
                      e.protocol.c_str(), e.info.c_str(), c.protocol.c_str(), c.info.c_str());
        }
      }
    };
    std::string error;
    auto source = PcapFileSource::open(capture, error);
    if (!source) continue;  // tshark rejected it too, or we do: no rows to compare
    WiresharkOptions options;
    options.nanosecond = source->info().nanosecond_file;
    ColumnSinks sinks(options, compare);
    EngineOptions engine_options;
    engine_options.ground_truth = ground_truth;
    Engine engine(engine_options);
    engine.add_sinks(sinks);
    (void)engine.run_file(capture, std::move(source));
  }

  if (show > 0) {
    std::vector<std::pair<std::uint64_t, std::string>> worst;
    for (const auto& [name, n] : per_capture_misses) worst.emplace_back(n, name);
    std::sort(worst.rbegin(), worst.rend());
    std::printf("captures with the most differing TCP Info rows:\n");
    for (std::size_t i = 0; i < worst.size() && i < 25; ++i)
      std::printf("  %6llu  %s\n", static_cast<unsigned long long>(worst[i].first), worst[i].second.c_str());
  }
  print_tally("TCP rows (frames of NAME.tshark-tcp.tsv)", tcp);
  print_tally("TCP rows that tshark labels Protocol TCP", tcp_proto);
  print_tally("All rows", all);
  const double pct = tcp.rows ? 100.0 * static_cast<double>(tcp.equal[4]) / static_cast<double>(tcp.rows) : 100.0;
  if (pct < min_tcp_info) {
    std::printf("FAIL: TCP Info agreement %.3f%% < %.3f%%\n", pct, min_tcp_info);
    return 1;
  }
  std::printf("OK: TCP Info agreement %.3f%% (threshold %.3f%%)\n", pct, min_tcp_info);
  return 0;
}

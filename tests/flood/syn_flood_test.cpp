// SYN-flood test (ctest label "flood"): writes a capture of FLOOD_SYNS (default 5,000,000)
// SYNs from spoofed random sources to one server port, with a few real connections
// (handshake, data both ways, FIN close) before, during and after the flood; runs
// `tcplens conns --format json`, `tcplens analyze --per-packet --format tsv` and `tcplens print
// --style wireshark` on it and checks, from wait4(), that each child's peak RSS stays under
// the documented cap
// (--max-conns default 100000: 512 MiB), that the evictions are reported on stderr, and that the
// real connections are still analysed correctly. Prints the memory figures.
//
// Usage: syn_flood_test TCPLENS [SYNS]
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "flood_capture.hpp"

namespace {

using namespace flood;

constexpr long kCapMiB = 512;  // measured 395 MiB (conns), 294 MiB (analyze), 183 MiB (print) at 5 M SYNs

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s TCPLENS [SYNS]\n", argv[0]);
    return 2;
  }
  const std::string tool = argv[1];
  long syns = argc > 2 ? std::atol(argv[2]) : 5000000;
  if (const char* e = std::getenv("FLOOD_SYNS")) syns = std::atol(e);
  char dir[] = "/tmp/tcplens-flood-XXXXXX";
  if (mkdtemp(dir) == nullptr) return 2;
  // FLOOD_PCAP=FILE keeps the capture there (for profiling by hand).
  const char* keep = std::getenv("FLOOD_PCAP");
  const std::string pcap = keep ? std::string(keep) : std::string(dir) + "/flood.pcap";
  Writer w{std::fopen(pcap.c_str(), "wb"), {}};
  w.header();
  const int real = write_flood(w, syns, 42);
  w.flush();
  std::fclose(w.f);
  std::printf("capture: %ld spoofed SYNs and %d real connections\n", syns, real);

  const std::string out = std::string(dir) + "/out", err = std::string(dir) + "/err";
  // The filter only selects which records are written (the real connections'): every packet
  // is still tracked, and 5 M JSON records would be gigabytes of disk.
  Run c = run({tool, "conns", "--format", "json", "-r", pcap, "net", "198.51.100.0/24"}, out, err);
  std::printf("tcplens conns --format json: %.1f s, peak RSS %ld MiB (cap %ld MiB)\n", c.wall,
              c.maxrss_kib / 1024, kCapMiB);
  const std::string cerr = slurp(err);
  std::printf("  stderr: %s", cerr.c_str());
  check(c.status == 0, "conns exits 0");
  check(c.maxrss_kib / 1024 < kCapMiB, "conns peak RSS under the cap");
  check(cerr.find("evicted at the cap") != std::string::npos, "conns reports the evictions");
  // The real connections: one JSON line each, complete handshake, four-way close, bytes.
  std::ifstream in(out);
  std::string line;
  int good = 0, lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    if (line.find("\"ip\":\"198.51.100.") == std::string::npos) continue;
    const bool ok = line.find("\"result\":\"complete\"") != std::string::npos &&
                    line.find("\"kind\":\"three_way\"") != std::string::npos &&
                    line.find("\"client_to_server\":{\"packets\":5,\"bytes\":1000") != std::string::npos &&
                    line.find("\"server_to_client\":{\"packets\":4,\"bytes\":3000") != std::string::npos &&
                    line.find("\"conn_state\":\"SF\"") != std::string::npos;
    if (!ok) std::printf("  unexpected: %s\n", line.c_str());
    good += ok;
  }
  std::printf("  %d records\n", lines);
  check(good == real, "every real connection: complete handshake, three-way close, bytes, SF");

  Run a = run({tool, "analyze", "--per-packet", "--format", "tsv", "-r", pcap}, "/dev/null", err);
  std::printf("tcplens analyze --per-packet --format tsv: %.1f s, peak RSS %ld MiB (cap %ld MiB)\n",
              a.wall, a.maxrss_kib / 1024, kCapMiB);
  const std::string aerr = slurp(err);
  std::printf("  stderr: %s", aerr.c_str());
  check(a.status == 0, "analyze exits 0");
  check(a.maxrss_kib / 1024 < kCapMiB, "analyze peak RSS under the cap");
  check(aerr.find("evicted at the cap") != std::string::npos, "analyze reports the evictions");

  Run p = run({tool, "print", "--style", "wireshark", "-r", pcap}, "/dev/null", err);
  std::printf("tcplens print --style wireshark: %.1f s, peak RSS %ld MiB (cap %ld MiB)\n", p.wall,
              p.maxrss_kib / 1024, kCapMiB);
  const std::string werr = slurp(err);
  std::printf("  stderr: %s", werr.c_str());
  check(p.status == 0, "print --style wireshark exits 0");
  check(p.maxrss_kib / 1024 < kCapMiB, "print --style wireshark peak RSS under the cap");
  check(werr.find("evicted at the cap") != std::string::npos, "print --style wireshark reports the evictions");

  if (!keep) std::remove(pcap.c_str());
  std::remove(out.c_str());
  std::remove(err.c_str());
  rmdir(dir);
  return failures == 0 ? 0 : 1;
}

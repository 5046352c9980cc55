// detect under a spoofed SYN flood (ctest label "flood"): streams a capture of SYNS (default
// 10,000,000; FLOOD_SYNS overrides) SYNs from random forged sources to 192.0.2.1:80 at
// 100,000 a second into `DETECT... -r -` through a pipe (nothing is written to disk), with real
// connections before, during and after the flood and a SYN scan of 100 ports of the server
// hidden in its middle. Checks, from wait4(), that detect's peak RSS stays under 200 MiB
// (its tables are fixed in size: the flood cycles through them), and that it reports exactly
// the flood (spoofed sources) and the scan. Prints the figures.
//
// Usage: detect_flood_test DETECT_COMMAND... [-- SYNS]   e.g. `tcplens detect --format json`
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "flood_capture.hpp"

namespace {

using namespace flood;

constexpr long kCapMiB = 200;
constexpr std::uint32_t kScanner = 0xcb007107;  // 203.0.113.7

void write_capture(std::FILE* f, long syns) {
  Writer w{f, {}};
  w.header();
  write_flood(w, syns, 7, [&](long i, double t) {
    if (i < syns / 2 || i >= syns / 2 + 100 * 50 || (i - syns / 2) % 50 != 0) return;
    // The scan: one SYN every 50 flood SYNs to ports 1-100; port 80 is open (the scanner
    // resets it), the others refuse.
    const auto port = static_cast<std::uint16_t>(1 + (i - syns / 2) / 50);
    w.packet(t, kScanner, 40123, kServer, port, 0x5ca77e27, 0, 0x02, 0);
    if (port == kPort) {
      w.packet(t + 1e-6, kServer, port, kScanner, 40123, 0x12345678, 0x5ca77e28, 0x12, 0);
      w.packet(t + 2e-6, kScanner, 40123, kServer, port, 0x5ca77e28, 0, 0x04, 0);
    } else {
      w.packet(t + 1e-6, kServer, port, kScanner, 40123, 0, 0x5ca77e28, 0x14, 0);
    }
  });
  w.flush();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> command;
  long syns = 10000000;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--" && i + 1 < argc) {
      syns = std::atol(argv[i + 1]);
      break;
    }
    command.push_back(argv[i]);
  }
  if (command.empty()) {
    std::fprintf(stderr, "usage: %s DETECT_COMMAND... [-- SYNS]\n", argv[0]);
    return 2;
  }
  if (const char* e = std::getenv("FLOOD_SYNS")) syns = std::atol(e);
  std::signal(SIGPIPE, SIG_IGN);  // a child that stops reading fails the test, not the writer
  command.push_back("-r");
  command.push_back("-");
  char dir[] = "/tmp/tcplens-detect-flood-XXXXXX";
  if (mkdtemp(dir) == nullptr) return 2;
  const std::string out = std::string(dir) + "/out", err = std::string(dir) + "/err";
  Run d = run(command, out, err, [&](std::FILE* f) { write_capture(f, syns); });
  std::printf("detect on %ld spoofed SYNs (streamed): %.1f s, peak RSS %ld MiB (cap %ld MiB)\n", syns, d.wall,
              d.maxrss_kib / 1024, kCapMiB);
  const std::string text = slurp(out);
  std::printf("  stderr: %s\n%s", slurp(err).c_str(), text.c_str());
  check(d.status == 0, "detect exits 0");
  check(d.maxrss_kib / 1024 < kCapMiB, "detect peak RSS under 200 MiB");
  int lines = 0, flood = 0, scan = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    const std::string line = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    at = end == std::string::npos ? text.size() : end + 1;
    if (line.empty()) continue;
    ++lines;
    flood += line.find("\"kind\":\"syn_flood\",\"source\":\"spoofed\",\"target\":\"192.0.2.1:80\"") != std::string::npos;
    scan += line.find("\"kind\":\"port_scan\",\"source\":\"203.0.113.7\",\"target\":\"192.0.2.1\",\"scan_type\":\"syn\"") !=
            std::string::npos;
  }
  check(flood == 1, "the flood: syn_flood, spoofed, 192.0.2.1:80");
  check(scan == 1, "the scan hidden in the flood: port_scan by 203.0.113.7 of 192.0.2.1, syn");
  check(lines == 2, "nothing else");
  std::remove(out.c_str());
  std::remove(err.c_str());
  rmdir(dir);
  return failures == 0 ? 0 : 1;
}

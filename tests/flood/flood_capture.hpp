// The flood tests' helpers: a pcap writer of plain Ethernet + IPv4 + TCP packets (valid
// checksums), one real connection, and a child run measured by wait4() (peak RSS, wall time),
// its standard input read from a file or fed by the test as it writes the capture.
#pragma once

#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace flood {

struct Writer {
  std::FILE* f;
  std::vector<std::uint8_t> buf;
  void u32le(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) buf.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void header() {
    u32le(0xa1b2c3d4);
    buf.push_back(2); buf.push_back(0); buf.push_back(4); buf.push_back(0);
    u32le(0); u32le(0); u32le(65535); u32le(1);  // Ethernet
  }
  static void be16(std::uint8_t* p, std::uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
  static void be32(std::uint8_t* p, std::uint32_t v) { be16(p, v >> 16); be16(p + 2, v & 0xffff); }
  void packet(double ts, std::uint32_t src, std::uint16_t sport, std::uint32_t dst, std::uint16_t dport,
              std::uint32_t seq, std::uint32_t ack, std::uint8_t flags, std::uint16_t payload) {
    const std::uint16_t len = 14 + 20 + 20 + payload;
    u32le(static_cast<std::uint32_t>(ts));
    u32le(static_cast<std::uint32_t>((ts - static_cast<std::uint32_t>(ts)) * 1e6));
    u32le(len);
    u32le(len);
    std::uint8_t p[14 + 40] = {};
    p[12] = 0x08;  // IPv4
    std::uint8_t* ip = p + 14;
    ip[0] = 0x45;
    be16(ip + 2, 40 + payload);
    ip[8] = 64;
    ip[9] = 6;
    be32(ip + 12, src);
    be32(ip + 16, dst);
    std::uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2) sum += (ip[i] << 8) | ip[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    be16(ip + 10, static_cast<std::uint16_t>(~sum));
    std::uint8_t* tcp = ip + 20;
    be16(tcp, sport);
    be16(tcp + 2, dport);
    be32(tcp + 4, seq);
    be32(tcp + 8, ack);
    tcp[12] = 5 << 4;
    tcp[13] = flags;
    be16(tcp + 14, 64240);
    // TCP checksum over the pseudo-header, header and zero payload.
    sum = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + 6 + 20 + payload;
    for (int i = 0; i < 20; i += 2) sum += (tcp[i] << 8) | tcp[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    be16(tcp + 16, static_cast<std::uint16_t>(~sum));
    buf.insert(buf.end(), p, p + sizeof p);
    buf.insert(buf.end(), payload, 0);
    if (buf.size() > (1 << 20)) flush();
  }
  void flush() {
    std::fwrite(buf.data(), 1, buf.size(), f);
    buf.clear();
  }
};

inline constexpr std::uint32_t kServer = 0xc0000201;  // 192.0.2.1
inline constexpr std::uint16_t kPort = 80;

// One real connection: client 198.51.100.N:40000+N, 1000 bytes up, 3000 down, FIN close.
inline void real_connection(Writer& w, double t, int n) {
  const std::uint32_t c = 0xc6336400 + static_cast<std::uint32_t>(n);
  const std::uint16_t cp = static_cast<std::uint16_t>(40000 + n);
  const std::uint32_t ci = 1000, si = 5000;
  const double d = 0.0001;
  w.packet(t, c, cp, kServer, kPort, ci, 0, 0x02, 0);
  w.packet(t + d, kServer, kPort, c, cp, si, ci + 1, 0x12, 0);
  w.packet(t + 2 * d, c, cp, kServer, kPort, ci + 1, si + 1, 0x10, 0);
  w.packet(t + 3 * d, c, cp, kServer, kPort, ci + 1, si + 1, 0x18, 1000);
  w.packet(t + 4 * d, kServer, kPort, c, cp, si + 1, ci + 1001, 0x18, 1500);
  w.packet(t + 5 * d, kServer, kPort, c, cp, si + 1501, ci + 1001, 0x18, 1500);
  w.packet(t + 6 * d, c, cp, kServer, kPort, ci + 1001, si + 3001, 0x11, 0);
  w.packet(t + 7 * d, kServer, kPort, c, cp, si + 3001, ci + 1002, 0x11, 0);
  w.packet(t + 8 * d, c, cp, kServer, kPort, ci + 1002, si + 3002, 0x10, 0);
}

// The flood both tests read: `syns` SYNs from random forged sources (seeded) to
// kServer:kPort, 100,000 a second of capture time from 1 s on, and real connections at 0,
// a third and two thirds of the way, and after the end. `extra(i, t)` may add packets before
// the i-th SYN. Returns the number of real connections.
inline int write_flood(Writer& w, long syns, std::uint64_t seed,
                       const std::function<void(long, double)>& extra = nullptr) {
  std::mt19937_64 rng(seed);
  const double rate = 100000;
  int real = 0;
  real_connection(w, 0.0, real++);
  for (long i = 0; i < syns; ++i) {
    const double t = 1.0 + static_cast<double>(i) / rate;
    if (i == syns / 3 || i == 2 * syns / 3) real_connection(w, t, real++);
    if (extra) extra(i, t);
    const std::uint64_t r = rng();
    w.packet(t, static_cast<std::uint32_t>(r >> 32) | 0x01000000u, static_cast<std::uint16_t>(r | 1024),
             kServer, kPort, static_cast<std::uint32_t>(r >> 16), 0, 0x02, 0);
  }
  real_connection(w, 2.0 + static_cast<double>(syns) / rate, real++);
  return real;
}

struct Run {
  long maxrss_kib = 0;
  int status = -1;
  double wall = 0;
};

// Runs argv with stdout and stderr to files; with `feed`, its standard input is a pipe that
// feed() writes to (and closes) while the child reads.
inline Run run(const std::vector<std::string>& argv, const std::string& out, const std::string& err,
               const std::function<void(std::FILE*)>& feed = nullptr) {
  Run r;
  timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int in[2] = {-1, -1};
  if (feed && pipe(in) != 0) return r;
  pid_t pid = fork();
  if (pid == 0) {
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1);
    dup2(e, 2);
    if (feed) {
      dup2(in[0], 0);
      close(in[0]);
      close(in[1]);
    }
    std::vector<char*> a;
    for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    execv(a[0], a.data());
    _exit(127);
  }
  if (feed) {
    close(in[0]);
    std::FILE* f = fdopen(in[1], "wb");
    feed(f);
    std::fclose(f);
  }
  int st = 0;
  rusage ru{};
  wait4(pid, &st, 0, &ru);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  r.wall = static_cast<double>(t1.tv_sec - t0.tv_sec) + static_cast<double>(t1.tv_nsec - t0.tv_nsec) / 1e9;
  r.maxrss_kib = ru.ru_maxrss;
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return r;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline int failures = 0;
inline void check(bool ok, const std::string& what) {
  std::printf("%s: %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok) ++failures;
}

}  // namespace flood

// Golden comparison of Zeek's conn_state and history: for every corpus capture that has a
// NAME.zeek-conn.log (and the NAME.zeek-baseline.* files that print history, conn_state or
// endpoint states), run the engine as `tcplens conns --format zeek` runs it and compare per
// connection.
//
//   zeek_runner --corpus ../shared/corpus [--threads N] [--show] [--require-all]
//
// Rows are matched by 4-tuple (orig, resp) and, within one 4-tuple, by order (Zeek masks
// `ts` in its baselines). Logs that name no 4-tuple are matched by order. UDP rows are out of
// scope and counted apart. Exit status 1 with --require-all when any compared row differs.
#include <algorithm>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "text_util.hpp"

#include "tcplens/decode/decoded_packet.hpp"
#include "tcplens/engine/engine.hpp"
#include "tcplens/engine/sink.hpp"
#include "tcplens/tcp/zeek_conn.hpp"

namespace fs = std::filesystem;
using namespace tcplens;
using namespace tcplens::zeek;

namespace {

using tcplens::golden::split;

struct Expected {
  std::string orig_h, orig_p, resp_h, resp_p;  // empty when the baseline does not say
  std::string history;                         // "\x01" when not given
  std::string conn_state;                      // empty when not given
  int orig_state = -1, resp_state = -1;        // Zeek's TCP_ENDPOINT_* numbers
  std::string what;                            // where the row comes from
  std::string service;                         // zeek-cut extracts without the 4-tuple
};

struct Ours {
  std::string orig_h, orig_p, resp_h, resp_p, history, conn_state;
  int orig_state, resp_state;
  double start;
};

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  return s;
}

// A conn.log (with #fields) or a zeek-cut extract (header line without '#').
std::vector<Expected> parse_conn_log(const fs::path& p, int& udp_rows) {
  std::vector<Expected> rows;
  std::ifstream in(p);
  std::string line;
  std::vector<std::string> fields;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line.rfind("###", 0) == 0) continue;
    if (line.rfind("#fields", 0) == 0) {
      fields = split(line.substr(8), '\t');
      continue;
    }
    if (line[0] == '#') continue;
    auto cols = split(line, '\t');
    if (fields.empty()) {
      fields = cols;
      continue;
    }
    Expected e;
    e.history = "\x01";
    e.what = p.filename().string();
    bool udp = false;
    for (std::size_t i = 0; i < fields.size() && i < cols.size(); ++i) {
      const std::string& f = fields[i];
      if (f == "id.orig_h") e.orig_h = cols[i];
      else if (f == "id.orig_p") e.orig_p = cols[i];
      else if (f == "id.resp_h") e.resp_h = cols[i];
      else if (f == "id.resp_p") e.resp_p = cols[i];
      else if (f == "history") e.history = cols[i] == "-" ? "" : cols[i];
      else if (f == "conn_state") e.conn_state = cols[i];
      else if (f == "service") e.service = cols[i];
      else if (f == "proto" && cols[i] != "tcp") udp = true;
    }
    if (udp) {
      ++udp_rows;
      continue;
    }
    rows.push_back(e);
  }
  return rows;
}

// "[orig_h=1.2.3.4, orig_p=80/tcp, resp_h=..., resp_p=.../tcp" -> the four values
void parse_conn_id(const std::string& line, Expected& e) {
  auto get = [&line](const std::string& name) {
    auto at = line.find(name + "=");
    if (at == std::string::npos) return std::string();
    at += name.size() + 1;
    auto end = line.find_first_of(",/]", at);
    return line.substr(at, end - at);
  };
  e.orig_h = get("orig_h");
  e.orig_p = get("orig_p");
  e.resp_h = get("resp_h");
  e.resp_p = get("resp_p");
}

// Other baselines: the lines that print history, conn_state or endpoint states.
std::vector<Expected> parse_baseline(const fs::path& p, const std::string& test) {
  std::vector<Expected> rows;
  std::ifstream in(p);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    lines.push_back(line);
  }
  Expected e;
  e.history = "\x01";
  e.what = p.filename().string();
  if (test == "scripts.base.protocols.conn.conn_state-RST-behavior") {
    for (const auto& l : lines) {
      auto c = split(l, ',');
      if (c.size() == 2) {
        e.history = trim(c[0]);
        e.conn_state = trim(c[1]);
        rows.push_back(e);
      }
    }
  } else if (test == "core.connection_flipped") {
    for (const auto& l : lines)
      if (l.find("connection_state_remove") != std::string::npos) {
        parse_conn_id(l, e);
        auto c = split(l, ',');
        // ..., ctx=[], extra_id=42], HISTORY, TS
        e.history = trim(c[c.size() - 2]);
        rows.push_back(e);
      }
  } else if (test == "core.tcp.tcp-dups") {
    for (const auto& l : lines)
      if (l.rfind("REMOVE:", 0) == 0) {
        parse_conn_id(l, e);
        e.history = trim(l.substr(l.rfind(',') + 1));
        rows.push_back(e);
      }
  } else if (test == "core.tcp.fin-retransmit" || test == "core.tcp.rst-after-syn") {
    std::vector<int> states;
    for (const auto& l : lines) {
      if (l[0] == '[' && l.find("orig_h=") != std::string::npos) parse_conn_id(l, e);
      auto at = l.find("state=");
      if (at != std::string::npos) states.push_back(std::stoi(l.substr(at + 6)));
    }
    if (states.size() == 2) {
      e.orig_state = states[0];
      e.resp_state = states[1];
      rows.push_back(e);
    }
  } else if (test == "core.conn-size-flip") {
    int udp = 0;
    auto r = parse_conn_log(p, udp);
    rows.insert(rows.end(), r.begin(), r.end());
  }
  return rows;
}

std::string addr_str(const IpAddress& a) {
  char buf[64];
  std::size_t n = format_ip(a, buf);
  return std::string(buf, n);
}

Ours ours_of(const ZeekConnTable::Finished& f) {
  const ZeekConnEngine& e = *f.engine;
  const bool orig_is_a = f.first_is_a == e.orig_is_first();
  Ours o;
  o.orig_h = addr_str(orig_is_a ? f.key.addr_a() : f.key.addr_b());
  o.orig_p = std::to_string(orig_is_a ? f.key.port_a : f.key.port_b);
  o.resp_h = addr_str(orig_is_a ? f.key.addr_b() : f.key.addr_a());
  o.resp_p = std::to_string(orig_is_a ? f.key.port_b : f.key.port_a);
  o.history = e.history();
  o.conn_state = to_string(e.conn_state());
  o.orig_state = static_cast<int>(e.orig().state);
  o.resp_state = static_cast<int>(e.resp().state);
  o.start = e.start_ts();
  return o;
}

// Zeek's finished connections as the engine hands them to conns' sinks, per worker (workers
// run at once).
class CollectZeek final : public SinkFactory {
 public:
  std::uint32_t needs() const override { return need::kZeekLog; }
  std::unique_ptr<PacketSink> make(unsigned worker) override {
    if (per_worker_.size() <= worker) per_worker_.resize(worker + 1);
    return std::make_unique<Sink>(per_worker_[worker]);
  }
  // Every worker's, by start time (one 4-tuple's stay in their order: one worker has them).
  std::vector<Ours> rows() const {
    std::vector<Ours> out;
    for (const auto& w : per_worker_) out.insert(out.end(), w.begin(), w.end());
    std::stable_sort(out.begin(), out.end(), [](const Ours& a, const Ours& b) { return a.start < b.start; });
    return out;
  }

 private:
  struct Sink final : PacketSink {
    explicit Sink(std::vector<Ours>& rows) : out(rows) {}
    void on_zeek_connection(const ZeekConnTable::Finished& f, Emitter&) override { out.push_back(ours_of(f)); }
    std::vector<Ours>& out;
  };
  std::deque<std::vector<Ours>> per_worker_;  // stable addresses while workers are made
};

std::vector<Ours> run_capture(const fs::path& pcap, bool likely_server_ports, bool verify,
                              unsigned threads) {
  EngineOptions options;
  options.threads = threads;
  options.zeek_verify_checksums = verify;
  options.zeek_likely_server_ports = likely_server_ports;
  Engine engine(options);
  CollectZeek collect;
  engine.add_sinks(collect);
  const EngineResult run = engine.run_file(pcap.string(), nullptr);
  if (!run.ok()) std::fprintf(stderr, "%s: cannot be read to the end\n", pcap.string().c_str());
  return collect.rows();
}

// Per Zeek test: was it run with -C (checksums ignored), and with which likely_server_ports.
struct TestSetup {
  bool verify_checksums = true;
  bool likely_server_ports = true;
};
TestSetup setup_for(const std::string& test) {
  TestSetup s;
  // These tests run `zeek -C` (see their @TEST-EXEC lines).
  if (test == "core.tcp.rxmit-history" || test == "core.conn-size-flip" ||
      test == "core.tcp.tcp-dups")
    s.verify_checksums = false;
  // `zeek -b` (bare mode) loads no protocol scripts, so likely_server_ports is empty.
  if (test == "core.connection_flipped" || test == "core.conn-size-flip")
    s.likely_server_ports = false;
  return s;
}

std::map<std::string, std::string> manifest_tests(const fs::path& corpus) {
  // NAME -> zeek-conn.log test, from the MANIFEST notes ("zeek-conn.log from Zeek test X")
  std::map<std::string, std::string> m;
  std::ifstream in(corpus / "MANIFEST.tsv");
  std::string line;
  while (std::getline(in, line)) {
    auto cols = split(line, '\t');
    if (cols.size() < 7) continue;
    const std::string key = "zeek-conn.log from Zeek test ";
    auto at = cols[6].find(key);
    if (at == std::string::npos) continue;
    auto rest = cols[6].substr(at + key.size());
    auto end = rest.find_first_of(" |");
    auto name = fs::path(cols[0]).stem().string();
    m[name] = rest.substr(0, end);
  }
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path corpus = "../shared/corpus";
  bool show = false, require_all = false;
  unsigned threads = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--corpus" && i + 1 < argc) corpus = argv[++i];
    else if (a == "--threads" && i + 1 < argc) threads = static_cast<unsigned>(std::stoul(argv[++i]));
    else if (a == "--show") show = true;
    else if (a == "--require-all") require_all = true;
  }
  const fs::path dir = corpus / "external" / "zeek";
  auto conn_tests = manifest_tests(corpus);

  // NAME -> list of (file, test)
  std::map<std::string, std::vector<std::pair<fs::path, std::string>>> work;
  std::vector<fs::path> files;
  for (const auto& ent : fs::directory_iterator(dir)) files.push_back(ent.path());
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    std::string fn = p.filename().string();
    auto at = fn.find(".zeek-");
    if (at == std::string::npos) continue;
    std::string name = fn.substr(0, at);
    std::string rest = fn.substr(at + 6);
    if (rest == "conn.log") {
      work[name].push_back({p, conn_tests.count(name) ? conn_tests[name] : ""});
    } else if (rest.rfind("baseline.", 0) == 0) {
      // baseline.TEST.FILE: TEST is everything up to the last dot-separated FILE part
      std::string t = rest.substr(9);
      static const char* const kTests[] = {
          "scripts.base.protocols.conn.conn_state-RST-behavior", "core.connection_flipped",
          "core.tcp.tcp-dups", "core.tcp.fin-retransmit", "core.tcp.rst-after-syn",
          "core.conn-size-flip"};
      for (const char* k : kTests)
        if (t.rfind(k, 0) == 0 && (t.size() == std::string(k).size() || t[std::string(k).size()] == '.'))
          work[name].push_back({p, k});
    }
  }

  int total = 0, equal = 0, udp_total = 0;
  std::printf("%-40s %-36s %7s\n", "capture", "baseline", "equal");
  for (const auto& [name, items] : work) {
    fs::path pcap = dir / (name + ".pcap");
    if (!fs::exists(pcap)) pcap = dir / (name + ".pcapng");
    for (const auto& [file, test] : items) {
      int udp = 0;
      std::vector<Expected> exp = file.filename().string().find(".zeek-conn.log") != std::string::npos
                                      ? parse_conn_log(file, udp)
                                      : parse_baseline(file, test);
      udp_total += udp;
      TestSetup setup = setup_for(test);
      auto ours = run_capture(pcap, setup.likely_server_ports, setup.verify_checksums, threads);
      std::vector<bool> used(ours.size(), false);
      int eq = 0;
      std::vector<std::string> diffs;
      for (std::size_t i = 0; i < exp.size(); ++i) {
        const Expected& e = exp[i];
        const Ours* match = nullptr;
        for (std::size_t j = 0; j < ours.size(); ++j) {
          if (used[j]) continue;
          if (!e.orig_h.empty()) {
            bool same = (ours[j].orig_h == e.orig_h && ours[j].orig_p == e.orig_p &&
                         ours[j].resp_h == e.resp_h && ours[j].resp_p == e.resp_p);
            bool swapped = (ours[j].orig_h == e.resp_h && ours[j].orig_p == e.resp_p &&
                            ours[j].resp_h == e.orig_h && ours[j].resp_p == e.orig_p);
            if (!same && !swapped) continue;
          }
          // A zeek-cut extract that names only the service: the service's well-known ports.
          if (e.orig_h.empty() && e.service == "smtp" && ours[j].resp_p != "25" &&
              ours[j].resp_p != "587")
            continue;
          used[j] = true;
          match = &ours[j];
          break;
        }
        bool ok = match != nullptr;
        std::string why;
        if (match) {
          if (!e.orig_h.empty() && (match->orig_h != e.orig_h || match->orig_p != e.orig_p)) {
            ok = false;
            why += " roles: ours " + match->orig_h + ":" + match->orig_p + " is orig";
          }
          if (e.history != "\x01" && match->history != e.history) {
            ok = false;
            why += " history: zeek " + e.history + " ours " + match->history;
          }
          if (!e.conn_state.empty() && match->conn_state != e.conn_state) {
            ok = false;
            why += " conn_state: zeek " + e.conn_state + " ours " + match->conn_state;
          }
          if (e.orig_state >= 0 && (match->orig_state != e.orig_state || match->resp_state != e.resp_state)) {
            ok = false;
            why += " states: zeek " + std::to_string(e.orig_state) + "/" + std::to_string(e.resp_state) +
                   " ours " + std::to_string(match->orig_state) + "/" + std::to_string(match->resp_state);
          }
        } else {
          why = " no connection of ours matches";
        }
        if (ok) ++eq;
        else diffs.push_back("  row " + std::to_string(i + 1) + ":" + why);
      }
      total += static_cast<int>(exp.size());
      equal += eq;
      std::string base = file.filename().string().substr(name.size() + 1);
      std::printf("%-40s %-36.36s %3d/%-3zu\n", name.c_str(), base.c_str(), eq, exp.size());
      if (show || require_all)
        for (const auto& d : diffs) std::printf("%s\n", d.c_str());
    }
  }
  std::printf("TOTAL: %d/%d rows equal (conn_state, history, endpoint states as given)", equal, total);
  if (udp_total) std::printf("; %d UDP rows not compared (TCP only)", udp_total);
  std::printf("\n");
  return require_all && equal != total ? 1 : 0;
}

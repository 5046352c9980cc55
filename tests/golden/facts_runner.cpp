// Golden test of the connection analysis against live/FACTS.tsv: for every row (one
// connection of a live capture, by tshark stream index), every asserted fact (a cell that
// is not "-") must equal the connection record the engine gives every command. Prints per-fact agreement and
// every mismatch; fails on any.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "text_util.hpp"

#include "tcplens/engine/engine.hpp"
#include "tcplens/tcp/connection.hpp"

namespace {

using tcplens::golden::split;

using namespace tcplens;

std::string endpoint_text(const Endpoint& e) {
  char buf[64];
  format_ip(e.ip, buf);
  std::string ip(buf);
  if (e.ip.family == 6) ip = "[" + ip + "]";
  return ip + ":" + std::to_string(e.port);
}

// The connections as every command gets them: records from the engine, by stream number.
struct Analysis {
  bool ok = false;
  std::string error;
  std::vector<Connection> connections;
};

class Collect final : public RecordSink {
 public:
  explicit Collect(std::vector<Connection>& out) : out_(out) {}
  void on_connection(ConnectionRecord& r) override {
    if (out_.size() <= r.conn.stream) out_.resize(r.conn.stream + 1);
    out_[r.conn.stream] = r.conn;
  }

 private:
  std::vector<Connection>& out_;
};

Analysis analyse(const std::string& path, unsigned threads) {
  Analysis result;
  EngineOptions options;
  options.threads = threads;
  Engine engine(options);
  Collect collect(result.connections);
  engine.add_record_sink(collect);
  const EngineResult run = engine.run_file(path, nullptr);
  result.ok = run.ok();
  result.error = !run.open_error.empty() ? run.open_error : run.read_error.message;
  return result;
}

// What the analyser says for one FACTS column.
std::string fact(const Connection& c, const std::string& column) {
  if (column == "client") return endpoint_text(c.client);
  if (column == "server") return endpoint_text(c.server);
  if (column == "handshake") return std::string(to_string(c.handshake));
  if (column == "syns") return std::to_string(c.client_syns);
  if (column == "teardown") return std::string(to_string(c.teardown));
  if (column == "initiator") return std::string(c.initiator());
  if (column == "reset_by") return std::string(c.reset_by_name());
  if (column == "time_wait") return std::string(c.time_wait());
  if (column == "state_client") return std::string(to_string(c.client.state));
  if (column == "state_server") return std::string(to_string(c.server.state));
  if (column == "c2s_retrans") return std::to_string(c.client.sent.retransmissions);
  if (column == "s2c_retrans") return std::to_string(c.server.sent.retransmissions);
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  std::string live;
  bool verbose = false;
  unsigned threads = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--live" && i + 1 < argc) live = argv[++i];
    else if (a == "--verbose") verbose = true;
    else if (a == "--threads" && i + 1 < argc) threads = static_cast<unsigned>(std::stoul(argv[++i]));
  }
  if (live.empty()) {
    std::cerr << "usage: facts_tests --live CORPUS/live [--threads N] [--verbose]\n";
    return 2;
  }
  std::ifstream in(live + "/FACTS.tsv");
  if (!in) {
    std::cerr << "facts_tests: cannot read " << live << "/FACTS.tsv\n";
    return 1;
  }
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = split(line, '\t');
  std::map<std::string, Analysis> cache;
  std::map<std::string, std::pair<long, long>> per_column;  // equal, asserted
  long rows = 0, failures = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto f = split(line, '\t');
    if (f.size() < header.size()) continue;
    ++rows;
    const std::string& capture = f[0];
    auto it = cache.find(capture);
    if (it == cache.end()) it = cache.emplace(capture, analyse(live + "/" + capture, threads)).first;
    const Analysis& an = it->second;
    if (!an.ok) {
      std::cerr << "FAIL " << capture << ": " << an.error << "\n";
      ++failures;
      continue;
    }
    const auto& conns = an.connections;
    if (f[1] == "*") {
      // An aggregate row: its note ends in "count=N key=value ...": N connections of the
      // capture have all those facts.
      const std::string& note = f.back();
      std::size_t at = note.find("count=");
      if (at == std::string::npos) continue;
      std::istringstream words(note.substr(at));
      std::string word;
      long want = -1;
      std::vector<std::pair<std::string, std::string>> filters;
      while (words >> word) {
        auto eq = word.find('=');
        if (eq == std::string::npos) continue;
        std::string key = word.substr(0, eq), value = word.substr(eq + 1);
        if (key == "count")
          want = std::stol(value);
        else
          filters.emplace_back(key, value);
      }
      long got = 0;
      for (const Connection& c : conns) {
        bool all = true;
        for (const auto& [key, value] : filters) all = all && fact(c, key) == value;
        if (all) ++got;
      }
      auto& counts = per_column["count(*)"];
      ++counts.second;
      if (got == want) {
        ++counts.first;
      } else {
        ++failures;
        std::cerr << "FAIL " << capture << " aggregate \"" << note.substr(at) << "\": got count="
                  << got << "\n";
      }
      continue;
    }
    const auto stream = static_cast<std::size_t>(std::stoul(f[1]));
    if (stream >= conns.size()) {
      std::cerr << "FAIL " << capture << " stream " << stream << ": no such connection\n";
      ++failures;
      continue;
    }
    const Connection& c = conns[stream];
    for (std::size_t k = 2; k + 1 < header.size(); ++k) {  // last column is a free-text note
      if (f[k] == "-") continue;
      std::string got = fact(c, header[k]);
      auto& counts = per_column[header[k]];
      ++counts.second;
      if (got == f[k]) {
        ++counts.first;
      } else {
        ++failures;
        std::cerr << "FAIL " << capture << " stream " << stream << " " << header[k] << ": want "
                  << f[k] << ", got " << got << "\n";
      }
    }
    if (verbose) {
      std::cout << capture << " " << stream << ":";
      for (std::size_t k = 2; k + 1 < header.size(); ++k) std::cout << " " << fact(c, header[k]);
      std::cout << "\n";
    }
  }
  std::printf("%-14s %8s %8s\n", "fact", "equal", "asserted");
  for (const auto& [column, counts] : per_column)
    std::printf("%-14s %8ld %8ld\n", column.c_str(), counts.first, counts.second);
  long equal = 0;
  for (const auto& [column, counts] : per_column) equal += counts.first;
  std::printf("%ld rows\n%ld passed, %ld failed\n", rows, equal, failures);
  return failures == 0 ? 0 : 1;
}

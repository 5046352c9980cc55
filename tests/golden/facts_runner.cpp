// Golden test of the connection analysis against live/FACTS.tsv: for every row (one
// connection of a live capture, by tshark stream index), every asserted fact (a cell that
// is not "-") must equal the connection record the engine gives every command. Prints per-fact agreement and
// every mismatch; fails on any.
//
// With --explain TCPLENS the facts are read from `tcplens explain --format json` instead: each
// object must hold the connection's `conns --format json` record unchanged (same fields, same
// values), and its findings must state the same handshake, close, reset, TIME_WAIT and final
// states (docs/explain.md).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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

// One connection as explain's JSON gives it.
struct Explained {
  nlohmann::json record;  // the object less its findings
  nlohmann::json findings;
};

std::string run_lines(const std::string& command, std::vector<std::string>& lines) {
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return "cannot run " + command;
  std::string text;
  char buf[1 << 16];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
  const int status = ::pclose(p);
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return status == 0 ? "" : command + ": exit status " + std::to_string(status);
}

// explain's objects by stream; `error` says what went wrong (a record that differs from conns').
std::vector<Explained> explain_json(const std::string& tcplens, const std::string& path, unsigned threads,
                                    std::string& error) {
  const std::string args = " --format json --threads " + std::to_string(threads) + " -r '" + path + "' 2>/dev/null";
  std::vector<std::string> explained, conns;
  error = run_lines(tcplens + " explain" + args, explained);
  if (error.empty()) error = run_lines(tcplens + " conns" + args, conns);
  std::vector<Explained> out;
  if (!error.empty()) return out;
  if (explained.size() != conns.size()) {
    error = "explain gives " + std::to_string(explained.size()) + " objects, conns " + std::to_string(conns.size());
    return out;
  }
  // conns writes records as connections end, explain in stream order: pair them by stream.
  std::map<std::uint64_t, nlohmann::json> conns_by_stream;
  for (const std::string& line : conns) {
    nlohmann::json c = nlohmann::json::parse(line, nullptr, false);
    if (c.is_discarded()) continue;
    const std::uint64_t stream = c["stream"].get<std::uint64_t>();
    conns_by_stream[stream] = std::move(c);
  }
  for (std::size_t k = 0; k < explained.size(); ++k) {
    nlohmann::json e = nlohmann::json::parse(explained[k], nullptr, false);
    if (e.is_discarded() || !e.contains("findings") || !e.contains("stream")) {
      error = "line " + std::to_string(k + 1) + " is not a JSON object with findings";
      return out;
    }
    Explained x;
    x.findings = e["findings"];
    e.erase("findings");
    const nlohmann::json& c = conns_by_stream[e["stream"].get<std::uint64_t>()];
    if (e != c) {
      error = "stream " + std::to_string(k) + ": explain's record differs from conns': " + e.dump() + " vs " + c.dump();
      return out;
    }
    x.record = std::move(e);
    const std::size_t stream = x.record["stream"].get<std::size_t>();
    if (out.size() <= stream) out.resize(stream + 1);
    out[stream] = std::move(x);
  }
  return out;
}

std::string endpoint_json(const nlohmann::json& e) {
  const std::string ip = e["ip"].get<std::string>();
  return (ip.find(':') != std::string::npos ? "[" + ip + "]" : ip) + ":" + std::to_string(e["port"].get<int>());
}

const nlohmann::json* finding(const Explained& x, std::string_view prefix) {
  for (const nlohmann::json& f : x.findings)
    if (f["code"].get<std::string>().rfind(prefix, 0) == 0) return &f;
  return nullptr;
}

// What explain's JSON says for one FACTS column: the record's field, checked against what
// the findings say ("findings disagree" when they do not state it).
std::string fact(const Explained& x, const std::string& column) {
  const nlohmann::json& r = x.record;
  auto text = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  std::string value;
  if (column == "client") value = endpoint_json(r["client"]);
  else if (column == "server") value = endpoint_json(r["server"]);
  else if (column == "handshake") value = text(r["handshake"]["result"]);
  else if (column == "syns") value = text(r["handshake"]["syns"]);
  else if (column == "teardown") value = text(r["teardown"]["kind"]);
  else if (column == "initiator") value = text(r["teardown"]["initiator"]);
  else if (column == "reset_by") value = text(r["teardown"]["reset_by"]);
  else if (column == "time_wait") value = text(r["teardown"]["time_wait"]);
  else if (column == "state_client") value = text(r["states"]["client"]);
  else if (column == "state_server") value = text(r["states"]["server"]);
  else if (column == "c2s_retrans") value = text(r["client_to_server"]["retransmissions"]);
  else if (column == "s2c_retrans") value = text(r["server_to_client"]["retransmissions"]);
  else return "?";
  // The findings' word for the same fact.
  static const std::map<std::string, std::string> kHandshake = {
      {"complete", "handshake.complete"},     {"simultaneous_open", "handshake.simultaneous"},
      {"unanswered", "handshake.unanswered"}, {"rejected", "handshake.refused"},
      {"no_final_ack", "handshake.no_final_ack"}, {"not_seen", "handshake.not_seen"}};
  static const std::map<std::string, std::string> kTeardown = {
      {"four_way", "teardown.four_way"},         {"three_way", "teardown.three_packet"},
      {"simultaneous", "teardown.simultaneous"}, {"half_closed", "teardown.half_close"},
      {"open", "teardown.open"},                 {"reset", "reset."}};
  bool agrees = true;
  if (column == "handshake")
    agrees = finding(x, kHandshake.at(value)) != nullptr ||
             (value == "unanswered" && finding(x, "handshake.icmp_rejected") != nullptr);
  if (column == "teardown" && kTeardown.count(value)) agrees = finding(x, kTeardown.at(value)) != nullptr;
  if (column == "state_client" || column == "state_server") {
    const nlohmann::json* f = finding(x, "states.final");
    agrees = f != nullptr && (*f)["params"][column == "state_client" ? "client_state" : "server_state"] == value;
  }
  if (column == "time_wait") {
    const nlohmann::json* one = finding(x, "time_wait.one");
    const nlohmann::json* both = finding(x, "time_wait.both");
    agrees = value == "both" ? both != nullptr
             : value == "none" ? one == nullptr && both == nullptr
                               : one != nullptr && (*one)["params"]["waiter"] == value;
  }
  if (column == "reset_by" && value != "none") {
    const nlohmann::json* f = finding(x, "reset.");
    const nlohmann::json* refused = finding(x, "handshake.refused");
    const nlohmann::json* early = finding(x, "handshake.reset");
    agrees = (f != nullptr && (*f)["params"]["resetter"] == value) || (refused != nullptr && value == "server") ||
             (early != nullptr && (*early)["params"]["resetter"] == value);
  }
  return agrees ? value : value + " (findings disagree)";
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
  std::string live, tcplens;
  bool verbose = false;
  unsigned threads = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--live" && i + 1 < argc) live = argv[++i];
    else if (a == "--verbose") verbose = true;
    else if (a == "--explain" && i + 1 < argc) tcplens = argv[++i];
    else if (a == "--threads" && i + 1 < argc) threads = static_cast<unsigned>(std::stoul(argv[++i]));
  }
  if (live.empty()) {
    std::cerr << "usage: facts_tests --live CORPUS/live [--threads N] [--explain TCPLENS] [--verbose]\n";
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
  std::map<std::string, std::vector<Explained>> explained;
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
    const std::vector<Explained>* ex = nullptr;
    if (!tcplens.empty()) {
      auto e = explained.find(capture);
      if (e == explained.end()) {
        std::string error;
        e = explained.emplace(capture, explain_json(tcplens, live + "/" + capture, threads, error)).first;
        if (!error.empty()) {
          std::cerr << "FAIL " << capture << ": " << error << "\n";
          ++failures;
        }
      }
      ex = &e->second;
    }
    // A fact as this run reads it: from the engine's record, or from explain's JSON.
    auto fact_of = [&](std::size_t stream, const std::string& column) {
      if (ex == nullptr) return fact(conns[stream], column);
      return stream < ex->size() && !(*ex)[stream].record.is_null() ? fact((*ex)[stream], column)
                                                                     : std::string("(no object)");
    };
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
      for (std::size_t c = 0; c < conns.size(); ++c) {
        bool all = true;
        for (const auto& [key, value] : filters) all = all && fact_of(c, key) == value;
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
    for (std::size_t k = 2; k + 1 < header.size(); ++k) {  // last column is a free-text note
      if (f[k] == "-") continue;
      std::string got = fact_of(stream, header[k]);
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
      for (std::size_t k = 2; k + 1 < header.size(); ++k) std::cout << " " << fact_of(stream, header[k]);
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

// Golden comparison of `tcplens analyze --per-packet --format tsv` with every
// NAME.tshark-tcp.tsv of the corpus (tshark 4.0.17, two-pass), column by column.
//
// Rows are matched by frame number. For every column it prints how many oracle rows we
// reproduce exactly; for every 0/1 tcp.analysis flag, precision and recall over all rows
// (a row we do not print counts as 0, a row tshark does not print as 0). It fails when
// tcplens exits abnormally on any capture, or when a column listed with --require is below
// its threshold. C++ only, so CI needs no Python.
//
//   golden_tshark --tool build/tcplens --corpus ../shared/corpus
//       [--show NAME] [--column COL] [--max-show N] [--require COL=PCT ...]
//       [--require-all PCT] [--per-capture] [--compat MODE]
//       [--expect-differences FILE] [--check-wire-logs]
// --show NAME prints the differing cells of captures whose path contains NAME (only column
// COL with --column); --per-capture names, for each differing capture, its worst column.
// --compat MODE is passed to tcplens analyze.
// --expect-differences FILE: the cells allowed to differ, one per line: capture path suffix,
// frame, column, tshark's value, tcplens's value, reason (tab-separated; # comments). The
// run fails on any other differing cell and on a listed cell that does not differ as listed.
// --check-wire-logs: for every capture with a NAME.wire.log (the relay's record of the
// segments it delayed or duplicated), checks tcplens's flags against it: a delayed segment
// that arrives behind later data is out of order and no retransmission, one that does not
// is neither; a second copy of the same bytes (a relay duplicate, or the sender's resend) is
// flagged retransmission, and no other data segment is flagged retransmission or out of order.
#include <sys/wait.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "text_util.hpp"

namespace fs = std::filesystem;

namespace {

using tcplens::golden::split;

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Table {
  std::vector<std::string> header;
  std::map<long, std::vector<std::string>> rows;  // by frame number
};

void parse_table(std::istream& in, Table& t) {
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    auto f = split(line, '\t');
    if (first) {
      t.header = f;
      first = false;
      continue;
    }
    if (f.empty() || f[0].empty()) continue;
    t.rows[std::atol(f[0].c_str())] = f;
  }
}

// Runs the tool; returns its exit status (-1 when it did not exit normally) and its stdout.
int run(const std::string& cmd, std::string& out) {
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[65536];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int st = pclose(p);
  if (st == -1 || !WIFEXITED(st)) return -1;
  return WEXITSTATUS(st);
}

bool is_flag_column(const std::string& name) {
  static const char* kFlags[] = {
      "retransmission", "fast_retransmission", "spurious_retransmission", "out_of_order",
      "lost_segment", "ack_lost_segment", "duplicate_ack", "zero_window", "zero_window_probe",
      "zero_window_probe_ack", "window_full", "window_update", "keep_alive", "keep_alive_ack",
      "reused_ports", "tfo_syn", "tfo_ack", "tfo_ignored"};
  for (const char* f : kFlags)
    if (name == std::string("tcp.analysis.") + f) return true;
  return false;
}

struct ExpectedDifference {
  std::string capture_suffix;
  long frame = 0;
  std::string column, tshark, tcplens;
  bool seen = false;
};

std::vector<ExpectedDifference> read_expected(const std::string& path, bool& ok) {
  std::vector<ExpectedDifference> out;
  std::ifstream in(path);
  ok = static_cast<bool>(in);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto f = split(line, '\t');
    if (f.size() < 5) {
      ok = false;
      continue;
    }
    out.push_back({f[0], std::atol(f[1].c_str()), f[2], f[3], f[4], false});
  }
  return out;
}

// Checks our flags on a relay capture against its wire log; returns the number of problems
// (each printed).
long check_wire_log(const std::string& capture, const std::string& wire_log, const Table& ours) {
  struct Entry {
    std::string action;
    std::uint32_t seq = 0, len = 0;
  };
  std::vector<Entry> entries;
  {
    std::ifstream in(wire_log);
    std::string line;
    while (std::getline(in, line)) {
      auto f = split(line, ' ');
      if (f.size() < 5 || f[3].rfind("seq=", 0) != 0 || f[4].rfind("len=", 0) != 0) continue;
      entries.push_back({f[2], static_cast<std::uint32_t>(std::strtoul(f[3].c_str() + 4, nullptr, 10)),
                         static_cast<std::uint32_t>(std::strtoul(f[4].c_str() + 4, nullptr, 10))});
    }
  }
  auto col = [&](const std::string& name) {
    auto it = std::find(ours.header.begin(), ours.header.end(), name);
    return it == ours.header.end() ? std::size_t{0} : static_cast<std::size_t>(it - ours.header.begin());
  };
  const std::size_t c_stream = col("tcp.stream"), c_src = col("tcp.srcport"), c_seq = col("tcp.seq_raw"),
                    c_len = col("tcp.len"), c_retx = col("tcp.analysis.retransmission"),
                    c_ooo = col("tcp.analysis.out_of_order");
  if (!c_stream || !c_seq || !c_len || !c_retx || !c_ooo) {
    std::cout << "wire-log check: columns missing in our output for " << capture << "\n";
    return 1;
  }
  auto field = [](const std::vector<std::string>& row, std::size_t c) {
    return c < row.size() ? row[c] : std::string();
  };
  // Expected verdict per frame: 'o' out of order, 'r' retransmission, '-' neither.
  std::map<long, char> expect;
  std::map<std::string, std::uint64_t> highest_end;  // per stream and direction, unwrapped
  std::map<std::string, int> copies;                 // per (stream, dir, seq, len)
  std::map<std::string, std::uint64_t> base;
  for (const auto& [frame, row] : ours.rows) {
    const long len = std::atol(field(row, c_len).c_str());
    if (len <= 0) continue;
    const std::string dir = field(row, c_stream) + "/" + field(row, c_src);
    const auto seq = static_cast<std::uint32_t>(std::strtoul(field(row, c_seq).c_str(), nullptr, 10));
    if (!base.count(dir)) base[dir] = seq;
    const std::uint64_t s = static_cast<std::uint32_t>(seq - static_cast<std::uint32_t>(base[dir]));
    const std::uint64_t e = s + static_cast<std::uint64_t>(len);
    const std::string key = dir + "/" + std::to_string(seq) + "/" + std::to_string(len);
    const int copy = ++copies[key];
    const bool delayed = std::any_of(entries.begin(), entries.end(), [&](const Entry& x) {
      return x.action == "delay" && x.seq == seq && x.len == static_cast<std::uint32_t>(len);
    });
    if (copy > 1)
      expect[frame] = 'r';
    else if (delayed && e <= highest_end[dir])
      expect[frame] = 'o';
    else
      expect[frame] = '-';
    highest_end[dir] = std::max(highest_end[dir], e);
  }
  long problems = 0;
  for (const auto& [frame, want] : expect) {
    const auto& row = ours.rows.at(frame);
    const bool retx = field(row, c_retx) == "1", ooo = field(row, c_ooo) == "1";
    const char got = ooo ? 'o' : retx ? 'r' : '-';
    if (got != want || (retx && ooo)) {
      ++problems;
      std::cout << "wire-log: " << capture << " frame " << frame << ": expected "
                << (want == 'o' ? "out_of_order" : want == 'r' ? "retransmission" : "neither")
                << ", got retransmission=" << retx << " out_of_order=" << ooo << "\n";
    }
  }
  std::cout << "wire-log: " << capture << ": " << entries.size() << " relay entries, " << expect.size()
            << " data segments checked, " << problems << " problems\n";
  return problems;
}

struct ColumnTally {
  long rows = 0, same = 0;
  long tp = 0, fp = 0, fn = 0;  // flag columns only
};

}  // namespace

int main(int argc, char** argv) {
  std::string tool, corpus, show, show_column;
  long max_show = 40;
  bool per_capture = false;
  std::vector<std::pair<std::string, double>> required;
  double require_all = -1;
  std::string compat, expect_path;
  bool check_wire_logs = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--tool") tool = next();
    else if (a == "--corpus") corpus = next();
    else if (a == "--show") show = next();
    else if (a == "--column") show_column = next();
    else if (a == "--max-show") max_show = std::atol(next().c_str());
    else if (a == "--per-capture") per_capture = true;
    else if (a == "--require-all") require_all = std::atof(next().c_str());
    else if (a == "--compat") compat = next();
    else if (a == "--expect-differences") expect_path = next();
    else if (a == "--check-wire-logs") check_wire_logs = true;
    else if (a == "--require") {
      std::string r = next();
      auto eq = r.find('=');
      if (eq == std::string::npos) {
        std::cerr << "golden_tshark: --require COL=PCT\n";
        return 2;
      }
      required.emplace_back(r.substr(0, eq), std::atof(r.c_str() + eq + 1));
    } else {
      std::cerr << "usage: golden_tshark --tool T --corpus DIR [--show NAME] [--column COL] "
                   "[--max-show N] [--per-capture] [--require COL=PCT ...] [--require-all PCT] "
                   "[--compat MODE] [--expect-differences FILE] [--check-wire-logs]\n";
      return 2;
    }
  }
  if (tool.empty() || corpus.empty()) {
    std::cerr << "golden_tshark: --tool and --corpus are required\n";
    return 2;
  }
  if (!fs::exists(corpus)) {
    std::cerr << "golden_tshark: no corpus at " << corpus << "\n";
    return 1;
  }
  tool = fs::absolute(tool).string();
  std::vector<ExpectedDifference> expected;
  if (!expect_path.empty()) {
    bool ok = false;
    expected = read_expected(expect_path, ok);
    if (!ok) {
      std::cerr << "golden_tshark: cannot read " << expect_path << "\n";
      return 2;
    }
  }
  long unexpected = 0, wire_problems = 0, wire_logs = 0;

  std::vector<fs::path> oracles;
  for (const auto& e : fs::recursive_directory_iterator(corpus)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.ends_with(".tshark-tcp.tsv"))
      oracles.push_back(e.path());
  }
  std::sort(oracles.begin(), oracles.end());

  std::vector<std::string> columns;
  std::map<std::string, ColumnTally> tally;
  long crashes = 0, captures = 0, missing_rows = 0, extra_rows = 0, oracle_rows = 0;
  long shown = 0;

  for (const fs::path& oracle_path : oracles) {
    std::string base = oracle_path.string();
    base.resize(base.size() - std::string(".tshark-tcp.tsv").size());
    std::string capture;
    for (const char* ext : {".pcap", ".pcapng"})
      if (fs::exists(base + ext)) capture = base + ext;
    if (capture.empty()) continue;
    ++captures;
    Table oracle, ours;
    {
      std::ifstream in(oracle_path, std::ios::binary);
      parse_table(in, oracle);
    }
    std::string out;
    const std::string mode = compat.empty() ? "" : " --compat " + shell_quote(compat);
    int st = run(shell_quote(tool) + " analyze --per-packet --format tsv" + mode + " -r " + shell_quote(capture) +
                     " 2>/dev/null",
                 out);
    if (st < 0 || st > 1) {
      ++crashes;
      std::cout << "CRASH (status " << st << "): " << capture << "\n";
    }
    {
      std::istringstream in(out);
      parse_table(in, ours);
    }
    if (columns.empty()) columns = oracle.header;
    if (oracle.header != columns) {
      std::cout << "header differs in " << oracle_path << "\n";
      continue;
    }
    if (!ours.header.empty() && ours.header != columns) std::cout << "our header differs: " << capture << "\n";

    const bool showing = !show.empty() && capture.find(show) != std::string::npos;
    std::map<std::string, ColumnTally> cap_tally;
    for (const auto& [frame, orow] : oracle.rows) {
      ++oracle_rows;
      auto it = ours.rows.find(frame);
      const std::vector<std::string>* mrow = it == ours.rows.end() ? nullptr : &it->second;
      if (!mrow) ++missing_rows;
      for (std::size_t c = 0; c < columns.size(); ++c) {
        const std::string& want = c < orow.size() ? orow[c] : "";
        const std::string got = mrow && c < mrow->size() ? (*mrow)[c] : (mrow ? "" : "<missing>");
        for (auto* t : {&tally[columns[c]], &cap_tally[columns[c]]}) {
          ++t->rows;
          if (want == got) ++t->same;
          if (is_flag_column(columns[c])) {
            bool w = want == "1", g = got == "1";
            t->tp += w && g;
            t->fp += !w && g;
            t->fn += w && !g;
          }
        }
        if (!expect_path.empty() && want != got) {
          auto e = std::find_if(expected.begin(), expected.end(), [&](const ExpectedDifference& x) {
            return capture.ends_with(x.capture_suffix) && x.frame == frame && x.column == columns[c];
          });
          if (e != expected.end() && e->tshark == want && e->tcplens == got) {
            e->seen = true;
          } else {
            ++unexpected;
            std::cout << "unexpected difference: " << capture << " frame " << frame << " " << columns[c]
                      << ": tshark '" << want << "' tcplens '" << got << "'\n";
          }
        }
        if (showing && want != got && (show_column.empty() || show_column == columns[c]) &&
            shown < max_show) {
          ++shown;
          std::cout << capture << " frame " << frame << " " << columns[c] << ": tshark '" << want
                    << "' tcplens '" << got << "'\n";
        }
      }
    }
    for (const auto& [frame, mrow] : ours.rows) {
      if (oracle.rows.count(frame)) continue;
      ++extra_rows;
      for (std::size_t c = 0; c < columns.size() && c < mrow.size(); ++c)
        if (is_flag_column(columns[c]) && mrow[c] == "1") ++tally[columns[c]].fp, ++cap_tally[columns[c]].fp;
      if (showing && shown < max_show) {
        ++shown;
        std::cout << capture << " frame " << frame << ": extra row\n";
      }
    }
    if (check_wire_logs && fs::exists(base + ".wire.log")) {
      ++wire_logs;
      wire_problems += check_wire_log(capture, base + ".wire.log", ours);
    }
    if (per_capture) {
      long worst_same = 0, worst_rows = 0;
      std::string worst;
      for (const auto& [col, t] : cap_tally)
        if (t.rows - t.same > worst_rows - worst_same) worst = col, worst_same = t.same, worst_rows = t.rows;
      if (!worst.empty())
        std::cout << "differs: " << capture << " (" << (worst_rows - worst_same) << " rows in " << worst << ")\n";
    }
  }

  std::printf("tshark-tcp.tsv comparison: %ld captures, %ld oracle rows, %ld missing, %ld extra, %ld crashes\n",
              captures, oracle_rows, missing_rows, extra_rows, crashes);
  std::printf("%-40s %9s %9s %8s   %9s %9s\n", "column", "rows", "equal", "agree%", "precision", "recall");
  for (const std::string& col : columns) {
    const ColumnTally& t = tally[col];
    double pct = t.rows ? 100.0 * static_cast<double>(t.same) / static_cast<double>(t.rows) : 100.0;
    std::printf("%-40s %9ld %9ld %8.3f", col.c_str(), t.rows, t.same, pct);
    if (is_flag_column(col)) {
      double p = t.tp + t.fp ? 100.0 * static_cast<double>(t.tp) / static_cast<double>(t.tp + t.fp) : 100.0;
      double r = t.tp + t.fn ? 100.0 * static_cast<double>(t.tp) / static_cast<double>(t.tp + t.fn) : 100.0;
      std::printf("   %9.3f %9.3f  (tp %ld fp %ld fn %ld)", p, r, t.tp, t.fp, t.fn);
    }
    std::printf("\n");
  }
  int rc = crashes ? 1 : 0;
  if (!expect_path.empty()) {
    long listed_missing = 0;
    for (const ExpectedDifference& e : expected)
      if (!e.seen) {
        ++listed_missing;
        std::cout << "listed difference not seen: " << e.capture_suffix << " frame " << e.frame << " "
                  << e.column << " (tshark '" << e.tshark << "', tcplens '" << e.tcplens << "')\n";
      }
    std::printf("expected differences: %zu listed, %ld unexpected, %ld listed but not seen\n",
                expected.size(), unexpected, listed_missing);
    if (unexpected || listed_missing) rc = 1;
  }
  if (check_wire_logs) {
    std::printf("wire logs: %ld checked, %ld problems\n", wire_logs, wire_problems);
    if (wire_logs == 0 || wire_problems) rc = 1;
  }
  if (require_all >= 0)
    for (const std::string& col : columns) required.emplace_back(col, require_all);
  for (const auto& [col, pct] : required) {
    const ColumnTally& t = tally[col];
    double got = t.rows ? 100.0 * static_cast<double>(t.same) / static_cast<double>(t.rows) : 0.0;
    if (got + 1e-9 < pct) {
      std::printf("FAIL: %s agreement %.3f%% < required %.3f%%\n", col.c_str(), got, pct);
      rc = 1;
    }
  }
  return rc;
}

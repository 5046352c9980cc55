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
//       [--require-all PCT] [--per-capture]
// --show NAME prints the differing cells of captures whose path contains NAME (only column
// COL with --column); --per-capture names, for each differing capture, its worst column.
#include <sys/wait.h>

#include <algorithm>
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
                   "[--max-show N] [--per-capture] [--require COL=PCT ...] [--require-all PCT]\n";
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
    int st = run(shell_quote(tool) + " analyze --per-packet --format tsv -r " + shell_quote(capture) +
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

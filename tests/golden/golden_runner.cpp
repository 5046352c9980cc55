// Golden tests over the reference corpus: runs `tcplens print` on every capture listed in
// the corpus MANIFEST, in every mode of cases.tsv, and compares stdout (and, for the first
// mode, stderr) with the tcpdump oracle files line by line.
//
// It prints, per mode, the share of identical lines overall and on TCP lines, and fails when
//  - tcplens exits abnormally (crash, sanitizer report) on any capture, or
//  - a capture/mode has more differing lines than known-differences.tsv allows.
// known-differences.tsv holds one row per capture/mode that is allowed to differ, with the
// number of differing lines and the reason (each reason is explained in docs/differences.md).
// --update-known rewrites it from this run (review the diff before committing).
// --show NAME prints the differing lines of captures whose path contains NAME.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "text_util.hpp"

namespace {

using tcplens::golden::split;

struct Mode {
  std::string name;
  std::string flags;
  std::string oracle_suffix;
};

struct Known {
  long max_lines = 0;
  std::string reason;
};

bool read_lines(const std::string& path, std::vector<std::string>& lines) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return true;
}

bool file_exists(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

struct Tally {
  long lines = 0, same = 0, other = 0, tcp_lines = 0, tcp_same = 0;
};

// A line of an application (or IP) protocol that tcplens does not decode: tcplens printed
// tcpdump's line up to where that protocol's own text starts (TCP: up to "length N"; UDP: the
// addresses and ports, then its generic "UDP, length N"; IP: "ip-proto-N").
bool is_other_protocol(const std::string& want, const std::string& got) {
  if (got.size() < want.size() && want.compare(0, got.size(), got) == 0 &&
      got.find(", length ") != std::string::npos)
    return true;
  for (const char* generic : {": UDP, length ", ": UDP, bad length ", ":  ip-proto-", ": ip-proto-"}) {
    std::size_t pos = got.find(generic);
    if (pos == std::string::npos) continue;
    std::size_t keep = pos + 2;
    if (want.size() >= keep && want.compare(0, keep, got, 0, keep) == 0 &&
        want.find(generic + 2, keep) != keep)
      return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  std::string tool, corpus, cases_path, known_path, show, upstream_path;
  bool update_known = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--tool") tool = next();
    else if (a == "--corpus") corpus = next();
    else if (a == "--cases") cases_path = next();
    else if (a == "--known") known_path = next();
    else if (a == "--show") show = next();
    else if (a == "--upstream") upstream_path = next();
    else if (a == "--update-known") update_known = true;
    else {
      std::cerr << "usage: golden_tests --tool T --corpus DIR --cases F --known F "
                   "[--show NAME] [--update-known]\n";
      return 2;
    }
  }
  if (tool.empty() || corpus.empty() || cases_path.empty()) {
    std::cerr << "golden_tests: --tool, --corpus and --cases are required\n";
    return 2;
  }
  if (tool[0] != '/') {
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd)) tool = std::string(cwd) + "/" + tool;
  }
  if (!file_exists(corpus + "/MANIFEST.tsv")) {
    std::cerr << "golden_tests: no corpus at " << corpus << "\n";
    return 1;
  }

  std::vector<Mode> modes;
  {
    std::vector<std::string> lines;
    read_lines(cases_path, lines);
    for (const auto& l : lines) {
      if (l.empty() || l[0] == '#') continue;
      auto f = split(l, '\t');
      if (f.size() >= 3) modes.push_back({f[0], f[1], f[2]});
    }
  }
  std::map<std::string, Known> known;
  if (!known_path.empty()) {
    std::vector<std::string> lines;
    read_lines(known_path, lines);
    for (const auto& l : lines) {
      if (l.empty() || l[0] == '#') continue;
      auto f = split(l, '\t');
      if (f.size() >= 3) known[f[0] + "\t" + f[1]] = {std::atol(f[2].c_str()), f.size() > 3 ? f[3] : ""};
    }
  }
  std::vector<std::string> captures;
  {
    std::vector<std::string> lines;
    read_lines(corpus + "/MANIFEST.tsv", lines);
    for (std::size_t i = 1; i < lines.size(); ++i) {
      auto f = split(lines[i], '\t');
      if (!f[0].empty()) captures.push_back(f[0]);
    }
  }

  std::map<std::string, Tally> tallies;
  std::map<std::string, long> diffs_now;  // capture \t mode -> differing lines
  int failures = 0;
  char tmp_out[] = "/tmp/tcplens-golden-out-XXXXXX";
  char tmp_err[] = "/tmp/tcplens-golden-err-XXXXXX";
  int fd_out = mkstemp(tmp_out);
  int fd_err = mkstemp(tmp_err);
  if (fd_out < 0 || fd_err < 0) {
    std::cerr << "golden_tests: cannot create temporary files\n";
    return 1;
  }
  close(fd_out);
  close(fd_err);

  struct Job {
    std::string capture;  // path in the corpus
    std::string mode;     // cases.tsv mode name, or "upstream:TEST"
    std::string args;     // after "tcplens print"
    std::string oracle;   // expected stdout
    std::string oracle_stderr;  // expected stderr, or empty
  };
  std::vector<Job> jobs;
  for (const auto& capture : captures) {
    std::string dir = corpus + "/" + capture.substr(0, capture.rfind('/'));
    std::string file = capture.substr(capture.rfind('/') + 1);
    std::string stem = file.substr(0, file.rfind('.'));
    for (std::size_t m = 0; m < modes.size(); ++m) {
      std::string oracle = dir + "/" + stem + "." + modes[m].oracle_suffix;
      if (!file_exists(oracle)) continue;
      jobs.push_back({capture, modes[m].name, "-r " + shell_quote(file) + " " + modes[m].flags,
                      oracle, m == 0 ? dir + "/" + stem + ".tcpdump.stderr" : ""});
    }
  }
  // Upstream tcpdump tests whose expected output Debian's 4.99.3 reproduces ("same"): they
  // exercise options the five modes do not (-e, -q, -vv, -vvv, -x, -A, -#, filters).
  // Tests that need an option tcplens does not offer (-T: forced packet type) are left out.
  if (!upstream_path.empty()) {
    std::vector<std::string> lines;
    read_lines(upstream_path, lines);
    for (std::size_t i = 1; i < lines.size(); ++i) {
      auto f = split(lines[i], '\t');
      if (f.size() < 7 || f[6] != "same" || f[2].find("-T ") != std::string::npos) continue;
      std::string command = f[3];
      if (command.compare(0, 8, "tcpdump ") != 0) continue;
      jobs.push_back({f[0], "upstream:" + f[1], command.substr(8), corpus + "/" + f[4], ""});
    }
  }

  for (const Job& job : jobs) {
    const std::string& capture = job.capture;
    std::string dir = corpus + "/" + capture.substr(0, capture.rfind('/'));
    {
      const std::string& mode_name = job.mode;
      std::string cmd = "cd " + shell_quote(dir) + " && TZ=UTC " + shell_quote(tool) +
                        " print " + job.args + " > " + tmp_out + " 2> " + tmp_err;
      int rc = std::system(cmd.c_str());
      bool exited = WIFEXITED(rc);
      int code = exited ? WEXITSTATUS(rc) : -1;
      std::vector<std::string> expected, actual;
      read_lines(job.oracle, expected);
      read_lines(tmp_out, actual);
      if (!job.oracle_stderr.empty()) {
        std::vector<std::string> exp_err, act_err;
        if (read_lines(job.oracle_stderr, exp_err)) {
          read_lines(tmp_err, act_err);
          for (auto& l : exp_err) expected.push_back("stderr: " + l);
          for (auto& l : act_err) actual.push_back("stderr: " + l);
        }
      }
      std::vector<std::string> err;
      read_lines(tmp_err, err);
      bool sanitizer_report = false;
      for (const auto& l : err)
        if (l.find("Sanitizer") != std::string::npos || l.find("runtime error:") != std::string::npos)
          sanitizer_report = true;
      if (!exited || code > 1 || sanitizer_report) {
        std::cerr << "CRASH " << capture << " [" << mode_name << "] status " << rc << "\n";
        for (std::size_t i = 0; i < err.size() && i < 20; ++i) std::cerr << "  " << err[i] << "\n";
        ++failures;
      }
      Tally& t = tallies[mode_name.rfind("upstream:", 0) == 0 ? "upstream" : mode_name];
      long differing = 0;
      // Align by packet: a record is a line that starts in column 0 plus its continuation
      // lines (indented: -v, -X, multi-line protocols), so one packet printed with an extra
      // or missing line does not shift every later packet.
      auto records = [](const std::vector<std::string>& lines) {
        std::vector<std::pair<std::size_t, std::size_t>> out;  // [begin, end)
        for (std::size_t i = 0; i < lines.size(); ++i) {
          bool continuation = !lines[i].empty() && (lines[i][0] == ' ' || lines[i][0] == '\t');
          if (!continuation || out.empty())
            out.push_back({i, i + 1});
          else
            out.back().second = i + 1;
        }
        return out;
      };
      auto exp_records = records(expected);
      auto act_records = records(actual);
      std::size_t nrec = std::max(exp_records.size(), act_records.size());
      for (std::size_t r = 0; r < nrec; ++r) {
        std::size_t eb = 0, ee = 0, ab = 0, ae = 0;
        if (r < exp_records.size()) std::tie(eb, ee) = exp_records[r];
        if (r < act_records.size()) std::tie(ab, ae) = act_records[r];
        std::size_t n = std::max(ee - eb, ae - ab);
        for (std::size_t k = 0; k < n; ++k) {
          const std::string* e = eb + k < ee ? &expected[eb + k] : nullptr;
          const std::string* a = ab + k < ae ? &actual[ab + k] : nullptr;
          bool same = e && a && *e == *a;
          bool tcp = e && e->find("Flags [") != std::string::npos;
          ++t.lines;
          if (same) ++t.same;
          if (!same && e && a && is_other_protocol(*e, *a)) ++t.other;
          if (tcp) {
            ++t.tcp_lines;
            if (same) ++t.tcp_same;
          }
          if (!same) {
            ++differing;
            if (!show.empty() && capture.find(show) != std::string::npos) {
              std::cout << capture << " [" << mode_name << "] line " << (e ? eb + k + 1 : 0)
                        << "\n"
                        << "  want: " << (e ? *e : "<none>") << "\n"
                        << "  got:  " << (a ? *a : "<none>") << "\n";
            }
          }
        }
      }
      if (differing > 0) {
        std::string key = capture + "\t" + mode_name;
        diffs_now[key] = differing;
        auto it = known.find(key);
        if (it == known.end() || differing > it->second.max_lines) {
          if (!update_known)
            std::cerr << "DIFF " << capture << " [" << mode_name << "]: " << differing
                      << " differing lines (allowed "
                      << (it == known.end() ? 0 : it->second.max_lines) << ")\n";
          ++failures;
        }
      }
    }
  }
  unlink(tmp_out);
  unlink(tmp_err);

  std::printf("%-8s %8s %9s %8s %16s %9s %9s %8s\n", "mode", "lines", "identical", "share",
              "other-protocol", "rest", "tcp lines", "tcp same");
  std::vector<std::string> tally_names;
  for (const auto& mode : modes) tally_names.push_back(mode.name);
  if (!upstream_path.empty()) tally_names.push_back("upstream");
  for (const auto& name : tally_names) {
    const Tally& t = tallies[name];
    long rest = t.lines - t.same - t.other;
    std::printf("%-8s %8ld %9ld %7.2f%% %16ld %9ld %9ld %7.2f%%\n", name.c_str(), t.lines,
                t.same, t.lines ? 100.0 * t.same / t.lines : 100.0, t.other, rest, t.tcp_lines,
                t.tcp_lines ? 100.0 * t.tcp_same / t.tcp_lines : 100.0);
  }
  std::printf("(other-protocol: lines of protocols tcplens does not decode, identical up to where\n"
              " that protocol's text starts; share and rest exclude nothing)\n");

  if (update_known && !known_path.empty()) {
    std::ofstream out(known_path);
    out << "# capture\tmode\tdiffering lines allowed\treason (see docs/differences.md)\n";
    for (const auto& [key, count] : diffs_now) {
      auto it = known.find(key);
      out << key << "\t" << count << "\t"
          << (it != known.end() && !it->second.reason.empty() ? it->second.reason
                                                               : "unclassified")
          << "\n";
    }
    std::printf("rewrote %s (%zu rows)\n", known_path.c_str(), diffs_now.size());
    return 0;
  }
  long improved = 0;
  for (const auto& [key, k] : known) {
    auto it = diffs_now.find(key);
    if (it == diffs_now.end() || it->second < k.max_lines) ++improved;
  }
  if (improved)
    std::printf("%ld known differences shrank or vanished: run with --update-known\n", improved);
  long total = static_cast<long>(jobs.size());
  std::printf("%ld passed, %d failed\n", total - failures, failures);
  return failures == 0 ? 0 : 1;
}

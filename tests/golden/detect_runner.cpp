// detect's findings against the labelled captures of ../shared/corpus/live/DETECT.tsv, and no
// finding on any benign capture of the whole corpus.
//
//   detect_runner --corpus DIR [--min-recall R] [--min-precision P] [--max-false-alarms N] [-v]
//   detect_runner -r FILE [--format json|table] [--lang en|zh]   (one capture's findings; - for stdin)
// --set NAME=VALUE (window, syn-rate, scan-ports, ... as the command's options) changes a
// threshold, for calibration.
//
// A finding matches a row when kind and target agree and, for port scans, source and scan
// type too (live/SCENARIOS.md). Recall: matched rows / rows with a finding expected.
// Precision: findings on the labelled captures that match a row / all of them (a finding on
// a row of kind `none` is a false alarm). Then every other capture of the corpus whose
// MANIFEST tags name no attack (scan, synflood, synack-flood, ack-flood, weak-isn,
// bruteforce) must give no finding; the attack captures' findings are printed for reading.
// The detector is driven as `tcplens detect` drives it: every packet, decoded, in order.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/decode/packet_decoder.hpp"
#include "tcplens/detect/detector.hpp"
#include "tcplens/detect/finding_render.hpp"

namespace fs = std::filesystem;
using namespace tcplens;
using namespace tcplens::detect;

namespace {

struct Row {
  std::string capture, kind, source, target, scan_type, detail;
};

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, '\t')) out.push_back(cell);
  return out;
}

DetectOptions options;  // --set NAME=VALUE changes one (calibration runs)

bool set_option(const std::string& assignment) {
  const std::size_t eq = assignment.find('=');
  if (eq == std::string::npos) return false;
  const std::string name = assignment.substr(0, eq);
  const double v = std::atof(assignment.c_str() + eq + 1);
  if (name == "window") options.window_sec = v;
  else if (name == "syn-rate") options.syn_rate = v;
  else if (name == "syn-halfopen-ratio") options.syn_halfopen_ratio = v;
  else if (name == "ack-rate") options.ack_rate = v;
  else if (name == "rst-rate") options.rst_rate = v;
  else if (name == "reflection-rate") options.reflection_rate = v;
  else if (name == "orphan-ratio") options.orphan_ratio = v;
  else if (name == "scan-ports") options.scan_ports = static_cast<std::uint32_t>(v);
  else if (name == "scan-hosts") options.scan_hosts = static_cast<std::uint32_t>(v);
  else if (name == "scan-max-success") options.scan_max_success = v;
  else if (name == "isn-min-samples") options.isn_min_samples = static_cast<std::uint32_t>(v);
  else if (name == "isn-predictable-ratio") options.isn_predictable_ratio = v;
  else return false;
  return true;
}

bool run(const std::string& path, std::vector<Finding>& findings, std::string& error) {
  auto source = PcapFileSource::open(path, error);
  if (!source) return false;
  PacketDecoder decoder;
  Detector detector(options);
  RawPacket raw;
  while (source->next(raw) == ReadStatus::Ok) detector.on_packet(raw, decoder.decode(raw));
  detector.finish();
  findings = detector.findings();
  return true;
}

bool matches(const Finding& f, const Row& r) {
  if (to_string(f.kind) != r.kind || f.target != r.target) return false;
  if (r.kind != "port_scan") return true;
  return f.source == r.source && to_string(f.scan_type) == r.scan_type;
}

std::string describe(const Finding& f) {
  std::string s = std::string(to_string(f.kind)) + " " + (f.source.empty() ? "-" : f.source) + " -> " + f.target;
  if (f.scan_type != ScanType::None) s += " (" + std::string(to_string(f.scan_type)) + ")";
  s += " frames " + std::to_string(f.first_frame) + "-" + std::to_string(f.last_frame);
  return s;
}

}  // namespace

int show(const std::string& path, const std::string& format, Lang lang) {
  std::vector<Finding> found;
  std::string error;
  if (!run(path, found, error)) {
    std::fprintf(stderr, "detect_runner: %s: %s\n", path.c_str(), error.c_str());
    return 1;
  }
  Output out(1);
  if (format == "table")
    write_findings_table(out, found, lang);
  else
    for (const Finding& f : found) write_finding_json(out, f, lang, "final");
  out.flush();
  return 0;
}

int main(int argc, char** argv) {
  std::string corpus, show_file, format = "json";
  Lang lang = Lang::En;
  double min_recall = 1, min_precision = 1;
  long max_false_alarms = 0;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--corpus") corpus = next();
    else if (a == "--min-recall") min_recall = std::atof(next().c_str());
    else if (a == "--min-precision") min_precision = std::atof(next().c_str());
    else if (a == "--max-false-alarms") max_false_alarms = std::atol(next().c_str());
    else if (a == "-v") verbose = true;
    else if (a == "--show" || a == "-r") show_file = next();
    else if (a == "--format") format = next();
    else if (a == "--lang") parse_lang(next(), lang);
    else if (a == "--set" && set_option(next())) continue;
    else {
      std::fprintf(stderr, "usage: %s --corpus DIR [--min-recall R] [--min-precision P] [--max-false-alarms N] [-v]\n", argv[0]);
      return 2;
    }
  }
  if (!show_file.empty()) return show(show_file, format, lang);
  const fs::path live = fs::path(corpus) / "live";
  std::ifstream tsv(live / "DETECT.tsv");
  if (!tsv) {
    std::fprintf(stderr, "detect_runner: cannot read %s\n", (live / "DETECT.tsv").c_str());
    return 2;
  }
  std::vector<Row> rows;
  std::string line;
  bool header = true;
  while (std::getline(tsv, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    const auto c = split_tabs(line);
    if (c.size() < 5) continue;
    rows.push_back({c[0], c[1], c[2], c[3], c[4], c.size() > 5 ? c[5] : ""});
  }

  // The labelled captures.
  std::map<std::string, std::vector<const Row*>> by_capture;
  for (const Row& r : rows) by_capture[r.capture].push_back(&r);
  std::set<std::string> labelled;  // canonical paths
  std::size_t positives = 0, matched_rows = 0, findings_total = 0, findings_matched = 0;
  long labelled_false = 0;
  for (const auto& [capture, crow] : by_capture) {
    const fs::path path = fs::weakly_canonical(live / capture);
    labelled.insert(path.string());
    std::vector<Finding> found;
    std::string error;
    if (!run(path.string(), found, error)) {
      std::printf("FAIL %s: %s\n", capture.c_str(), error.c_str());
      return 1;
    }
    std::vector<bool> used(found.size(), false);
    for (const Row* r : crow) {
      if (r->kind == "none") continue;
      ++positives;
      bool ok = false;
      for (std::size_t i = 0; i < found.size(); ++i)
        if (matches(found[i], *r)) ok = used[i] = true;
      matched_rows += ok;
      std::printf("%s %-55s %s %s %s %s\n", ok ? "ok  " : "MISS", capture.c_str(), r->kind.c_str(),
                  r->source.c_str(), r->target.c_str(), r->scan_type.c_str());
    }
    for (std::size_t i = 0; i < found.size(); ++i) {
      if (found[i].kind == FindingKind::IsnQuality) continue;
      ++findings_total;
      if (used[i]) {
        ++findings_matched;
        if (verbose) std::printf("       found %s\n", describe(found[i]).c_str());
      } else {
        ++labelled_false;
        std::printf("FALSE %-54s %s\n", capture.c_str(), describe(found[i]).c_str());
      }
    }
    if (crow.size() == 1 && crow[0]->kind == "none" && verbose)
      std::printf("ok   %-55s none (%zu findings)\n", capture.c_str(), found.size());
  }

  // Every other capture of the corpus.
  std::map<std::string, std::string> tags;  // path relative to the corpus -> tags
  std::ifstream manifest(fs::path(corpus) / "MANIFEST.tsv");
  header = true;
  while (std::getline(manifest, line)) {
    if (header) {
      header = false;
      continue;
    }
    const auto c = split_tabs(line);
    if (c.size() >= 6) tags[c[0]] = "," + c[5] + ",";
  }
  const char* attack_tags[] = {",scan,", ",synflood,", ",synack-flood,", ",ack-flood,", ",weak-isn,", ",bruteforce,"};
  long benign = 0, benign_false = 0, attack = 0;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(corpus)) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".pcap" || ext == ".pcapng")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& p : files) {
    const std::string canon = fs::weakly_canonical(p).string();
    if (labelled.count(canon)) continue;
    const std::string rel = fs::relative(p, corpus).string();
    const std::string t = tags.count(rel) ? tags[rel] : "";
    bool is_attack = false;
    for (const char* a : attack_tags) is_attack = is_attack || t.find(a) != std::string::npos;
    std::vector<Finding> found;
    std::string error;
    if (!run(p.string(), found, error)) continue;  // captures the reader rejects (as tcpdump does)
    std::size_t n = 0;
    for (const Finding& f : found) n += f.kind != FindingKind::IsnQuality;
    if (is_attack) {
      ++attack;
      for (const Finding& f : found) std::printf("attack %-52s %s\n", rel.c_str(), describe(f).c_str());
      continue;
    }
    ++benign;
    if (n == 0) continue;
    benign_false += static_cast<long>(n);
    for (const Finding& f : found) std::printf("FALSE %-54s %s\n", rel.c_str(), describe(f).c_str());
  }

  const double recall = positives == 0 ? 1 : static_cast<double>(matched_rows) / static_cast<double>(positives);
  const double precision = findings_total == 0 ? 1 : static_cast<double>(findings_matched) / static_cast<double>(findings_total);
  std::printf("DETECT.tsv: %zu/%zu rows found (recall %.3f), %zu/%zu findings match a row (precision %.3f), "
              "%ld false alarms on its captures\n",
              matched_rows, positives, recall, findings_matched, findings_total, precision, labelled_false);
  std::printf("rest of the corpus: %ld benign captures, %ld false alarms; %ld attack captures (findings above)\n",
              benign, benign_false, attack);
  const bool ok = recall >= min_recall && precision >= min_precision && benign_false <= max_false_alarms;
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}

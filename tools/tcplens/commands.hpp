// The subcommands of the tcplens tool: their options and their run functions.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "tcplens/capture/packet_source.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace tcplens::cli {

struct PrintArgs {
  std::string read_file;
  std::string write_file;
  std::vector<std::string> expression;
  std::string filter_file;
  long long count = -1;
  int n_count = 0;
  bool absolute_seq = false;
  int t_count = 0;
  int v_count = 0;
  bool link_header = false;
  int q_count = 0;
  int x_count = 0;
  int X_count = 0;
  int A_count = 0;
  bool packet_number = false;
  std::string precision = "micro";
  bool nano = false;
  std::string style = "tcpdump";
  std::string compat = "none";
};

void add_print_options(CLI::App& app, PrintArgs& args);
int run_print(const PrintArgs& args);
// print --style wireshark (print_wireshark.cpp).
int run_print_wireshark(const PrintArgs& args, const std::string& expression);

// Bounds on tracking state shared by analyze and conns (StreamTracker::Limits).
struct TrackLimitArgs {
  std::size_t max_conns = 100000;
  double idle_timeout = 3600;
  double close_linger = 5;
};
void add_track_limit_options(CLI::App& app, TrackLimitArgs& args);
// --compat none|tshark: tcp.analysis flags from the ground truth (default) or as tshark 4.0.
void add_compat_option(CLI::App& app, std::string& compat);
// A tracker with the limits and the flag semantics --compat asked for.
StreamTracker make_tracker(const TrackLimitArgs& limits, const std::string& compat);
StreamTracker::Limits to_limits(const TrackLimitArgs& args);
// Prints what the caps and timers did to stderr ("tcplens: ..."), when they may have changed
// results (evictions, freed connections that came back).
void report_tracker(const TrackerCounters& counters);
// Prints a damaged or unreadable capture's error to stderr as every command does:
// "tcplens: FILE: packet N (byte offset M): MESSAGE" (docs/damaged-input.md).
void report_read_error(const std::string& file, const SourceError& error);

struct AnalyzeArgs {
  TrackLimitArgs limits;
  std::string read_file;
  bool per_packet = false;
  std::string format = "tsv";
  bool single_pass = false;
  std::string compat = "none";
  unsigned threads = 0;  // 0: one per processor
};

void add_analyze_options(CLI::App& app, AnalyzeArgs& args);
int run_analyze(const AnalyzeArgs& args);
// The two passes of analyze over a file with its connections split between `threads` workers.
int run_analyze_sharded(const AnalyzeArgs& args, std::uint32_t threads);

struct ConnsArgs {
  TrackLimitArgs limits;
  std::string read_file;
  std::string format = "table";
  std::vector<std::string> expression;
  bool zeek_ignore_checksums = false;
  std::string compat = "none";
};
void add_conns_options(CLI::App& app, ConnsArgs& args);
int run_conns(const ConnsArgs& args);

}  // namespace tcplens::cli

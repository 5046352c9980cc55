// The subcommands of the tcplens tool: their options and their run functions. Each command
// is option parsing plus a choice of sinks on the engine (include/tcplens/engine/).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli_common.hpp"
#include "tcplens/capture/packet_source.hpp"
#include "tcplens/detect/options.hpp"
#include "tcplens/engine/engine.hpp"
#include "tcplens/render/tcpdump_renderer.hpp"
#include "tcplens/tcp/stream_tracker.hpp"

namespace tcplens::cli {

// Bounds on tracking state shared by every command that tracks (StreamTracker::Limits).
struct TrackLimitArgs {
  std::size_t max_conns = 100000;
  double idle_timeout = 3600;
  double close_linger = 5;
};
void add_track_limit_options(CLI::App& app, TrackLimitArgs& args);
// --compat none|tshark: tcp.analysis flags from the ground truth (default) or as tshark 4.0.
void add_compat_option(CLI::App& app, std::string& compat);
StreamTracker::Limits to_limits(const TrackLimitArgs& args);
// What every command on connection records takes after its own options: --compat, the
// tracking limits and the filter expression (`filter_help` says what it selects).
void add_connection_options(CLI::App& app, InputArgs& input, std::string& compat, TrackLimitArgs& limits,
                            const char* filter_help);
// The engine's options from the shared ones.
EngineOptions engine_options(const TrackLimitArgs& limits, const std::string& compat, unsigned threads);
// Prints what the caps and timers did to stderr ("tcplens: ..."), when they may have changed
// results (evictions, freed connections that came back).
void report_tracker(const TrackerCounters& counters);
// Prints a damaged or unreadable capture's error to stderr as every command does:
// "tcplens: FILE: packet N (byte offset M): MESSAGE" (docs/damaged-input.md).
void report_read_error(const std::string& file, const SourceError& error);

struct PrintArgs {
  InputArgs input;
  int n_count = 0;
  bool absolute_seq = false;
  bool no_checksums = false;
  bool count_only = false;
  bool ignored = false;  // tcpdump options with nothing to change here
  int t_count = 0;
  int v_count = 0;
  bool link_header = false;
  int q_count = 0;
  int x_count = 0;
  int X_count = 0;
  int A_count = 0;
  bool packet_number = false;
  std::string style = "tcpdump";
  std::string compat = "none";
};
void add_print_options(CLI::App& app, PrintArgs& args);
int run_print(const PrintArgs& args);
// The packet lines' options from print's (print, trace).
TcpdumpOptions tcpdump_options(const PrintArgs& args);

struct AnalyzeArgs {
  InputArgs input;
  TrackLimitArgs limits;
  bool per_packet = false;
  std::string format = "tsv";
  bool single_pass = false;
  std::string compat = "none";
};
void add_analyze_options(CLI::App& app, AnalyzeArgs& args);
int run_analyze(const AnalyzeArgs& args);

struct ConnsArgs {
  InputArgs input;
  TrackLimitArgs limits;
  std::string format = "table";
  bool zeek_ignore_checksums = false;
  std::string compat = "none";
};
void add_conns_options(CLI::App& app, ConnsArgs& args);
int run_conns(const ConnsArgs& args);

struct ExplainArgs {
  InputArgs input;
  TrackLimitArgs limits;
  long long stream = -1;  // --stream N; -1: every connection
  std::string lang;       // "en", "zh"; empty: from the environment
  std::string format = "text";
  std::string compat = "none";
  std::string color = "auto";  // auto, always, never
  bool full = false;
  bool absolute = false;
  bool ascii = false;
  bool teach = false;
  bool summary_only = false;
};
void add_explain_options(CLI::App& app, ExplainArgs& args);
int run_explain(const ExplainArgs& args);

struct ReportArgs {
  InputArgs input;
  TrackLimitArgs limits;
  std::string output;      // -o
  std::string detail;      // "all", a number, or empty (the default)
  std::size_t max_points = 20000;
  long long stream = -1;   // --stream N; -1: every connection
  bool no_detect = false;
  std::string compat = "none";
};
void add_report_options(CLI::App& app, ReportArgs& args);
// "EN10MB (Ethernet)", or the number when libpcap has no name for it.
std::string link_type_text(std::uint32_t linktype);
int run_report(const ReportArgs& args);

// tcplens trace -- CMD: CMD's traffic alone, captured in a network namespace of its own.
struct TraceArgs {
  PrintArgs print;
  bool quiet = false;
  std::string user;
  double linger = 0.5;
  std::string report;  // --report FILE
  bool explain = false;  // end with explain's summary, ladders and stories, not the table
  std::string lang;      // for explain
  std::vector<std::string> command;
};
void add_trace_options(CLI::App& app, TraceArgs& args);
int run_trace(const TraceArgs& args);

struct SplitArgs {
  InputArgs input;
  std::string dir;
  unsigned shards = 0;
};
void add_split_options(CLI::App& app, SplitArgs& args);
int run_split(const SplitArgs& args);

struct DetectArgs {
  InputArgs input;
  std::string format = "table";
  std::string lang;  // empty: the locale's
  bool live = false;
  bool isn_report = false;
  detect::DetectOptions options;
};
void add_detect_options(CLI::App& app, DetectArgs& args);
int run_detect(const DetectArgs& args);

}  // namespace tcplens::cli

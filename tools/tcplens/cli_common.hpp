// What the commands share: where packets come from (-r FILE, or -i IFACE with tcpdump's
// capture options), the BPF filter, -w with tcpdump's ring buffer, running the engine with
// signals that end it cleanly, progress on a terminal, and turning the result into messages
// and an exit status.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "tcplens/capture/capture_files.hpp"
#include "tcplens/capture/packet_source.hpp"
#include "tcplens/capture/pcap/bpf_filter.hpp"
#include "tcplens/capture/pcap/fanout_capture.hpp"
#include "tcplens/capture/pcap/live_source.hpp"
#include "tcplens/dfilter/display_filter.hpp"
#include "tcplens/engine/engine.hpp"

namespace tcplens::cli {

struct InputArgs {
  std::string read_file;                // -r
  std::vector<std::string> interfaces;  // -i (several allowed)
  bool list_interfaces = false;         // -D
  std::vector<std::string> expression;  // BPF, tcpdump's syntax
  std::string filter_file;              // -F
  std::string display_filter;           // -Y, Wireshark's display filter syntax
  unsigned threads = 0;                 // 0: one per processor
  long long count = -1;                 // -c
  // Live capture (tcpdump's meaning).
  int snaplen = 0;           // -s
  int buffer_kib = 0;        // -B
  bool no_promiscuous = false;  // -p
  bool immediate = false;    // --immediate-mode
  std::string direction;     // -Q
  std::string tstamp_type;   // -j
  std::string precision = "micro";  // --time-stamp-precision
  bool nano = false;         // --nano
  bool line_buffered = false;    // -l
  bool packet_buffered = false;  // -U
  std::string user;          // -Z (default: tcpdump's user, where it exists)
  // -w and its ring buffer.
  std::string write_file;
  double rotate_mb = 0;      // -C, millions of bytes
  unsigned rotate_files = 0;  // -W
  unsigned rotate_seconds = 0;  // -G
  bool print_too = false;    // --print (with -w)
  // docs/scale-out.md: run over one shard of `tcplens split` writing merge items
  // (--shard-index), or merge the shards' items into the command's output (--merge).
  std::string shard_index;
  std::vector<std::string> merge_items;
  // -i with --fanout N: N capture workers sharing the interface by flow (PACKET_FANOUT), each
  // writing a shard into fanout_dir (a temporary directory when empty), analysed and merged
  // at the end of the capture. With -i alone, fanout_dir is where split writes its shards:
  // both are handed to the user a live capture becomes.
  unsigned fanout = 0;
  std::string fanout_dir;
  // The command's own text (a CSV or TSV header) is written here, not by a shard run.
  bool writes_text() const { return shard_index.empty(); }
  bool nanosecond() const { return nano || precision == "nano"; }
  bool live() const { return !interfaces.empty(); }
};

// -r, -i, -D and the capture options; `-w` and its ring buffer when `with_write` (the file
// size as -C and --file-size, or only --file-size where -C means something else: conns's -C
// is zeek -C).
void add_input_options(CLI::App& app, InputArgs& in, bool with_write, bool short_file_size = true);
void add_expression_option(CLI::App& app, InputArgs& in, const char* help);
void add_threads_option(CLI::App& app, unsigned& threads);
// --shard-index, --merge and --fanout (commands whose output merges: conns, analyze).
void add_shard_options(CLI::App& app, InputArgs& in);
void add_fanout_option(CLI::App& app, InputArgs& in, const char* what);

// The input opened, its filter compiled, root given up: what a command needs before it runs
// the engine. On failure the message is printed and `status` is the exit status.
struct PreparedInput {
  std::unique_ptr<PacketSource> source;  // a file's (null for a live capture)
  std::unique_ptr<PcapLiveSource> live;
  std::unique_ptr<FanoutCapture> fanout;  // -i with --fanout
  bool fanout_temp_dir = false;          // its directory is ours to remove
  std::unique_ptr<BpfPacketFilter> bpf;  // a file's (a live capture filters in the kernel)
  std::unique_ptr<DisplayFilter> display;  // -Y
  std::unique_ptr<CaptureFiles> writer;  // -w
  SourceInfo info;
  int status = 0;
  bool done = false;  // -D: nothing more to do
  bool ok() const { return status == 0 && !done; }
};
// -Y FILTER (every command that reads packets, trace included).
void add_display_filter_option(CLI::App& app, std::string& filter);
// -Y's filter compiled; an invalid one is said on stderr as tshark says it (nullptr). An empty
// `text` compiles to nullptr with `ok` true.
std::unique_ptr<DisplayFilter> compile_display_filter(const std::string& text, bool& ok);

// `verbose_note`: tcpdump's "verbose output suppressed" line before "listening on" (print
// without -v and -w).
PreparedInput prepare_input(const InputArgs& in, bool verbose_note);

// Runs a --fanout capture until a signal (or a failing interface) ends it, then writes its
// shards' indexes; false (said on stderr) when that fails.
bool capture_fanout(PreparedInput& prepared);

// The engine options every command shares (threads, -c, -l; a live capture on one thread).
void apply_input_options(const InputArgs& in, const PreparedInput& prepared, EngineOptions& options);

// Writes the shown packets to -w's files (a sink of its own: the engine runs it on one thread).
class CaptureWriteSinks final : public SinkFactory {
 public:
  // `files` null: nothing to write (no sink made).
  CaptureWriteSinks(CaptureFiles* files, Engine& engine) : files_(files), engine_(engine) {}
  std::uint32_t needs() const override { return need::kPackets; }
  std::unique_ptr<PacketSink> make(unsigned) override;
  bool failed() const { return failed_; }

 private:
  struct Sink;
  CaptureFiles* files_;
  Engine& engine_;
  bool failed_ = false;
};

// Runs `engine` over the prepared input: SIGINT, SIGTERM and SIGHUP end it cleanly (a live
// capture stops taking packets, and every packet taken is still processed); a long read on
// a terminal shows its progress on stderr.
// Adds `write_sinks` when -w was given.
EngineResult run_engine(Engine& engine, const InputArgs& in, PreparedInput& prepared,
                        CaptureWriteSinks* write_sinks = nullptr);

// Prints what went wrong (damaged input, a failed interface, failed output), the tracker's
// report and, for a live capture, tcpdump's packet counts; returns the exit status: 0 when
// everything was read and written, else 1.
int report_result(const EngineResult& result, const InputArgs& in, PreparedInput& prepared);

std::string join_words(const std::vector<std::string>& words);

// Gives up root for `user` (initgroups, setgid, setuid), as tcpdump -Z does; "" picks
// tcpdump's own unprivileged user when it exists. False (and `error`) when it cannot.
bool drop_privileges(const std::string& user, std::string& error);

}  // namespace tcplens::cli

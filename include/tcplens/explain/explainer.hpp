// `tcplens explain`: a summary of the capture, then for each TCP connection a ladder
// (sequence) diagram of its packets with each side's RFC 9293 state where it changes and the
// anomalies on the arrows, and the story of the connection, every sentence with its frames,
// rendered from its findings (finding.hpp) in English or Chinese (messages.hpp); or, as JSON,
// the connection's `conns` record plus its findings.
//
// ExplainSinks is a sink factory on the engine: each worker's sink keeps a bounded trace of
// its live connections (trace.hpp) and writes a connection's explanation when the engine
// hands it the connection's record, then frees the trace. Explanations are written in stream
// order (a sorting stage that spills to disk), with the whole input's stream numbers on every
// thread count; the capture summary comes from the records (a RecordSink, summary()) and is
// written before them. Selecting one stream needs its number in the worker, so it runs on
// one thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "tcplens/engine/sink.hpp"
#include "tcplens/explain/finding.hpp"
#include "tcplens/explain/messages.hpp"
#include "tcplens/explain/trace.hpp"
#include "tcplens/tcp/connection.hpp"

namespace tcplens::explain {

enum class Format : std::uint8_t { Text, Json };

struct ExplainOptions {
  Lang lang = Lang::En;
  Format format = Format::Text;
  bool one_stream = false;
  std::uint32_t only_stream = 0;
  bool full = false;      // every packet on the ladder (no folding)
  bool absolute = false;  // -S: sequence numbers as on the wire
  bool ascii = false;     // plain ASCII ladder instead of Unicode box drawing
  bool color = false;     // ANSI colours
  bool teach = false;     // notes on the TCP ideas each connection shows
  bool summary = true;    // the capture summary first (text only)
  bool summary_only = false;  // the summary and no connection
  unsigned width = 80;    // terminal columns the text fits
};

// Whether to colour: "always", "never", or "auto" (a terminal, NO_COLOR unset, TERM not dumb).
bool want_color(std::string_view mode, int fd);
// The terminal's width: COLUMNS, else the terminal of `fd`, else 80.
unsigned terminal_width(int fd);

// One sentence of the story: the finding it renders, its text, its frames.
struct Sentence {
  std::string_view code;
  std::string text;
};

// The story: one sentence per finding that has a message (options and HTTP lines included),
// each ending with its frames.
std::vector<Sentence> story(std::span<const Finding> findings, Lang lang);
// The --teach notes the findings show, each with the frames that show it.
std::vector<Sentence> teach_notes(std::span<const Finding> findings, Lang lang);
// "SYN", "SYN-ACK", "PSH-ACK", "FIN-ACK", "RST-ACK", ...
std::string flags_name(std::uint16_t flags);
// What the ladder writes below a packet's arrow about its anomalies ("retransmission of #12",
// "dup ACK #2 of #40", "connection reset"), and below a folded span (its packets, time,
// segments and bytes each way, retransmissions).
std::vector<std::string> anomaly_notes(const LadderRow& r, Lang lang);
std::string span_summary(const Span& s, Lang lang);
// The ladder diagram below its title: the column headings and the rows.
std::string ladder(const Connection& c, const ConnectionTrace& trace, const ExplainOptions& options);
// Columns a terminal gives UTF-8 text: one per character, two for CJK (U+1100 and above).
std::size_t display_width(std::string_view s);
// `text` broken into lines of at most `width` columns, the first indented by `first`, the
// others by `rest` spaces (breaks at spaces, and anywhere between CJK characters).
std::string wrap(std::string_view text, std::size_t width, std::size_t first, std::size_t rest);
// The whole explanation of one connection in the chosen format (a JSON object is one line);
// stream numbers go through Emitter::put_stream. `findings` is scratch space, reused from one
// connection to the next.
void write_explanation(Emitter& out, const ConnectionRecord& r, const ConnectionTrace& trace,
                       const ExplainOptions& options, FindingList& findings);

// What the capture summary counts, from the records and the sinks' checksum checks.
struct CaptureTotals {
  std::uint64_t connections = 0, complete = 0, refused = 0, reset = 0, unanswered = 0, half_open = 0, open = 0,
                other = 0;
  std::uint64_t retransmissions = 0, zero_windows = 0, not_captured = 0;
  std::vector<std::uint32_t> retrans_streams, zero_window_streams, syn_retry_streams, not_captured_streams;
  std::uint64_t retrans_conns = 0, zero_window_conns = 0, syn_retry_conns = 0, not_captured_conns = 0;
  struct Busy {
    std::uint32_t stream = 0;
    std::uint64_t packets = 0, bytes = 0;
    std::string client, server;
  };
  std::vector<Busy> busiest;  // the three with the most bytes
  void add(const Connection& c);
};
std::string summary_text(const CaptureTotals& totals, std::uint64_t checksums_checked, std::uint64_t checksums_bad,
                         const std::vector<std::string>& offload_hosts, const ExplainOptions& options);

class ExplainSinks final : public SinkFactory, public RecordSink {
 public:
  explicit ExplainSinks(const ExplainOptions& options) : options_(options) {}
  // SinkFactory
  std::uint32_t needs() const override;
  std::unique_ptr<PacketSink> make(unsigned worker) override;
  std::unique_ptr<OrderedText> ordered_text(int fd) override;
  // RecordSink: the summary's counts.
  void on_connection(ConnectionRecord& r) override;
  // The summary (text), once every record was seen.
  std::string summary() const;
  // The sinks' checksum findings (any thread).
  void add_checksums(std::uint64_t checked, std::uint64_t bad, const std::string& bad_host);

 private:
  ExplainOptions options_;
  CaptureTotals totals_;
  std::atomic<std::uint64_t> checked_{0}, bad_{0};
  mutable std::mutex hosts_mutex_;
  std::vector<std::string> offload_hosts_;
};

}  // namespace tcplens::explain

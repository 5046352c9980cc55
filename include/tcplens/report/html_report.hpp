// `tcplens report`: one self-contained HTML file that a person opens in a browser, offline.
//
// HtmlReport gathers, during one engine run: every connection record (the table: the scalar
// fields of `conns --format json`, kept as typed columns), the overview's counts (outcomes,
// anomalies over time, top talkers, detect's findings) and, for the connections shown in
// detail, each packet's numbers for the graphs (time, frame, relative seq/ack, length,
// scaled window, SACK blocks, tcp.analysis flags, RTT samples, bytes in flight) with explain's
// ladder rows. Detail is kept for the `detail` most notable connections only (retransmissions,
// resets, zero windows... first); a live connection keeps its packets' fields (capped) until
// its record says whether it is one of them, so memory grows with the live connections; the
// table has every connection, its rows in a temporary file but for the last 65,536.
//
// The sinks (sinks()) run on every worker and hand a connection's points over when its record
// is made; the records then reach HtmlReport (a RecordSink) in stream order with the whole
// input's numbers. write() writes the page under a temporary name as it makes it (never
// whole in memory) and renames it into place, so a reader never sees half a report. The page's CSS, scripts and the charting library
// (uPlot, pinned in report/package.json) are compiled into the binary.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "tcplens/engine/sink.hpp"

namespace tcplens::report {

struct ReportOptions {
  std::string input_name;  // the file (or interfaces) shown in the overview
  std::string link_type;   // "EN10MB (Ethernet)"
  bool live = false;
  // Connections shown in detail (graphs, ladder, story): the most notable ones.
  std::size_t detail = 200;
  // Packets kept per detailed connection for the graphs (the rest are counted, not drawn).
  std::size_t max_points = 20000;
  bool detect = true;  // run detect's detectors and show their findings
  long long only_stream = -1;  // report only this tcp.stream (the engine then numbers in the worker)
};

// What the run knew beyond the records: given to write().
struct CaptureFacts {
  std::uint64_t packets = 0;
  bool live = false;
  std::uint64_t received = 0;  // live: by the filter
  std::uint64_t dropped = 0;   // live: by the kernel
  std::uint64_t if_dropped = 0;
  bool damaged = false;
  std::string damage;  // the read error's text
};

class HtmlReport final : public RecordSink {
 public:
  explicit HtmlReport(const ReportOptions& options);
  ~HtmlReport() override;
  HtmlReport(const HtmlReport&) = delete;
  HtmlReport& operator=(const HtmlReport&) = delete;

  // The per-worker sinks to add to the engine (Engine::add_sinks) beside this RecordSink.
  SinkFactory& sinks();
  std::uint32_t needs() const override { return need::kZeek; }
  void on_connection(ConnectionRecord& r) override;

  // After the run: writes the report to `path` (temporary file, then rename). False with
  // `error` set when it cannot.
  bool write(const std::string& path, const CaptureFacts& facts, std::string& error);
  // The whole page as text (tests).
  std::string html(const CaptureFacts& facts);

  struct State;  // (for the sinks)

 private:
  std::unique_ptr<State> state_;
};

}  // namespace tcplens::report

// The renderers as engine sinks (engine/sink.hpp): what `print`, `analyze` and `conns` choose
// from. Each factory makes one sink per worker; the engine merges their items in order.
#pragma once

#include <memory>
#include <string>

#include "tcplens/engine/sink.hpp"
#include "tcplens/render/tcpdump_renderer.hpp"
#include "tcplens/render/wireshark_renderer.hpp"

namespace tcplens {

// tcpdump's lines of the shown packets (`print`).
class TcpdumpSinks final : public SinkFactory {
 public:
  explicit TcpdumpSinks(const TcpdumpOptions& options) : options_(options) {}
  std::uint32_t needs() const override;
  std::unique_ptr<PacketSink> make(unsigned worker) override;

 private:
  TcpdumpOptions options_;
};

// tshark's lines of the shown packets (`print --style wireshark`); every packet is tracked.
class WiresharkSinks final : public SinkFactory {
 public:
  explicit WiresharkSinks(const WiresharkOptions& options) : options_(options) {}
  std::uint32_t needs() const override;
  std::unique_ptr<PacketSink> make(unsigned worker) override;

 private:
  WiresharkOptions options_;
};

// One row of tshark's tcp.* fields per shown TCP packet (`analyze --per-packet --format tsv`).
// `final_values`: tshark's two passes (-2) when the input can be read twice. The header row
// is written by the caller.
class TsharkTsvSinks final : public SinkFactory {
 public:
  explicit TsharkTsvSinks(bool final_values, bool print = true)
      : final_values_(final_values), print_(print) {}
  std::uint32_t needs() const override;
  std::unique_ptr<PacketSink> make(unsigned worker) override;

 private:
  bool final_values_;
  bool print_;
};

// One record per connection (`conns`): JSON lines, CSV (header written by the caller), an
// aligned table, or Zeek's conn.log of the connections as Zeek splits them.
class ConnectionRecordSinks final : public SinkFactory {
 public:
  enum class Format { Json, Csv, Table, Zeek };
  // `zeek_columns`: the records carry Zeek's conn_state and history.
  ConnectionRecordSinks(Format format, bool zeek_columns) : format_(format), zeek_(zeek_columns) {}
  // A live capture: the table's rows are written as their connections end.
  void rows_at_once() { rows_at_once_ = true; }
  std::uint32_t needs() const override;
  std::unique_ptr<PacketSink> make(unsigned worker) override;
  std::unique_ptr<OrderedText> ordered_text(int fd) override;

 private:
  Format format_;
  bool zeek_;
  bool rows_at_once_ = false;
};

}  // namespace tcplens

#include "tcplens/render/sinks.hpp"

#include "tcplens/render/connection_summary.hpp"
#include "tcplens/render/ordered_text.hpp"
#include "tcplens/render/tshark_tsv.hpp"
#include "tcplens/render/zeek_conn_log.hpp"

namespace tcplens {

namespace {

class TcpdumpSink final : public PacketSink {
 public:
  explicit TcpdumpSink(const TcpdumpOptions& options) : scratch_(-1, 64), renderer_(scratch_, options) {}
  void on_packet(const PacketEvent& e, Emitter& out) override {
    if (!e.shown) return;
    renderer_.set_output(out.text());
    renderer_.render(*e.raw, {e.shown_number, e.prev_shown_ts, e.first_shown_ts});
  }

 private:
  Output scratch_;  // (until the first packet says where lines go)
  TcpdumpRenderer renderer_;
};

class WiresharkSink final : public PacketSink {
 public:
  explicit WiresharkSink(const WiresharkOptions& options) : renderer_(options) {}
  void on_packet(const PacketEvent& e, Emitter& out) override {
    renderer_.on_packet(*e.raw, *e.pkt, *e.tcp, e.summary, e.first_ts);
    if (e.shown) renderer_.print(out.text());
  }
  void on_stream_end(const EndedStream& e) override { renderer_.forget(e.stream); }

 private:
  WiresharkRenderer renderer_;
};

class TsharkTsvSink final : public PacketSink {
 public:
  explicit TsharkTsvSink(bool print) : scratch_(-1, 64), writer_(scratch_), print_(print) {}
  void on_packet(const PacketEvent& e, Emitter& out) override {
    if (!print_ || !e.shown) return;
    writer_.set_output(out.text());
    if (!e.has_tcp()) {
      if (TsharkTsvWriter::has_short_row(*e.pkt)) writer_.short_row(*e.raw, *e.pkt);
      return;
    }
    writer_.set_stream_writer(&out);
    writer_.row(*e.raw, *e.pkt, *e.tcp, *e.summary, e.tcp->stream);
  }

 private:
  Output scratch_;
  TsharkTsvWriter writer_;
  bool print_;
};

class ConnectionRecordSink final : public PacketSink {
 public:
  explicit ConnectionRecordSink(ConnectionRecordSinks::Format format) : format_(format) {}
  void on_connection(const ConnectionRecord& r, Emitter& out) override {
    const ConnectionExtras x = extras_of(r, &out);
    switch (format_) {
      case ConnectionRecordSinks::Format::Json: write_connection_json(out.text(), r.conn, x); break;
      case ConnectionRecordSinks::Format::Csv: write_connection_csv(out.text(), r.conn, x); break;
      case ConnectionRecordSinks::Format::Table: write_connection_table_row(out.text(), r.conn, x); break;
      case ConnectionRecordSinks::Format::Zeek: break;
    }
  }
  void on_zeek_connection(const zeek::ZeekConnTable::Finished& f, Emitter& out) override {
    if (format_ != ConnectionRecordSinks::Format::Zeek) return;
    write_zeek_conn_line(out.text(), f);
    out.set_sort_key(ordered_key(f.engine->start_ts()));
  }

 private:
  ConnectionRecordSinks::Format format_;
};

}  // namespace

std::uint32_t TcpdumpSinks::needs() const { return need::kPackets | need::kShownOrder; }
std::unique_ptr<PacketSink> TcpdumpSinks::make(unsigned) { return std::make_unique<TcpdumpSink>(options_); }

std::uint32_t WiresharkSinks::needs() const { return need::kPackets | need::kDecode | need::kTrack; }
std::unique_ptr<PacketSink> WiresharkSinks::make(unsigned) {
  return std::make_unique<WiresharkSink>(options_);
}

std::uint32_t TsharkTsvSinks::needs() const {
  return need::kPackets | need::kDecode | need::kTrack | (final_values_ ? need::kFinalValues : 0);
}
std::unique_ptr<PacketSink> TsharkTsvSinks::make(unsigned) { return std::make_unique<TsharkTsvSink>(print_); }

std::uint32_t ConnectionRecordSinks::needs() const {
  if (format_ == Format::Zeek) return need::kZeekLog;
  return need::kConnections | (zeek_ ? need::kZeek : 0);
}
std::unique_ptr<PacketSink> ConnectionRecordSinks::make(unsigned) {
  return std::make_unique<ConnectionRecordSink>(format_);
}
std::unique_ptr<OrderedText> ConnectionRecordSinks::ordered_text(int fd) {
  if (format_ == Format::Table) {
    auto table = std::make_unique<AlignedTable>(fd, connection_table_header());
    if (rows_at_once_) table->write_rows_at_once();
    return table;
  }
  if (format_ == Format::Zeek)
    return std::make_unique<SortedLines>(fd, zeek_conn_log_header(), put_zeek_line_with_uid);
  return nullptr;
}

}  // namespace tcplens

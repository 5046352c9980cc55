// `tcplens explain`: for each TCP connection a ladder (sequence) diagram of its packets with
// each side's RFC 9293 state where it changes, and a plain-language story of the handshake,
// the data and the close (who closed first, who waits in TIME_WAIT and why), in English or
// Chinese (messages.hpp), as text or one JSON object per connection.
//
// ExplainSinks is a sink factory on the engine: each worker's sink keeps the ladder rows of
// its live connections only (at most head_rows + tail_rows each, plus counters) and writes a
// connection's explanation when the engine hands it the connection's record, then frees the
// rows. Explanations are written in stream order (a sorting stage that spills to disk), with
// the whole input's stream numbers on every thread count; selecting one stream
// (ExplainOptions::only_stream) needs those numbers in the worker, so it runs on one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tcplens/engine/sink.hpp"
#include "tcplens/explain/messages.hpp"
#include "tcplens/tcp/connection.hpp"

namespace tcplens::explain {

enum class Format : std::uint8_t { Text, Json };

struct ExplainOptions {
  Lang lang = Lang::En;
  Format format = Format::Text;
  bool one_stream = false;
  std::uint32_t only_stream = 0;
  std::size_t head_rows = 20;  // rows kept from the start of a connection
  std::size_t tail_rows = 10;  // and from its end
};

// One packet of a connection, as the ladder shows it.
struct LadderRow {
  std::uint64_t frame = 0;
  Timestamp ts;
  Side from = Side::Client;
  std::uint16_t flags = 0;
  bool has_ack = false;
  std::uint32_t rel_seq = 0;
  std::uint32_t rel_ack = 0;
  std::uint32_t len = 0;
  TcpState state_c = TcpState::Unknown;  // after the packet, when it changed (else Unknown)
  TcpState state_s = TcpState::Unknown;
};

// What the sink gathers per connection beside its record: the rows kept and the counts.
struct ConnectionTrace {
  std::vector<LadderRow> head;
  std::vector<LadderRow> tail;  // a ring of tail_rows once full; tail_start is its oldest
  std::size_t tail_start = 0;
  std::uint64_t packets = 0;
  std::uint64_t data_segments[2] = {0, 0};  // by Side
  bool data_after_peer_fin[2] = {false, false};  // by Side: sent data after the peer's FIN
  // Sequence bases for relative numbers, by Side.
  bool base_set[2] = {false, false};
  std::uint32_t base[2] = {0, 0};
  TcpState last_state[2] = {TcpState::Unknown, TcpState::Unknown};

  // Adds one packet of the connection (after the tracker updated `c`).
  void add(const Connection& c, const DecodedPacket& pkt, std::uint64_t frame, const Timestamp& ts,
           const ExplainOptions& options);
  // The rows kept, in order; `omitted` says how many were dropped between head and tail.
  std::vector<LadderRow> rows(std::uint64_t& omitted) const;
};

// One sentence of the story: its message code and its text in the chosen language.
struct Sentence {
  std::string_view code;
  std::string text;
};

// The story of a connection, sentence by sentence.
std::vector<Sentence> story(const Connection& c, const ConnectionTrace& trace, Lang lang);
// "SYN", "SYN-ACK", "PSH-ACK", "FIN-ACK", "RST-ACK", ...
std::string flags_name(std::uint16_t flags);
// The ladder diagram below its title: the column headings and the rows (with a trailing
// newline).
std::string ladder(const Connection& c, const ConnectionTrace& trace, Lang lang);
// The whole explanation of one connection in the chosen format (a JSON object is one line);
// stream numbers go through Emitter::put_stream.
void write_explanation(Emitter& out, const ConnectionRecord& r, const ConnectionTrace& trace,
                       const ExplainOptions& options);

class ExplainSinks final : public SinkFactory {
 public:
  explicit ExplainSinks(const ExplainOptions& options) : options_(options) {}
  std::uint32_t needs() const override;
  std::unique_ptr<PacketSink> make(unsigned worker) override;
  std::unique_ptr<OrderedText> ordered_text(int fd) override;

 private:
  ExplainOptions options_;
};

}  // namespace tcplens::explain

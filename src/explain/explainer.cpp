#include "tcplens/explain/explainer.hpp"

#include <cstdio>
#include <unordered_map>

#include "tcplens/render/ordered_text.hpp"
#include "tcplens/wire/tcp.hpp"

namespace tcplens::explain {

namespace {

constexpr std::size_t kArrowWidth = 46;
constexpr std::size_t kStateWidth = 13;

std::size_t index(Side s) { return s == Side::Client ? 0 : 1; }

std::string ip_name(const Endpoint& e) {
  char buf[64];
  return std::string(buf, format_ip(e.ip, buf));
}

// "10.0.0.1:80", "[fd00::1]:80".
std::string endpoint_name(const Endpoint& e) {
  const std::string ip = ip_name(e);
  return (e.ip.family == 6 ? "[" + ip + "]" : ip) + ":" + std::to_string(e.port);
}

// Columns a terminal gives UTF-8 text, roughly: one per character of one or two bytes, two
// for the longer sequences (CJK, which is what the catalogs hold beyond ASCII).
std::size_t display_width(std::string_view s) {
  std::size_t w = 0;
  for (const char ch : s) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x80 || (b >= 0xC0 && b < 0xE0)) w += 1;
    else if (b >= 0xE0) w += 2;  // continuation bytes (0x80-0xBF) add nothing
  }
  return w;
}

void pad_to(std::string& s, std::size_t width, std::size_t from) {
  const std::size_t w = display_width(std::string_view(s).substr(from));
  if (w < width) s.append(width - w, ' ');
}

double seconds_between(const Timestamp& a, const Timestamp& b) {
  return static_cast<double>(b.sec - a.sec) + static_cast<double>(b.nsec - a.nsec) / 1e9;
}

std::string fixed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string side_name(Side s, Lang lang) {
  return std::string(pattern(lang, s == Side::Client ? Msg::SideClient : Msg::SideServer));
}

// English sentences may begin with a field ("{peer} kept sending..."): capitalise it.
void sentence_case(std::string& s) {
  if (!s.empty() && s.front() >= 'a' && s.front() <= 'z') s.front() = static_cast<char>(s.front() - 'a' + 'A');
}

void json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  out += '"';
}

}  // namespace

std::string flags_name(std::uint16_t flags) {
  std::string s;
  auto add = [&](std::uint16_t bit, const char* name) {
    if ((flags & bit) == 0) return;
    if (!s.empty()) s += '-';
    s += name;
  };
  add(tcpflag::kSyn, "SYN");
  add(tcpflag::kFin, "FIN");
  add(tcpflag::kRst, "RST");
  add(tcpflag::kPsh, "PSH");
  add(tcpflag::kUrg, "URG");
  add(tcpflag::kAck, "ACK");
  return s.empty() ? std::string("none") : s;
}

void ConnectionTrace::add(const Connection& c, const DecodedPacket& pkt, std::uint64_t frame,
                          const Timestamp& ts, const ExplainOptions& options) {
  const TcpSegment& t = pkt.tcp;
  const Side from = (pkt.ip.src == c.client.ip && t.src_port == c.client.port) ? Side::Client : Side::Server;
  const std::size_t me = index(from), peer = 1 - me;
  const Endpoint& sender = c.side(from);
  const bool ack = (t.flags & tcpflag::kAck) != 0;
  if (!base_set[me]) {
    base[me] = sender.isn_seen ? sender.isn : t.seq;
    base_set[me] = true;
  }
  if (ack && !base_set[peer]) {
    const Endpoint& receiver = c.side(other(from));
    base[peer] = receiver.isn_seen ? receiver.isn : t.ack;
    base_set[peer] = true;
  }
  LadderRow row;
  row.frame = frame;
  row.ts = ts;
  row.from = from;
  row.flags = t.flags;
  row.has_ack = ack;
  row.rel_seq = t.seq - base[me];
  row.rel_ack = ack ? t.ack - base[peer] : 0;
  row.len = t.payload_len;
  if (c.client.state != last_state[0]) row.state_c = last_state[0] = c.client.state;
  if (c.server.state != last_state[1]) row.state_s = last_state[1] = c.server.state;
  if (t.payload_len > 0) {
    ++data_segments[me];
    // Data after the peer's FIN: the peer closed only its sending side (a half-close).
    if (c.side(other(from)).fin_sent && c.side(other(from)).fin_frame < frame) data_after_peer_fin[me] = true;
  }
  ++packets;
  if (head.size() < options.head_rows) {
    head.push_back(row);
  } else if (options.tail_rows > 0) {
    if (tail.size() < options.tail_rows) {
      tail.push_back(row);
    } else {
      tail[tail_start] = row;
      tail_start = (tail_start + 1) % tail.size();
    }
  }
}

std::vector<LadderRow> ConnectionTrace::rows(std::uint64_t& omitted) const {
  std::vector<LadderRow> out(head);
  omitted = packets - head.size() - tail.size();
  for (std::size_t k = 0; k < tail.size(); ++k) out.push_back(tail[(tail_start + k) % tail.size()]);
  return out;
}

// Writes `text` with its "{stream}" field as Emitter::put_stream writes stream numbers (the
// whole input's, now or at the merge).
static void put_with_stream(Emitter& out, std::string_view text, std::uint32_t stream) {
  const std::size_t at = text.find("{stream}");
  if (at == std::string_view::npos) {
    out.text().put(text);
    return;
  }
  out.text().put(text.substr(0, at));
  out.put_stream(stream);
  out.text().put(text.substr(at + 8));
}

std::string ladder(const Connection& c, const ConnectionTrace& trace, Lang lang) {
  std::string out;
  // Header: the two columns, client on the left, server on the right.
  std::string head;
  head += pattern(lang, Msg::LadderTime);
  pad_to(head, 11, 0);
  std::size_t at = head.size();
  head += pattern(lang, Msg::LadderClient);
  head += ' ';
  head += endpoint_name(c.client);
  pad_to(head, kStateWidth + kArrowWidth + 2, at);
  head += pattern(lang, Msg::LadderServer);
  head += ' ';
  head += endpoint_name(c.server);
  out += head;
  out += '\n';

  std::uint64_t omitted = 0;
  const std::vector<LadderRow> rows = trace.rows(omitted);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    if (k == trace.head.size() && omitted > 0) {
      std::string gap(11 + kStateWidth + 1, ' ');
      gap += format_message(pattern(lang, Msg::LadderOmitted), {{"count", std::to_string(omitted)}});
      out += gap;
      out += '\n';
    }
    const LadderRow& r = rows[k];
    std::string line = fixed(seconds_between(c.first_ts, r.ts), 6);
    line.insert(0, line.size() < 10 ? 10 - line.size() : 0, ' ');
    line += ' ';
    std::size_t col = line.size();
    if (r.state_c != TcpState::Unknown) line += to_string(r.state_c);
    pad_to(line, kStateWidth, col);
    line += ' ';
    std::string label = flags_name(r.flags) + " seq=" + std::to_string(r.rel_seq);
    if (r.has_ack) label += " ack=" + std::to_string(r.rel_ack);
    label += " len=" + std::to_string(r.len);
    // "-- LABEL ------>" or "<------ LABEL --", kArrowWidth wide (longer labels widen it).
    const std::size_t dashes = label.size() + 6 < kArrowWidth ? kArrowWidth - 6 - label.size() : 1;
    if (r.from == Side::Client) {
      line.append("-- ").append(label).append(" ").append(dashes, '-').append(">");
    } else {
      line.append("<").append(dashes, '-').append(" ").append(label).append(" --");
    }
    line += ' ';
    if (r.state_s != TcpState::Unknown) line += to_string(r.state_s);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  }
  return out;
}

std::vector<Sentence> story(const Connection& c, const ConnectionTrace& trace, Lang lang) {
  std::vector<Sentence> s;
  auto say = [&](Msg m, std::initializer_list<Field> fields) {
    std::string text = render(lang, m, fields);
    if (lang == Lang::En) sentence_case(text);
    s.push_back({code(m), std::move(text)});
  };
  const std::string isn_c = std::to_string(c.client.isn), isn_s = std::to_string(c.server.isn);
  const std::string syns = std::to_string(c.client_syns);

  switch (c.handshake) {
    case HandshakeResult::Complete: {
      const double irtt = c.irtt_s();
      say(Msg::HandshakeComplete, {{"isn_c", isn_c},
                                   {"isn_s", isn_s},
                                   {"isn_c1", std::to_string(static_cast<std::uint32_t>(c.client.isn + 1))},
                                   {"isn_s1", std::to_string(static_cast<std::uint32_t>(c.server.isn + 1))},
                                   {"irtt_ms", fixed(irtt < 0 ? 0 : irtt * 1000, 3)}});
      break;
    }
    case HandshakeResult::SimultaneousOpen:
      say(Msg::HandshakeSimultaneous, {{"isn_c", isn_c}, {"isn_s", isn_s}});
      break;
    case HandshakeResult::Unanswered:
      say(Msg::HandshakeUnanswered, {{"syns", syns}, {"isn_c", isn_c}, {"server", endpoint_name(c.server)}});
      break;
    case HandshakeResult::Rejected:
      say(Msg::HandshakeRejected,
          {{"isn_c", isn_c}, {"server", ip_name(c.server)}, {"port", std::to_string(c.server.port)}});
      break;
    case HandshakeResult::NoFinalAck:
      say(Msg::HandshakeNoFinalAck, {{"isn_c", isn_c}, {"isn_s", isn_s}});
      break;
    case HandshakeResult::NotSeen:
      say(Msg::HandshakeNotSeen, {});
      break;
  }
  if (c.client_syns > 1) say(Msg::SynRetried, {{"syns", syns}});

  // Options: what each side offered in its SYN; scaling, SACK and timestamps are in use only
  // when both offered them (RFC 7323 section 2.2, RFC 2018 section 2).
  const OfferedOptions& oc = c.client.options;
  const OfferedOptions& os = c.server.options;
  if (oc.seen && os.seen) {
    const std::string sep(pattern(lang, Msg::ListSeparator));
    std::string list;
    auto item = [&](std::string text) {
      if (!list.empty()) list += sep;
      list += text;
    };
    if (oc.has_mss || os.has_mss)
      item(render(lang, Msg::OptionMss, {{"mss_c", oc.has_mss ? std::to_string(oc.mss) : "-"},
                                         {"mss_s", os.has_mss ? std::to_string(os.mss) : "-"}}));
    if (oc.has_window_scale && os.has_window_scale)
      item(render(lang, Msg::OptionWindowScale,
                  {{"ws_c", std::to_string(oc.window_scale)}, {"ws_s", std::to_string(os.window_scale)}}));
    else
      item(std::string(pattern(lang, Msg::OptionNoWindowScale)));
    if (oc.sack_permitted && os.sack_permitted) item(std::string(pattern(lang, Msg::OptionSack)));
    if (oc.timestamps && os.timestamps) item(std::string(pattern(lang, Msg::OptionTimestamps)));
    say(Msg::Options, {{"options", list}});
  }

  // Data.
  if (c.client.sent.bytes == 0 && c.server.sent.bytes == 0) {
    if (c.established) say(Msg::DataNone, {});
  } else {
    for (const Side side : {Side::Client, Side::Server}) {
      const bool c2s = side == Side::Client;
      const std::uint64_t bytes = c.side(side).sent.bytes;
      if (bytes == 0)
        say(c2s ? Msg::DataClientToServerNone : Msg::DataServerToClientNone, {});
      else
        say(c2s ? Msg::DataClientToServer : Msg::DataServerToClient,
            {{"bytes", std::to_string(bytes)}, {"segments", std::to_string(trace.data_segments[index(side)])}});
    }
    if (c.client.sent.retransmissions + c.server.sent.retransmissions > 0)
      say(Msg::DataRetransmissions, {{"retrans_c", std::to_string(c.client.sent.retransmissions)},
                                     {"retrans_s", std::to_string(c.server.sent.retransmissions)}});
  }

  // Close.
  const Side closer = c.close_initiator;
  const std::string closer_name = side_name(closer, lang), peer_name = side_name(other(closer), lang);
  // The closes told by one sentence about who closed first and the peer.
  struct Told {
    TeardownKind kind;
    Msg msg;
  };
  static constexpr Told kTold[] = {{TeardownKind::FourWay, Msg::CloseFourWay},
                                   {TeardownKind::ThreeWay, Msg::CloseThreeWay},
                                   {TeardownKind::Simultaneous, Msg::CloseSimultaneous},
                                   {TeardownKind::HalfClosed, Msg::CloseHalf},
                                   {TeardownKind::Open, Msg::CloseOpen}};
  for (const Told& t : kTold)
    if (t.kind == c.teardown) say(t.msg, {{"closer", closer_name}, {"peer", peer_name}});
  if (c.teardown == TeardownKind::FourWay && trace.data_after_peer_fin[index(other(closer))])
    say(Msg::CloseHalfThenFour, {{"closer", closer_name}, {"peer", peer_name}});
  if (c.teardown == TeardownKind::Reset) {
    // A RST after a FIN: the FIN's sender had closed the socket, and what came after (a late
    // FIN, data nobody reads) is answered by RST (RFC 9293 section 3.10.7.4; RFC 2525 2.17).
    const std::string resetter = side_name(c.reset_by, lang);
    if (c.client.fin_sent || c.server.fin_sent) {
      const Side fin_side = c.client.fin_sent ? Side::Client : Side::Server;
      say(Msg::CloseResetAfterFin, {{"resetter", resetter}, {"closer", side_name(fin_side, lang)}});
    } else {
      say(Msg::CloseReset, {{"resetter", resetter}});
    }
  }
  const std::string_view tw = c.time_wait();
  if (tw == "both") {
    say(Msg::TimeWaitBoth, {});
  } else if (tw == "client" || tw == "server") {
    say(Msg::TimeWaitOne, {{"waiter", side_name(tw == "client" ? Side::Client : Side::Server, lang)}});
  } else if (c.reset_seen && c.established) {
    say(Msg::TimeWaitNoneReset, {});
  }
  say(Msg::FinalStates, {{"state_c", std::string(to_string(c.client.state))},
                         {"state_s", std::string(to_string(c.server.state))}});
  return s;
}

void write_explanation(Emitter& emitter, const ConnectionRecord& r, const ConnectionTrace& trace,
                       const ExplainOptions& options) {
  const Connection& c = r.conn;
  Output& out = emitter.text();
  const std::vector<Sentence> sentences = story(c, trace, options.lang);
  if (options.format == Format::Text) {
    put_with_stream(emitter,
                    format_message(pattern(options.lang, Msg::LadderTitle),
                                   {{"client", endpoint_name(c.client)}, {"server", endpoint_name(c.server)}}),
                    c.stream);
    out.put('\n');
    out.put(ladder(c, trace, options.lang));
    out.put('\n');
    out.put(pattern(options.lang, Msg::StoryTitle));
    out.put('\n');
    for (const Sentence& s : sentences) {
      out.put("  ");
      out.put(s.text);
      out.put('\n');
    }
    out.put('\n');
    return;
  }
  out.put("{\"stream\":");
  emitter.put_stream(c.stream);
  std::string j;
  auto key = [&](const char* k) {
    j += ",\"";
    j += k;
    j += "\":";
  };
  auto str = [&](const char* k, std::string_view v) {
    key(k);
    json_string(j, v);
  };
  auto num = [&](const char* k, std::uint64_t v) {
    key(k);
    j += std::to_string(v);
  };
  str("lang", to_string(options.lang));
  str("client", endpoint_name(c.client));
  str("server", endpoint_name(c.server));
  str("handshake", to_string(c.handshake));
  num("syns", c.client_syns);
  if (c.client.isn_seen) num("client_isn", c.client.isn);
  if (c.server.isn_seen) num("server_isn", c.server.isn);
  const OfferedOptions& oc = c.client.options;
  const OfferedOptions& os = c.server.options;
  if (oc.has_mss) num("client_mss", oc.mss);
  if (os.has_mss) num("server_mss", os.mss);
  if (oc.has_window_scale) num("client_window_scale", oc.window_scale);
  if (os.has_window_scale) num("server_window_scale", os.window_scale);
  key("sack");
  j += oc.sack_permitted && os.sack_permitted ? "true" : "false";
  key("timestamps");
  j += oc.timestamps && os.timestamps ? "true" : "false";
  num("packets", trace.packets);
  num("client_bytes", c.client.sent.bytes);
  num("server_bytes", c.server.sent.bytes);
  num("client_segments", trace.data_segments[0]);
  num("server_segments", trace.data_segments[1]);
  num("client_retransmissions", c.client.sent.retransmissions);
  num("server_retransmissions", c.server.sent.retransmissions);
  str("teardown", to_string(c.teardown));
  str("initiator", c.initiator());
  str("reset_by", c.reset_by_name());
  str("time_wait", c.time_wait());
  str("client_state", to_string(c.client.state));
  str("server_state", to_string(c.server.state));
  // The ladder's rows: the states only where they changed, as in the text.
  std::uint64_t omitted = 0;
  const std::vector<LadderRow> rows = trace.rows(omitted);
  key("ladder");
  j += '[';
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const LadderRow& row = rows[k];
    j += k > 0 ? ",{\"frame\":" : "{\"frame\":";
    j += std::to_string(row.frame);
    j += ",\"time\":" + fixed(seconds_between(c.first_ts, row.ts), 6);
    j += row.from == Side::Client ? ",\"from\":\"client\"" : ",\"from\":\"server\"";
    j += ",\"flags\":\"" + flags_name(row.flags) + "\",\"seq\":" + std::to_string(row.rel_seq);
    if (row.has_ack) j += ",\"ack\":" + std::to_string(row.rel_ack);
    j += ",\"len\":" + std::to_string(row.len);
    if (row.state_c != TcpState::Unknown) j += ",\"client_state\":\"" + std::string(to_string(row.state_c)) + '"';
    if (row.state_s != TcpState::Unknown) j += ",\"server_state\":\"" + std::string(to_string(row.state_s)) + '"';
    j += '}';
  }
  j += ']';
  num("ladder_omitted", omitted);
  key("story");
  j += '[';
  for (std::size_t k = 0; k < sentences.size(); ++k) {
    if (k > 0) j += ',';
    j += "{\"code\":";
    json_string(j, sentences[k].code);
    j += ",\"text\":";
    json_string(j, sentences[k].text);
    j += '}';
  }
  j += "]}\n";
  out.put(j);
}

namespace {

class ExplainSink final : public PacketSink {
 public:
  explicit ExplainSink(const ExplainOptions& options) : options_(options) {}

  void on_packet(const PacketEvent& e, Emitter&) override {
    ended_.clear();  // records of the streams ended before this packet were written
    if (!e.has_tcp() || e.connection == nullptr || e.pkt == nullptr || !e.pkt->has_tcp()) return;
    if (options_.one_stream && e.stream != options_.only_stream) return;
    live_[e.tcp->stream].add(*e.connection, *e.pkt, e.raw->number, e.raw->ts, options_);
  }
  void on_stream_end(const EndedStream& e) override {
    // The record comes after this call (at the same packet, or at the end of input): keep
    // the rows until then.
    auto it = live_.find(e.stream);
    if (it == live_.end()) return;
    ended_[e.stream] = std::move(it->second);
    live_.erase(it);
  }
  void on_connection(const ConnectionRecord& r, Emitter& out) override {
    if (options_.one_stream && r.conn.stream != options_.only_stream) return;
    ConnectionTrace trace;
    if (auto it = ended_.find(r.conn.stream); it != ended_.end()) {
      trace = std::move(it->second);
      ended_.erase(it);
    } else if (auto live = live_.find(r.conn.stream); live != live_.end()) {
      trace = std::move(live->second);
      live_.erase(live);
    }
    // Streams are numbered in the order they began: the first frame orders them on every
    // thread count, where a worker's stream number would not.
    out.set_sort_key(r.conn.first_frame);
    write_explanation(out, r, trace, options_);
  }

 private:
  ExplainOptions options_;
  std::unordered_map<std::uint32_t, ConnectionTrace> live_;
  std::unordered_map<std::uint32_t, ConnectionTrace> ended_;
};

}  // namespace

std::uint32_t ExplainSinks::needs() const {
  // One stream: its number must be known in the worker (the engine then runs on one thread).
  return need::kPackets | need::kDecode | need::kTrack | need::kConnections |
         (options_.one_stream ? need::kStreamNumbers : 0);
}

std::unique_ptr<PacketSink> ExplainSinks::make(unsigned) { return std::make_unique<ExplainSink>(options_); }

std::unique_ptr<OrderedText> ExplainSinks::ordered_text(int fd) {
  return std::make_unique<SortedLines>(fd, std::string(),
                                       [](std::uint64_t, std::string_view item, Output& out) { out.put(item); });
}

}  // namespace tcplens::explain

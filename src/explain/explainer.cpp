#include "tcplens/explain/explainer.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <unordered_map>

#include "tcplens/render/connection_summary.hpp"
#include "tcplens/render/ordered_text.hpp"
#include "tcplens/wire/tcp.hpp"

namespace tcplens::explain {

namespace {

// English sentences may begin with a field ("{side} retransmitted ..."): capitalise it.
void sentence_case(std::string& s) {
  if (!s.empty() && s.front() >= 'a' && s.front() <= 'z') s.front() = static_cast<char>(s.front() - 'a' + 'A');
}

// `s` as a JSON string: quotes and backslashes escaped, control characters as \u00xx; the
// runs between them are copied whole.
void put_json_string(Output& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.put('"');
  std::size_t plain = 0;
  for (std::size_t k = 0; k < s.size(); ++k) {
    const auto c = static_cast<unsigned char>(s[k]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.put(s.substr(plain, k - plain));
    if (c < 0x20) {
      const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      out.put(std::string_view(escaped, sizeof escaped));
    } else {
      out.put('\\');
      out.put(static_cast<char>(c));
    }
    plain = k + 1;
  }
  out.put(s.substr(plain));
  out.put('"');
}

// A finding's code or a parameter's key as a JSON string: they are identifiers (letters,
// digits, '_' and '.'), with nothing to escape.
char* format_json_name(char* p, std::string_view name) {
  *p++ = '"';
  p = Output::format_text(p, name);
  *p++ = '"';
  return p;
}
void put_json_name(Output& out, std::string_view name) {
  out.commit(format_json_name(out.raw(name.size() + 2), name));
}

// The findings as the record's last member, written straight into the output: each finding
// through one pointer into room reserved for its longest form (a put() per piece was a
// tenth of `explain --format json`).
void put_findings_json(Output& out, const FindingList& findings) {
  out.put(",\"findings\":[");
  for (std::size_t k = 0; k < findings.size(); ++k) {
    const Finding& f = findings[k];
    const std::span<const std::uint64_t> frames = f.frames();
    const std::span<const FindingParam> params = f.params();
    char* p = out.raw(40 + f.code.size() + 21 * frames.size());
    if (k > 0) *p++ = ',';
    std::memcpy(p, "{\"code\":", 8);
    p = format_json_name(p + 8, f.code);
    std::memcpy(p, ",\"frames\":[", 11);
    p += 11;
    for (std::size_t n = 0; n < frames.size(); ++n) {
      if (n > 0) *p++ = ',';
      p = Output::format_u64(p, frames[n]);
    }
    std::memcpy(p, "],\"params\":{", 12);
    p += 12;
    out.commit(p);
    for (std::size_t n = 0; n < params.size(); ++n) {
      if (!params[n].number) {  // a string: escaped, through the Output
        if (n > 0) out.put(',');
        put_json_name(out, params[n].key);
        out.put(':');
        put_json_string(out, params[n].value());
        continue;
      }
      p = out.raw(params[n].key.size() + 4 + params[n].value().size());
      if (n > 0) *p++ = ',';
      p = format_json_name(p, params[n].key);
      *p++ = ':';
      p = Output::format_text(p, params[n].value());
      out.commit(p);
    }
    out.put("}}");
  }
  out.put("]}\n");
}

bool is_side_value(std::string_view v) { return v == "client" || v == "server"; }

// The finding's parameters as a message's fields, sides in the language's words.
std::vector<Field> fields_of(const Finding& f, Lang lang) {
  std::vector<Field> fields;
  fields.reserve(f.params().size() + 1);
  for (const FindingParam& p : f.params()) {
    if (!p.number && is_side_value(p.value()) && p.key != "window_scale" && p.key != "sack")
      fields.emplace_back(p.key, message(lang, p.value() == "client" ? "side.client" : "side.server"));
    else
      fields.emplace_back(p.key, p.value());
  }
  return fields;
}

// "(frames 1, 2, 3)" in the language.
std::string frames_text(std::span<const std::uint64_t> frames, Lang lang) {
  if (frames.empty()) return {};
  std::vector<std::uint64_t> sorted(frames.begin(), frames.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  if (sorted.size() == 1) return format_message(message(lang, "story.frame"), {{"frame", std::to_string(sorted[0])}});
  std::string list;
  const std::string_view sep = message(lang, "story.list_separator");
  for (std::uint64_t f : sorted) {
    if (!list.empty()) list += sep;
    list += std::to_string(f);
  }
  return format_message(message(lang, "story.frames"), {{"frames", list}});
}

// The options sentence's list: what was agreed, and what one side offered alone.
std::string options_list(const Finding& f, Lang lang) {
  std::vector<std::string> items;
  const std::string_view mss_c = f.param("client_mss"), mss_s = f.param("server_mss");
  if (!mss_c.empty() || !mss_s.empty())
    items.push_back(format_message(message(lang, "option.mss"),
                                   {{"client_mss", mss_c.empty() ? "-" : mss_c}, {"server_mss", mss_s.empty() ? "-" : mss_s}}));
  struct Told {
    std::string_view key, id;
  };
  static constexpr Told kTold[] = {{"window_scale", "option.window_scale"},
                                   {"sack", "option.sack"},
                                   {"timestamps", "option.timestamps"},
                                   {"ecn", "option.ecn"},
                                   {"tfo", "option.tfo"}};
  for (const Told& t : kTold) {
    const std::string_view v = f.param(t.key);
    if (v == "agreed") {
      items.push_back(format_message(message(lang, t.id), {{"client_window_scale", f.param("client_window_scale")},
                                                           {"server_window_scale", f.param("server_window_scale")}}));
    } else if (v == "client" || v == "server") {
      std::string name = format_message(message(lang, t.id), {});
      if (t.key == "window_scale") name = std::string(message(lang, "option.no_window_scale"));
      items.push_back(format_message(message(lang, "option.offered_only"),
                                     {{"option", name}, {"side", message(lang, v == "client" ? "side.client" : "side.server")}}));
    } else if (t.key == "window_scale") {
      items.emplace_back(message(lang, "option.no_window_scale"));
    }
  }
  std::string list;
  const std::string_view sep = message(lang, "story.list_separator");
  for (const std::string& i : items) {
    if (!list.empty()) list += sep;
    list += i;
  }
  return list;
}

std::string render_finding(const Finding& f, std::string_view id, Lang lang) {
  std::vector<Field> fields = fields_of(f, lang);
  std::string options;
  if (f.code == "options.negotiated") {
    options = options_list(f, lang);
    fields.emplace_back("options", options);
  }
  std::string reason;
  if (f.code == "handshake.icmp_rejected") {
    reason = std::string(message(lang, "icmp." + std::string(f.param("reason"))));
    for (Field& field : fields)
      if (field.first == "reason") field.second = reason;
  }
  std::string text = format_message(message(lang, id), fields);
  sentence_case(text);  // a sentence that starts with a side's name
  const std::string frames = frames_text(f.frames(), lang);
  if (frames.empty()) return text;
  return format_message(message(lang, "story.sentence"), {{"text", text}, {"frames", frames}});
}

// The --teach notes each finding shows.
struct Lesson {
  std::string_view finding;
  std::string_view note;
};
constexpr Lesson kLessons[] = {
    {"handshake.complete", "teach.handshake"},  {"handshake.complete", "teach.syn_seq"},
    {"handshake.complete", "teach.isn"},        {"data.piggybacked_ack", "teach.piggyback"},
    {"retransmission.timeout", "teach.retransmission"}, {"retransmission.fast", "teach.retransmission"},
    {"window.zero", "teach.zero_window"},       {"teardown.four_way", "teach.four_way"},
    {"teardown.three_packet", "teach.four_way"}, {"teardown.three_packet", "teach.three_packet"},
    {"teardown.half_close", "teach.half_close"}, {"teardown.half_close_data", "teach.half_close"},
    {"reset.late_fin", "teach.reset"},          {"reset.data_after_close", "teach.reset"},
    {"reset.abort", "teach.reset"},             {"reset.plain", "teach.reset"},
    {"reset.after_fin", "teach.reset"},         {"handshake.refused", "teach.reset"},
    {"time_wait.one", "teach.time_wait"},       {"time_wait.both", "teach.time_wait"},
};

}  // namespace

std::vector<Sentence> story(std::span<const Finding> findings, Lang lang) {
  std::vector<Sentence> out;
  out.reserve(findings.size());
  for (const Finding& f : findings) out.push_back({f.code, render_finding(f, f.code, lang)});
  return out;
}

std::vector<Sentence> teach_notes(std::span<const Finding> findings, Lang lang) {
  std::vector<Sentence> out;
  std::vector<std::string_view> told;
  for (const Finding& f : findings)
    for (const Lesson& l : kLessons) {
      if (l.finding != f.code || std::find(told.begin(), told.end(), l.note) != told.end()) continue;
      told.push_back(l.note);
      out.push_back({l.note, render_finding(f, l.note, lang)});
    }
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

void write_explanation(Emitter& emitter, const ConnectionRecord& r, const ConnectionTrace& trace,
                       const ExplainOptions& options, FindingList& findings) {
  const Connection& c = r.conn;
  Output& out = emitter.text();
  connection_findings(c, trace, findings);
  if (options.format == Format::Json) {
    // The connection's `conns --format json` record, then its findings.
    write_connection_json_fields(out, c, extras_of(r, &emitter));
    put_findings_json(out, findings);
    return;
  }
  const Lang lang = options.lang;
  put_with_stream(emitter,
                  format_message(message(lang, "ladder.title"),
                                 {{"client", endpoint_name(c.client)}, {"server", endpoint_name(c.server)}}),
                  c.stream);
  out.put('\n');
  out.put(ladder(c, trace, options));
  out.put('\n');
  out.put(message(lang, "story.title"));
  out.put('\n');
  const std::size_t width = options.width < 40 ? 40 : options.width;
  for (const Sentence& s : story(findings, lang)) {
    out.put(wrap(s.text, width, 2, 4));
    out.put('\n');
  }
  if (options.teach) {
    out.put('\n');
    out.put(message(lang, "teach.title"));
    out.put('\n');
    for (const Sentence& s : teach_notes(findings, lang)) {
      out.put(wrap(s.text, width, 2, 4));
      out.put('\n');
    }
  }
  out.put('\n');
}

void CaptureTotals::add(const Connection& c) {
  ++connections;
  if (c.handshake == HandshakeResult::Rejected)
    ++refused;
  else if (c.handshake == HandshakeResult::Unanswered)
    ++unanswered;
  else if (c.handshake == HandshakeResult::NoFinalAck && c.teardown == TeardownKind::None)
    ++half_open;
  else if (c.teardown == TeardownKind::Reset)
    ++reset;
  else if (c.teardown == TeardownKind::Open || c.teardown == TeardownKind::HalfClosed)
    ++open;
  else if (c.handshake == HandshakeResult::Complete &&
           (c.teardown == TeardownKind::FourWay || c.teardown == TeardownKind::ThreeWay ||
            c.teardown == TeardownKind::Simultaneous))
    ++complete;
  else
    ++other;
  auto note = [&](std::uint64_t n, std::uint64_t& total, std::uint64_t& conns, std::vector<std::uint32_t>& streams) {
    if (n == 0) return;
    total += n;
    ++conns;
    if (streams.size() < 5) streams.push_back(c.stream);
  };
  note(std::uint64_t{c.client.sent.retransmissions} + c.server.sent.retransmissions, retransmissions, retrans_conns,
       retrans_streams);
  note(std::uint64_t{c.client.sent.zero_windows} + c.server.sent.zero_windows, zero_windows, zero_window_conns,
       zero_window_streams);
  note(std::uint64_t{c.client.sent.lost_segments} + c.server.sent.lost_segments, not_captured, not_captured_conns,
       not_captured_streams);
  std::uint64_t unused = 0;
  note(c.client_syns > 1 && c.handshake != HandshakeResult::Unanswered ? 1 : 0, unused, syn_retry_conns,
       syn_retry_streams);
  const std::uint64_t bytes = c.client.sent.bytes + c.server.sent.bytes;
  const std::uint64_t packets = c.client.sent.packets + c.server.sent.packets;
  if (busiest.size() < 3 || bytes > busiest.back().bytes) {
    Busy b{c.stream, packets, bytes, endpoint_name(c.client), endpoint_name(c.server)};
    busiest.insert(std::upper_bound(busiest.begin(), busiest.end(), b,
                                    [](const Busy& x, const Busy& y) { return x.bytes > y.bytes; }),
                   std::move(b));
    if (busiest.size() > 3) busiest.pop_back();
  }
}

std::string summary_text(const CaptureTotals& t, std::uint64_t checked, std::uint64_t bad,
                         const std::vector<std::string>& hosts, const ExplainOptions& options) {
  const Lang lang = options.lang;
  const std::size_t width = options.width < 40 ? 40 : options.width;
  std::string out(message(lang, "summary.title"));
  out += '\n';
  auto line = [&](std::string_view id, const std::vector<Field>& fields) {
    out += wrap(format_message(message(lang, id), fields), width, 2, 4);
    out += '\n';
  };
  auto n = [](std::uint64_t v) { return std::to_string(v); };
  const std::string connections = n(t.connections), complete = n(t.complete), refused = n(t.refused),
                    reset = n(t.reset), unanswered = n(t.unanswered), half_open = n(t.half_open), open = n(t.open),
                    other = n(t.other);
  line("summary.connections", {{"connections", connections},
                               {"complete", complete},
                               {"refused", refused},
                               {"reset", reset},
                               {"unanswered", unanswered},
                               {"half_open", half_open},
                               {"open", open},
                               {"other", other}});
  // Many handshakes missing at once: the learner should look at detect.
  const std::uint64_t missing = t.unanswered + t.half_open;
  if (missing >= 20 && missing * 2 >= t.connections) {
    const std::string count = n(missing);
    line("summary.handshakes_missing", {{"count", count}});
  }
  auto streams = [&](const std::vector<std::uint32_t>& s, std::uint64_t conns) {
    std::string list;
    const std::string_view sep = message(lang, "story.list_separator");
    for (std::uint32_t v : s) {
      if (!list.empty()) list += sep;
      list += std::to_string(v);
    }
    if (conns > s.size()) list += sep.size() > 0 && sep[0] == ',' ? ", ..." : "……";
    return list;
  };
  struct Notable {
    std::string_view id;
    std::uint64_t count, conns;
    const std::vector<std::uint32_t>* streams;
  };
  const Notable notable[] = {{"summary.retransmissions", t.retransmissions, t.retrans_conns, &t.retrans_streams},
                             {"summary.zero_window", t.zero_windows, t.zero_window_conns, &t.zero_window_streams},
                             {"summary.not_captured", t.not_captured, t.not_captured_conns, &t.not_captured_streams},
                             {"summary.syn_retried", t.syn_retry_conns, t.syn_retry_conns, &t.syn_retry_streams}};
  for (const Notable& x : notable) {
    if (x.conns == 0) continue;
    const std::string count = n(x.count), conns = n(x.conns), list = streams(*x.streams, x.conns);
    line(x.id, {{"count", count}, {"conns", conns}, {"streams", list}});
  }
  if (t.connections > 1)
    for (const CaptureTotals::Busy& b : t.busiest) {
      if (b.bytes == 0) continue;
      const std::string stream = n(b.stream), packets = n(b.packets), bytes = n(b.bytes);
      line("summary.busiest",
           {{"stream", stream}, {"client", b.client}, {"server", b.server}, {"packets", packets}, {"bytes", bytes}});
    }
  if (bad > 0 && !hosts.empty()) {
    std::string list;
    for (const std::string& h : hosts) {
      if (!list.empty()) list += message(lang, "story.list_separator");
      list += h;
    }
    const std::string bad_s = n(bad), checked_s = n(checked);
    line("summary.checksum_offload", {{"bad", bad_s}, {"checked", checked_s}, {"hosts", list}});
  }
  out += '\n';
  return out;
}

namespace {

class ExplainSink final : public PacketSink {
 public:
  ExplainSink(const ExplainOptions& options, ExplainSinks& owner) : options_(options), owner_(owner) {
    trace_options_.full = options.full;
    trace_options_.ladder = options.format == Format::Text && !options.summary_only;
    trace_options_.checksums = options.format == Format::Text;
  }
  void on_finish(Emitter&) override { report_checksums(); }

  void on_packet(const PacketEvent& e, Emitter&) override {
    if (e.tcp != nullptr && !e.tcp->tracked && e.pkt != nullptr && e.pkt->in_icmp_error) {
      // An ICMP error quoting a connection's header: the tracker names its stream.
      if (auto it = live_.find(e.tcp->stream); it != live_.end()) it->second.add_icmp_error(*e.pkt, e.raw->number);
      return;
    }
    if (!e.has_tcp() || e.connection == nullptr || e.pkt == nullptr || !e.pkt->has_tcp()) return;
    if (options_.one_stream && e.stream != options_.only_stream) return;
    ConnectionTrace& t = live_[e.tcp->stream];
    t.add(*e.connection, *e.pkt, *e.tcp, e.raw->number, e.raw->ts, trace_options_);
  }
  void on_stream_end(const EndedStream& e) override {
    // The record comes after this call: at the same packet, at the next (a 4-tuple reused by
    // a new SYN), once Zeek's view of the connection has ended too (seconds later), or at the
    // end of input; or on_record_skipped says it will not. Keep the trace until then (its
    // node moves, the trace stays where it is). (Counting packets would not do: a worker
    // sees only its own connections' packets.)
    auto it = live_.find(e.stream);
    if (it == live_.end()) return;
    if (auto old = ended_.find(e.stream); old != ended_.end()) ended_.erase(old);
    ended_.insert(live_.extract(it));
  }
  void on_record_skipped(std::uint32_t stream) override {
    if (auto it = ended_.find(stream); it != ended_.end())
      ended_.erase(it);
    else if (auto live = live_.find(stream); live != live_.end())
      live_.erase(live);
  }
  void on_connection(const ConnectionRecord& r, Emitter& out) override {
    if (options_.one_stream && r.conn.stream != options_.only_stream) return;
    Traces::node_type node;
    if (auto it = ended_.find(r.conn.stream); it != ended_.end())
      node = ended_.extract(it);
    else if (auto live = live_.find(r.conn.stream); live != live_.end())
      node = live_.extract(live);
    std::optional<ConnectionTrace> none;
    ConnectionTrace& trace = node ? node.mapped() : none.emplace();
    trace.close(trace_options_);
    if (trace_options_.checksums) count_checksums(r.conn, trace);
    if (options_.summary_only) return;
    // Streams are numbered in the order they began: the first frame orders them on every
    // thread count, where a worker's stream number would not (text only: JSON is unsorted).
    out.set_sort_key(r.conn.first_frame);
    write_explanation(out, r, trace, options_, findings_);
  }

 private:
  // A side whose every checked packet has a wrong checksum leaves checksums to its NIC.
  void count_checksums(const Connection& c, const ConnectionTrace& t) {
    for (const Side s : {Side::Client, Side::Server}) {
      const std::size_t k = index(s);
      checked_ += t.checksums_checked[k];
      bad_ += t.checksums_bad[k];
      if (t.checksums_bad[k] > 0 && t.checksums_bad[k] == t.checksums_checked[k]) {
        char buf[64];
        std::string host(buf, format_ip(c.side(s).ip, buf));
        if (std::find(hosts_.begin(), hosts_.end(), host) == hosts_.end() && hosts_.size() < 8) hosts_.push_back(host);
      }
    }
  }
  void report_checksums() {
    if (hosts_.empty()) {
      owner_.add_checksums(checked_, bad_, {});
      return;
    }
    for (std::size_t k = 0; k < hosts_.size(); ++k) owner_.add_checksums(k == 0 ? checked_ : 0, k == 0 ? bad_ : 0, hosts_[k]);
  }

  ExplainOptions options_;
  TraceOptions trace_options_;
  ExplainSinks& owner_;
  using Traces = std::unordered_map<std::uint32_t, ConnectionTrace>;
  Traces live_;
  Traces ended_;  // streams ended, waiting for their record
  std::uint64_t checked_ = 0, bad_ = 0;
  std::vector<std::string> hosts_;
  FindingList findings_;  // reused by every connection
};

// The explanations in stream order, after the capture summary.
class ExplainText final : public OrderedText {
 public:
  ExplainText(int fd, const ExplainSinks& owner, bool summary)
      : fd_(fd), owner_(owner), summary_(summary),
        lines_(fd, std::string(), [](std::uint64_t, std::string_view item, Output& out) { out.put(item); }) {}
  bool write(std::string_view item, std::uint64_t sort_key) override { return lines_.write(item, sort_key); }
  bool finish() override {
    if (summary_) {
      Output out(fd_, 1 << 12);
      out.put(owner_.summary());
      if (!out.flush()) return false;
    }
    return lines_.finish();
  }

 private:
  int fd_;
  const ExplainSinks& owner_;
  bool summary_;
  SortedLines lines_;
};

}  // namespace

std::uint32_t ExplainSinks::needs() const {
  // One stream: its number must be known in the worker (the engine then runs on one thread).
  // JSON carries the conns record, Zeek's columns included.
  return need::kPackets | need::kDecode | need::kTrack | need::kConnections |
         (options_.format == Format::Json ? need::kZeek : 0) | (options_.one_stream ? need::kStreamNumbers : 0);
}

std::unique_ptr<PacketSink> ExplainSinks::make(unsigned) { return std::make_unique<ExplainSink>(options_, *this); }

std::unique_ptr<OrderedText> ExplainSinks::ordered_text(int fd) {
  // JSON lines come as connections end, as conns writes them (a program reads them by
  // "stream"); text is sorted into stream order, after the summary.
  if (options_.format == Format::Json) return nullptr;
  return std::make_unique<ExplainText>(fd, *this, options_.summary && !options_.one_stream);
}

void ExplainSinks::on_connection(ConnectionRecord& r) {
  if (r.selected) totals_.add(r.conn);
}

void ExplainSinks::add_checksums(std::uint64_t checked, std::uint64_t bad, const std::string& host) {
  checked_ += checked;
  bad_ += bad;
  if (host.empty()) return;
  std::lock_guard<std::mutex> lock(hosts_mutex_);
  if (std::find(offload_hosts_.begin(), offload_hosts_.end(), host) == offload_hosts_.end())
    offload_hosts_.push_back(host);
}

std::string ExplainSinks::summary() const {
  std::lock_guard<std::mutex> lock(hosts_mutex_);
  std::vector<std::string> hosts = offload_hosts_;
  std::sort(hosts.begin(), hosts.end());
  return summary_text(totals_, checked_, bad_, hosts, options_);
}

}  // namespace tcplens::explain

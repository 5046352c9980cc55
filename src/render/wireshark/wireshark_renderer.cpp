// WiresharkRenderer: columns of `tshark -n -r FILE` (tshark.c print_columns() for the
// layout, packet-tcp.c for the TCP Info column, packet-http.c and packet-dns.c for the
// application summaries).
#include "tcplens/render/wireshark_renderer.hpp"

#include "dns_info.hpp"
#include "render/wireshark/resp_info.hpp"
#include "render/wireshark/smtp_info.hpp"
#include "render/wireshark/ssh_info.hpp"
#include "render/wireshark/tls_info.hpp"
#include "render/wireshark/websocket_info.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <unordered_map>

#include "render/wireshark/wireshark_private.hpp"
#include "tcplens/capture/link_type.hpp"

namespace tcplens {

namespace {

// These write into `out`, reusing its buffer: no allocation per packet once warm.
void assign_ip(std::string& out, const IpAddress& a) {
  char buf[64];
  std::size_t n = format_ip(a, buf);
  out.assign(buf, n);
}

void assign_mac(std::string& out, ByteView b, std::size_t off) {
  static constexpr char kHex[] = "0123456789abcdef";
  char buf[17];
  for (std::size_t i = 0; i < 6; ++i) {
    buf[3 * i] = kHex[b[off + i] >> 4];
    buf[3 * i + 1] = kHex[b[off + i] & 15];
    if (i != 5) buf[3 * i + 2] = ':';
  }
  out.assign(buf, sizeof buf);
}

// Wireshark's display_signed_time() for a relative time with 6 or 9 decimals.
void assign_relative_time(std::string& out, NsTime d, bool nano) {
  std::int64_t total = d.total_ns();
  const bool neg = total < 0;
  if (neg) total = -total;
  // By hand, not snprintf: this runs for every packet.
  const auto seconds = static_cast<std::uint64_t>(total / 1000000000);
  auto fraction = static_cast<std::uint64_t>(total % 1000000000);
  int digits = 9;
  if (!nano) {
    fraction /= 1000;
    digits = 6;
  }
  char buf[48];
  char* p = buf + sizeof buf;
  for (int k = 0; k < digits; ++k, fraction /= 10) *--p = static_cast<char>('0' + fraction % 10);
  *--p = '.';
  std::uint64_t s = seconds;
  do {
    *--p = static_cast<char>('0' + s % 10);
    s /= 10;
  } while (s != 0);
  if (neg) *--p = '-';
  out.assign(p, static_cast<std::size_t>(buf + sizeof buf - p));
}

const char* ip_protocol_name(std::uint8_t proto) {
  switch (proto) {
    case 1: return "ICMP";
    case 2: return "IGMP";
    case 6: return "TCP";
    case 17: return "UDP";
    case 47: return "GRE";
    case 50: return "ESP";
    case 51: return "AH";
    case 58: return "ICMPv6";
    case 132: return "SCTP";
    default: return nullptr;
  }
}

}  // namespace

// format_text(): non-printable bytes as C escapes.
std::string format_text(std::string_view s) {
  std::string r;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f) {
      r += static_cast<char>(c);
    } else {
      char buf[8];
      switch (c) {
        case '\t': r += "\\t"; break;
        case '\r': r += "\\r"; break;
        case '\n': r += "\\n"; break;
        default:
          std::snprintf(buf, sizeof buf, "\\%03o", c);
          r += buf;
      }
    }
  }
  return r;
}

// ---------------------------------------------------------------------------------------
// HTTP as tshark 4.0 shows it with its default preferences (desegment headers and body):
// a message whose headers or body are still incomplete marks its segments
// "[TCP segment of a reassembled PDU]" (Protocol TCP); the segment that completes it shows
// the request or status line (packet-http.c dissect_http_message, req_resp_hdrs.c).

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool is_http_method(std::string_view line) {
  static constexpr std::string_view kMethods[] = {
      "GET ",      "POST ",    "HEAD ",  "PUT ",       "DELETE ", "OPTIONS ", "CONNECT ",
      "TRACE ",    "PATCH ",   "PROPFIND ", "PROPPATCH ", "MKCOL ", "COPY ",   "MOVE ",
      "LOCK ",     "UNLOCK ",  "SEARCH ", "NOTIFY ",   "SUBSCRIBE ", "UNSUBSCRIBE ", "M-SEARCH "};
  for (auto m : kMethods)
    if (starts_with(line, m)) return true;
  return false;
}

bool is_http_first_line(std::string_view line) {
  return starts_with(line, "HTTP/") || is_http_method(line);
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return r;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

struct HttpMessage {
  std::string first_line;
  std::string content_type;  // lower case, without parameters
  bool chunked = false;
  bool has_length = false;
  std::uint64_t length = 0;
  bool is_response = false;
  int status = 0;
  bool upgrade_websocket = false;  // an Upgrade header that names websocket
};

// Parses complete headers (`text` ends with the blank line).
HttpMessage parse_headers(std::string_view text) {
  HttpMessage m;
  std::size_t pos = text.find('\n');
  std::string_view first = text.substr(0, pos);
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  m.first_line = format_text(first);
  m.is_response = starts_with(first, "HTTP/");
  if (m.is_response && first.size() >= 12) m.status = std::atoi(std::string(first.substr(9, 3)).c_str());
  while (pos != std::string_view::npos && pos + 1 < text.size()) {
    std::size_t next = text.find('\n', pos + 1);
    std::string_view line = text.substr(pos + 1, next == std::string_view::npos ? next : next - pos - 1);
    pos = next;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name = lower(trim(line.substr(0, colon)));
    std::string_view value = trim(line.substr(colon + 1));
    if (name == "content-length") {
      m.has_length = true;
      m.length = std::strtoull(std::string(value).c_str(), nullptr, 10);
    } else if (name == "transfer-encoding") {
      if (lower(value).find("chunked") != std::string::npos) m.chunked = true;
    } else if (name == "content-type") {
      std::string_view t = value.substr(0, value.find(';'));
      m.content_type = lower(trim(t));
    } else if (name == "upgrade") {
      m.upgrade_websocket = wireshark::names_websocket(value);
    }
  }
  return m;
}

}  // namespace

struct WiresharkRenderer::AppState {
  // The message one direction is in the middle of: made when its first line comes, gone
  // when it is complete, so that tens of thousands of idle keep-alive or closing streams hold
  // no buffers.
  struct HttpMessageState {
    bool until_fin = false;  // body runs to the end of the connection
    bool called = true;      // HTTP sees the next segment (headers or chunks incomplete)
    std::string buf;         // bytes of the message so far (see `counted`)
    // Once the headers are complete: their length and what they say. A body whose end the
    // headers give (Content-Length, or the FIN) is then counted, not kept, unless the
    // message's bytes are wanted (keep_bodies): a download of N segments would otherwise
    // be held whole and scanned again at every segment.
    std::size_t hdr_len = 0;
    HttpMessage parsed;
    std::uint64_t counted = 0;  // bytes of the message not in buf
    std::size_t size() const { return buf.size() + counted; }
  };
  struct HttpDir {
    std::unique_ptr<HttpMessageState> msg;  // inside a message that is being reassembled
    std::uint32_t next_seq = 0;
    bool have_next = false;
  };
  struct HttpStream {
    bool decided = false;
    bool is_http = false;
    bool seen_http = false;
    bool tunnel = false;     // a CONNECT was answered 2xx: what follows is TLS, not HTTP
    bool websocket = false;  // a 101 upgraded to WebSocket: what follows is its frames
    std::string last_method;
    HttpDir dir[2];
  };
  // By stream index, only for streams on the protocol's ports; freed when the tracker frees
  // the stream (so memory follows live connections, also in a flood).
  std::unordered_map<std::uint32_t, HttpStream> http;
  std::unique_ptr<HttpMessageState> spare_message;  // the last one completed, for the next
  std::unordered_map<std::uint32_t, wireshark::SshStream> ssh;
  std::unordered_map<std::uint32_t, wireshark::RespStream> resp;
  std::unordered_map<std::uint32_t, wireshark::SmtpStream> smtp;
  std::unordered_map<std::uint32_t, wireshark::TlsStream> tls;
  std::unordered_map<std::uint32_t, std::array<wireshark::WebSocketDirection, 2>> websocket;
  wireshark::TlsFields tls_fields;  // this packet's TLS records, for the display filter
  bool keep_bodies = false;  // WiresharkOptions::keep_http_bodies

  // Per-packet scratch text, kept so that its buffers are reused.
  std::string prefix, body, app_info, app_proto, pending_line;
  std::string http_message;  // the first HTTP message this packet completed

  void forget(std::uint32_t stream) {
    http.erase(stream);
    ssh.erase(stream);
    resp.erase(stream);
    smtp.erase(stream);
    tls.erase(stream);
    websocket.erase(stream);
  }
};

WiresharkRenderer::WiresharkRenderer(const WiresharkOptions& options)
    : options_(options), app_(std::make_unique<AppState>()) {
  app_->keep_bodies = options.keep_http_bodies;
}
WiresharkRenderer::~WiresharkRenderer() = default;

namespace {

bool http_port(std::uint16_t p) {
  switch (p) {
    case 80: case 3128: case 3132: case 5985: case 8080: case 8088: case 11371: case 1900:
    case 2869: case 2710:
      return true;
    default:
      return false;
  }
}

// packet-ssh.c's tcp.port range.
bool ssh_port(std::uint16_t p) { return p == 22 || p == 29418; }

// packet-smtp.c's ports (465 is SMTP inside TLS).
bool smtp_port(std::uint16_t p) { return p == 25 || p == 587; }

// pinfo->match_uint: TCP tries the lower port first, so that one names the server side
// when both ports are in `is_port`'s range.
std::uint16_t matched_port(const TcpSegment& seg, bool (*is_port)(std::uint16_t)) {
  const std::uint16_t lo = std::min(seg.src_port, seg.dst_port), hi = std::max(seg.src_port, seg.dst_port);
  return is_port(lo) ? lo : hi;
}

// Ports whose own dissector answers before the HTTP heuristic could.
bool claimed_port(std::uint16_t p) {
  switch (p) {
    case 21: case 22: case 23: case 25: case 53: case 110: case 143: case 443: case 6379:
    case 7000: case 3306: case 5222: case 6667: case 993: case 995: case 465: case 587:
      return true;
    default:
      return false;
  }
}

// How much of `msg` a complete HTTP message takes, or 0 while it is incomplete.
// `fin`: the segment ends the stream (no body desegmentation, as tshark's end_of_stream).
// The size of a message whose `hdr_len` bytes of headers are complete and `parsed`, of which
// `have` bytes came so far (`msg` holds them, except for a body that is only counted: one
// with a known length or that runs to the FIN); 0 while incomplete.
std::size_t http_message_size_after_headers(std::string_view msg, std::size_t have, std::size_t hdr_len,
                                            const HttpMessage& parsed, bool fin,
                                            const std::string& last_method, bool& until_fin) {
  until_fin = false;
  bool body = !fin;
  if (parsed.is_response &&
      (last_method == "HEAD" || parsed.status / 100 == 1 || parsed.status == 204 ||
       parsed.status == 304 || (parsed.status / 100 == 2 && last_method == "CONNECT")))
    body = false;
  if (!body) {
    std::size_t len = hdr_len;
    if (parsed.has_length) len = std::min<std::size_t>(have, hdr_len + parsed.length);
    return len;
  }
  if (parsed.has_length) {
    if (have - hdr_len < parsed.length) return 0;
    return hdr_len + parsed.length;
  }
  if (parsed.chunked) {
    std::size_t p = hdr_len;
    for (;;) {
      std::size_t eol = msg.find("\r\n", p);
      if (eol == std::string_view::npos) return 0;
      std::uint64_t n = std::strtoull(std::string(msg.substr(p, eol - p)).c_str(), nullptr, 16);
      p = eol + 2;
      if (n == 0) {
        // Trailer headers end with a blank line.
        for (;;) {
          std::size_t e = msg.find("\r\n", p);
          if (e == std::string_view::npos) return 0;
          bool blank = e == p;
          p = e + 2;
          if (blank) return p;
        }
      }
      if (msg.size() < p + n + 2) return 0;
      p += n + 2;
    }
  }
  if (parsed.is_response) {
    until_fin = true;
    return 0;
  }
  return hdr_len;
}

// Where the headers of `msg` end (after the blank line; 0 while incomplete) and whether they
// end with CRLF CRLF.
std::size_t http_header_length(std::string_view msg, bool& crlf) {
  const std::size_t hdr_end = msg.find("\r\n\r\n");
  crlf = hdr_end != std::string_view::npos;
  if (crlf) return hdr_end + 4;
  const std::size_t lf = msg.find("\n\n");
  return lf == std::string_view::npos ? 0 : lf + 2;
}

void http_summary(const HttpMessage& m, std::string& info, std::string& protocol,
                  bool has_body) {
  info += m.first_line;
  info += ' ';
  protocol = "HTTP";
  if (!has_body || m.content_type.empty()) return;
  const std::string& t = m.content_type;
  if (t == "text/xml" || t == "application/xml" || (t.size() > 4 && t.compare(t.size() - 4, 4, "+xml") == 0)) {
    protocol = "HTTP/XML";
    return;
  }
  if (t == "application/json") {
    protocol = "HTTP/JSON";
    return;
  }
  if (starts_with(t, "image/")) return;  // the image dissectors add their own summary
  info += " (";
  info += t;
  info += ')';
}

}  // namespace

const WiresharkColumns& WiresharkRenderer::on_packet(const RawPacket& raw, const DecodedPacket& pkt,
                                                     const TcpPacketAnalysis& a,
                                                     const StreamTracker& tracker) {
  for (const EndedStream& e : tracker.ended()) forget(e.stream);
  if (!have_first_) {
    have_first_ = true;
    first_ts_ = raw.ts;
  }
  StreamSummary summary;
  if (a.tracked) summary = tracker.summary(a.stream);
  return on_packet(raw, pkt, a, a.tracked ? &summary : nullptr, first_ts_);
}

void WiresharkRenderer::forget(std::uint32_t stream) { app_->forget(stream); }

std::string_view WiresharkRenderer::http_message() const { return app_->http_message; }

const wireshark::TlsFields& WiresharkRenderer::tls_fields() const { return app_->tls_fields; }

const WiresharkColumns& WiresharkRenderer::on_packet(const RawPacket& raw, const DecodedPacket& pkt,
                                                     const TcpPacketAnalysis& a,
                                                     const StreamSummary* summary,
                                                     const Timestamp& first) {
  WiresharkColumns& c = cols_;
  c.number = raw.number;
  c.length = raw.wirelen;
  const NsTime ts = NsTime::from(raw.ts);
  assign_relative_time(c.time, NsTime::delta(ts, NsTime::from(first)), options_.nanosecond);
  c.source.clear();
  c.destination.clear();
  c.protocol.clear();
  c.info.clear();
  app_->http_message.clear();
  app_->tls_fields.clear();

  // Link layer: Ethernet addresses until an IP layer replaces them.
  if (raw.linktype == linktype::kEthernet && raw.data.size() >= 14) {
    if (pkt.ip_depth == 0) {  // (an IP layer's addresses replace them)
      assign_mac(c.destination, raw.data, 0);
      assign_mac(c.source, raw.data, 6);
    }
    const std::uint16_t type = load_be16(raw.data, 12);
    if (type == 0x0806) c.protocol = "ARP";
    else if (type == 0x8035) c.protocol = "RARP";
    else if (type == 0x88cc) c.protocol = "LLDP";
    else c.protocol = "Ethernet";
  }
  if (pkt.ip_depth > 0) {
    assign_ip(c.source, pkt.ip.src);
    assign_ip(c.destination, pkt.ip.dst);
    c.protocol = pkt.ip.version == 6 ? "IPv6" : "IPv4";
    if (!(pkt.ip.fragment && !pkt.reassembled)) {
      if (const char* name = ip_protocol_name(pkt.ip.protocol)) c.protocol = name;
    }
  }

  if (pkt.has(Layer::Tcp) && !pkt.in_icmp_error && pkt.tcp.ports_valid) {
    const TcpSegment& seg = pkt.tcp;
    c.protocol = seg.options.has_mptcp ? "MPTCP" : "TCP";
    std::string& prefix = app_->prefix;
    std::string& body = app_->body;
    prefix.clear();
    body.clear();
    TcpNumbers n;
    if (a.tracked && summary != nullptr) n = StreamTracker::numbers(seg, a, *summary);
    else {
      n.seq = seg.seq;
      n.ack = seg.ack;
      n.window = seg.window;
    }
    const bool analysed = format_tcp_body(body, seg, a, n);
    if (analysed) format_tcp_expert_prefix(prefix, a);
    std::string& app_info = app_->app_info;
    std::string& app_proto = app_->app_proto;
    std::string& pending_line = app_->pending_line;  // HTTP's first line of a message still being reassembled
    app_info.clear();
    app_proto.clear();
    pending_line.clear();
    bool segment_of_pdu = false;
    // packet-tcp.c hands no payload to the application dissector for a plain or spurious
    // retransmission, an out-of-order segment (tcp_no_subdissector_on_error, desegment_tcp)
    // or a keep-alive; a fast retransmission is dissected again.
    const AnomalySet& f = a.anomalies;
    const bool tcp_skips = f.has(Anomaly::SpuriousRetransmission) || f.has(Anomaly::OutOfOrder) ||
                           f.has(Anomaly::KeepAlive) ||
                           (f.has(Anomaly::Retransmission) && !f.has(Anomaly::FastRetransmission));
    const bool app_called = analysed && a.tracked && seg.have_seglen && !tcp_skips;
    // HTTP state exists only for streams that carried data: a bare SYN, ACK or FIN of an
    // unknown stream has nothing for HTTP.
    AppState::HttpStream* hsp = nullptr;
    std::size_t websocket_from = 0;  // where WebSocket's frames start in this segment's payload
    if (analysed && a.tracked && seg.have_seglen) {
      auto it = app_->http.find(a.stream);
      if (it != app_->http.end()) hsp = &it->second;
      else if (!seg.payload.empty()) hsp = &app_->http[a.stream];
    }
    if (hsp != nullptr) {
      AppState::HttpStream& hs = *hsp;
      const ByteView data = seg.payload;
      if (!hs.decided && !data.empty()) {
        hs.decided = true;
        if (http_port(seg.src_port) || http_port(seg.dst_port)) {
          hs.is_http = true;
        } else if (!claimed_port(seg.src_port) && !claimed_port(seg.dst_port)) {
          std::string_view s(reinterpret_cast<const char*>(data.data()), data.size());
          hs.is_http = is_http_first_line(s.substr(0, s.find('\n')));
        }
      }
      const bool fin = seg.flags & tcpflag::kFin;
      AppState::HttpDir& d = hs.dir[a.dir == Direction::AToB ? 0 : 1];
      const bool complete_capture = data.size() == seg.payload_len;
      if (hs.is_http && !hs.tunnel && !hs.websocket && (!data.empty() || (fin && d.msg && d.msg->until_fin)) &&
          !(tcp_skips && !d.msg)) {
        bool retransmitted = d.have_next && seg.payload_len > 0 &&
                             static_cast<std::int32_t>(seg.seq + seg.payload_len - d.next_seq) <= 0;
        if (retransmitted && d.msg) {
          // Inside a message being reassembled: tshark does not hand it to HTTP again.
        } else if (complete_capture) {
          if (!retransmitted) {
            d.next_seq = seg.seq + seg.payload_len;
            d.have_next = true;
          }
          std::string_view chunk(reinterpret_cast<const char*>(data.data()), data.size());
          bool first_pdu = true;
          bool first_msg_shown = false;
          while (!chunk.empty() || (fin && d.msg && d.msg->until_fin)) {
            if (!d.msg) {
              std::string_view line = chunk.substr(0, chunk.find('\n'));
              if (!is_http_first_line(line)) {
                if (hs.seen_http && !first_msg_shown) {
                  app_proto = "HTTP";
                  app_info = "Continuation";
                }
                break;
              }
              d.msg = app_->spare_message ? std::move(app_->spare_message) : std::make_unique<AppState::HttpMessageState>();
            }
            AppState::HttpMessageState& msg = *d.msg;
            // With a known remaining length (Content-Length) or "until FIN", TCP collects the
            // segments without calling HTTP; otherwise (headers or chunks still incomplete)
            // HTTP sees the data so far again and puts the first line in Info.
            const bool called = msg.called;
            const std::size_t before = msg.size();
            if (msg.hdr_len != 0 && !app_->keep_bodies && (msg.parsed.has_length || !msg.parsed.chunked))
              msg.counted += chunk.size();
            else
              msg.buf.append(chunk.data(), chunk.size());
            std::size_t hdr_len = msg.hdr_len;
            if (hdr_len == 0) {
              bool crlf = false;
              hdr_len = http_header_length(msg.buf, crlf);
              if (hdr_len != 0) {
                msg.parsed = parse_headers(std::string_view(msg.buf).substr(0, hdr_len));
                // Kept: the end of CRLF CRLF headers cannot move. A bare LF LF end is looked
                // for again with the next bytes, as a later CRLF CRLF would take precedence.
                if (crlf) msg.hdr_len = hdr_len;
              }
            }
            const HttpMessage& m = msg.parsed;
            bool until_fin = false;
            std::size_t size = hdr_len == 0 ? 0
                               : http_message_size_after_headers(msg.buf, msg.size(), hdr_len, m, fin,
                                                                 hs.last_method, until_fin);
            if (size == 0 && until_fin && fin) size = msg.size();
            // Where CRLF CRLF is (npos: not yet), without scanning a long body again.
            const std::size_t hdr = msg.hdr_len != 0 ? msg.hdr_len - 4 : msg.buf.find("\r\n\r\n");
            if (size == 0) {
              msg.until_fin = until_fin;
              msg.called = hdr == std::string::npos || (m.chunked && !m.has_length);
              if (first_pdu) {
                segment_of_pdu = true;
                const std::size_t eol = msg.buf.find('\n');
                if (called && eol != std::string::npos && !first_msg_shown) {
                  std::string_view line(msg.buf.data(), eol);
                  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
                  pending_line = format_text(line) + " ";
                }
              }
              break;
            }
            // One message complete in this segment.
            const bool has_body = size > hdr + 4 || m.chunked;
            if (!first_msg_shown) {
              http_summary(m, app_info, app_proto, has_body);
              app_->http_message.assign(msg.buf, 0, size);
              first_msg_shown = true;
            }
            if (!m.is_response) hs.last_method = m.first_line.substr(0, m.first_line.find(' '));
            else if (m.status / 100 == 2 && hs.last_method == "CONNECT") hs.tunnel = true;
            else if (m.status == 101 && m.upgrade_websocket) hs.websocket = true;
            hs.seen_http = true;
            const std::size_t used = size - before;
            chunk.remove_prefix(std::min(used, chunk.size()));
            // Complete: its state serves the next message (of any stream), its buffer kept
            // only while small.
            if (msg.buf.capacity() <= 4096) {
              msg.until_fin = false;
              msg.called = true;
              msg.buf.clear();
              msg.hdr_len = 0;
              msg.parsed = HttpMessage{};
              msg.counted = 0;
              app_->spare_message = std::move(d.msg);
            } else {
              d.msg.reset();
            }
            first_pdu = false;
            if (hs.websocket) {
              // The rest of the segment is already WebSocket's.
              websocket_from = data.size() - chunk.size();
              break;
            }
          }
        }
      }
    }
    const bool complete_payload = seg.have_seglen && !seg.payload.empty() && seg.payload.size() == seg.payload_len;
    // WebSocket after HTTP's upgrade: the frames of this segment (after a 101 in it).
    if (hsp != nullptr && hsp->websocket && app_called && complete_payload && !segment_of_pdu &&
        websocket_from < seg.payload.size()) {
      auto& dirs = app_->websocket[a.stream];
      const std::size_t before = app_info.size();
      if (wireshark::websocket_info(dirs[a.dir == Direction::AToB ? 0 : 1], seg.payload.subspan(websocket_from),
                                    app_info) == wireshark::WebSocketVerdict::Frames) {
        app_proto = "WebSocket";
      } else if (before == 0) {
        segment_of_pdu = true;
      }
    }
    // SSH: the dissector of the port TCP tries first (the lower one) decides the direction.
    if (app_called && app_info.empty() && !segment_of_pdu && complete_payload &&
        (ssh_port(seg.src_port) || ssh_port(seg.dst_port))) {
      c.info.clear();  // a summariser writes the whole Info (prefix included)
      const bool from_server = seg.dst_port != matched_port(seg, ssh_port);
      if (wireshark::ssh_info(app_->ssh[a.stream], seg.payload, from_server, raw.number, prefix, app_proto,
                              c.info) == wireshark::SshVerdict::Summary) {
        c.protocol = app_proto;
        return c;
      }
      app_proto.clear();
      segment_of_pdu = true;
    }
    // RESP (Redis), port 6379: a request goes to the port.
    if (app_called && app_info.empty() && !segment_of_pdu && complete_payload &&
        (seg.src_port == 6379 || seg.dst_port == 6379)) {
      c.info.clear();  // a summariser writes the whole Info (prefix included)
      if (wireshark::resp_info(app_->resp[a.stream], seg.payload, seg.dst_port != 6379, prefix, app_proto,
                               c.info) == wireshark::RespVerdict::Summary) {
        c.protocol = app_proto;
        return c;
      }
      app_proto.clear();
      segment_of_pdu = true;
    }
    // SMTP: a request goes to the SMTP port TCP tries first.
    if (app_called && app_info.empty() && !segment_of_pdu && complete_payload &&
        (smtp_port(seg.src_port) || smtp_port(seg.dst_port))) {
      c.info.clear();  // a summariser writes the whole Info (prefix included)
      const bool request = seg.dst_port == matched_port(seg, smtp_port);
      switch (wireshark::smtp_info(app_->smtp[a.stream], seg.payload, request, raw.number, prefix, c.info)) {
        case wireshark::SmtpVerdict::Summary:
          c.protocol = "SMTP";
          return c;
        case wireshark::SmtpVerdict::TcpSegment: segment_of_pdu = true; break;
        case wireshark::SmtpVerdict::NotSmtp: break;
      }
    }
    // TLS: on its registered ports, after STARTTLS or an HTTP CONNECT, or where its heuristic
    // (dissect_ssl_heur) recognises a record on a port no other dissector here owns.
    if (app_called && app_info.empty() && !segment_of_pdu && complete_payload) {
      auto it = app_->tls.find(a.stream);
      if (it == app_->tls.end()) {
        bool take = wireshark::tls_port(seg.src_port) || wireshark::tls_port(seg.dst_port);
        if (hsp != nullptr && hsp->tunnel) take = true;
        else if (hsp != nullptr && hsp->is_http) take = false;
        if (!take && (smtp_port(seg.src_port) || smtp_port(seg.dst_port))) {
          auto sm = app_->smtp.find(a.stream);
          take = sm != app_->smtp.end() && sm->second.state == wireshark::SmtpStream::State::Tls;
        } else if (!take && !(hsp != nullptr && hsp->is_http) && !ssh_port(seg.src_port) &&
                   !ssh_port(seg.dst_port) && !claimed_port(seg.src_port) && !claimed_port(seg.dst_port)) {
          take = wireshark::looks_like_tls(seg.payload);
        }
        if (take) it = app_->tls.try_emplace(a.stream).first;
      }
      if (it != app_->tls.end()) {
        c.info.clear();  // a summariser writes the whole Info (prefix included)
        switch (wireshark::tls_info(it->second, seg.payload, a.dir != Direction::AToB, raw.number, prefix,
                                    app_proto, c.info, &app_->tls_fields)) {
          case wireshark::TlsVerdict::Summary:
            c.protocol = app_proto;
            return c;
          case wireshark::TlsVerdict::TcpSegment: segment_of_pdu = true; break;
          case wireshark::TlsVerdict::NotTls: break;
        }
        app_proto.clear();
      }
    }
    // TELNET (packet-telnet.c, port 23): every segment with data, whatever its options say.
    if (app_called && app_info.empty() && !segment_of_pdu && !seg.payload.empty() &&
        (seg.src_port == 23 || seg.dst_port == 23)) {
      app_info = "Telnet Data ...";
      app_proto = "TELNET";
    }
    // FTP control connection (packet-ftp.c): the first line of each segment.
    if (app_called && app_info.empty() && !segment_of_pdu && seg.have_seglen && !seg.payload.empty() &&
        seg.payload.size() == seg.payload_len && (seg.src_port == 21 || seg.dst_port == 21)) {
      std::string_view s(reinterpret_cast<const char*>(seg.payload.data()), seg.payload.size());
      std::string_view line = s.substr(0, s.find('\n'));
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      app_info = (seg.dst_port == 21 ? "Request: " : "Response: ") + format_text(line);
      app_proto = "FTP";
    }
    // DNS over TCP: a whole message (2-byte length prefix included) in this segment.
    if (app_called && app_info.empty() && !segment_of_pdu && seg.have_seglen &&
        seg.payload.size() == seg.payload_len && seg.payload_len > 2 &&
        (seg.src_port == 53 || seg.dst_port == 53) &&
        load_be16(seg.payload.data()) + 2u == seg.payload_len &&
        wireshark::dns_info(seg.payload.subspan(2), false, app_info)) {
      app_proto = "DNS";
    }
    c.info.assign(prefix);
    if (!app_info.empty()) {
      c.info.append(app_info);
      c.protocol = app_proto;
    } else {
      c.info.append(pending_line.empty() ? body : pending_line);
      if (segment_of_pdu) c.info += " [TCP segment of a reassembled PDU]";
    }
    return c;
  }

  if (pkt.has(Layer::Udp) && !pkt.in_icmp_error && pkt.ip_depth > 0) {
    const std::uint16_t sp = pkt.udp.src_port, dp = pkt.udp.dst_port;
    const bool dns = sp == 53 || dp == 53, mdns = sp == 5353 || dp == 5353;
    if ((dns || mdns) && wireshark::dns_info(pkt.udp.payload, mdns, c.info)) {
      c.protocol = mdns ? "MDNS" : "DNS";
      // tshark reads the whole message; a capture cut short ends its dissection.
      if (pkt.udp.length >= 8 && pkt.udp.payload.size() < pkt.udp.length - 8u)
        c.info += "[Packet size limited during capture]";
    } else {
      char buf[64];
      const int n = std::snprintf(buf, sizeof buf, "%u \xe2\x86\x92 %u Len=%u", unsigned{sp}, unsigned{dp},
                                  pkt.udp.length >= 8 ? unsigned{pkt.udp.length} - 8u : 0u);
      c.info.assign(buf, static_cast<std::size_t>(n));
    }
  }
  return c;
}

void WiresharkRenderer::print(Output& out) const {
  const WiresharkColumns& c = cols_;
  auto pad_left = [&out](std::string_view s, std::size_t width) {
    for (std::size_t i = s.size(); i < width; ++i) out.put(' ');
    out.put(s);
  };
  auto pad_right = [&out](std::string_view s, std::size_t width) {
    out.put(s);
    for (std::size_t i = s.size(); i < width; ++i) out.put(' ');
  };
  // tshark.c print_columns(): number >= 5 wide and time >= 10 wide, right-aligned; source
  // right-aligned and destination left-aligned in at least 12, joined by an arrow.
  char number[24];
  pad_left(std::string_view(number, static_cast<std::size_t>(Output::format_u64(number, c.number) - number)), 5);
  out.put(' ');
  pad_left(c.time, 10);
  out.put(' ');
  pad_left(c.source, 12);
  out.put(" \xe2\x86\x92 ");
  pad_right(c.destination, 12);
  out.put(' ');
  out.put(c.protocol);
  out.put(' ');
  out.put_u32(c.length);
  out.put(' ');
  out.put(c.info);
  out.put('\n');
}

}  // namespace tcplens

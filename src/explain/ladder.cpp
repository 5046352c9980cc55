// The ladder diagram: time, frame, the client's state, an arrow with the packet's label
// between the two endpoints' lines, the server's state; below an arrow, what did not fit on
// it (window, SYN options, anomalies). Widths follow ExplainOptions::width.
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "tcplens/explain/explainer.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/wire/tcp.hpp"

namespace tcplens::explain {

namespace {

constexpr std::size_t kTimeWidth = 9;
constexpr std::size_t kFrameWidth = 5;
constexpr std::size_t kStateWidth = 12;  // SYN_RECEIVED
constexpr std::size_t kLeftWidth = kTimeWidth + 1 + kFrameWidth + 1 + kStateWidth + 1;  // to the client's line

struct Glyphs {
  const char* line;   // the arrow's shaft
  const char* right;  // head pointing to the server
  const char* left;
  const char* pole;  // an endpoint's vertical line
  const char* fold;  // the poles beside a folded span
  const char* dots;
};
constexpr Glyphs kUnicode{"\u2500", "\u25B6", "\u25C0", "\u2502", "\u250A", "\u22EF"};
constexpr Glyphs kAscii{"-", ">", "<", "|", ":", "..."};

struct Colors {
  const char* client = "";
  const char* server = "";
  const char* state = "";
  const char* alert = "";
  const char* dim = "";
  const char* reset = "";
};
Colors colors(bool on) {
  if (!on) return {};
  return {"\x1b[36m", "\x1b[33m", "\x1b[1;32m", "\x1b[1;31m", "\x1b[2m", "\x1b[0m"};
}

double seconds_between(const Timestamp& a, const Timestamp& b) {
  return static_cast<double>(b.sec - a.sec) + static_cast<double>(b.nsec - a.nsec) / 1e9;
}

std::string fixed(double v, int decimals) {  // printf's "%.*f"
  char buf[Output::kFixedRoom];
  return std::string(buf, Output::format_fixed(buf, v, decimals));
}

void pad_right(std::string& s, std::size_t width) {
  const std::size_t w = display_width(s);
  if (w < width) s.append(width - w, ' ');
}
std::string padded_left(std::string_view s, std::size_t width) {
  const std::size_t w = display_width(s);
  std::string out(w < width ? width - w : 0, ' ');
  out += s;
  return out;
}

void repeat(std::string& out, const char* glyph, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) out += glyph;
}

std::string fill(Lang lang, std::string_view id, std::initializer_list<Field> fields) {
  return format_message(message(lang, id), fields);
}

}  // namespace

std::vector<std::string> anomaly_notes(const LadderRow& r, Lang lang) {
  std::vector<std::string> notes;
  const std::string original = std::to_string(r.original_frame);
  const AnomalySet a = r.anomalies;
  if (a.has(Anomaly::SpuriousRetransmission))
    notes.push_back(fill(lang, r.original_frame ? "ladder.spurious_retransmission" : "ladder.retransmission_unknown",
                         {{"frame", original}}));
  else if (a.has(Anomaly::FastRetransmission))
    notes.push_back(fill(lang, r.original_frame ? "ladder.fast_retransmission" : "ladder.retransmission_unknown",
                         {{"frame", original}}));
  else if (a.has(Anomaly::Retransmission))
    notes.push_back(fill(lang, r.original_frame ? "ladder.retransmission" : "ladder.retransmission_unknown",
                         {{"frame", original}}));
  if (a.has(Anomaly::DuplicateAck))
    notes.push_back(fill(lang, "ladder.dup_ack",
                         {{"num", std::to_string(r.dupack_num)}, {"frame", std::to_string(r.dupack_frame)}}));
  static constexpr std::pair<Anomaly, std::string_view> kPlain[] = {
      {Anomaly::ZeroWindow, "ladder.zero_window"},     {Anomaly::ZeroWindowProbe, "ladder.zero_window_probe"},
      {Anomaly::OutOfOrder, "ladder.out_of_order"},    {Anomaly::LostSegment, "ladder.lost_segment"},
      {Anomaly::KeepAlive, "ladder.keepalive"},        {Anomaly::ReusedPorts, "ladder.reused_ports"}};
  for (const auto& [anomaly, id] : kPlain)
    if (a.has(anomaly)) notes.emplace_back(message(lang, id));
  if (r.flags & tcpflag::kRst) notes.emplace_back(message(lang, "ladder.rst"));
  return notes;
}

namespace {

// "mss 1460, sack, ts, ws 7" as tcpdump abbreviates SYN options.
std::string syn_options(const TcpOptions& o) {
  std::string s;
  auto add = [&](const std::string& part) {
    if (!s.empty()) s += ", ";
    s += part;
  };
  if (o.has_mss) add("mss " + std::to_string(o.mss));
  if (o.sack_permitted) add("sack");
  if (o.has_timestamps) add("ts");
  if (o.has_window_scale) add("ws " + std::to_string(o.window_scale));
  if (o.tfo_cookie_request || o.has_tfo_cookie) add("tfo");
  return s;
}

}  // namespace

std::size_t display_width(std::string_view s) {
  std::size_t w = 0;
  for (std::size_t k = 0; k < s.size(); ++k) {
    const auto b = static_cast<unsigned char>(s[k]);
    if (b == 0x1b) {  // an ANSI colour sequence takes no column
      while (k < s.size() && s[k] != 'm') ++k;
      continue;
    }
    if (b < 0x80 || (b >= 0xC0 && b < 0xE0)) {
      w += 1;
    } else if (b >= 0xE0) {
      // Three bytes: box drawing, arrows and dots (U+2xxx) take one column, CJK (U+3000 and
      // above, and the full-width forms) two.
      w += (b == 0xE2) ? 1 : 2;
    }
  }
  return w;
}

std::string wrap(std::string_view text, std::size_t width, std::size_t first, std::size_t rest) {
  std::string out(first, ' ');
  std::size_t col = first;
  std::size_t k = 0;
  bool line_empty = true;
  while (k < text.size()) {
    // The next unit: a word (up to a space) or one CJK character.
    std::size_t end = k;
    const auto lead = static_cast<unsigned char>(text[k]);
    if (lead >= 0xE3) {
      end = k + 3;
      // Keep closing punctuation (，。；：）、) with the character before it.
      while (end + 3 <= text.size() && static_cast<unsigned char>(text[end]) == 0xEF &&
             (std::memcmp(&text[end], "\xEF\xBC\x8C", 3) == 0 || std::memcmp(&text[end], "\xEF\xBC\x9B", 3) == 0 ||
              std::memcmp(&text[end], "\xEF\xBC\x9A", 3) == 0 || std::memcmp(&text[end], "\xEF\xBC\x89", 3) == 0))
        end += 3;
      while (end + 3 <= text.size() && std::memcmp(&text[end], "\xE3\x80", 2) == 0 &&
             (static_cast<unsigned char>(text[end + 2]) == 0x82 || static_cast<unsigned char>(text[end + 2]) == 0x81))
        end += 3;
    } else {
      while (end < text.size() && text[end] != ' ' && static_cast<unsigned char>(text[end]) < 0xE3) ++end;
      if (end == k) end = k + 1;
    }
    // A short group in parentheses ("(frames 1, 2, 3)", "（帧 1、2）") stays on one line.
    const bool ascii_open = text[k] == '(';
    const bool wide_open = text.compare(k, 3, "\xEF\xBC\x88") == 0;
    if (ascii_open || wide_open) {
      const std::size_t close = text.find(ascii_open ? ")" : "\xEF\xBC\x89", k);
      const std::size_t group_end = close + (ascii_open ? 1 : 3);
      if (close != std::string_view::npos && display_width(text.substr(k, group_end - k)) <= 20) end = group_end;
    }
    const std::string_view unit = text.substr(k, end - k);
    if (unit == " ") {
      if (!line_empty && col < width) {
        out += ' ';
        ++col;
      }
      k = end;
      continue;
    }
    const std::size_t w = display_width(unit);
    // Closing punctuation never starts a line: it hangs past the width instead (标点悬挂).
    static constexpr std::string_view kClosing[] = {"\xEF\xBC\x8C", "\xE3\x80\x82", "\xEF\xBC\x9B",
                                                    "\xEF\xBC\x9A", "\xE3\x80\x81", "\xEF\xBC\x89"};
    bool closing = false;
    for (std::string_view c : kClosing) closing = closing || unit.substr(0, 3) == c;
    if (!line_empty && col + w > width && !closing) {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      out += '\n';
      out.append(rest, ' ');
      col = rest;
      line_empty = true;
    }
    out += unit;
    col += w;
    line_empty = false;
    k = end;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool want_color(std::string_view mode, int fd) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return ::isatty(fd) == 1;
}

unsigned terminal_width(int fd) {
  if (const char* cols = std::getenv("COLUMNS"); cols != nullptr && *cols != '\0') {
    const long v = std::strtol(cols, nullptr, 10);
    if (v > 0) return static_cast<unsigned>(v);
  }
  winsize ws{};
  if (::isatty(fd) == 1 && ::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

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
  add(tcpflag::kEce, "ECE");
  add(tcpflag::kCwr, "CWR");
  return s.empty() ? std::string("none") : s;
}

std::string span_summary(const Span& s, Lang lang) {
  return fill(lang, "ladder.span",
              {{"packets", std::to_string(s.packets)},
               {"duration", fixed(seconds_between(s.first_ts, s.last_ts), 3)},
               {"segments_c", std::to_string(s.segments[0])},
               {"bytes_c", std::to_string(s.bytes[0])},
               {"segments_s", std::to_string(s.segments[1])},
               {"bytes_s", std::to_string(s.bytes[1])},
               {"retransmissions", std::to_string(s.retransmissions)}});
}

std::string ladder(const Connection& c, const ConnectionTrace& trace, const ExplainOptions& o) {
  const Glyphs& g = o.ascii ? kAscii : kUnicode;
  const Colors k = colors(o.color);
  const Lang lang = o.lang;
  const std::size_t width = o.width < 64 ? 64 : o.width;
  // The arrow between the two poles; the server's state after the right pole.
  const std::size_t arrow = width - kLeftWidth - 2 - 1 - kStateWidth;
  const std::size_t note_at = kLeftWidth + 1 + 3;

  std::string out;
  {
    std::string head = padded_left(message(lang, "ladder.time"), kTimeWidth);
    head += ' ';
    head += padded_left("#", kFrameWidth);
    head += ' ';
    std::string client(message(lang, "ladder.client"));
    client += ' ';
    client += endpoint_name(c.client);
    head += client;
    // The server's name from its line, or ending at the width when it would not fit.
    std::string server(message(lang, "ladder.server"));
    server += ' ';
    server += endpoint_name(c.server);
    const std::size_t at = kLeftWidth + 2 + arrow, w = display_width(server);
    pad_right(head, at + w > width && width > w + display_width(head) ? width - w : at);
    if (display_width(head) > at || (!head.empty() && head.back() != ' ')) head += ' ';
    head += server;
    out += head;
    out += '\n';
  }
  auto poles = [&](std::string& line, const char* left_state, const char* pole) {
    line += padded_left(left_state, kStateWidth);
    line += ' ';
    line += pole;
  };
  auto note_lines = [&](std::string& text_out, const std::string& note, const char* color, bool wide = false) {
    if (note.empty()) return;
    std::string lead(kLeftWidth, ' ');
    lead += wide ? g.fold : g.pole;
    // Between the two poles, or (a span's summary) out to the width.
    const std::size_t full = width - kLeftWidth - 4;
    const std::size_t inside = arrow > 8 ? arrow - 4 : full;
    const std::size_t room = wide || (display_width(note) > inside && display_width(note) <= full) ? full : inside;
    std::string wrapped = wrap(note, room, 0, 0);
    std::size_t start = 0;
    while (start <= wrapped.size()) {
      const std::size_t nl = wrapped.find('\n', start);
      const std::string_view piece =
          std::string_view(wrapped).substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      std::string line = lead;
      line.append(3, ' ');
      line += color;
      line += piece;
      line += *color ? k.reset : "";
      const std::size_t used = display_width(line);
      if (used < kLeftWidth + 2 + arrow) {
        line.append(kLeftWidth + 2 + arrow - used - 1, ' ');
        line += wide ? g.fold : g.pole;
      }
      text_out += line;
      text_out += '\n';
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  };
  (void)note_at;
  bool window_seen[2] = {false, false};
  std::uint32_t last_window[2] = {0, 0};

  for (const LadderEntry& e : trace.entries()) {
    if (e.is_span) {
      const Span& s = e.span;
      std::string line = padded_left(fixed(seconds_between(c.first_ts, s.first_ts), 6), kTimeWidth);
      line += ' ';
      line += padded_left(std::to_string(s.first_frame), kFrameWidth);
      line += ' ';
      poles(line, "", g.fold);
      std::string mid = std::string(g.dots) + " #" + std::to_string(s.first_frame) + "-#" +
                        std::to_string(s.last_frame) + " " + g.dots;
      const std::size_t w = display_width(mid);
      const std::size_t left = w < arrow ? (arrow - w) / 2 : 0;
      line.append(left, ' ');
      line += k.dim;
      line += mid;
      line += k.reset;
      line.append(w + left < arrow ? arrow - w - left : 0, ' ');
      line += g.fold;
      out += line;
      out += '\n';
      note_lines(out, span_summary(s, lang), k.dim, true);
      continue;
    }
    const LadderRow& r = e.row;
    const bool to_server = r.from == Side::Client;
    std::string line = padded_left(fixed(seconds_between(c.first_ts, r.ts), 6), kTimeWidth);
    line += ' ';
    line += padded_left(std::to_string(r.frame), kFrameWidth);
    line += ' ';
    std::string state_c = r.state_c != TcpState::Unknown ? std::string(to_string(r.state_c)) : std::string();
    line += k.state;
    line += padded_left(state_c, kStateWidth);
    line += k.reset;
    line += ' ';
    line += g.pole;

    // The label's parts in order; what does not fit on the arrow goes below it.
    std::vector<std::string> parts;
    parts.push_back(flags_name(r.flags));
    parts.push_back("seq=" + std::to_string(o.absolute ? r.seq : r.rel_seq));
    if (r.has_ack) parts.push_back("ack=" + std::to_string(o.absolute ? r.ack : r.rel_ack));
    parts.push_back("len=" + std::to_string(r.len));
    // The window when it fits; below the arrow only where it tells something: on a SYN, at
    // zero, and when it opens again.
    const std::size_t me = index(r.from);
    const bool window_news = (r.flags & tcpflag::kSyn) || r.window == 0 || (window_seen[me] && last_window[me] == 0);
    window_seen[me] = true;
    last_window[me] = r.window;
    const std::string win = "win=" + std::to_string(r.window);
    std::string label, below;
    for (std::size_t p = 0; p < parts.size(); ++p) {
      const std::size_t need = label.size() + (label.empty() ? 0 : 1) + parts[p].size();
      if (below.empty() && (p < 2 || need + 5 <= arrow)) {
        if (!label.empty()) label += ' ';
        label += parts[p];
      } else {
        if (!below.empty()) below += ' ';
        below += parts[p];
      }
    }
    if (label.size() + 1 + win.size() + 5 <= arrow && below.empty())
      label += " " + win;
    else if (window_news)
      below += below.empty() ? win : " " + win;
    std::vector<std::string> notes;
    if (!below.empty()) notes.push_back(below);
    if (r.flags & tcpflag::kSyn) {
      const std::string opts = syn_options(r.options);
      if (!opts.empty()) notes.push_back(opts);
    }
    const std::vector<std::string> alerts = anomaly_notes(r, lang);
    const char* arrow_color = (r.flags & tcpflag::kRst) || !alerts.empty() ? k.alert : to_server ? k.client : k.server;
    const std::size_t shaft = label.size() + 5 <= arrow ? arrow - 4 - label.size() : 1;
    line += arrow_color;
    if (to_server) {
      repeat(line, g.line, 2);
      line += ' ';
      line += label;
      line += ' ';
      repeat(line, g.line, shaft - 1);
      line += g.right;
    } else {
      line += g.left;
      repeat(line, g.line, shaft - 1);
      line += ' ';
      line += label;
      line += ' ';
      repeat(line, g.line, 2);
    }
    line += k.reset;
    line += g.pole;
    if (r.state_s != TcpState::Unknown) {
      line += ' ';
      line += k.state;
      line += to_string(r.state_s);
      line += k.reset;
    }
    out += line;
    out += '\n';
    std::string plain;
    for (const std::string& n : notes) {
      if (!plain.empty()) plain += "; ";
      plain += n;
    }
    note_lines(out, plain, "");
    std::string alert;
    for (const std::string& n : alerts) {
      if (!alert.empty()) alert += "; ";
      alert += n;
    }
    if (!alert.empty()) note_lines(out, "! " + alert, k.alert);
  }
  return out;
}

}  // namespace tcplens::explain

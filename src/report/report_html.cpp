// The report's page: the overview, the first page of the table and each detailed
// connection's ladder, story and state timeline are written as HTML and SVG here (readable
// with scripts off, printable); the table's columns and the graphs' points follow as packed
// data that report/report.js decodes and hands to uPlot.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>

#include "report_assets.hpp"
#include "report_data.hpp"
#include "tcplens/detect/finding_render.hpp"
#include "tcplens/render/output.hpp"

namespace tcplens::report {

namespace {

constexpr std::size_t kServerRows = 100;  // table rows written as HTML (the rest by the script)

void esc(std::string& out, std::string_view s) {
  for (const char ch : s) {
    switch (ch) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += ch;
    }
  }
}

// One row of a <dl class="facts">.
void fact_row(std::string& h, const char* key, const std::string& value) {
  h += "<dt>";
  h += key;
  h += "</dt><dd>";
  esc(h, value);
  h += "</dd>";
}

std::string fixed(double v, int decimals) {  // printf's "%.*f"
  char buf[Output::kFixedRoom];
  return std::string(buf, Output::format_fixed(buf, v, decimals));
}

std::string ip_text(const IpAddress& ip) {
  char buf[64];
  return std::string(buf, format_ip(ip, buf));
}

std::string endpoint_text(const Endpoint& e) {
  const std::string ip = ip_text(e.ip);
  return (e.ip.family == 6 ? "[" + ip + "]" : ip) + ":" + std::to_string(e.port);
}

double seconds_between(const Timestamp& a, const Timestamp& b) {
  return static_cast<double>(b.sec - a.sec) + static_cast<double>(b.nsec - a.nsec) / 1e9;
}

// "1.2 MB", "734 B".
std::string human_bytes(double b) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000 && u < 4) {
    b /= 1000;
    ++u;
  }
  return u == 0 ? fixed(b, 0) + " B" : fixed(b, b < 10 ? 2 : 1) + " " + kUnits[u];
}

std::string utc_text(const Timestamp& ts) {
  const time_t t = static_cast<time_t>(ts.sec);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  char frac[32];
  std::snprintf(frac, sizeof frac, ".%06lld UTC", static_cast<long long>(ts.nsec / 1000));
  return std::string(buf) + frac;
}

const char* const kOutcomeNames[] = {"complete", "refused", "reset", "unanswered", "open", "other"};
const char* const kOutcomeColors[] = {"#3a8f5c", "#c7792b", "#c0392b", "#8e44ad", "#2c7fb8", "#888888"};

void outcome_chart(std::string& h, const std::uint64_t (&counts)[6]) {
  std::uint64_t most = 1;
  for (const std::uint64_t c : counts) most = std::max(most, c);
  const int bar_w = 420, row_h = 26;
  h += "<svg class=\"chart\" id=\"outcome-chart\" viewBox=\"0 0 640 " + std::to_string(6 * row_h + 10) +
       "\" role=\"img\" aria-label=\"Connection outcomes\">";
  for (int k = 0; k < 6; ++k) {
    const int y = 5 + k * row_h;
    const double w = counts[k] == 0 ? 0 : std::max(1.0, bar_w * static_cast<double>(counts[k]) / static_cast<double>(most));
    h += "<g class=\"outcome\" data-outcome=\"" + std::string(kOutcomeNames[k]) + "\"><title>" + kOutcomeNames[k] + ": " +
         std::to_string(counts[k]) + "</title>";
    h += "<text x=\"100\" y=\"" + std::to_string(y + 17) + "\" text-anchor=\"end\">" + kOutcomeNames[k] + "</text>";
    h += "<rect x=\"110\" y=\"" + std::to_string(y + 3) + "\" width=\"" + fixed(w, 1) + "\" height=\"18\" fill=\"" +
         kOutcomeColors[k] + "\"/>";
    h += "<text x=\"" + fixed(116 + w, 1) + "\" y=\"" + std::to_string(y + 17) + "\">" + std::to_string(counts[k]) +
         "</text></g>";
  }
  h += "</svg>";
}

void anomaly_chart(std::string& h, const Timeline& tl) {
  const std::size_t used = tl.used();
  if (used == 0) {
    h += "<p>No packets.</p>";
    return;
  }
  const std::size_t bins = std::min<std::size_t>(used, 120);
  struct Bin {
    std::uint64_t v[4] = {0, 0, 0, 0};
  };
  std::vector<Bin> b(bins);
  for (std::size_t k = 0; k < used; ++k)
    for (int a = 0; a < 4; ++a) b[k * bins / used].v[a] += tl.counts[a + 1][k];
  std::uint64_t most = 1;
  for (const Bin& x : b) most = std::max(most, x.v[0] + x.v[1] + x.v[2] + x.v[3]);
  const double w = 600.0 / static_cast<double>(bins), height = 160;
  const double span = static_cast<double>(used) * static_cast<double>(tl.width_ns) / 1e9;
  static constexpr const char* kNames[] = {"retransmissions", "duplicate ACKs", "zero windows", "other anomalies"};
  static constexpr const char* kColors[] = {"#c0392b", "#e67e22", "#8e44ad", "#7f8c8d"};
  h += "<svg class=\"chart\" id=\"anomaly-chart\" viewBox=\"0 0 680 215\" role=\"img\" aria-label=\"Anomalies over time\">";
  h += "<text x=\"36\" y=\"14\" text-anchor=\"end\">" + std::to_string(most) + "</text>";
  h += "<text x=\"36\" y=\"170\" text-anchor=\"end\">0</text><line x1=\"40\" y1=\"170\" x2=\"640\" y2=\"170\" stroke=\"#999\"/>";
  const double per_bin = span / static_cast<double>(bins);
  for (std::size_t k = 0; k < bins; ++k) {
    double y = 10 + height;
    const double x = 40 + w * static_cast<double>(k);
    std::string tip = fixed(per_bin * static_cast<double>(k), 3) + " s to " + fixed(per_bin * static_cast<double>(k + 1), 3) + " s";
    for (int a = 0; a < 4; ++a) tip += ", " + std::string(kNames[a]) + " " + std::to_string(b[k].v[a]);
    h += "<g><title>" + tip + "</title><rect x=\"" + fixed(x, 2) + "\" y=\"10\" width=\"" + fixed(w, 2) +
         "\" height=\"160\" fill=\"transparent\"/>";
    for (int a = 0; a < 4; ++a) {
      if (b[k].v[a] == 0) continue;
      const double bh = height * static_cast<double>(b[k].v[a]) / static_cast<double>(most);
      y -= bh;
      h += "<rect x=\"" + fixed(x, 2) + "\" y=\"" + fixed(y, 2) + "\" width=\"" + fixed(std::max(w - 0.5, 0.5), 2) +
           "\" height=\"" + fixed(bh, 2) + "\" fill=\"" + kColors[a] + "\"/>";
    }
    h += "</g>";
  }
  h += "<text x=\"40\" y=\"185\">0 s</text><text x=\"640\" y=\"185\" text-anchor=\"end\">" + fixed(span, 3) + " s</text>";
  for (int a = 0; a < 4; ++a)
    h += "<rect x=\"" + std::to_string(40 + a * 150) + "\" y=\"198\" width=\"10\" height=\"10\" fill=\"" + kColors[a] +
         "\"/><text x=\"" + std::to_string(54 + a * 150) + "\" y=\"207\">" + kNames[a] + "</text>";
  h += "</svg>";
}

// explain's ladder as SVG: the client's line on the left, the server's on the right, one
// arrow per packet row of explain's ladder with its anomaly notes below it, each side's
// state where it changed, and explain's folded spans as a dotted line with their summary.
void ladder_svg(std::string& h, const Connection& c, const explain::ConnectionTrace& trace) {
  const int row_h = 30, note_h = 14, span_h = 36, top = 50, left = 250, right = 650;
  std::vector<std::vector<std::string>> notes(trace.entries().size());
  int height = top + 20;
  for (std::size_t k = 0; k < trace.entries().size(); ++k) {
    const explain::LadderEntry& e = trace.entries()[k];
    if (e.is_span) {
      height += span_h;
      continue;
    }
    notes[k] = explain::anomaly_notes(e.row, explain::Lang::En);
    height += row_h + (notes[k].empty() ? 0 : note_h);
  }
  h += "<svg class=\"ladder\" viewBox=\"0 0 900 " + std::to_string(height) + "\" role=\"img\" aria-label=\"Ladder diagram\">";
  h += "<text class=\"end\" x=\"" + std::to_string(left) + "\" y=\"20\" text-anchor=\"middle\">client ";
  esc(h, endpoint_text(c.client));
  h += "</text><text class=\"end\" x=\"" + std::to_string(right) + "\" y=\"20\" text-anchor=\"middle\">server ";
  esc(h, endpoint_text(c.server));
  h += "</text>";
  for (const int x : {left, right})
    h += "<line x1=\"" + std::to_string(x) + "\" y1=\"30\" x2=\"" + std::to_string(x) + "\" y2=\"" +
         std::to_string(height - 10) + "\" stroke=\"#555\"/>";
  int y = top;
  for (std::size_t k = 0; k < trace.entries().size(); ++k) {
    const explain::LadderEntry& e = trace.entries()[k];
    if (e.is_span) {
      const explain::Span& s = e.span;
      const std::string summary = explain::span_summary(s, explain::Lang::En);
      h += "<g class=\"span\" data-first=\"" + std::to_string(s.first_frame) + "\" data-last=\"" +
           std::to_string(s.last_frame) + "\"><title>frames " + std::to_string(s.first_frame) + " to " +
           std::to_string(s.last_frame) + "</title>";
      h += "<text class=\"time\" x=\"10\" y=\"" + std::to_string(y + 12) + "\">" +
           fixed(seconds_between(c.first_ts, s.first_ts), 6) + "</text>";
      h += "<text class=\"omitted\" x=\"450\" y=\"" + std::to_string(y + 8) + "\" text-anchor=\"middle\">&#8943; #" +
           std::to_string(s.first_frame) + "-#" + std::to_string(s.last_frame) + " &#8943;</text>";
      h += "<text class=\"omitted\" x=\"450\" y=\"" + std::to_string(y + 24) + "\" text-anchor=\"middle\">";
      esc(h, summary);
      h += "</text></g>";
      y += span_h;
      continue;
    }
    const explain::LadderRow& r = e.row;
    const bool c2s = r.from == Side::Client;
    const int x1 = c2s ? left : right, x2 = c2s ? right : left;
    std::string label = explain::flags_name(r.flags) + " seq=" + std::to_string(r.rel_seq);
    if (r.has_ack) label += " ack=" + std::to_string(r.rel_ack);
    label += " len=" + std::to_string(r.len);
    std::string alert;
    for (const std::string& n : notes[k]) alert += (alert.empty() ? "" : "; ") + n;
    const bool rst = (r.flags & 0x04) != 0;
    h += "<g class=\"arrow" + std::string(rst ? " rst" : "") + (alert.empty() ? "" : " alert") + "\" data-frame=\"" +
         std::to_string(r.frame) + "\"><title>frame " + std::to_string(r.frame) + "</title>";
    h += "<text class=\"time\" x=\"10\" y=\"" + std::to_string(y + 12) + "\">" +
         fixed(seconds_between(c.first_ts, r.ts), 6) + "</text>";
    h += "<line x1=\"" + std::to_string(x1) + "\" y1=\"" + std::to_string(y) + "\" x2=\"" + std::to_string(x2) +
         "\" y2=\"" + std::to_string(y + 16) + "\" marker-end=\"url(#arrowhead)\"/>";
    h += "<text x=\"450\" y=\"" + std::to_string(y + 4) + "\" text-anchor=\"middle\">" + label + "</text>";
    if (!alert.empty()) {
      h += "<text class=\"note\" x=\"450\" y=\"" + std::to_string(y + 30) + "\" text-anchor=\"middle\">! ";
      esc(h, alert);
      h += "</text>";
    }
    if (r.state_c != TcpState::Unknown)
      h += "<text class=\"state\" x=\"" + std::to_string(left - 8) + "\" y=\"" + std::to_string(y + 12) +
           "\" text-anchor=\"end\">" + std::string(to_string(r.state_c)) + "</text>";
    if (r.state_s != TcpState::Unknown)
      h += "<text class=\"state\" x=\"" + std::to_string(right + 8) + "\" y=\"" + std::to_string(y + 12) + "\">" +
           std::string(to_string(r.state_s)) + "</text>";
    h += "</g>";
    y += row_h + (alert.empty() ? 0 : note_h);
  }
  h += "</svg>";
}

// Each side's RFC 9293 states along the connection's time, one band per state.
void state_timeline_svg(std::string& h, const Connection& c) {
  const double span = std::max(seconds_between(c.first_ts, c.last_ts), 1e-9);
  h += "<svg class=\"states\" viewBox=\"0 0 900 90\" role=\"img\" aria-label=\"State timeline\">";
  int row = 0;
  for (const Side side : {Side::Client, Side::Server}) {
    const Endpoint& e = c.side(side);
    const int y = 10 + row * 38;
    h += "<text x=\"70\" y=\"" + std::to_string(y + 18) + "\" text-anchor=\"end\">" + std::string(to_string(side)) +
         "</text>";
    for (std::size_t k = 0; k < e.history.size(); ++k) {
      const StateChange& s = e.history[k];
      const double t0 = seconds_between(c.first_ts, s.ts);
      const double t1 = k + 1 < e.history.size() ? seconds_between(c.first_ts, e.history[k + 1].ts) : span;
      const double x0 = 80 + 800 * t0 / span, x1 = 80 + 800 * std::max(t1, t0) / span;
      const std::string name(to_string(s.state));
      h += "<g class=\"band state-" + name + "\"><title>" + name + " from frame " + std::to_string(s.frame) + " (" +
           fixed(t0, 6) + " s)</title><rect x=\"" + fixed(x0, 2) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
           fixed(std::max(x1 - x0, 1.0), 2) + "\" height=\"28\"/>";
      if (x1 - x0 > 8.0 * static_cast<double>(name.size()))
        h += "<text x=\"" + fixed(x0 + 4, 2) + "\" y=\"" + std::to_string(y + 18) + "\">" + name + "</text>";
      h += "</g>";
    }
    ++row;
  }
  h += "</svg>";
}

// Takes the page's text as it is made (and empties the string), or leaves it to grow.
using Drain = std::function<void(std::string&)>;

// The page going to a file: written out in large blocks as it is made, so that the report of
// a large capture (tens of MB) is never whole in memory. After a failed write nothing more is
// written, and error() tells why.
class PageFile {
 public:
  static constexpr std::size_t kBlock = 1 << 20;
  explicit PageFile(int fd) : fd_(fd) {}
  // Writes `text` out when it holds a block (all of it when `all`), and empties it.
  void drain(std::string& text, bool all) {
    if (!all && text.size() < kBlock) return;
    std::size_t done = 0;
    while (error_ == 0 && done < text.size()) {
      const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error_ = n < 0 ? errno : EIO;
        break;
      }
      done += static_cast<std::size_t>(n);
    }
    text.clear();
  }
  int error() const { return error_; }

 private:
  int fd_;
  int error_ = 0;
};

void detail_section(std::string& h, const Detail& d, const Drain& drain) {
  const ConnectionRecord& r = d.record;
  const Connection& c = r.conn;
  const std::string id = std::to_string(c.stream);
  h += "<section class=\"conn\" id=\"conn-" + id + "\" data-stream=\"" + id + "\">";
  h += "<p class=\"back\"><a href=\"#connections\">&larr; connections</a></p>";
  h += "<h2>Connection " + id + ": ";
  esc(h, endpoint_text(c.client));
  h += " &rarr; ";
  esc(h, endpoint_text(c.server));
  h += "</h2><dl class=\"facts\">";
  auto fact = [&](const char* k, const std::string& v) { fact_row(h, k, v); };
  fact("outcome", std::string(outcome(c)));
  fact("handshake", std::string(to_string(c.handshake)));
  fact("teardown", std::string(to_string(c.teardown)));
  fact("duration", fixed(seconds_between(c.first_ts, c.last_ts), 6) + " s");
  fact("client to server", std::to_string(c.client.sent.packets) + " packets, " + human_bytes(static_cast<double>(c.client.sent.bytes)) +
                               ", " + std::to_string(c.client.sent.retransmissions) + " retransmissions");
  fact("server to client", std::to_string(c.server.sent.packets) + " packets, " + human_bytes(static_cast<double>(c.server.sent.bytes)) +
                               ", " + std::to_string(c.server.sent.retransmissions) + " retransmissions");
  if (r.has_zeek) fact("zeek", std::string(r.zeek_conn_state) + " " + r.zeek_history);
  fact("frames", std::to_string(c.first_frame) + " to " + std::to_string(c.last_frame));
  h += "</dl>";

  h += "<h3>Story</h3>";
  // explain's findings, told as its story in each language.
  const explain::FindingList findings = explain::connection_findings(c, d.trace);
  for (const explain::Lang lang : {explain::Lang::En, explain::Lang::Zh}) {
    h += "<ol class=\"story\" lang=\"" + std::string(explain::to_string(lang)) + "\">";
    for (const explain::Sentence& s : explain::story(findings, lang)) {
      h += "<li data-code=\"" + std::string(s.code) + "\">";
      esc(h, s.text);
      h += "</li>";
    }
    h += "</ol>";
  }
  h += "<h3>States</h3>";
  state_timeline_svg(h, c);
  h += "<h3>Ladder</h3>";
  ladder_svg(h, c, d.trace);
  h += "<h3>Graphs</h3>";
  if (d.points_dropped > 0)
    h += "<p class=\"note\">The graphs show the first " + std::to_string(d.points.size()) + " packets; " +
         std::to_string(d.points_dropped) + " more are counted in the table but not drawn.</p>";
  h += "<div class=\"graphs\" data-stream=\"" + id +
       "\"><p class=\"noscript-note\">The graphs need scripts.</p></div>";
  const Packed p = pack_points(d);
  h += "<script type=\"application/json\" class=\"conn-data\" data-stream=\"" + id + "\">{\"client\":\"";
  esc(h, endpoint_text(c.client));
  h += "\",\"server\":\"";
  esc(h, endpoint_text(c.server));
  h += "\",\"layout\":" + p.layout + ",\"data\":\"";
  p.append_gzip_base64(h, drain);
  h += "\"}</script>";
  h += "</section>\n";
  drain(h);
}

// The table's first rows as HTML (the script replaces them with the full, sortable table).
void table_rows(std::string& h, const Table& t, const std::unordered_map<std::uint32_t, bool>& detailed) {
  const auto& cols = t.columns();
  auto col = [&](std::string_view path) -> const Column& {
    for (const Column& c : cols)
      if (c.path == path) return c;
    return cols.front();
  };
  const Column &stream = col("stream"), &out = col("outcome"), &cip = col("client.ip"), &cport = col("client.port"),
               &sip = col("server.ip"), &sport = col("server.port"), &first = col("first_ts"),
               &dur = col("duration"), &hs = col("handshake.result"), &cb = col("client_to_server.bytes"),
               &sb = col("server_to_client.bytes"), &cr = col("client_to_server.retransmissions"),
               &sr = col("server_to_client.retransmissions"), &td = col("teardown.kind"), &zs = col("zeek.conn_state"),
               &zh = col("zeek.history");
  const std::size_t n = std::min(t.rows(), kServerRows);
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint32_t s = stream.u32[k];
    const bool has_detail = detailed.count(s) > 0;
    h += "<tr data-row=\"" + std::to_string(k) + "\"><td>";
    if (has_detail) h += "<a href=\"#conn-" + std::to_string(s) + "\">";
    h += std::to_string(s);
    if (has_detail) h += "</a>";
    h += "</td><td>";
    esc(h, cip.dict[cip.u32[k]]);
    h += ":" + std::to_string(cport.u32[k]) + "</td><td>";
    esc(h, sip.dict[sip.u32[k]]);
    h += ":" + std::to_string(sport.u32[k]) + "</td><td class=\"o-" + out.dict[out.u32[k]] + "\">" + out.dict[out.u32[k]] +
         "</td><td>" + hs.dict[hs.u32[k]] + "</td><td>" + fixed(first.f64[k] / 1e6 + static_cast<double>(t.base_sec()), 6) +
         "</td><td>" + fixed(dur.f64[k], 6) + "</td><td>" + fixed(cb.f64[k], 0) + "</td><td>" + fixed(sb.f64[k], 0) +
         "</td><td>" + std::to_string(cr.u32[k] + sr.u32[k]) + "</td><td>" + td.dict[td.u32[k]] + "</td><td>";
    esc(h, zs.dict[zs.u32[k]]);
    h += "</td><td>";
    esc(h, zh.dict[zh.u32[k]]);
    h += "</td></tr>";
  }
}

// The whole page, appended to `h` (and drained from it as it grows).
void write_page(HtmlReport::State& s, const CaptureFacts& facts, std::string& h, const Drain& drain) {
  const ReportOptions& o = s.options;
  if (!s.detectors.empty() && !s.detectors_done) {
    for (std::size_t k = 1; k < s.detectors.size(); ++k) s.detectors[0]->merge_from(*s.detectors[k]);
    s.detectors[0]->finish();
    s.detectors_done = true;
  }
  s.table.sort_by_stream();
  const std::vector<const Detail*> details = s.details();
  std::unordered_map<std::uint32_t, bool> detailed;
  for (const Detail* d : details) detailed[d->record.conn.stream] = true;
  const double span = s.have_time ? seconds_between(s.first_ts, s.last_ts) : 0;

  h += "<!DOCTYPE html>\n<html lang=\"en\" data-lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
       "<meta name=\"generator\" content=\"tcplens report\"><title>tcplens report: ";
  esc(h, o.input_name);
  h += "</title><style>";
  h += asset_uplot_css();
  h += asset_report_css();
  h += "</style></head><body>";
  h += "<header><h1>tcplens report</h1><nav><a href=\"#overview\">Overview</a> <a href=\"#connections\">Connections</a>"
       " <span class=\"lang-switch\" role=\"group\" aria-label=\"Language of the stories\">"
       "<button type=\"button\" data-lang=\"en\" aria-pressed=\"true\">English</button>"
       "<button type=\"button\" data-lang=\"zh\" aria-pressed=\"false\">中文</button></span></nav></header>";

  // Overview.
  h += "<main><section id=\"overview\"><h2>Overview</h2><dl class=\"facts\">";
  auto fact = [&](const char* k, const std::string& v) { fact_row(h, k, v); };
  fact(o.live ? "interface" : "file", o.input_name);
  fact("link type", o.link_type);
  fact("packets", std::to_string(facts.packets));
  fact("bytes", std::to_string(s.bytes) + " (" + human_bytes(static_cast<double>(s.bytes)) + ")");
  if (s.have_time) {
    fact("first packet", utc_text(s.first_ts));
    fact("last packet", utc_text(s.last_ts));
    fact("span", fixed(span, 6) + " s");
  }
  fact("connections", std::to_string(s.table.rows()));
  fact("shown in detail", std::to_string(details.size()) + (details.size() < s.table.rows() ? " (the most notable)" : ""));
  if (facts.live) {
    fact("received by filter", std::to_string(facts.received));
    fact("dropped by kernel", std::to_string(facts.dropped));
    fact("dropped by interface", std::to_string(facts.if_dropped));
  }
  if (facts.damaged) fact("damaged input", facts.damage);
  h += "</dl>";
  h += "<div class=\"overview-grid\"><figure><figcaption>Connection outcomes</figcaption>";
  outcome_chart(h, s.outcome_counts);
  h += "</figure><figure><figcaption>Anomalies over time (packets with a tcp.analysis flag)</figcaption>";
  anomaly_chart(h, s.timeline);
  h += "</figure></div>";

  // Top talkers by bytes of their connections.
  std::vector<std::pair<std::string, Talker>> talkers(s.talkers.begin(), s.talkers.end());
  const std::size_t top = std::min<std::size_t>(10, talkers.size());
  std::partial_sort(talkers.begin(), talkers.begin() + static_cast<std::ptrdiff_t>(top), talkers.end(),
                    [](const auto& a, const auto& b) {
                      if (a.second.bytes != b.second.bytes) return a.second.bytes > b.second.bytes;
                      return a.first < b.first;
                    });
  h += "<h3>Top talkers</h3><table class=\"talkers\"><thead><tr><th>host</th><th>bytes</th><th>packets</th>"
       "<th>connections</th></tr></thead><tbody>";
  for (std::size_t k = 0; k < top; ++k) {
    h += "<tr><td>";
    esc(h, talkers[k].first);
    h += "</td><td>" + human_bytes(static_cast<double>(talkers[k].second.bytes)) + "</td><td>" +
         std::to_string(talkers[k].second.packets) + "</td><td>" + std::to_string(talkers[k].second.connections) +
         "</td></tr>";
  }
  h += "</tbody></table>";
  if (!s.detectors.empty()) {
    const auto& findings = s.detectors[0]->findings();
    h += "<h3>Findings of detect</h3>";
    if (findings.empty()) {
      h += "<p id=\"findings\">No floods, scans or weak ISNs found.</p>";
    } else {
      Output text(-1);
      detect::write_findings_table(text, findings, detect::Lang::En);
      h += "<pre id=\"findings\">";
      esc(h, text.text());
      h += "</pre>";
    }
  }
  h += "</section>";

  // The table.
  h += "<section id=\"connections\"><h2>Connections</h2>"
       "<form class=\"filters\" onsubmit=\"return false\"><label>text <input type=\"search\" id=\"f-text\"></label>"
       "<label>outcome <select id=\"f-outcome\"><option value=\"\">any</option>";
  for (const char* name : kOutcomeNames) h += "<option>" + std::string(name) + "</option>";
  h += "</select></label><label>host <input type=\"search\" id=\"f-host\" size=\"16\"></label>"
       "<label>port <input type=\"search\" id=\"f-port\" size=\"6\"></label> <span id=\"t-count\"></span></form>";
  h += "<p class=\"noscript-note\">" + std::to_string(std::min(s.table.rows(), kServerRows)) + " of " +
       std::to_string(s.table.rows()) +
       " connections are shown here; with scripts on, every connection can be sorted and filtered.</p>";
  h += "<div id=\"t-scroll\"><table id=\"conn-table\"><thead><tr><th data-col=\"stream\">stream</th>"
       "<th data-col=\"client\">client</th><th data-col=\"server\">server</th><th data-col=\"outcome\">outcome</th>"
       "<th data-col=\"handshake.result\">handshake</th><th data-col=\"first_ts\">first_ts</th>"
       "<th data-col=\"duration\">duration</th><th data-col=\"client_to_server.bytes\">bytes c&rarr;s</th>"
       "<th data-col=\"server_to_client.bytes\">bytes s&rarr;c</th><th data-col=\"retransmissions\">retrans</th>"
       "<th data-col=\"teardown.kind\">teardown</th><th data-col=\"zeek.conn_state\">zeek</th>"
       "<th data-col=\"zeek.history\">history</th></tr></thead><tbody>";
  if (s.table.spilled())
    table_rows(h, s.table.head(kServerRows), detailed);
  else
    table_rows(h, s.table, detailed);
  h += "</tbody></table></div><div id=\"record\" hidden></div>";
  {
    const Packed p = pack_table(s.table);
    h += "<script type=\"application/json\" id=\"table-data\">{\"rows\":" + std::to_string(s.table.rows()) +
         ",\"base_sec\":" + std::to_string(s.table.base_sec()) + ",\"detailed\":[";
    bool first = true;
    for (const Detail* d : details) {
      if (!first) h += ',';
      first = false;
      h += std::to_string(d->record.conn.stream);
    }
    // The bytes apart from the JSON: the page reads them as they are, with no string to unescape.
    h += "],\"layout\":" + p.layout + "}</script><script type=\"application/octet-stream\" id=\"table-bytes\">";
    p.append_gzip_base64(h, drain);
    h += "</script>";
  }
  h += "</section>\n";
  drain(h);

  for (const Detail* d : details) detail_section(h, *d, drain);
  h += "</main><svg width=\"0\" height=\"0\" style=\"position:absolute\"><defs><marker id=\"arrowhead\" "
       "viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
       "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#333\"/></marker></defs></svg>";
  h += "<footer>Made by tcplens report. Charts: uPlot (MIT licence, in this file's source).</footer>";
  h += "<script>/*! uPlot (MIT licence follows) */\n/*";
  h += asset_uplot_license();
  h += "*/\n";
  h += asset_uplot_js();
  h += "</script><script>";
  h += asset_report_js();
  h += "</script></body></html>\n";
}

}  // namespace

std::string HtmlReport::html(const CaptureFacts& facts) {
  std::string h;
  h.reserve(1 << 20);
  write_page(*state_, facts, h, [](std::string&) {});  // kept whole
  return h;
}

bool HtmlReport::write(const std::string& path, const CaptureFacts& facts, std::string& error) {
  // A temporary file beside the target, renamed into place: never a half-written report.
  std::string tmp = path + ".XXXXXX";
  const int fd = mkstemp(tmp.data());
  if (fd < 0) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  PageFile file(fd);
  std::string h;
  h.reserve(2 * PageFile::kBlock);
  write_page(*state_, facts, h, [&file](std::string& text) { file.drain(text, false); });
  file.drain(h, true);
  if (file.error() != 0) {
    error = path + ": " + std::strerror(file.error());
    ::close(fd);
    ::unlink(tmp.c_str());
    return false;
  }
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);  // as a file the shell would create (mkstemp makes it 0600)
  if (::close(fd) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = path + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace tcplens::report

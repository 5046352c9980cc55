#include "tcplens/detect/finding_render.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace tcplens::detect {

namespace {

void put_json_string(Output& out, std::string_view s) {
  out.put('"');
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.put('\\');
      out.put(c);
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out.put(std::string_view(buf, 6));
    } else {
      out.put(c);
    }
  }
  out.put('"');
}

void put_real(Output& out, double v) {
  if (!std::isfinite(v)) {
    out.put("null");
    return;
  }
  char buf[40];
  const int n = std::snprintf(buf, sizeof buf, "%.6g", v);
  out.put(std::string_view(buf, static_cast<std::size_t>(n)));
}

void put_time(Output& out, const Timestamp& ts) {
  char buf[40];
  const int n = std::snprintf(buf, sizeof buf, "%lld.%06lld", static_cast<long long>(ts.sec),
                              static_cast<long long>(ts.nsec / 1000));
  out.put(std::string_view(buf, static_cast<std::size_t>(n)));
}

double seconds_between(const Timestamp& a, const Timestamp& b) {
  return static_cast<double>(b.sec - a.sec) + static_cast<double>(b.nsec - a.nsec) / 1e9;
}

// Columns on a terminal: East Asian wide characters take two.
std::size_t display_width(std::string_view s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = c;
    std::size_t len = 1;
    if (c >= 0xf0) cp = c & 7u, len = 4;
    else if (c >= 0xe0) cp = c & 15u, len = 3;
    else if (c >= 0xc0) cp = c & 31u, len = 2;
    for (std::size_t k = 1; k < len && i + k < s.size(); ++k)
      cp = cp << 6 | (static_cast<unsigned char>(s[i + k]) & 63u);
    w += (cp >= 0x1100 && (cp <= 0x115f || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
                           (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
                           (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6)))
             ? 2
             : 1;
    i += len;
  }
  return w;
}

std::string kind_text(const Finding& f, Lang lang) {
  return std::string(message("kind." + std::string(to_string(f.kind)), lang));
}

}  // namespace

void write_finding_json(Output& out, const Finding& f, Lang lang, std::string_view status) {
  out.put("{\"kind\":");
  put_json_string(out, to_string(f.kind));
  out.put(",\"source\":");
  if (f.source.empty())
    out.put("null");
  else
    put_json_string(out, f.source);
  out.put(",\"target\":");
  put_json_string(out, f.target);
  out.put(",\"scan_type\":");
  if (f.scan_type == ScanType::None)
    out.put("null");
  else
    put_json_string(out, to_string(f.scan_type));
  out.put(",\"severity\":");
  put_json_string(out, to_string(f.severity));
  out.put(",\"confidence\":");
  put_real(out, f.confidence);
  out.put(",\"first_frame\":");
  out.put_u64(f.first_frame);
  out.put(",\"last_frame\":");
  out.put_u64(f.last_frame);
  out.put(",\"first_time\":");
  put_time(out, f.first_ts);
  out.put(",\"last_time\":");
  put_time(out, f.last_ts);
  out.put(",\"packets\":");
  out.put_u64(f.packets);
  out.put(",\"status\":");
  put_json_string(out, status);
  out.put(",\"evidence\":{");
  bool first = true;
  for (const Evidence& e : f.evidence) {
    if (!first) out.put(',');
    first = false;
    put_json_string(out, e.key);
    out.put(':');
    switch (e.type) {
      case Evidence::Type::Int: out.put_i64(e.i); break;
      case Evidence::Type::Real: put_real(out, e.d); break;
      case Evidence::Type::Text: put_json_string(out, e.s); break;
      case Evidence::Type::List: {
        out.put('[');
        for (std::size_t i = 0; i < e.list.size(); ++i) {
          if (i) out.put(',');
          put_json_string(out, e.list[i]);
        }
        out.put(']');
        break;
      }
    }
  }
  const Explanation x = explain(f, lang);
  out.put("},\"explain\":{\"lang\":");
  put_json_string(out, lang == Lang::Zh ? "zh" : "en");
  out.put(",\"what\":");
  put_json_string(out, x.what);
  out.put(",\"how\":");
  put_json_string(out, x.how);
  out.put(",\"todo\":");
  put_json_string(out, x.todo);
  out.put("}}\n");
}

void write_findings_table(Output& out, const std::vector<Finding>& findings, Lang lang) {
  if (findings.empty()) {
    out.put(message("table.none", lang));
    out.put('\n');
    return;
  }
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"#", std::string(message("table.kind", lang)), std::string(message("table.source", lang)),
                  std::string(message("table.target", lang)), std::string(message("table.scan_type", lang)),
                  std::string(message("table.frames", lang)), std::string(message("table.duration", lang)),
                  std::string(message("table.packets", lang)), std::string(message("table.severity", lang))});
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    char dur[32];
    std::snprintf(dur, sizeof dur, "%.2f s", seconds_between(f.first_ts, f.last_ts));
    rows.push_back({std::to_string(i + 1), kind_text(f, lang), f.source.empty() ? "-" : value_text(f, "source", lang),
                    f.target, f.scan_type == ScanType::None ? "-" : std::string(to_string(f.scan_type)),
                    std::to_string(f.first_frame) + "-" + std::to_string(f.last_frame), dur,
                    std::to_string(f.packets),
                    std::string(message("severity." + std::string(to_string(f.severity)), lang))});
  }
  std::vector<std::size_t> width(rows[0].size(), 0);
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], display_width(r[c]));
  for (const auto& r : rows) {
    for (std::size_t c = 0; c < r.size(); ++c) {
      out.put(r[c]);
      if (c + 1 < r.size()) out.put(std::string(width[c] - display_width(r[c]) + 2, ' '));
    }
    out.put('\n');
  }
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const Explanation x = explain(findings[i], lang);
    out.put('\n');
    out.put(std::to_string(i + 1));
    out.put(". ");
    out.put(message("table.what", lang));
    out.put(lang == Lang::Zh ? "：" : ": ");
    out.put(x.what);
    out.put("\n   ");
    out.put(message("table.how", lang));
    out.put(lang == Lang::Zh ? "：" : ": ");
    out.put(x.how);
    out.put("\n   ");
    out.put(message("table.todo", lang));
    out.put(lang == Lang::Zh ? "：" : ": ");
    out.put(x.todo);
    out.put('\n');
  }
}

void write_finding_alert(Output& out, const Finding& f, Lang lang) {
  out.put("tcplens detect: ");
  out.put(kind_text(f, lang));
  out.put(' ');
  out.put(f.source.empty() ? "-" : value_text(f, "source", lang));
  out.put(" -> ");
  out.put(f.target);
  if (f.scan_type != ScanType::None) {
    out.put(" (");
    out.put(to_string(f.scan_type));
    out.put(')');
  }
  out.put(" frame ");
  out.put_u64(f.first_frame);
  out.put('\n');
}

}  // namespace tcplens::detect

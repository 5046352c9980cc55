// The report's table: every scalar field of `conns --format json`, one typed column each,
// named by its JSON path; and the encoding the page decodes (typed arrays, gzip, base64).
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>

#include "report_data.hpp"

namespace tcplens::report {

namespace {

constexpr double kNull = std::numeric_limits<double>::quiet_NaN();

std::string ip_text(const IpAddress& ip) {
  char buf[64];
  return std::string(buf, format_ip(ip, buf));
}

double seconds_between(const Timestamp& a, const Timestamp& b) {
  return static_cast<double>(b.sec - a.sec) + static_cast<double>(b.nsec - a.nsec) / 1e9;
}

// What each column reads from a record (the same computations as connection_summary.cpp).
struct ColumnSource {
  std::string path;
  ColumnType type;
  std::function<void(const ConnectionRecord&, Column&)> read;
};

double opt_seconds(double s) { return s < 0 ? kNull : s; }

void add_direction(std::vector<ColumnSource>& cols, const char* prefix, Side side) {
  struct Field {
    const char* name;
    std::uint32_t DirectionStats::*u32;
    std::uint64_t DirectionStats::*u64;
  };
  static const Field kFields[] = {
      {"packets", nullptr, &DirectionStats::packets},
      {"bytes", nullptr, &DirectionStats::bytes},
      {"unique_bytes", nullptr, &DirectionStats::unique_bytes},
      {"retransmissions", &DirectionStats::retransmissions, nullptr},
      {"network_duplicates", &DirectionStats::network_duplicates, nullptr},
      {"tshark_retransmissions", &DirectionStats::tshark_retransmissions, nullptr},
      {"fast_retransmissions", &DirectionStats::fast_retransmissions, nullptr},
      {"spurious_retransmissions", &DirectionStats::spurious_retransmissions, nullptr},
      {"out_of_order", &DirectionStats::out_of_order, nullptr},
      {"lost_segments", &DirectionStats::lost_segments, nullptr},
      {"dup_acks", &DirectionStats::dup_acks, nullptr},
      {"zero_windows", &DirectionStats::zero_windows, nullptr},
      {"zero_window_probes", &DirectionStats::zero_window_probes, nullptr},
      {"keep_alives", &DirectionStats::keep_alives, nullptr},
  };
  for (const Field& f : kFields) {
    const std::string path = std::string(prefix) + "." + f.name;
    if (f.u32 != nullptr)
      cols.push_back({path, ColumnType::U32, [side, m = f.u32](const ConnectionRecord& r, Column& c) {
                        c.u32.push_back(r.conn.side(side).sent.*m);
                      }});
    else
      cols.push_back({path, ColumnType::F64, [side, m = f.u64](const ConnectionRecord& r, Column& c) {
                        c.f64.push_back(static_cast<double>(r.conn.side(side).sent.*m));
                      }});
  }
  struct Rtt {
    const char* name;
    int which;  // 0 min, 1 avg, 2 max
  };
  for (const Rtt& rtt : {Rtt{"rtt_min", 0}, Rtt{"rtt_avg", 1}, Rtt{"rtt_max", 2}}) {
    cols.push_back({std::string(prefix) + "." + rtt.name, ColumnType::F64, [side, w = rtt.which](const ConnectionRecord& r, Column& c) {
                      const DirectionStats& d = r.conn.side(side).sent;
                      if (d.rtt_samples == 0) {
                        c.f64.push_back(kNull);
                        return;
                      }
                      const std::int64_t ns = w == 0 ? d.rtt_min_ns : w == 1 ? d.rtt_sum_ns / d.rtt_samples : d.rtt_max_ns;
                      c.f64.push_back(static_cast<double>(ns) / 1e9);
                    }});
  }
}

const std::vector<ColumnSource>& column_sources() {
  static const std::vector<ColumnSource> cols = [] {
    using T = ColumnType;
    using R = const ConnectionRecord&;
    std::vector<ColumnSource> v = {
        {"stream", T::U32, [](R r, Column& c) { c.u32.push_back(r.conn.stream); }},
        {"outcome", T::Str, [](R r, Column& c) { c.add_str(outcome(r.conn)); }},
        {"client.ip", T::Str, [](R r, Column& c) { c.add_str(ip_text(r.conn.client.ip)); }},
        {"client.port", T::U32, [](R r, Column& c) { c.u32.push_back(r.conn.client.port); }},
        {"server.ip", T::Str, [](R r, Column& c) { c.add_str(ip_text(r.conn.server.ip)); }},
        {"server.port", T::U32, [](R r, Column& c) { c.u32.push_back(r.conn.server.port); }},
        {"roles_from_syn", T::Bool, [](R r, Column& c) { c.u8.push_back(r.conn.roles_from_syn ? 1 : 0); }},
        {"first_ts", T::Ts, nullptr},
        {"last_ts", T::Ts, nullptr},
        {"duration", T::F64, [](R r, Column& c) { c.f64.push_back(seconds_between(r.conn.first_ts, r.conn.last_ts)); }},
        {"handshake.result", T::Str, [](R r, Column& c) { c.add_str(to_string(r.conn.handshake)); }},
        {"handshake.syns", T::U32, [](R r, Column& c) { c.u32.push_back(r.conn.client_syns); }},
        {"handshake.syn_acks", T::U32, [](R r, Column& c) { c.u32.push_back(r.conn.server_syn_acks); }},
        {"handshake.client_isn", T::F64,
         [](R r, Column& c) { c.f64.push_back(r.conn.client.isn_seen ? r.conn.client.isn : kNull); }},
        {"handshake.server_isn", T::F64,
         [](R r, Column& c) { c.f64.push_back(r.conn.server.isn_seen ? r.conn.server.isn : kNull); }},
        {"handshake.irtt", T::F64, [](R r, Column& c) { c.f64.push_back(opt_seconds(r.conn.irtt_s())); }},
        {"handshake.rtt_client", T::F64, [](R r, Column& c) { c.f64.push_back(opt_seconds(r.conn.rtt_client_s())); }},
        {"handshake.rtt_server", T::F64, [](R r, Column& c) { c.f64.push_back(opt_seconds(r.conn.rtt_server_s())); }},
    };
    add_direction(v, "client_to_server", Side::Client);
    add_direction(v, "server_to_client", Side::Server);
    const std::vector<ColumnSource> rest = {
        {"teardown.kind", T::Str, [](R r, Column& c) { c.add_str(to_string(r.conn.teardown)); }},
        {"teardown.initiator", T::Str, [](R r, Column& c) { c.add_str(r.conn.initiator()); }},
        {"teardown.reset_by", T::Str, [](R r, Column& c) { c.add_str(r.conn.reset_by_name()); }},
        {"teardown.time_wait", T::Str, [](R r, Column& c) { c.add_str(r.conn.time_wait()); }},
        {"states.client", T::Str, [](R r, Column& c) { c.add_str(to_string(r.conn.client.state)); }},
        {"states.server", T::Str, [](R r, Column& c) { c.add_str(to_string(r.conn.server.state)); }},
        {"zeek.conn_state", T::Str, [](R r, Column& c) { c.add_str(r.has_zeek ? r.zeek_conn_state : ""); }},
        {"zeek.history", T::Str, [](R r, Column& c) { c.add_str(r.has_zeek ? std::string_view(r.zeek_history) : ""); }},
        {"completeness", T::U32, [](R r, Column& c) { c.u32.push_back(r.completeness); }},
        {"tunnel", T::Str, [](R r, Column& c) {
           char tunnel[128];
           c.add_str(std::string_view(tunnel, format_encap(r.conn.encap, tunnel, sizeof tunnel)));
         }},
    };
    v.insert(v.end(), rest.begin(), rest.end());
    return v;
  }();
  return cols;
}

constexpr char kPadding[8] = {0, 0, 0, 0, 0, 0, 0, 0};

// A part of `size` bytes, in `bytes` or made by `make`; then the padding to 8.
void add_part(Packed& p, std::string_view bytes, std::size_t size = 0, std::function<void(const Packed::Feed&)> make = {}) {
  if (make) {
    p.parts.push_back({{}, std::move(make)});
  } else {
    p.parts.push_back({bytes, {}});
    size = bytes.size();
  }
  p.size += size;
  const std::size_t pad = (8 - p.size % 8) % 8;
  if (pad) p.parts.push_back({std::string_view(kPadding, pad), {}});
  p.size += pad;
}

void put_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else if (c == '<') {
      out += "\\u003c";  // never "</script>" inside the page
    } else {
      out += ch;
    }
  }
  out += '"';
}

// One typed array of the layout: `length` values in `bytes`, which must outlive `p`.
void pack_layout(Packed& p, std::string_view name, const char* type, std::size_t length,
                 const std::vector<std::string>* dict, std::size_t width) {
  if (p.layout.size() > 1) p.layout += ',';
  p.layout += "{\"name\":";
  put_json_string(p.layout, name);
  p.layout += ",\"type\":\"";
  p.layout += type;
  p.layout += "\",\"offset\":" + std::to_string(p.size) + ",\"length\":" + std::to_string(length);
  if (width != 0) p.layout += ",\"width\":" + std::to_string(width);
  if (dict != nullptr) {
    p.layout += ",\"dict\":[";
    for (std::size_t k = 0; k < dict->size(); ++k) {
      if (k) p.layout += ',';
      put_json_string(p.layout, (*dict)[k]);
    }
    p.layout += ']';
  }
  p.layout += '}';
}

void pack_bytes(Packed& p, std::string_view name, const char* type, std::string_view bytes, std::size_t length,
                const std::vector<std::string>* dict = nullptr, std::size_t width = 0) {
  pack_layout(p, name, type, length, dict, width);
  add_part(p, bytes);
}

template <typename V>
void pack_array(Packed& p, std::string_view name, const char* type, const std::vector<V>& values) {
  pack_bytes(p, name, type, std::string_view(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(V)),
             values.size());
}

}  // namespace

void NarrowInts::widen(std::size_t width) {
  std::vector<std::uint8_t> wider(size() * width);
  for (std::size_t k = 0, n = size(); k < n; ++k) {
    const std::uint32_t v = (*this)[k];
    std::memcpy(wider.data() + k * width, &v, width);  // the low bytes (little-endian)
  }
  bytes_.swap(wider);
  width_ = width;
}

void NarrowInts::push_back(std::uint32_t v) {
  const std::size_t need = v < 256 ? 1 : v < 65536 ? 2 : 4;
  if (need > width_) widen(need);
  const std::size_t at = bytes_.size();
  bytes_.resize(at + width_);
  std::memcpy(bytes_.data() + at, &v, width_);
}

std::uint32_t NarrowInts::operator[](std::size_t k) const {
  std::uint32_t v = 0;
  std::memcpy(&v, bytes_.data() + k * width_, width_);
  return v;
}

void NarrowInts::permute(const std::vector<std::uint32_t>& order) {
  std::vector<std::uint8_t> out(bytes_.size());
  for (std::size_t k = 0; k < order.size(); ++k)
    std::memcpy(out.data() + k * width_, bytes_.data() + order[k] * width_, width_);
  bytes_.swap(out);
}

std::vector<std::uint32_t> NarrowInts::values() const {
  std::vector<std::uint32_t> out(size());
  for (std::size_t k = 0; k < out.size(); ++k) out[k] = (*this)[k];
  return out;
}

void Column::add_str(std::string_view s) {
  auto it = dict_index.find(s);
  if (it == dict_index.end()) {
    it = dict_index.emplace(std::string(s), static_cast<std::uint32_t>(dict.size())).first;
    dict.emplace_back(s);
  }
  u32.push_back(it->second);
}

std::size_t Column::size() const {
  switch (type) {
    case ColumnType::F64:
    case ColumnType::Ts: return f64.size();
    case ColumnType::Bool: return u8.size();
    default: return u32.size();
  }
}

namespace {

// The width of a column's values in the temporary file.
std::size_t spill_width(ColumnType t) {
  switch (t) {
    case ColumnType::F64:
    case ColumnType::Ts: return 8;
    case ColumnType::Bool: return 1;
    default: return 4;
  }
}

bool write_at(int fd, const void* data, std::size_t size, std::uint64_t at) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::pwrite(fd, p, size, static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    at += static_cast<std::uint64_t>(n);
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

void read_at(int fd, void* data, std::size_t size, std::uint64_t at) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = ::pread(fd, p, size, static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    // Watch out: the file is ours and unlinked; a short read is a broken disk, the rest zeros.
    if (n <= 0) {
      std::memset(p, 0, size);
      return;
    }
    p += n;
    at += static_cast<std::uint64_t>(n);
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace

Table::Table(std::size_t run_rows) : run_rows_(run_rows) {
  for (const ColumnSource& s : column_sources()) {
    Column c;
    c.path = s.path;
    c.type = s.type;
    columns_.push_back(std::move(c));
  }
  widths_.assign(columns_.size(), 1);
}

Table::File::~File() {
  if (fd >= 0) ::close(fd);
}

void Table::add(const ConnectionRecord& r) {
  if (columns_.front().u32.size() >= run_rows_) spill();
  if (!base_set_) {
    base_sec_ = r.conn.first_ts.sec;
    base_set_ = true;
  }
  const auto& sources = column_sources();
  for (std::size_t k = 0; k < sources.size(); ++k) {
    Column& c = columns_[k];
    if (c.type == ColumnType::Ts) {
      const Timestamp& ts = c.path == "first_ts" ? r.conn.first_ts : r.conn.last_ts;
      // Microseconds, as conns prints them (truncated), exact in a double for 285 years.
      c.f64.push_back(static_cast<double>((ts.sec - base_sec_) * 1000000 + ts.nsec / 1000));
    } else {
      sources[k].read(r, c);
    }
  }
  ++rows_;
}

void Table::spill() {
  if (runs_.size() + 1 >= std::numeric_limits<std::uint16_t>::max()) {
    run_rows_ = static_cast<std::size_t>(-1);  // merged_ numbers the runs in 16 bits
    return;
  }
  if (file_.fd < 0) {
    const char* dir = std::getenv("TMPDIR");
    std::string path = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/tcplens-table.XXXXXX";
    file_.fd = mkstemp(path.data());
    if (file_.fd < 0) {
      run_rows_ = static_cast<std::size_t>(-1);  // no temporary file: the rows stay in memory
      return;
    }
    ::unlink(path.c_str());
  }
  sort_in_memory();
  Run run;
  run.rows = columns_.front().u32.size();
  std::uint64_t at = file_size_;
  bool ok = true;
  for (std::size_t k = 0; k < columns_.size() && ok; ++k) {
    const Column& c = columns_[k];
    run.offsets.push_back(at);
    switch (c.type) {
      case ColumnType::U32:
      case ColumnType::Str: {
        const std::vector<std::uint32_t> v = c.u32.values();
        ok = write_at(file_.fd, v.data(), v.size() * 4, at);
        at += v.size() * 4;
        break;
      }
      case ColumnType::F64:
      case ColumnType::Ts:
        ok = write_at(file_.fd, c.f64.data(), c.f64.size() * 8, at);
        at += c.f64.size() * 8;
        break;
      case ColumnType::Bool:
        ok = write_at(file_.fd, c.u8.data(), c.u8.size(), at);
        at += c.u8.size();
        break;
    }
  }
  if (!ok) {
    run_rows_ = static_cast<std::size_t>(-1);  // the disk is full: the rest stays in memory
    return;
  }
  file_size_ = at;
  for (std::size_t k = 0; k < columns_.size(); ++k) {
    Column& c = columns_[k];
    if (c.type == ColumnType::U32 || c.type == ColumnType::Str) widths_[k] = std::max(widths_[k], c.u32.width());
    c.u32.clear();
    c.f64.clear();
    c.u8.clear();
  }
  runs_.push_back(std::move(run));
}

void Table::sort_in_memory() {
  const std::vector<std::uint32_t> stream = columns_.front().u32.values();  // "stream" is the first column
  if (std::is_sorted(stream.begin(), stream.end())) return;
  std::vector<std::uint32_t> order(stream.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = static_cast<std::uint32_t>(k);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return stream[a] < stream[b]; });
  auto permute = [&](auto& v) {
    std::remove_reference_t<decltype(v)> out(v.size());
    for (std::size_t k = 0; k < order.size(); ++k) out[k] = v[order[k]];
    v.swap(out);
  };
  for (Column& c : columns_) {
    if (!c.u32.empty()) c.u32.permute(order);
    if (!c.f64.empty()) permute(c.f64);
    if (!c.u8.empty()) permute(c.u8);
  }
}

void Table::sort_by_stream() {
  sort_in_memory();
  if (runs_.empty()) return;
  // Each row's run, in stream order: a merge of the runs' (sorted) stream columns, the rows in
  // memory being the last run.
  std::vector<std::vector<std::uint32_t>> streams(runs_.size() + 1);
  for (std::size_t r = 0; r < runs_.size(); ++r) {
    streams[r].resize(runs_[r].rows);
    read_at(file_.fd, streams[r].data(), runs_[r].rows * 4, runs_[r].offsets[0]);
  }
  streams.back() = columns_.front().u32.values();
  std::vector<std::size_t> at(streams.size(), 0);
  merged_.clear();
  merged_.reserve(rows_);
  for (std::size_t n = 0; n < rows_; ++n) {
    std::size_t best = streams.size();
    for (std::size_t r = 0; r < streams.size(); ++r)
      if (at[r] < streams[r].size() && (best == streams.size() || streams[r][at[r]] < streams[best][at[best]])) best = r;
    merged_.push_back(static_cast<std::uint16_t>(best));
    ++at[best];
  }
}

std::size_t Table::value_width(std::size_t k) const {
  const Column& c = columns_[k];
  if (c.type != ColumnType::U32 && c.type != ColumnType::Str) return spill_width(c.type);
  return std::max(widths_[k], c.u32.width());
}

void Table::read_column(std::size_t k, const std::function<void(std::string_view)>& feed, std::size_t limit) const {
  const Column& c = columns_[k];
  const std::size_t in_width = spill_width(c.type), out_width = value_width(k);
  // A buffered reader per run in the file, and the rows in memory as the last run (their
  // values copied in the file's width, so that every run is read alike).
  constexpr std::size_t kValues = 4096;
  struct Reader {
    std::uint64_t offset = 0;
    std::size_t left = 0, at = 0, have = 0;
    std::vector<char> buffer;
  };
  std::vector<Reader> readers(runs_.size() + 1);
  for (std::size_t r = 0; r < runs_.size(); ++r) {
    readers[r].offset = runs_[r].offsets[k];
    readers[r].left = runs_[r].rows;
    readers[r].buffer.resize(kValues * in_width);
  }
  Reader& memory = readers.back();
  switch (c.type) {
    case ColumnType::U32:
    case ColumnType::Str: {
      const std::vector<std::uint32_t> v = c.u32.values();
      memory.buffer.assign(reinterpret_cast<const char*>(v.data()), reinterpret_cast<const char*>(v.data() + v.size()));
      break;
    }
    case ColumnType::F64:
    case ColumnType::Ts:
      memory.buffer.assign(reinterpret_cast<const char*>(c.f64.data()), reinterpret_cast<const char*>(c.f64.data() + c.f64.size()));
      break;
    case ColumnType::Bool: memory.buffer.assign(c.u8.begin(), c.u8.end()); break;
  }
  memory.have = memory.buffer.size() / in_width;
  constexpr std::size_t kBlock = 1 << 18;
  std::vector<char> out(kBlock + 8);
  char* o = out.data();
  const std::size_t n = std::min(limit, rows_);
  for (std::size_t row = 0; row < n; ++row) {
    Reader& rd = readers[runs_.empty() ? 0 : merged_[row]];
    if (rd.at == rd.have) {
      const std::size_t take = std::min(kValues, rd.left);
      read_at(file_.fd, rd.buffer.data(), take * in_width, rd.offset);
      rd.offset += take * in_width;
      rd.left -= take;
      rd.at = 0;
      rd.have = take;
    }
    std::memcpy(o, rd.buffer.data() + rd.at++ * in_width, out_width);  // the low bytes of a little-endian integer
    o += out_width;
    if (static_cast<std::size_t>(o - out.data()) >= kBlock) {
      feed(std::string_view(out.data(), static_cast<std::size_t>(o - out.data())));
      o = out.data();
    }
  }
  if (o != out.data()) feed(std::string_view(out.data(), static_cast<std::size_t>(o - out.data())));
}

Table Table::head(std::size_t n) const {
  Table t(static_cast<std::size_t>(-1));
  t.base_sec_ = base_sec_;
  t.base_set_ = base_set_;
  t.rows_ = std::min(n, rows_);
  for (std::size_t k = 0; k < columns_.size(); ++k) {
    Column& c = t.columns_[k];
    c.dict = columns_[k].dict;
    const std::size_t width = value_width(k);
    read_column(k, [&](std::string_view bytes) {
      for (std::size_t at = 0; at + width <= bytes.size(); at += width) {
        switch (c.type) {
          case ColumnType::U32:
          case ColumnType::Str: {
            std::uint32_t v = 0;
            std::memcpy(&v, bytes.data() + at, width);
            c.u32.push_back(v);
            break;
          }
          case ColumnType::F64:
          case ColumnType::Ts: {
            double v = 0;
            std::memcpy(&v, bytes.data() + at, 8);
            c.f64.push_back(v);
            break;
          }
          case ColumnType::Bool: c.u8.push_back(static_cast<std::uint8_t>(bytes[at])); break;
        }
      }
    }, n);
  }
  return t;
}

Packed pack_table(const Table& table) {
  Packed p;
  p.layout.push_back('[');  // (not = "[": a GCC 12 -Wrestrict false positive)
  if (table.spilled()) {
    // Each column read back from the runs as it is deflated.
    static constexpr const char* kTypes[] = {"u32", "f64", "str", "bool", "ts"};
    for (std::size_t k = 0; k < table.columns().size(); ++k) {
      const Column& c = table.columns()[k];
      const bool narrow = c.type == ColumnType::U32 || c.type == ColumnType::Str;
      const std::size_t width = table.value_width(k);
      pack_layout(p, c.path, kTypes[static_cast<std::size_t>(c.type)], table.rows(),
                  c.type == ColumnType::Str ? &c.dict : nullptr, narrow ? width : 0);
      add_part(p, {}, table.rows() * width, [&table, k](const Packed::Feed& feed) { table.read_column(k, feed); });
    }
    p.layout += ']';
    return p;
  }
  for (const Column& c : table.columns()) {
    switch (c.type) {
      // Integers in the narrowest width that holds them: the page decompresses and keeps less.
      case ColumnType::U32: pack_bytes(p, c.path, "u32", c.u32.bytes(), c.u32.size(), nullptr, c.u32.width()); break;
      case ColumnType::Str: pack_bytes(p, c.path, "str", c.u32.bytes(), c.u32.size(), &c.dict, c.u32.width()); break;
      case ColumnType::F64: pack_array(p, c.path, "f64", c.f64); break;
      case ColumnType::Ts: pack_array(p, c.path, "ts", c.f64); break;
      case ColumnType::Bool: pack_array(p, c.path, "bool", c.u8); break;
    }
  }
  p.layout += ']';
  return p;
}

Packed pack_points(const Detail& d) {
  Packed p;
  p.layout.push_back('[');  // (not = "[": a GCC 12 -Wrestrict false positive)
  const std::vector<Point>& pts = d.points;
  p.owned.reserve(18);  // the views below point into these strings: they must not move
  auto column = [&](const char* name, auto get) {
    using V = decltype(get(pts.front()));
    std::vector<V> v;
    v.reserve(pts.size());
    for (const Point& pt : pts) v.push_back(get(pt));
    std::string& bytes = p.owned.emplace_back(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(V));
    const std::size_t before = p.parts.size();
    pack_array(p, name, std::is_same_v<V, double> ? "f64" : std::is_same_v<V, std::uint8_t> ? "u8" : "u32", v);
    p.parts[before].bytes = bytes;  // view the owned copy, not the local vector
  };
  if (pts.empty()) {
    p.layout += ']';
    return p;
  }
  column("t", [](const Point& x) { return static_cast<double>(x.t_ns) / 1e9; });
  column("frame", [](const Point& x) { return static_cast<double>(x.frame); });
  column("side", [](const Point& x) { return x.side; });
  column("seq", [](const Point& x) { return x.seq; });
  column("ack", [](const Point& x) { return x.ack; });
  column("len", [](const Point& x) { return x.len; });
  column("window", [](const Point& x) { return x.window; });
  column("in_flight", [](const Point& x) { return x.in_flight; });
  column("rtt", [](const Point& x) { return x.rtt_ns < 0 ? kNull : static_cast<double>(x.rtt_ns) / 1e9; });
  column("anomalies", [](const Point& x) { return x.anomalies; });
  column("flags", [](const Point& x) { return static_cast<std::uint32_t>(x.flags); });
  column("sack_count", [](const Point& x) { return x.sack_count; });
  for (int k = 0; k < 6; ++k) {
    const std::string name = "sack" + std::to_string(k);
    column(name.c_str(), [k](const Point& x) { return x.sack[k]; });
  }
  p.layout += ']';
  return p;
}

namespace {

// Base64 (RFC 4648) of whole groups of three bytes; what is left over (0 to 2 bytes) stays in
// `bytes` for the next call, or is padded when `last`.
void append_base64(std::string& out, std::string& bytes, bool last) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[k])); };
  const std::size_t whole = bytes.size() / 3 * 3;
  const std::size_t start = out.size();
  out.resize(start + whole / 3 * 4);
  char* o = out.data() + start;
  for (std::size_t k = 0; k < whole; k += 3) {
    const std::uint32_t v = byte(k) << 16 | byte(k + 1) << 8 | byte(k + 2);
    *o++ = kAlphabet[v >> 18];
    *o++ = kAlphabet[(v >> 12) & 63];
    *o++ = kAlphabet[(v >> 6) & 63];
    *o++ = kAlphabet[v & 63];
  }
  bytes.erase(0, whole);
  if (!last || bytes.empty()) return;
  const bool two = bytes.size() == 2;
  const std::uint32_t v = byte(0) << 16 | (two ? byte(1) << 8 : 0);
  out += kAlphabet[v >> 18];
  out += kAlphabet[(v >> 12) & 63];
  out += two ? kAlphabet[(v >> 6) & 63] : '=';
  out += '=';
  bytes.clear();
}

}  // namespace

void Packed::append_gzip_base64(std::string& out, const std::function<void(std::string&)>& drain) const {
  z_stream zs{};
  // Level 1: the table of a large capture is mostly small numbers and zeros, which the fastest
  // level already squeezes; the higher levels cost seconds there for a few percent.
  deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  // Deflated a block at a time (its output does not depend on the blocks' size).
  constexpr std::size_t kBlock = 1 << 18;
  std::string z;
  z.reserve(kBlock + 2);
  const std::unique_ptr<unsigned char[]> buffer(new unsigned char[kBlock]);
  unsigned char* const block = buffer.get();
  auto deflate_part = [&](std::string_view part, int flush) {
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(part.data()));
    zs.avail_in = static_cast<uInt>(part.size());
    do {
      zs.next_out = block;
      zs.avail_out = kBlock;
      deflate(&zs, flush);
      z.append(reinterpret_cast<const char*>(block), kBlock - zs.avail_out);
      append_base64(out, z, false);
      if (drain) drain(out);
    } while (zs.avail_out == 0);
  };
  const Feed feed = [&](std::string_view bytes) { deflate_part(bytes, Z_NO_FLUSH); };
  for (const Part& part : parts) {
    if (part.make)
      part.make(feed);
    else
      feed(part.bytes);
  }
  deflate_part({}, Z_FINISH);
  deflateEnd(&zs);
  append_base64(out, z, true);
  if (drain) drain(out);
}

std::string Packed::gzip_base64() const {
  std::string out;
  append_gzip_base64(out, {});
  return out;
}

}  // namespace tcplens::report

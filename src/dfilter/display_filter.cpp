// Evaluation of a compiled display filter, and the DisplayFilter the engine runs.
//
// Semantics are tshark 4.0's (epan/dfilter/dfvm.c, read for the facts): a comparison is
// true when some occurrence on the left and some on the right satisfy it (==, >, contains,
// matches, in), `!=` when every pair differs and there is at least one occurrence (all_ne),
// `===` when every left occurrence equals one on the right, `~=` when some pair differs.
// A missing field makes every comparison false; `not` turns that around.
#include "tcplens/dfilter/display_filter.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "dfilter/app.hpp"
#include "dfilter/program.hpp"
#include "dfilter/regex.hpp"
#include "render/wireshark/tls_info.hpp"
#include "tcplens/render/wireshark_renderer.hpp"

namespace tcplens::dfilter {

// The application decoding of one thread: the Wireshark-style renderer follows every stream
// as tshark's single pass does, and says which frames carry HTTP and DNS.
class AppState {
 public:
  AppResult& decode(const PacketEvent& ev) {
    std::lock_guard<std::mutex> lock(mutex_);
    PerThread& t = threads_[std::this_thread::get_id()];
    AppResult& r = t.result;
    r.http = r.dns = r.mdns = r.llmnr = false;
    r.ssh = r.smtp = r.ftp = r.resp = r.websocket = r.telnet = false;
    r.http_message = {};
    r.dns_message = {};
    r.tls = nullptr;
    if (ev.pkt == nullptr || ev.tcp == nullptr) return r;
    const WiresharkColumns& c = t.renderer.on_packet(*ev.raw, *ev.pkt, *ev.tcp, ev.summary, ev.first_ts);
    if (t.renderer.tls_fields().present) r.tls = &t.renderer.tls_fields();
    if (c.protocol.compare(0, 4, "HTTP") == 0) {
      r.http = true;
      r.http_message = t.renderer.http_message();
    } else if (c.protocol.compare(0, 3, "SSH") == 0) {
      r.ssh = true;
    } else if (c.protocol == "SMTP" || c.protocol == "IMF") {
      r.smtp = true;
    } else if (c.protocol == "FTP") {
      r.ftp = true;
    } else if (c.protocol == "RESP") {
      r.resp = true;
    } else if (c.protocol == "TELNET") {
      r.telnet = true;
    } else if (c.protocol == "WebSocket") {
      r.websocket = true;
      // The 101 that upgraded the connection may carry the first frames: both protocols.
      r.http_message = t.renderer.http_message();
      r.http = !r.http_message.empty();
    } else if (c.protocol == "DNS" || c.protocol == "MDNS") {
      r.dns = true;
      r.mdns = c.protocol == "MDNS";
      if (ev.pkt->has(Layer::Udp)) r.dns_message = ev.pkt->udp.payload;
      else if (ev.pkt->tcp.payload.size() > 2) r.dns_message = ev.pkt->tcp.payload.subspan(2);
    } else if (ev.pkt->has(Layer::Udp) && !ev.pkt->in_icmp_error && ev.pkt->udp.payload.size() >= 12 &&
               (ev.pkt->udp.src_port == 5355 || ev.pkt->udp.dst_port == 5355)) {
      // LLMNR (RFC 4795), which Wireshark dissects with DNS's fields; the renderer shows UDP.
      r.dns = r.llmnr = true;
      r.dns_message = ev.pkt->udp.payload;
    }
    return r;
  }

 private:
  struct PerThread {
    // The whole message, body included: the `http` field's bytes.
    WiresharkRenderer renderer{WiresharkOptions{.nanosecond = false, .keep_http_bodies = true}};
    AppResult result;
  };
  std::mutex mutex_;
  std::unordered_map<std::thread::id, PerThread> threads_;
};

Program::Program() = default;
Program::~Program() = default;

namespace {

constexpr int kMax = kMaxOccurrences;

// The size of a value of a fixed-size type (len() of a number or an address).
std::uint32_t byte_width(FType t) {
  switch (t) {
    case FType::Uint8: case FType::Boolean: return 1;
    case FType::Uint16: return 2;
    case FType::Uint24: return 3;
    case FType::Uint32: case FType::Int32: case FType::FrameNum: case FType::Ipv4: return 4;
    case FType::Ipv6: return 16;
    case FType::Ether: return 6;
    default: return 8;
  }
}

bool prefix_equal(const std::uint8_t* a, const std::uint8_t* b, std::uint32_t bits) {
  const std::uint32_t whole = bits / 8;
  if (std::memcmp(a, b, whole) != 0) return false;
  if (bits % 8 == 0) return true;
  const std::uint8_t mask = static_cast<std::uint8_t>(0xff00u >> (bits % 8));
  return (a[whole] & mask) == (b[whole] & mask);
}

bool equal(Kind k, const Value& a, const Value& b) {
  switch (k) {
    case Kind::Int: case Kind::Time: return a.i == b.i;
    case Kind::Double: return a.d == b.d;
    case Kind::Ipv4: {
      const std::uint32_t bits = std::min(a.bits ? a.bits : 32, b.bits ? b.bits : 32);
      const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
      return ((static_cast<std::uint32_t>(a.i) ^ static_cast<std::uint32_t>(b.i)) & mask) == 0;
    }
    case Kind::Ipv6: return prefix_equal(a.p, b.p, std::min(a.bits ? a.bits : 128, b.bits ? b.bits : 128));
    case Kind::Bytes: return a.n == b.n && (a.n == 0 || std::memcmp(a.p, b.p, a.n) == 0);
    case Kind::None: return true;
  }
  return false;
}

int order(Kind k, const Value& a, const Value& b) {
  switch (k) {
    case Kind::Int: case Kind::Time: return a.i < b.i ? -1 : a.i > b.i;
    case Kind::Double: return a.d < b.d ? -1 : a.d > b.d;
    case Kind::Ipv4: {
      const auto x = static_cast<std::uint32_t>(a.i), y = static_cast<std::uint32_t>(b.i);
      return x < y ? -1 : x > y;
    }
    case Kind::Ipv6: return std::memcmp(a.p, b.p, 16);
    case Kind::Bytes: {
      const int c = std::memcmp(a.p, b.p, std::min(a.n, b.n));
      if (c != 0 || a.n == b.n) return c;
      return a.n < b.n ? -1 : 1;
    }
    case Kind::None: return 0;
  }
  return 0;
}

bool contains(const Value& a, const Value& b) {
  if (b.n == 0) return true;
  if (a.n < b.n) return false;
  return std::search(a.p, a.p + a.n, b.p, b.p + b.n) != a.p + a.n;
}

// Big-endian bytes (at most 8) as an integer, for `&` on a slice.
std::int64_t as_integer(const Value& v) {
  std::uint64_t x = 0;
  for (std::uint32_t i = 0; i < v.n && i < 8; ++i) x = x << 8 | v.p[i];
  return static_cast<std::int64_t>(x);
}

int eval(const Program& p, int e, EvalCtx& c, Value* out, int max);

// One slice range of `v` appended to `out` (false: outside the value).
bool slice_range(const Expr::Range& r, const Value& v, std::int64_t& from, std::int64_t& to) {
  const std::int64_t len = v.n;
  std::int64_t start = r.start < 0 ? len + r.start : r.start;
  std::int64_t end = 0;
  switch (r.form) {
    case Expr::Range::Length: end = start + r.arg; break;
    case Expr::Range::End: end = (r.arg < 0 ? len + r.arg : r.arg) + 1; break;
    case Expr::Range::ToEnd: end = len; break;
  }
  if (start < 0 || start > len || end > len || end < start) return false;
  from = start;
  to = end;
  return true;
}

int eval_slice(const Program& p, const Expr& x, EvalCtx& c, Value* out, int max) {
  Value in[kMax];
  const int n = eval(p, x.a, c, in, kMax);
  int k = 0;
  for (int i = 0; i < n && k < max; ++i) {
    const Value& v = in[i];
    if (x.ranges.size() == 1) {
      std::int64_t from = 0, to = 0;
      if (!slice_range(x.ranges[0], v, from, to)) continue;
      out[k++] = Value{0, 0, v.p + from, static_cast<std::uint32_t>(to - from), 0};
      continue;
    }
    // Several ranges: concatenated in the scratch space.
    std::size_t total = 0;
    bool ok = true;
    for (const Expr::Range& r : x.ranges) {
      std::int64_t from = 0, to = 0;
      if (!slice_range(r, v, from, to)) ok = false;
      total += static_cast<std::size_t>(to - from);
    }
    if (!ok || c.scratch == nullptr || c.scratch_used + total > c.scratch_size) continue;
    std::uint8_t* dst = c.scratch + c.scratch_used;
    std::size_t at = 0;
    for (const Expr::Range& r : x.ranges) {
      std::int64_t from = 0, to = 0;
      slice_range(r, v, from, to);
      std::memcpy(dst + at, v.p + from, static_cast<std::size_t>(to - from));
      at += static_cast<std::size_t>(to - from);
    }
    c.scratch_used += total;
    out[k++] = Value{0, 0, dst, static_cast<std::uint32_t>(total), 0};
  }
  return k;
}

std::int64_t arith(Tok op, std::int64_t a, std::int64_t b, bool& ok) {
  switch (op) {
    case Tok::Plus: return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
    case Tok::Minus: return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
    case Tok::Star: return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b));
    case Tok::Slash:
      if (b == 0 || (a == INT64_MIN && b == -1)) return ok = false, 0;
      return a / b;
    case Tok::Percent:
      if (b == 0 || (a == INT64_MIN && b == -1)) return ok = false, 0;
      return a % b;
    default: return a & b;
  }
}

int eval(const Program& p, int e, EvalCtx& c, Value* out, int max) {
  const Expr& x = p.exprs[static_cast<std::size_t>(e)];
  switch (x.op) {
    case Expr::Field: return extract(x.field, c, out, max);
    case Expr::Const: {
      const int n = std::min<int>(static_cast<int>(x.values.size()), max);
      std::copy_n(x.values.begin(), n, out);
      return n;
    }
    case Expr::SliceOf: return eval_slice(p, x, c, out, max);
    case Expr::Neg: {
      const int n = eval(p, x.a, c, out, max);
      for (int i = 0; i < n; ++i) out[i].i = -out[i].i;
      return n;
    }
    case Expr::Arith: {
      Value a[kMax], b[kMax];
      const int na = eval(p, x.a, c, a, kMax);
      if (na == 0) return 0;
      const int nb = eval(p, x.b, c, b, kMax);
      const bool bytes_a = p.exprs[static_cast<std::size_t>(x.a)].kind == Kind::Bytes;
      const bool bytes_b = p.exprs[static_cast<std::size_t>(x.b)].kind == Kind::Bytes;
      int k = 0;
      for (int i = 0; i < na; ++i)
        for (int j = 0; j < nb && k < max; ++j) {
          bool ok = true;
          const std::int64_t r = arith(x.arith, bytes_a ? as_integer(a[i]) : a[i].i,
                                       bytes_b ? as_integer(b[j]) : b[j].i, ok);
          if (ok) out[k++] = Value{r, 0, nullptr, 0, 0};
        }
      return k;
    }
    case Expr::Len: {
      const int n = eval(p, x.a, c, out, max);
      const Expr& arg = p.exprs[static_cast<std::size_t>(x.a)];
      for (int i = 0; i < n; ++i)
        out[i] = Value{arg.kind == Kind::Bytes ? out[i].n : byte_width(arg.type), 0, nullptr, 0, 0};
      return n;
    }
    case Expr::Count: {
      Value tmp[kMax];
      const std::uint16_t id = p.exprs[static_cast<std::size_t>(x.a)].field;
      const int n = extract(id, c, tmp, kMax);
      if (max < 1) return 0;
      out[0] = Value{n, 0, nullptr, 0, 0};
      return 1;
    }
    case Expr::Lower: case Expr::Upper: {
      const int n = eval(p, x.a, c, out, max);
      int k = 0;
      for (int i = 0; i < n; ++i) {
        if (c.scratch == nullptr || c.scratch_used + out[i].n > c.scratch_size) continue;
        std::uint8_t* dst = c.scratch + c.scratch_used;
        for (std::uint32_t j = 0; j < out[i].n; ++j) {
          const std::uint8_t ch = out[i].p[j];
          dst[j] = x.op == Expr::Lower ? static_cast<std::uint8_t>(std::tolower(ch))
                                       : static_cast<std::uint8_t>(std::toupper(ch));
        }
        c.scratch_used += out[i].n;
        out[k++] = Value{0, 0, dst, out[i].n, 0};
      }
      return k;
    }
  }
  return 0;
}

bool non_zero(Kind k, const Value& v) {
  if (k == Kind::Bytes) {
    for (std::uint32_t i = 0; i < v.n; ++i)
      if (v.p[i]) return true;
    return false;
  }
  return k == Kind::Double ? v.d != 0 : v.i != 0;
}

bool test(const Program& p, int t, EvalCtx& c) {
  const Test& x = p.tests[static_cast<std::size_t>(t)];
  switch (x.op) {
    case Test::And: return test(p, x.a, c) && test(p, x.b, c);
    case Test::Or: return test(p, x.a, c) || test(p, x.b, c);
    case Test::Not: return !test(p, x.a, c);
    case Test::True: return true;
    case Test::False: return false;
    case Test::FastEq: return fast_equals(x.fast_field, c, x.fast_value);
    default: break;
  }
  Value a[kMax];
  const int na = eval(p, x.a, c, a, kMax);
  const Kind kind = p.exprs[static_cast<std::size_t>(x.a)].kind;
  if (x.op == Test::Exists) return na > 0;
  if (na == 0) return false;
  if (x.op == Test::NonZero) {
    for (int i = 0; i < na; ++i)
      if (non_zero(kind, a[i])) return true;
    return false;
  }
  if (x.op == Test::Matches) {
    const Regex& re = *p.regexes[static_cast<std::size_t>(x.regex)];
    for (int i = 0; i < na; ++i)
      if (re.search(a[i].p, a[i].n)) return true;
    return false;
  }
  if (x.op == Test::In) {
    // The set's (low, high) pairs, read in place: a set may be larger than kMax.
    const std::vector<Value>& b = p.exprs[static_cast<std::size_t>(x.b)].values;
    const std::size_t nb = b.size();
    for (int i = 0; i < na; ++i)
      for (std::size_t j = 0; j + 1 < nb; j += 2) {
        if (!x.set_has_ranges || equal(kind, b[j], b[j + 1])) {
          if (equal(kind, a[i], b[j])) return true;
        } else if (order(kind, a[i], b[j]) >= 0 && order(kind, a[i], b[j + 1]) <= 0) {
          return true;
        }
      }
    return false;
  }
  // A literal's values are read in place (the common case: field OP literal).
  Value buf[kMax];
  const Expr& right = p.exprs[static_cast<std::size_t>(x.b)];
  const Value* b = buf;
  int nb = 0;
  if (right.op == Expr::Const) {
    b = right.values.data();
    nb = static_cast<int>(right.values.size());
  } else {
    nb = eval(p, x.b, c, buf, kMax);
  }
  if (nb == 0) return false;
  switch (x.op) {
    case Test::AllNe:
      for (int i = 0; i < na; ++i)
        for (int j = 0; j < nb; ++j)
          if (equal(kind, a[i], b[j])) return false;
      return true;
    case Test::AllEq:
      for (int i = 0; i < na; ++i) {
        bool any = false;
        for (int j = 0; j < nb && !any; ++j) any = equal(kind, a[i], b[j]);
        if (!any) return false;
      }
      return true;
    default: break;
  }
  for (int i = 0; i < na; ++i)
    for (int j = 0; j < nb; ++j) {
      switch (x.op) {
        case Test::AnyEq: if (equal(kind, a[i], b[j])) return true; break;
        case Test::AnyNe: if (!equal(kind, a[i], b[j])) return true; break;
        case Test::Gt: if (order(kind, a[i], b[j]) > 0) return true; break;
        case Test::Ge: if (order(kind, a[i], b[j]) >= 0) return true; break;
        case Test::Lt: if (order(kind, a[i], b[j]) < 0) return true; break;
        case Test::Le: if (order(kind, a[i], b[j]) <= 0) return true; break;
        case Test::Contains: if (contains(a[i], b[j])) return true; break;
        default: return false;
      }
    }
  return false;
}

}  // namespace

bool evaluate(const Program& program, EvalCtx& ctx) { return test(program, program.root, ctx); }

}  // namespace tcplens::dfilter

namespace tcplens {

using namespace dfilter;

namespace {
constexpr std::size_t kScratch = 4096;
}

DisplayFilter::DisplayFilter(std::unique_ptr<Program> program, std::string text)
    : program_(std::move(program)), text_(std::move(text)) {}
DisplayFilter::~DisplayFilter() = default;

std::unique_ptr<DisplayFilter> DisplayFilter::compile(std::string_view text, DfilterError& error) {
  Tree tree;
  if (!parse(text, tree, error)) return nullptr;
  auto program = std::make_unique<Program>();
  if (!compile_tree(tree, text, *program, error)) return nullptr;
  if (program->app) {
    // Application fields follow streams in frame order: one worker (see the header).
    program->needs |= need::kDecode | need::kTrack | need::kStreamNumbers;
    program->app_state = std::make_unique<AppState>();
  }
  return std::unique_ptr<DisplayFilter>(new DisplayFilter(std::move(program), std::string(text)));
}

std::uint32_t DisplayFilter::needs() const { return program_->needs; }
bool DisplayFilter::reads_connections() const { return program_->conn; }

bool DisplayFilter::matches(const PacketEvent& event) const {
  std::uint8_t scratch[kScratch];
  EvalCtx ctx;
  ctx.ev = &event;
  ctx.scratch = scratch;
  ctx.scratch_size = sizeof scratch;
  if (program_->app) ctx.app = &program_->app_state->decode(event);
  return evaluate(*program_, ctx);
}

bool DisplayFilter::matches_record(const ConnectionRecord& record) const {
  if (!program_->conn) return false;
  std::uint8_t scratch[kScratch];
  EvalCtx ctx;
  ctx.rec = &record;
  ctx.scratch = scratch;
  ctx.scratch_size = sizeof scratch;
  return evaluate(*program_, ctx);
}

std::string format_dfilter_error(std::string_view text, const DfilterError& error) {
  std::string out = "tcplens: " + error.message + "\n";
  if (error.at >= 0) {
    out += "    ";
    out += text;
    out += "\n    ";
    out.append(static_cast<std::size_t>(error.at), ' ');
    out += '^';
    out.append(static_cast<std::size_t>(std::max(error.len, 1) - 1), '~');
    out += '\n';
  }
  return out;
}

}  // namespace tcplens

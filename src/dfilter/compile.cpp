// From the syntax tree to the program: names resolved against the registry, literals
// converted to the type of the field they meet (with tshark 4.0's messages when they cannot
// be), regular expressions compiled.
#include <arpa/inet.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "dfilter/program.hpp"
#include "dfilter/regex.hpp"

namespace tcplens::dfilter {

Kind kind_of(FType t) {
  switch (t) {
    case FType::None: return Kind::None;
    case FType::Uint8: case FType::Uint16: case FType::Uint24: case FType::Uint32: case FType::Uint64:
    case FType::Int32: case FType::Boolean: case FType::FrameNum:
      return Kind::Int;
    case FType::Double: return Kind::Double;
    case FType::RelTime: case FType::AbsTime: return Kind::Time;
    case FType::Ipv4: return Kind::Ipv4;
    case FType::Ipv6: return Kind::Ipv6;
    default: return Kind::Bytes;
  }
}

const char* type_name(FType t) {
  switch (t) {
    case FType::None: return "Label";
    case FType::Protocol: return "Protocol";
    case FType::Uint8: return "Unsigned integer (1 byte)";
    case FType::Uint16: return "Unsigned integer (2 bytes)";
    case FType::Uint24: return "Unsigned integer (3 bytes)";
    case FType::Uint32: return "Unsigned integer (4 bytes)";
    case FType::Uint64: return "Unsigned integer (8 bytes)";
    case FType::Int32: return "Signed integer (4 bytes)";
    case FType::Boolean: return "Boolean";
    case FType::FrameNum: return "Frame number";
    case FType::Double: return "Floating point (double-precision)";
    case FType::RelTime: return "Time offset";
    case FType::AbsTime: return "Date and time";
    case FType::Ipv4: return "IPv4 address";
    case FType::Ipv6: return "IPv6 address";
    case FType::Ether: return "Ethernet or other MAC address";
    case FType::Bytes: return "Byte sequence";
    case FType::String: return "Character string";
  }
  return "?";
}

bool is_integer(FType t) { return kind_of(t) == Kind::Int; }
bool is_unsigned(FType t) { return is_integer(t) && t != FType::Int32; }

std::uint64_t max_of(FType t) {
  switch (t) {
    case FType::Uint8: return 0xff;
    case FType::Uint16: return 0xffff;
    case FType::Uint24: return 0xffffff;
    case FType::Uint32: case FType::FrameNum: return 0xffffffffu;
    case FType::Int32: return 0x7fffffff;
    default: return static_cast<std::uint64_t>(INT64_MAX);
  }
}

namespace {

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Hex bytes separated by ':', '-' or '.' (one or two digits each), or an even run of digits.
bool parse_bytes(std::string_view s, std::string& out) {
  out.clear();
  if (s.empty()) return false;
  const bool separated = s.find_first_of(":-.") != std::string_view::npos;
  if (!separated) {
    if (s.size() > 2 && s.size() % 2) return false;
    if (s.size() <= 2) {
      int v = 0;
      for (char c : s) {
        if (hexval(c) < 0) return false;
        v = v * 16 + hexval(c);
      }
      out += static_cast<char>(v);
      return true;
    }
    for (std::size_t i = 0; i < s.size(); i += 2) {
      if (hexval(s[i]) < 0 || hexval(s[i + 1]) < 0) return false;
      out += static_cast<char>(hexval(s[i]) * 16 + hexval(s[i + 1]));
    }
    return true;
  }
  const char sep = s[s.find_first_of(":-.")];
  std::size_t i = 0;
  for (;;) {
    const std::size_t j = s.find(sep, i);
    const std::string_view g = s.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i);
    if (g.empty() || g.size() > 2) return false;
    int v = 0;
    for (char c : g) {
      if (hexval(c) < 0) return false;
      v = v * 16 + hexval(c);
    }
    out += static_cast<char>(v);
    if (j == std::string_view::npos) return true;
    i = j + 1;
  }
}

// Decimal, 0x hex, 0 octal, 0b binary, with an optional sign.
bool parse_integer(std::string_view s, bool& negative, std::uint64_t& v, bool& overflow) {
  negative = false;
  overflow = false;
  v = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  unsigned base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) base = 16, s.remove_prefix(2);
  else if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) base = 2, s.remove_prefix(2);
  else if (s.size() > 1 && s[0] == '0') base = 8, s.remove_prefix(1);
  for (char c : s) {
    const int d = hexval(c);
    if (d < 0 || static_cast<unsigned>(d) >= base) return false;
    if (v > (UINT64_MAX - static_cast<unsigned>(d)) / base) overflow = true;
    v = v * base + static_cast<unsigned>(d);
  }
  return true;
}

// [-]seconds[.fraction] to nanoseconds.
bool parse_time(std::string_view s, std::int64_t& ns) {
  bool neg = false;
  if (!s.empty() && s[0] == '-') neg = true, s.remove_prefix(1);
  if (s.empty()) return false;
  std::int64_t sec = 0, frac = 0;
  int digits = 0;
  std::size_t i = 0;
  bool any = false;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i, any = true) {
    if (sec > INT64_MAX / 10 / 1000000000) return false;
    sec = sec * 10 + (s[i] - '0');
  }
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i, any = true)
      if (digits < 9) frac = frac * 10 + (s[i] - '0'), ++digits;
  }
  if (i != s.size() || !any) return false;
  while (digits++ < 9) frac *= 10;
  ns = sec * 1000000000 + frac;
  if (neg) ns = -ns;
  return true;
}

// "2011-07-04 12:34:56[.frac]", "2011-07-04T12:34:56[.frac][Z]", "Nov 12, 1999 08:55:44[.frac]"
// (local time, as tshark reads them; Z: UTC), or seconds since 1970.
bool parse_abs_time(std::string_view s, std::int64_t& ns) {
  if (parse_time(s, ns)) return true;
  std::tm tm{};
  std::string text(s);
  const char* end = nullptr;
  bool utc = false;
  static const char* const kFormats[] = {"%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%b %d, %Y %H:%M:%S",
                                         "%Y-%m-%d %H:%M", "%Y-%m-%d"};
  for (const char* f : kFormats) {
    tm = std::tm{};
    end = strptime(text.c_str(), f, &tm);
    if (end != nullptr) break;
  }
  if (end == nullptr) return false;
  std::int64_t frac = 0;
  if (*end == '.') {
    int digits = 0;
    for (++end; std::isdigit(static_cast<unsigned char>(*end)); ++end)
      if (digits < 9) frac = frac * 10 + (*end - '0'), ++digits;
    while (digits++ < 9) frac *= 10;
  }
  if (*end == 'Z') utc = true, ++end;
  if (*end != '\0') return false;
  tm.tm_isdst = -1;
  const std::time_t t = utc ? timegm(&tm) : std::mktime(&tm);
  ns = static_cast<std::int64_t>(t) * 1000000000 + frac;
  return true;
}

class Compiler {
 public:
  Compiler(const Tree& tree, std::string_view text, Program& p, DfilterError& e)
      : tree_(tree), text_(text), p_(p), err_(e) {}

  bool run() {
    p_.root = test(tree_.root);
    return !failed_;
  }

 private:
  const AstNode& node(int i) const { return tree_.nodes[static_cast<std::size_t>(i)]; }
  std::string source(const Token& t) const { return std::string(text_.substr(t.pos, t.len)); }

  int fail(std::string message, const Token& t) {
    if (!failed_) err_ = {std::move(message), t.pos, t.len};
    failed_ = true;
    return -1;
  }
  int fail_nowhere(std::string message) {
    if (!failed_) err_ = {std::move(message), -1, 0};
    failed_ = true;
    return -1;
  }

  int add_test(Test t) {
    p_.tests.push_back(t);
    return static_cast<int>(p_.tests.size() - 1);
  }
  int add_expr(Expr e) {
    p_.exprs.push_back(std::move(e));
    return static_cast<int>(p_.exprs.size() - 1);
  }
  const Expr& expr(int i) const { return p_.exprs[static_cast<std::size_t>(i)]; }

  const std::uint8_t* keep(const std::string& bytes) {
    auto b = std::make_unique<std::uint8_t[]>(bytes.size() + 1);
    std::memcpy(b.get(), bytes.data(), bytes.size());
    p_.pool.push_back(std::move(b));
    return p_.pool.back().get();
  }

  int field_expr(const FieldInfo& f) {
    p_.needs |= f.needs;
    if (is_app_field(f)) p_.app = true;
    if (is_conn_field(f)) p_.conn = true;
    else p_.packet = true;
    Expr e;
    e.op = Expr::Field;
    e.field = f.id;
    e.type = f.type;
    e.kind = kind_of(f.type);
    return add_expr(std::move(e));
  }

  int test(int n) {
    if (failed_) return -1;
    const AstNode& a = node(n);
    switch (a.kind) {
      case Ast::And: case Ast::Or: {
        Test t;
        t.op = a.kind == Ast::And ? Test::And : Test::Or;
        t.a = test(a.kids[0]);
        t.b = test(a.kids[1]);
        return failed_ ? -1 : add_test(t);
      }
      case Ast::Not: {
        Test t;
        t.op = Test::Not;
        t.a = test(a.kids[0]);
        return failed_ ? -1 : add_test(t);
      }
      case Ast::Test: return alone(a.kids[0]);
      case Ast::Compare: return compare(a);
      case Ast::In: case Ast::NotIn: return membership(a);
      default: return fail(std::string(1, '"') + source(a.tok) + "\" was unexpected in this context.", a.tok);
    }
  }

  // A value used as a test: a field or protocol exists, an arithmetic result is non-zero.
  int alone(int n) {
    const AstNode& a = node(n);
    if (a.kind == Ast::Word || a.kind == Ast::String || a.kind == Ast::Char) {
      const FieldInfo* f = a.kind == Ast::Word ? find_field(a.tok.text) : nullptr;
      if (f == nullptr) return fail(source(a.tok) + " is neither a field nor a protocol name.", a.tok);
    }
    const int e = value(n, nullptr);
    if (e < 0) return -1;
    Test t;
    t.op = (a.kind == Ast::Arith || a.kind == Ast::Neg) ? Test::NonZero : Test::Exists;
    t.a = e;
    return add_test(t);
  }

  // A value that is not a literal (a field, slice, function or arithmetic); `op` names the
  // comparison for the message when it is a literal on the left side.
  int value(int n, const Token* op) {
    if (failed_) return -1;
    const AstNode& a = node(n);
    switch (a.kind) {
      case Ast::Word: {
        if (const FieldInfo* f = find_field(a.tok.text)) return field_expr(*f);
        if (op != nullptr)
          return fail("Left side of \"" + source(*op) + "\" expression must be a field or function, not " +
                          source(a.tok) + ".",
                      a.tok);
        return fail(source(a.tok) + " is neither a field nor a protocol name.", a.tok);
      }
      case Ast::String: case Ast::Char:
        if (op != nullptr)
          return fail("Left side of \"" + source(*op) + "\" expression must be a field or function, not " +
                          source(a.tok) + ".",
                      a.tok);
        return fail(std::string(1, '"') + source(a.tok) + "\" was unexpected in this context.", a.tok);
      case Ast::Slice: return slice(a);
      case Ast::Call: return call(a);
      case Ast::Arith: return arith(a, op);
      case Ast::Neg: {
        const int k = value(a.kids[0], op);
        if (k < 0) return -1;
        if (expr(k).kind != Kind::Int)
          return fail("Unary minus needs an integer, not " + std::string(type_name(expr(k).type)) + ".", a.tok);
        Expr e;
        e.op = Expr::Neg;
        e.kind = Kind::Int;
        e.type = FType::Int32;
        e.a = k;
        return add_expr(std::move(e));
      }
      default:
        return fail(std::string(1, '"') + source(a.tok) + "\" was unexpected in this context.", a.tok);
    }
  }

  bool is_literal(int n) const {
    const Ast k = node(n).kind;
    return (k == Ast::Word && find_field(node(n).tok.text) == nullptr) || k == Ast::String || k == Ast::Char;
  }

  int slice(const AstNode& a) {
    const AstNode& target = node(a.kids[0]);
    const int k = value(a.kids[0], nullptr);
    if (k < 0) return -1;
    const Expr& base = expr(k);
    if (base.kind != Kind::Bytes && base.kind != Kind::Ipv4 && base.kind != Kind::Ipv6)
      return fail(std::string(1, '"') + source(target.tok) + "\" is a " + type_name(base.type) +
                      " and cannot be sliced into a sequence of bytes.",
                  target.tok);
    Expr e;
    e.op = Expr::SliceOf;
    e.kind = Kind::Bytes;
    e.type = FType::Bytes;
    e.a = k;
    std::string_view s = a.tok.text;
    int at = a.tok.pos + 1;  // the ranges' place, inside the brackets
    for (;;) {
      const std::size_t comma = s.find(',');
      std::string_view item = s.substr(0, comma);
      int item_at = at;
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1), ++item_at;
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      Expr::Range r;
      std::string why;
      if (!range(item, r, why)) {
        Token place;
        place.pos = item_at;
        place.len = static_cast<int>(std::max<std::size_t>(item.size(), 1));
        return fail(why, place);
      }
      e.ranges.push_back(r);
      if (comma == std::string_view::npos) break;
      at += static_cast<int>(comma + 1);
      s.remove_prefix(comma + 1);
    }
    return add_expr(std::move(e));
  }

  static bool small_int(std::string_view s, std::int32_t& v) {
    if (s.empty()) return false;
    char* end = nullptr;
    const std::string t(s);
    errno = 0;
    const long x = std::strtol(t.c_str(), &end, 10);
    if (*end != '\0' || errno != 0 || x > INT32_MAX / 2 || x < -(INT32_MAX / 2)) return false;
    v = static_cast<std::int32_t>(x);
    return true;
  }

  // Wireshark's drange: "i:j" (start, length), "i-j" (start, end inclusive), "i:" (to the
  // end), ":j" (the first j), "i" (one byte); a negative start counts from the end.
  static bool range(std::string_view s, Expr::Range& r, std::string& why) {
    auto number = [&why](std::string_view n, std::int32_t& v) {
      if (small_int(n, v)) return true;
      why = std::string(1, '"') + std::string(n) + "\" is not a valid number.";
      return false;
    };
    const std::size_t colon = s.find(':');
    const std::size_t dash = s.size() > 1 ? s.find('-', 1) : std::string_view::npos;
    r = Expr::Range{};
    if (colon != std::string_view::npos) {
      if (colon > 0 && !number(s.substr(0, colon), r.start)) return false;
      if (colon + 1 == s.size()) {
        r.form = Expr::Range::ToEnd;
        return true;
      }
      r.form = Expr::Range::Length;
      if (!number(s.substr(colon + 1), r.arg)) return false;
      if (r.arg <= 0) {
        why = "Range " + std::string(s) + " isn't valid because length " + std::to_string(r.arg) +
              " isn't positive";
        return false;
      }
      return true;
    }
    if (dash != std::string_view::npos) {
      r.form = Expr::Range::End;
      return number(s.substr(0, dash), r.start) && number(s.substr(dash + 1), r.arg);
    }
    r.form = Expr::Range::Length;
    r.arg = 1;
    return number(s, r.start);
  }

  int call(const AstNode& a) {
    const std::string& name = a.tok.text;
    Expr e;
    if (name == "len" || name == "count" || name == "lower" || name == "upper") {
      if (a.kids.size() != 1)
        return fail("Function " + name + "() needs exactly one argument.", a.tok);
      const int k = value(a.kids[0], nullptr);
      if (k < 0) return -1;
      e.a = k;
      const Expr& arg = expr(k);
      if (name == "len") {
        if (arg.kind == Kind::None)
          return fail("Argument to len() must have a value, not " + std::string(type_name(arg.type)) + ".",
                      node(a.kids[0]).tok);
        e.op = Expr::Len;
        e.kind = Kind::Int;
        e.type = FType::Uint32;
      } else if (name == "count") {
        if (arg.op != Expr::Field) return fail("Argument to count() must be a field.", a.tok);
        e.op = Expr::Count;
        e.kind = Kind::Int;
        e.type = FType::Uint32;
      } else {
        if (arg.type != FType::String)
          return fail("Only string type fields can be used as parameter for " + name + "()",
                      node(a.kids[0]).tok);
        e.op = name == "lower" ? Expr::Lower : Expr::Upper;
        e.kind = Kind::Bytes;
        e.type = FType::String;
      }
      return add_expr(std::move(e));
    }
    return fail("Function '" + name + "' does not exist", a.tok);
  }

  int arith(const AstNode& a, const Token* op) {
    const bool lit_a = is_literal(a.kids[0]), lit_b = is_literal(a.kids[1]);
    if (lit_a && lit_b) return fail("Constant arithmetic expression on the LHS is invalid.", a.tok);
    int ea, eb;
    if (lit_a) {
      eb = value(a.kids[1], op);
      if (eb < 0) return -1;
      ea = arith_literal(a.kids[0], expr(eb));
    } else {
      ea = value(a.kids[0], op);
      if (ea < 0) return -1;
      eb = lit_b ? arith_literal(a.kids[1], expr(ea)) : value(a.kids[1], nullptr);
    }
    if (ea < 0 || eb < 0) return -1;
    for (int k : {ea, eb}) {
      const Kind kind = expr(k).kind;
      if (kind != Kind::Int && !(a.op == Tok::BitAnd && kind == Kind::Bytes))
        return fail(std::string(type_name(expr(k).type)) + " does not support arithmetic (\"" + source(a.tok) +
                        "\").",
                    a.tok);
    }
    Expr e;
    e.op = Expr::Arith;
    e.arith = a.op;
    e.kind = Kind::Int;
    e.type = expr(ea).kind == Kind::Int ? expr(ea).type : FType::Uint64;
    e.a = ea;
    e.b = eb;
    return add_expr(std::move(e));
  }

  int arith_literal(int n, const Expr& other) {
    const FType t = other.kind == Kind::Int ? other.type : FType::Uint64;
    Value v{};
    bool never = false;
    if (!literal(n, t, v, never)) return -1;
    Expr e;
    e.op = Expr::Const;
    e.kind = Kind::Int;
    e.type = t;
    e.values.push_back(v);
    return add_expr(std::move(e));
  }

  // Converts a literal to type `t`. `never`: a value the field cannot hold (a negative
  // number for an unsigned field: tshark accepts it and matches nothing).
  bool literal(int n, FType t, Value& v, bool& never) {
    const AstNode& a = node(n);
    const Token& tok = a.tok;
    const std::string& s = tok.text;
    const bool quoted = a.kind == Ast::String;
    const bool chr = a.kind == Ast::Char;
    auto from_string = [&] {
      fail(std::string(type_name(t)) + " cannot be converted from a string (\"" + s + "\").", tok);
      return false;
    };
    v = Value{};
    switch (kind_of(t)) {
      case Kind::None:
        fail(std::string(1, '"') + source(tok) + "\" cannot be compared with a Label field (it has no value).", tok);
        return false;
      case Kind::Int: {
        if (quoted) return from_string();
        if (chr) {
          v.i = static_cast<unsigned char>(s[0]);
          return true;
        }
        bool neg = false, overflow = false;
        std::uint64_t x = 0;
        if (!parse_integer(s, neg, x, overflow)) {
          if (t == FType::Boolean) {
            std::string low;
            for (char c : s) low += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (low == "true" || low == "false") {
              v.i = low == "true";
              return true;
            }
          }
          fail(std::string(1, '"') + s + "\" is not a valid number.", tok);
          return false;
        }
        if (t == FType::Boolean) {
          v.i = x != 0;
          return true;
        }
        if (overflow || (!neg && x > max_of(t))) {
          fail(std::string(1, '"') + s + "\" too big for this field, maximum " + std::to_string(max_of(t)) + ".", tok);
          return false;
        }
        if (neg && is_unsigned(t)) never = x != 0;
        if (neg && !is_unsigned(t) && x > max_of(t) + 1) {
          fail(std::string(1, '"') + s + "\" too small for this field, minimum -" + std::to_string(max_of(t) + 1) + ".", tok);
          return false;
        }
        v.i = neg ? -static_cast<std::int64_t>(x) : static_cast<std::int64_t>(x);
        return true;
      }
      case Kind::Double: {
        if (quoted) return from_string();
        char* end = nullptr;
        v.d = std::strtod(s.c_str(), &end);
        if (s.empty() || *end != '\0') {
          fail(std::string(1, '"') + s + "\" is not a valid number.", tok);
          return false;
        }
        return true;
      }
      case Kind::Time: {
        if (t == FType::AbsTime) {
          if (!parse_abs_time(s, v.i)) {
            fail(std::string(1, '"') + s + "\" is not a valid absolute time. Example: \"Nov 12, 1999 08:55:44.123\" or "
                 "\"2011-07-04 12:34:56\"",
                 tok);
            return false;
          }
          return true;
        }
        if (quoted) return from_string();
        if (!parse_time(s, v.i)) {
          fail(std::string(1, '"') + s + "\" is not a valid time.", tok);
          return false;
        }
        return true;
      }
      case Kind::Ipv4: {
        if (quoted) return from_string();
        const std::size_t slash = s.find('/');
        const std::string addr = s.substr(0, slash);
        in_addr in{};
        int dots = 0;
        for (char c : addr) dots += c == '.';
        if (dots != 3 || inet_pton(AF_INET, addr.c_str(), &in) != 1) {
          fail(std::string(1, '"') + s + "\" is not a valid hostname or IPv4 address.", tok);
          return false;
        }
        v.i = static_cast<std::int64_t>(ntohl(in.s_addr));
        v.bits = 32;
        return slash == std::string::npos ||
               prefix_bits(s.substr(slash + 1), 32, "Netmask bits in a CIDR IPv4 address", tok, v.bits);
      }
      case Kind::Ipv6: {
        if (quoted) return from_string();
        const std::size_t slash = s.find('/');
        const std::string addr = s.substr(0, slash);
        in6_addr in{};
        if (inet_pton(AF_INET6, addr.c_str(), &in) != 1) {
          fail(std::string(1, '"') + s + "\" is not a valid hostname or IPv6 address.", tok);
          return false;
        }
        v.p = keep(std::string(reinterpret_cast<const char*>(&in), 16));
        v.n = 16;
        v.bits = 128;
        return slash == std::string::npos ||
               prefix_bits(s.substr(slash + 1), 128, "Prefix length in a CIDR IPv6 address", tok, v.bits);
      }
      case Kind::Bytes: {
        std::string bytes;
        if (quoted || chr) {
          if (t == FType::Ether) {
            if (!parse_bytes(s, bytes) || bytes.size() != 6) {
              fail(std::string(1, '"') + s + "\" is not a valid Ethernet address.", tok);
              return false;
            }
          } else {
            bytes = s;
          }
        } else if (t == FType::String) {
          bytes = s;
        } else if (t == FType::Ether) {
          if (!parse_bytes(s, bytes)) {
            fail(std::string(1, '"') + s + "\" is not a valid Ethernet address.", tok);
            return false;
          }
          if (bytes.size() < 6) {
            fail(std::string(1, '"') + s + "\" contains too few bytes to be a valid Ethernet address.", tok);
            return false;
          }
          if (bytes.size() > 6) {
            fail(std::string(1, '"') + s + "\" contains too many bytes to be a valid Ethernet address.", tok);
            return false;
          }
        } else if (s.size() == 4 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && parse_bytes(s.substr(2), bytes)) {
          // One byte written as 0xNN (tshark 4.0: `tcp.payload[0] == 0x47`; not 0x7).
        } else if (!parse_bytes(s, bytes)) {
          if (t != FType::Protocol) {
            fail(std::string(1, '"') + s + "\" is not a valid byte string.", tok);
            return false;
          }
          bytes = s;
        }
        v.p = keep(bytes);
        v.n = static_cast<std::uint32_t>(bytes.size());
        return true;
      }
    }
    return false;
  }

  // The bits after a CIDR address's slash, at most `limit`.
  bool prefix_bits(const std::string& text, int limit, const char* what, const Token& tok, std::uint32_t& bits) {
    std::int32_t n = 0;
    if (!small_int(text, n) || n < 0) {
      fail(std::string(1, '"') + text + "\" is not a valid number of prefix bits.", tok);
      return false;
    }
    if (n > limit) {
      fail(std::string(what) + " should be <= " + std::to_string(limit) + ", not " + std::to_string(n), tok);
      return false;
    }
    bits = static_cast<std::uint32_t>(n);
    return true;
  }

  static Test::Op test_op(Tok t) {
    switch (t) {
      case Tok::Eq: return Test::AnyEq;
      case Tok::Ne: return Test::AllNe;
      case Tok::AllEq: return Test::AllEq;
      case Tok::AnyNe: return Test::AnyNe;
      case Tok::Gt: return Test::Gt;
      case Tok::Ge: return Test::Ge;
      case Tok::Lt: return Test::Lt;
      case Tok::Le: return Test::Le;
      case Tok::Contains: return Test::Contains;
      default: return Test::Matches;
    }
  }

  int compare(const AstNode& a) {
    const Token& op = a.tok;
    const int lhs = value(a.kids[0], &op);
    if (lhs < 0) return -1;
    const Expr l = expr(lhs);  // a copy: adding expressions moves them
    const Test::Op top = test_op(a.op);
    const std::string opname = source(op);
    const Token& ltok = node(a.kids[0]).tok;
    if (l.kind == Kind::None || ((top == Test::Contains || top == Test::Matches) && l.kind != Kind::Bytes))
      return fail(source(ltok) + " (type=" + type_name(l.type) + ") cannot participate in " + opname +
                      " comparison.",
                  ltok);
    Test t;
    t.op = top;
    t.a = lhs;
    const int r = a.kids[1];
    if (top == Test::Matches) {
      const AstNode& rn = node(r);
      if (rn.kind != Ast::String && rn.kind != Ast::Word)
        return fail("Matches' right side must be a string.", rn.tok);
      std::string message;
      auto re = Regex::compile(rn.tok.text, message);
      if (!re) return fail_nowhere("Regex compilation error: " + message + ".");
      p_.regexes.push_back(std::move(re));
      t.regex = static_cast<int>(p_.regexes.size() - 1);
      return add_test(t);
    }
    if (is_literal(r)) {
      Value v{};
      bool never = false;
      // contains takes a string for every byte-like field.
      const FType as = top == Test::Contains && node(r).kind == Ast::String ? FType::String : l.type;
      // An Ethernet address `contains` any byte string (`eth.addr contains 00:00`, tshark 4.0).
      const FType lit_type = as == FType::String && l.type != FType::String ? FType::Protocol
                             : top == Test::Contains && l.type == FType::Ether ? FType::Bytes
                                                                               : l.type;
      if (!literal(r, lit_type, v, never)) return -1;
      if (never) {
        Test f;
        f.op = Test::False;
        return add_test(f);
      }
      Expr c;
      c.op = Expr::Const;
      c.kind = l.kind;
      c.type = l.type;
      c.values.push_back(v);
      t.b = add_expr(std::move(c));
      if (top == Test::AnyEq && l.op == Expr::Field && has_fast_equals(l.field) &&
          (l.kind == Kind::Int || (l.kind == Kind::Ipv4 && (v.bits == 0 || v.bits == 32)))) {
        t.op = Test::FastEq;
        t.fast_field = l.field;
        t.fast_value = v.i;
      }
    } else {
      t.b = value(r, nullptr);
      if (t.b < 0) return -1;
      if (expr(t.b).kind != l.kind)
        return fail(source(ltok) + " and " + source(node(r).tok) + " are not of compatible types.", node(r).tok);
    }
    return add_test(t);
  }

  int membership(const AstNode& a) {
    const int lhs = value(a.kids[0], &a.tok);
    if (lhs < 0) return -1;
    const Expr l = expr(lhs);
    if (l.kind == Kind::None)
      return fail(source(node(a.kids[0]).tok) + " (type=Label) cannot participate in in comparison.",
                  node(a.kids[0]).tok);
    Expr set;
    set.op = Expr::Const;
    set.kind = l.kind;
    set.type = l.type;
    Test t;
    t.op = Test::In;
    t.a = lhs;
    for (std::size_t k = 1; k < a.kids.size(); ++k) {
      const AstNode& m = node(a.kids[k]);
      const int lo_n = m.kind == Ast::Range ? m.kids[0] : a.kids[k];
      const int hi_n = m.kind == Ast::Range ? m.kids[1] : a.kids[k];
      if (!is_literal(lo_n)) return fail("Only values can be members of a set.", node(lo_n).tok);
      if (!is_literal(hi_n)) return fail("Only values can be members of a set.", node(hi_n).tok);
      Value lo{}, hi{};
      bool never_lo = false, never_hi = false;
      if (!literal(lo_n, l.type, lo, never_lo) || !literal(hi_n, l.type, hi, never_hi)) return -1;
      if (m.kind == Ast::Range) {
        t.set_has_ranges = true;
        if (never_lo) lo.i = 0;
        if (never_hi) continue;
      } else if (never_lo) {
        continue;
      }
      set.values.push_back(lo);
      set.values.push_back(hi);
    }
    t.b = add_expr(std::move(set));
    const int in = add_test(t);
    if (a.kind != Ast::NotIn) return in;
    Test n;
    n.op = Test::Not;
    n.a = in;
    return add_test(n);
  }

  const Tree& tree_;
  std::string_view text_;
  Program& p_;
  DfilterError& err_;
  bool failed_ = false;
};

}  // namespace

bool compile_tree(const Tree& tree, std::string_view text, Program& program, DfilterError& error) {
  Compiler c(tree, text, program, error);
  return c.run();
}

}  // namespace tcplens::dfilter

// Private pieces of the display filter: field types and values, the registry, the syntax
// tree the parser builds and the flat program the compiler makes of it.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tcplens/dfilter/display_filter.hpp"

namespace tcplens::dfilter {

// Wireshark's ftypes that tcplens fields use (epan/ftypes/ftypes.h).
enum class FType : std::uint8_t {
  None,      // FT_NONE: a label, existence only
  Protocol,  // FT_PROTOCOL: existence, its bytes
  Uint8,
  Uint16,
  Uint24,
  Uint32,
  Uint64,
  Int32,
  Boolean,
  FrameNum,
  Double,
  RelTime,
  AbsTime,
  Ipv4,
  Ipv6,
  Ether,
  Bytes,
  String,
};

// How values of a type are held and compared at run time.
enum class Kind : std::uint8_t { None, Int, Double, Time, Ipv4, Ipv6, Bytes };
Kind kind_of(FType t);
// tshark's name for the type ("Unsigned integer (2 bytes)").
const char* type_name(FType t);
bool is_integer(FType t);
bool is_unsigned(FType t);
std::uint64_t max_of(FType t);  // unsigned types

// One occurrence of a field or one literal. Borrowed bytes stay valid during the call.
// Trivial, so that the evaluator's arrays of them cost nothing to set up: write `Value v{}`.
struct Value {
  std::int64_t i;  // Int; Time in ns; Ipv4 address as a number
  double d;        // Double
  const std::uint8_t* p;  // Bytes, Ipv6; Ipv4: its 4 bytes (for slices)
  std::uint32_t n;     // Bytes: length
  std::uint32_t bits;  // Ipv4/Ipv6 literal: prefix length
};

inline constexpr int kMaxOccurrences = 128;  // a ClientHello offers up to ~100 cipher suites

struct FieldInfo {
  std::string_view name;
  FType type;
  std::uint16_t id;
  std::uint32_t needs;      // need::* the engine must compute
  std::string_view blurb;   // one line for docs/display-filters.md and --list
};
const FieldInfo* find_field(std::string_view name);
std::span<const FieldInfo> all_fields();
// Is this an application field (follows tshark's reassembly: http.*, dns.*)?
bool is_app_field(const FieldInfo& f);
bool is_conn_field(const FieldInfo& f);

class AppState;   // the per-thread application decoding (http, dns)
struct AppResult;  // what it found in one packet

// What the extractors read, computed lazily once per packet.
struct EvalCtx {
  const PacketEvent* ev = nullptr;
  const ConnectionRecord* rec = nullptr;
  const AppResult* app = nullptr;
  // Offsets in the raw bytes (-2: not computed yet, -1: none).
  int link_len = -2;  // bytes before the first network header
  int l4_off = -2;    // first transport header (one IP layer only)
  std::uint8_t* scratch = nullptr;  // for values that are computed (lower(), names)
  std::size_t scratch_used = 0, scratch_size = 0;
};
// Writes up to `max` occurrences of field `id`; returns how many there are.
int extract(std::uint16_t id, EvalCtx& ctx, Value* out, int max);
// For the tests people write most (`ip.addr == A`, `tcp.port == P`, their src and dst
// forms): whether the field has a fast form, and whether one of its occurrences equals `v`
// (an integer, or an IPv4 address as one), without listing the occurrences.
bool has_fast_equals(std::uint16_t id);
bool fast_equals(std::uint16_t id, const EvalCtx& ctx, std::int64_t v);

// ---- syntax tree -------------------------------------------------------------------------

enum class Tok : std::uint8_t {
  End, LParen, RParen, LBrace, RBrace, Comma, DotDot, Word, String, Char,
  And, Or, Not, Eq, Ne, AllEq, AnyNe, Gt, Ge, Lt, Le, Contains, Matches, In,
  BitAnd, Plus, Minus, Star, Slash, Percent, Slice, Bad,
};

struct Token {
  Tok kind = Tok::End;
  int pos = 0;
  int len = 0;
  std::string text;  // Word: as written; String: the unescaped bytes; Slice: inside [ ]
};

enum class Ast : std::uint8_t {
  And, Or, Not, Test,    // Test: a value alone (existence or non-zero)
  Compare,               // op in `op`, lhs, rhs
  In, NotIn,             // lhs, members (a Range member has lo, hi)
  Range,
  Word, String, Char,    // literals / field names, not yet resolved
  Slice,                 // kid: the sliced value; text: the ranges
  Arith,                 // op: BitAnd Plus Minus Star Slash Percent
  Neg,                   // unary minus
  Call,                  // text: function name; kids: arguments
};

struct AstNode {
  Ast kind;
  Tok op = Tok::End;
  Token tok;                 // the token that names or places the node
  std::vector<int> kids;     // indices into Tree::nodes
};

struct Tree {
  std::vector<AstNode> nodes;
  int root = -1;
};

// Parses `text`; false (and `error`) on a syntax error.
bool parse(std::string_view text, Tree& tree, DfilterError& error);

// ---- program -----------------------------------------------------------------------------

// A value expression: a field, a literal, a slice, arithmetic or a function; evaluated to a
// list of occurrences of one kind.
struct Expr {
  enum Op : std::uint8_t { Field, Const, SliceOf, Arith, Neg, Len, Count, Lower, Upper } op = Const;
  Kind kind = Kind::None;
  FType type = FType::None;
  std::uint16_t field = 0;
  Tok arith = Tok::End;
  int a = -1, b = -1;          // operand expressions
  std::vector<Value> values;   // Const: its values (a set has several)
  // SliceOf: Wireshark's ranges, resolved against each value's length (a negative start
  // counts from the end).
  struct Range {
    enum Form : std::uint8_t { Length, End, ToEnd };  // i:n, i-j (inclusive), i:
    std::int32_t start = 0;
    std::int32_t arg = 0;
    Form form = Length;
  };
  std::vector<Range> ranges;
};

// A test: logical nodes and comparisons.
struct Test {
  enum Op : std::uint8_t {
    And, Or, Not, True, False, Exists, NonZero, AnyEq, AllNe, AllEq, AnyNe, Gt, Ge, Lt, Le,
    Contains, Matches, In,
    FastEq  // AnyEq of a field with a fast form and one literal (fast_equals)
  } op = False;
  int a = -1, b = -1;  // And/Or/Not: tests; comparisons: expressions (b: a Const for In)
  int regex = -1;      // Matches: index into Program::regexes
  // In: the set's ranges (lo, hi inclusive) by index into the b expression's values pairs.
  bool set_has_ranges = false;
  std::uint16_t fast_field = 0;  // FastEq: the field and the literal
  std::int64_t fast_value = 0;
};

class Regex;  // regex.hpp

struct Program {
  Program();
  ~Program();
  std::vector<Expr> exprs;
  std::vector<Test> tests;
  int root = -1;
  std::vector<std::unique_ptr<Regex>> regexes;
  std::vector<std::unique_ptr<std::uint8_t[]>> pool;  // bytes of literals
  std::uint32_t needs = 0;
  bool app = false;    // reads http.* / dns.*
  bool conn = false;   // reads conn.*
  bool packet = false;  // reads any field that is not conn.*
  mutable std::unique_ptr<AppState> app_state;  // (see display_filter.cpp)
};

bool compile_tree(const Tree& tree, std::string_view text, Program& program, DfilterError& error);
bool evaluate(const Program& program, EvalCtx& ctx);

}  // namespace tcplens::dfilter

// The display filter's lexer and parser: tshark 4.0's grammar (epan/dfilter/scanner.l and
// grammar.lemon, read for the facts; our own code). `and` binds tighter than `or`, both
// left to right; `not` binds tighter still; `&` and the arithmetic operators bind tighter
// than comparisons.
#include <cctype>

#include "dfilter/program.hpp"

namespace tcplens::dfilter {

namespace {

bool word_start(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}
bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' || c == '-' ||
         c == '/';
}

struct Keyword {
  std::string_view word;
  Tok tok;
};
constexpr Keyword kKeywords[] = {
    {"and", Tok::And},          {"or", Tok::Or},          {"not", Tok::Not},
    {"eq", Tok::Eq},            {"any_eq", Tok::Eq},      {"ne", Tok::Ne},
    {"all_ne", Tok::Ne},        {"all_eq", Tok::AllEq},   {"any_ne", Tok::AnyNe},
    {"gt", Tok::Gt},            {"ge", Tok::Ge},          {"lt", Tok::Lt},
    {"le", Tok::Le},            {"contains", Tok::Contains}, {"matches", Tok::Matches},
    {"in", Tok::In},            {"bitwise_and", Tok::BitAnd},
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  // False on a lexical error (`error` set).
  bool next(Token& t, DfilterError& error) {
    t = Token{};
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
    t.pos = static_cast<int>(i_);
    if (i_ >= s_.size()) {
      t.kind = Tok::End;
      prev_ = t.kind;
      return true;
    }
    const char c = s_[i_];
    auto op = [&](Tok k, std::size_t n) {
      t.kind = k;
      t.len = static_cast<int>(n);
      t.text = std::string(s_.substr(i_, n));
      i_ += n;
    };
    auto at = [&](std::size_t k) { return i_ + k < s_.size() ? s_[i_ + k] : '\0'; };
    switch (c) {
      case '(': op(Tok::LParen, 1); break;
      case ')': op(Tok::RParen, 1); break;
      case '{': op(Tok::LBrace, 1); break;
      case '}': op(Tok::RBrace, 1); break;
      case ',': op(Tok::Comma, 1); break;
      case '+': op(Tok::Plus, 1); break;
      case '*': op(Tok::Star, 1); break;
      case '/': op(Tok::Slash, 1); break;
      case '%': op(Tok::Percent, 1); break;
      case '=':
        if (at(1) == '=' && at(2) == '=') op(Tok::AllEq, 3);
        else if (at(1) == '=') op(Tok::Eq, 2);
        else op(Tok::Bad, 1);
        break;
      case '!':
        if (at(1) == '=' && at(2) == '=') op(Tok::AnyNe, 3);
        else if (at(1) == '=') op(Tok::Ne, 2);
        else op(Tok::Not, 1);
        break;
      case '~':
        if (at(1) == '=') op(Tok::AnyNe, 2);
        else op(Tok::Matches, 1);
        break;
      case '>': at(1) == '=' ? op(Tok::Ge, 2) : op(Tok::Gt, 1); break;
      case '<': at(1) == '=' ? op(Tok::Le, 2) : op(Tok::Lt, 1); break;
      case '&': at(1) == '&' ? op(Tok::And, 2) : op(Tok::BitAnd, 1); break;
      case '|': at(1) == '|' ? op(Tok::Or, 2) : op(Tok::Bad, 1); break;
      case '.':
        if (at(1) == '.') op(Tok::DotDot, 2);
        else op(Tok::Bad, 1);
        break;
      case '[': {
        const std::size_t close = s_.find(']', i_);
        if (close == std::string_view::npos) {
          error = {"The right bracket was missing from a slice.", static_cast<int>(s_.size()), 1};
          return false;
        }
        t.kind = Tok::Slice;
        t.len = static_cast<int>(close + 1 - i_);
        t.text = std::string(s_.substr(i_ + 1, close - i_ - 1));
        i_ = close + 1;
        break;
      }
      case '"':
        if (!quoted(t, false, error)) return false;
        break;
      case '\'':
        if (!char_literal(t, error)) return false;
        break;
      case '-':
        // A minus sign before a number where a value is expected is part of the literal.
        if (value_expected() && std::isdigit(static_cast<unsigned char>(at(1)))) {
          word(t);
        } else {
          op(Tok::Minus, 1);
        }
        break;
      default:
        if (c == 'r' && at(1) == '"') {
          ++i_;  // the token starts at the r
          if (!quoted(t, true, error)) return false;
          t.len += 1;
        } else if (word_start(c)) {
          word(t);
          for (const Keyword& k : kKeywords)
            if (t.text == k.word) t.kind = k.tok;
        } else {
          // One character (a whole UTF-8 sequence) that starts no token.
          std::size_t n = 1;
          while (i_ + n < s_.size() && (static_cast<unsigned char>(s_[i_ + n]) & 0xC0) == 0x80) ++n;
          op(Tok::Bad, n);
        }
    }
    prev_ = t.kind;
    return true;
  }

 private:
  bool value_expected() const {
    switch (prev_) {
      case Tok::Word: case Tok::String: case Tok::Char: case Tok::RParen: case Tok::RBrace:
      case Tok::Slice:
        return false;
      default:
        return true;
    }
  }

  void word(Token& t) {
    std::size_t j = i_ + 1;
    while (j < s_.size() && word_char(s_[j])) {
      if (s_[j] == '.' && j + 1 < s_.size() && s_[j + 1] == '.') break;  // a range's ".."
      ++j;
    }
    t.kind = Tok::Word;
    t.len = static_cast<int>(j - i_);
    t.text = std::string(s_.substr(i_, j - i_));
    i_ = j;
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // One escape after a backslash at s_[j]; appends its byte and returns the next index.
  std::size_t escape(std::size_t j, std::string& out) const {
    const char e = j < s_.size() ? s_[j] : '\0';
    switch (e) {
      case 'a': out += '\a'; return j + 1;
      case 'b': out += '\b'; return j + 1;
      case 'f': out += '\f'; return j + 1;
      case 'n': out += '\n'; return j + 1;
      case 'r': out += '\r'; return j + 1;
      case 't': out += '\t'; return j + 1;
      case 'v': out += '\v'; return j + 1;
      case 'x': {
        int v = 0, k = 0;
        while (k < 2 && j + 1 + k < s_.size() && hex(s_[j + 1 + k]) >= 0) v = v * 16 + hex(s_[j + 1 + k++]);
        if (k == 0) {
          out += 'x';
          return j + 1;
        }
        out += static_cast<char>(v);
        return j + 1 + k;
      }
      default:
        if (e >= '0' && e <= '7') {
          int v = 0, k = 0;
          while (k < 3 && j + k < s_.size() && s_[j + k] >= '0' && s_[j + k] <= '7') v = v * 8 + (s_[j + k++] - '0');
          out += static_cast<char>(v);
          return j + k;
        }
        out += e;
        return j + 1;
    }
  }

  bool quoted(Token& t, bool raw, DfilterError& error) {
    t.kind = Tok::String;
    std::size_t j = i_ + 1;
    while (j < s_.size() && s_[j] != '"') {
      if (s_[j] == '\\' && j + 1 < s_.size()) {
        if (raw) {
          t.text += s_[j];
          t.text += s_[j + 1];
          j += 2;
        } else {
          j = escape(j + 1, t.text);
        }
        continue;
      }
      t.text += s_[j++];
    }
    if (j >= s_.size()) {
      error = {"The final quote was missing from a quoted string.", static_cast<int>(s_.size()), 1};
      return false;
    }
    t.len = static_cast<int>(j + 1 - i_);
    i_ = j + 1;
    return true;
  }

  bool char_literal(Token& t, DfilterError& error) {
    std::size_t j = i_ + 1;
    std::string v;
    if (j < s_.size() && s_[j] == '\\') j = escape(j + 1, v);
    else if (j < s_.size()) v += s_[j++];
    if (j >= s_.size() || s_[j] != '\'' || v.size() != 1) {
      const std::size_t end = s_.find('\'', i_ + 1);
      const std::size_t n = end == std::string_view::npos ? s_.size() - i_ : end + 1 - i_;
      error = {std::string(s_.substr(i_, n)) + " is not a valid character constant.", static_cast<int>(i_),
               static_cast<int>(n)};
      return false;
    }
    t.kind = Tok::Char;
    t.text = v;
    t.len = static_cast<int>(j + 1 - i_);
    i_ = j + 1;
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
  Tok prev_ = Tok::End;
};

class Parser {
 public:
  Parser(std::string_view text, Tree& tree, DfilterError& error)
      : text_(text), lex_(text), tree_(tree), error_(error) {}

  bool run() {
    if (!advance()) return false;
    const int root = or_expr();
    if (root < 0) return false;
    if (cur_.kind != Tok::End) return unexpected();
    tree_.root = root;
    return true;
  }

 private:
  bool advance() {
    if (failed_) return false;
    if (!lex_.next(cur_, error_)) {
      failed_ = true;
      return false;
    }
    return true;
  }
  bool unexpected() {
    if (failed_) return false;
    failed_ = true;
    if (cur_.kind == Tok::End) {
      error_ = {"Unexpected end of filter expression.", -1, 0};
    } else {
      std::string m = "\"";
      m.append(text_.substr(static_cast<std::size_t>(cur_.pos), static_cast<std::size_t>(cur_.len)));
      m += "\" was unexpected in this context.";
      error_ = {std::move(m), cur_.pos, cur_.len};
    }
    return false;
  }
  int add(Ast kind, const Token& tok, std::vector<int> kids, Tok op = Tok::End) {
    tree_.nodes.push_back(AstNode{kind, op, tok, std::move(kids)});
    return static_cast<int>(tree_.nodes.size() - 1);
  }

  // Left-associative operators of one precedence level: `next` parses the level below.
  int left_assoc(Tok op, Ast kind, int (Parser::*next)()) {
    int l = (this->*next)();
    while (l >= 0 && cur_.kind == op) {
      const Token t = cur_;
      if (!advance()) return -1;
      const int r = (this->*next)();
      if (r < 0) return -1;
      l = add(kind, t, {l, r});
    }
    return l;
  }
  // Nesting (parentheses, `not`, unary minus, call arguments) is capped: evaluation recurses
  // as deep, with a few KiB of stack a level, and a hostile filter must not exhaust it.
  static constexpr int kMaxDepth = 200;
  struct Nested {
    explicit Nested(int& d) : depth(d) { ++depth; }
    ~Nested() { --depth; }
    int& depth;
  };
  bool too_deep() {
    if (depth_ <= kMaxDepth) return false;
    if (!failed_) {
      failed_ = true;
      error_ = {"Filter expression is nested too deeply.", cur_.pos, cur_.len};
    }
    return true;
  }
  int or_expr() { return left_assoc(Tok::Or, Ast::Or, &Parser::and_expr); }
  int and_expr() { return left_assoc(Tok::And, Ast::And, &Parser::not_expr); }
  int not_expr() {
    const Nested nested(depth_);
    if (too_deep()) return -1;
    if (cur_.kind == Tok::Not) {
      const Token t = cur_;
      if (!advance()) return -1;
      const int k = not_expr();
      return k < 0 ? -1 : add(Ast::Not, t, {k});
    }
    return relation();
  }
  static bool is_comparison(Tok k) {
    switch (k) {
      case Tok::Eq: case Tok::Ne: case Tok::AllEq: case Tok::AnyNe: case Tok::Gt: case Tok::Ge:
      case Tok::Lt: case Tok::Le: case Tok::Contains: case Tok::Matches:
        return true;
      default:
        return false;
    }
  }
  int relation() {
    if (cur_.kind == Tok::LParen) {
      if (!advance()) return -1;
      const int e = or_expr();
      if (e < 0) return -1;
      if (cur_.kind != Tok::RParen) return unexpected() ? 0 : -1;
      if (!advance()) return -1;
      return e;
    }
    const int lhs = arith();
    if (lhs < 0) return -1;
    if (is_comparison(cur_.kind)) {
      const Token t = cur_;
      if (!advance()) return -1;
      const int rhs = arith();
      if (rhs < 0) return -1;
      return add(Ast::Compare, t, {lhs, rhs}, t.kind);
    }
    if (cur_.kind == Tok::In) return set(lhs, Ast::In);
    if (cur_.kind == Tok::Not) {
      // `not in` (a `not` after a value can only start that).
      const Token t = cur_;
      if (!advance()) return -1;
      if (cur_.kind != Tok::In) {
        cur_ = t;
        return unexpected() ? 0 : -1;
      }
      return set(lhs, Ast::NotIn);
    }
    return add(Ast::Test, tree_.nodes[lhs].tok, {lhs});
  }
  int set(int lhs, Ast kind) {
    const Token t = cur_;
    if (!advance()) return -1;
    if (cur_.kind != Tok::LBrace) return unexpected() ? 0 : -1;
    if (!advance()) return -1;
    std::vector<int> kids{lhs};
    for (;;) {
      const int lo = arith();
      if (lo < 0) return -1;
      if (cur_.kind == Tok::DotDot) {
        const Token r = cur_;
        if (!advance()) return -1;
        const int hi = arith();
        if (hi < 0) return -1;
        kids.push_back(add(Ast::Range, r, {lo, hi}));
      } else {
        kids.push_back(lo);
      }
      if (cur_.kind == Tok::Comma) {
        if (!advance()) return -1;
        continue;
      }
      if (cur_.kind == Tok::RBrace) break;
      return unexpected() ? 0 : -1;
    }
    if (!advance()) return -1;
    return add(kind, t, std::move(kids));
  }
  int arith() {
    int l = term();
    while (l >= 0 && (cur_.kind == Tok::Plus || cur_.kind == Tok::Minus)) {
      const Token t = cur_;
      if (!advance()) return -1;
      const int r = term();
      if (r < 0) return -1;
      l = add(Ast::Arith, t, {l, r}, t.kind);
    }
    return l;
  }
  int term() {
    int l = unary();
    while (l >= 0 && (cur_.kind == Tok::Star || cur_.kind == Tok::Slash || cur_.kind == Tok::Percent ||
                      cur_.kind == Tok::BitAnd)) {
      const Token t = cur_;
      if (!advance()) return -1;
      const int r = unary();
      if (r < 0) return -1;
      l = add(Ast::Arith, t, {l, r}, t.kind);
    }
    return l;
  }
  int unary() {
    const Nested nested(depth_);
    if (too_deep()) return -1;
    if (cur_.kind == Tok::Minus) {
      const Token t = cur_;
      if (!advance()) return -1;
      const int k = unary();
      return k < 0 ? -1 : add(Ast::Neg, t, {k});
    }
    return primary();
  }
  int primary() {
    int node = -1;
    const Token t = cur_;
    switch (cur_.kind) {
      case Tok::Word: {
        if (!advance()) return -1;
        if (cur_.kind == Tok::LParen) {
          if (!advance()) return -1;
          std::vector<int> args;
          if (cur_.kind != Tok::RParen) {
            for (;;) {
              const int a = arith();
              if (a < 0) return -1;
              args.push_back(a);
              if (cur_.kind == Tok::Comma) {
                if (!advance()) return -1;
                continue;
              }
              break;
            }
          }
          if (cur_.kind != Tok::RParen) return unexpected() ? 0 : -1;
          if (!advance()) return -1;
          node = add(Ast::Call, t, std::move(args));
        } else {
          node = add(Ast::Word, t, {});
        }
        break;
      }
      case Tok::String:
        if (!advance()) return -1;
        node = add(Ast::String, t, {});
        break;
      case Tok::Char:
        if (!advance()) return -1;
        node = add(Ast::Char, t, {});
        break;
      case Tok::LBrace: {
        // Arithmetic grouping: { a + b }.
        if (!advance()) return -1;
        node = arith();
        if (node < 0) return -1;
        if (cur_.kind != Tok::RBrace) return unexpected() ? 0 : -1;
        if (!advance()) return -1;
        break;
      }
      default:
        unexpected();
        return -1;
    }
    while (cur_.kind == Tok::Slice) {
      const Token s = cur_;
      if (!advance()) return -1;
      node = add(Ast::Slice, s, {node});
    }
    return node;
  }

  int depth_ = 0;
  std::string_view text_;
  Lexer lex_;
  Tree& tree_;
  DfilterError& error_;
  Token cur_;
  bool failed_ = false;
};

}  // namespace

bool parse(std::string_view text, Tree& tree, DfilterError& error) {
  tree = Tree{};
  Parser p(text, tree, error);
  return p.run();
}

}  // namespace tcplens::dfilter

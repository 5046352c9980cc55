// A compiled PCRE2 pattern for `matches` / `~`. Wireshark 4.0 compiles display filter
// patterns case-insensitively (epan/dfilter/dfilter.c: G_REGEX_CASELESS; `(?-i)` undoes it)
// and in UTF-8 mode only when asked; the subject is the field's raw bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace tcplens::dfilter {

class Regex {
 public:
  // Null (and PCRE2's `message`) when the pattern does not compile.
  static std::unique_ptr<Regex> compile(std::string_view pattern, std::string& message);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;
  // Thread-safe: each thread uses match data of its own, made once.
  bool search(const std::uint8_t* subject, std::size_t len) const;

 private:
  Regex() = default;
  void* code_ = nullptr;  // pcre2_code_8
};

}  // namespace tcplens::dfilter

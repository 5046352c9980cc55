#include "dfilter/regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace tcplens::dfilter {

namespace {

// One match data block per thread, for every pattern (an ovector of one pair is enough to
// learn whether there is a match).
struct ThreadMatchData {
  pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
  ~ThreadMatchData() { pcre2_match_data_free(data); }
};

}  // namespace

std::unique_ptr<Regex> Regex::compile(std::string_view pattern, std::string& message) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), PCRE2_CASELESS,
                                   &error, &offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(error, buf, sizeof buf);
    message = reinterpret_cast<const char*>(buf);
    return nullptr;
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // best effort: matching works without it
  std::unique_ptr<Regex> r(new Regex);
  r->code_ = code;
  return r;
}

Regex::~Regex() { pcre2_code_free(static_cast<pcre2_code*>(code_)); }

bool Regex::search(const std::uint8_t* subject, std::size_t len) const {
  thread_local ThreadMatchData md;
  static const std::uint8_t kEmpty = 0;
  return pcre2_match(static_cast<pcre2_code*>(code_), subject != nullptr ? subject : &kEmpty, len, 0, 0, md.data,
                     nullptr) >= 0;
}

}  // namespace tcplens::dfilter

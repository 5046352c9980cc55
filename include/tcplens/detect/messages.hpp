// The words of `tcplens detect`: every sentence a finding is explained with, in English and
// Simplified Chinese, in one table of message ids (src/detect/messages.cpp), so that the
// table can move into the gettext catalogs (po/) that `explain` will use.
//
// A message names evidence values in braces ({attempts}, {target}); explain() fills them
// from the finding, so the text and the JSON always carry the same numbers.
#pragma once

#include <string>
#include <string_view>

#include "tcplens/detect/finding.hpp"

namespace tcplens::detect {

enum class Lang : std::uint8_t { En, Zh };
// "en" or "zh" (also "zh_CN", "zh-CN", "zh_CN.UTF-8"); false for anything else.
bool parse_lang(std::string_view text, Lang& lang);

// The message with this id in `lang` (the id itself when there is none).
std::string_view message(std::string_view id, Lang lang);

struct Explanation {
  std::string what;  // what it is
  std::string how;   // how it was recognised (the evidence)
  std::string todo;  // what to do
};
Explanation explain(const Finding& f, Lang lang);

// The value of a finding's field or evidence as explanations print it ("" when absent).
std::string value_text(const Finding& f, std::string_view key, Lang lang);
// Fills every {key} of `text` with value_text().
std::string fill(std::string_view text, const Finding& f, Lang lang);

}  // namespace tcplens::detect

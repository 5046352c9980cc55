// The words of `tcplens explain`: every sentence and label it writes, by message id
// ("handshake.complete", "ladder.span", "teach.time_wait"), with its English text in the code
// (src/explain/messages.cpp) and its translations in gettext catalogs (po/zh_CN.po, compiled
// by msgfmt at build time, installed with the binary). The gettext key of a message is its
// English text in the context of its id (msgctxt), so a translator sees both; a new language
// is one more po/LANG.po file and no code.
//
// Messages name their values in braces ({client_isn}, {closer}); format_message() fills them
// from a finding's parameters, so the text says only what the finding carries.
//
// Catalog lookup: TCPLENS_LOCALEDIR when set; the build tree's catalogs (BUILD/locale, found
// beside the running binary) when run from the build tree, or PREFIX/share/locale beside
// PREFIX/bin/tcplens (an installed tree, moved or not); else the configured install prefix's. All
// translations of a language are looked up once (use_language), then read without locks.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tcplens::explain {

// English (the text in the code), Simplified Chinese (po/zh_CN.po), or another language
// whose catalog a translator added (po/LANG.po; parse_lang() names it).
enum class Lang : std::uint8_t { En, Zh, Other };

// "en" / "zh" / the other language's code ("ja", "fr_CA").
std::string_view to_string(Lang lang);
// A language as --lang or a locale variable names it ("en", "zh", "zh_CN.UTF-8", "ja",
// "fr_CA.UTF-8@euro"): zh* is Chinese; C, POSIX, en* and empty are English; another one is
// Other when a catalog for it (or for its language without the country) exists, and its
// code is kept for to_string(Lang::Other) and use_language(); else English. `found` says
// whether the value named a language there is text for.
Lang parse_lang(std::string_view value, bool* found = nullptr);
// The language the environment asks for: LC_ALL, else LC_MESSAGES, else LANG, through
// parse_lang(). Arguments are the variables' values or null.
Lang lang_from_env(const char* lc_all, const char* lc_messages, const char* lang);

// Loads the catalog of `lang` through gettext (bindtextdomain, LC_MESSAGES, LANGUAGE).
// Call it from the main thread before any worker starts: it may set LANGUAGE. False when
// the catalog was not found (the text is then English). English needs no catalog.
bool use_language(Lang lang);
// Where the catalogs were looked for, and found ("" when not found).
std::string catalog_dir();

// The text of message `id` in `lang`: the translation, else the English text, else the id.
std::string_view message(Lang lang, std::string_view id);
// Every message id with its English text, in catalog order.
struct MessageEntry {
  std::string_view id;
  std::string_view english;
};
const std::vector<MessageEntry>& all_messages();

// A named value.
using Field = std::pair<std::string_view, std::string_view>;
// Replaces every "{name}" of `pattern` by the field of that name; unknown names stay as is.
std::string format_message(std::string_view pattern, const std::vector<Field>& fields);
std::string format_message(std::string_view pattern, std::initializer_list<Field> fields);

}  // namespace tcplens::explain

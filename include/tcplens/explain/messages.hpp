// The explainer's message catalog: every sentence `tcplens explain` writes, once per language
// (English, simplified Chinese), as format strings with named fields ("{isn_c}") so that a
// translator can reorder them. A message is identified by a stable code ("handshake_complete")
// that the JSON output carries beside the rendered text.
//
// Catalogs are static tables (src/explain/messages.cpp); strings are UTF-8 and live for the
// whole program.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace tcplens::explain {

enum class Lang : std::uint8_t { En, Zh };

// "en" / "zh".
std::string_view to_string(Lang lang);
// The language the environment asks for: LC_ALL, else LC_MESSAGES, else LANG; "zh..." is
// Chinese, anything else (or nothing) English. Arguments are the variables' values or null.
Lang lang_from_env(const char* lc_all, const char* lc_messages, const char* lang);

enum class Msg : std::uint16_t {
  // Ladder labels.
  LadderTitle,
  LadderClient,
  LadderServer,
  LadderTime,
  LadderOmitted,
  StoryTitle,
  // Handshake.
  HandshakeComplete,
  HandshakeSimultaneous,
  HandshakeUnanswered,
  HandshakeRejected,
  HandshakeNoFinalAck,
  HandshakeNotSeen,
  SynRetried,
  Options,
  OptionMss,
  OptionWindowScale,
  OptionNoWindowScale,
  OptionSack,
  OptionTimestamps,
  OptionsNone,
  ListSeparator,
  // Data.
  DataClientToServer,
  DataServerToClient,
  DataRetransmissions,
  DataNone,
  DataClientToServerNone,
  DataServerToClientNone,
  // Teardown.
  CloseFourWay,
  CloseThreeWay,
  CloseSimultaneous,
  CloseHalf,
  CloseHalfThenFour,
  CloseReset,
  CloseResetAfterFin,
  CloseOpen,
  TimeWaitOne,
  TimeWaitBoth,
  TimeWaitNoneReset,
  FinalStates,
  SideClient,
  SideServer,
  kCount,
};

// The stable code of a message ("handshake_complete").
std::string_view code(Msg msg);
// The format string of a message in a language.
std::string_view pattern(Lang lang, Msg msg);

// A named field's value.
using Field = std::pair<std::string_view, std::string>;
// Replaces every "{name}" of `pattern` by the field of that name; unknown names stay as is.
std::string format_message(std::string_view pattern, std::initializer_list<Field> fields);
inline std::string render(Lang lang, Msg msg, std::initializer_list<Field> fields = {}) {
  return format_message(pattern(lang, msg), fields);
}

}  // namespace tcplens::explain

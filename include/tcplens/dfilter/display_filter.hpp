// Wireshark display filters (tshark -Y), compiled by tcplens: the grammar and meaning of
// tshark 4.0.17 (docs/display-filters.md lists every field, operator and difference).
//
// DisplayFilter::compile() lexes, parses and checks the text against the field registry
// (Wireshark's names and types), converts every literal to its field's type and keeps a flat
// program; matches() evaluates it on one PacketEvent without allocating (values are read
// straight from the event's decoded packet, analysis and stream summary). Errors carry
// tshark's wording and the place it marks (`at`, `len`: 0-based characters of the text).
//
// A filter that reads application fields (http.*, dns.*) follows each stream's application
// data as tshark's single pass does (the Wireshark-style renderer's reassembly), so it needs
// every packet in order: it asks the engine for stream numbers, which runs one worker. The
// compiled filter is otherwise const and shared by the engine's workers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "tcplens/engine/engine.hpp"

namespace tcplens {

struct DfilterError {
  std::string message;  // as tshark words it, without "tshark: "
  int at = -1;          // where tshark's ^~~ marker starts; -1: no marker
  int len = 0;
};

namespace dfilter {
struct Program;
}

class DisplayFilter final : public PacketFilter {
 public:
  // Null (and `error`) when the text is not a valid filter.
  static std::unique_ptr<DisplayFilter> compile(std::string_view text, DfilterError& error);
  ~DisplayFilter() override;

  std::uint32_t needs() const override;
  bool matches(const PacketEvent& event) const override;
  // With conn.* fields: the record's values (every packet field is absent).
  bool matches_record(const ConnectionRecord& record) const override;
  // Does the filter read conn.* fields?
  bool reads_connections() const;
  const std::string& text() const { return text_; }

 private:
  explicit DisplayFilter(std::unique_ptr<dfilter::Program> program, std::string text);
  std::unique_ptr<dfilter::Program> program_;
  std::string text_;
};

// "tcplens: MESSAGE\n    FILTER\n    ^~~~" as tshark prints it (the marker line only when
// the error has a place).
std::string format_dfilter_error(std::string_view text, const DfilterError& error);

}  // namespace tcplens

// OrderedText stages for outputs that cannot be written as their items come, kept within
// bounded memory by spilling to unlinked temporary files:
//
//  - AlignedTable: rows of tab-separated cells, written at the end with every column as wide
//    as its widest cell (the conns table). Rows are held up to a budget, then spilled.
//  - SortedLines: lines written in order of a key (Zeek's conn.log is in order of start time),
//    ties broken by the line's text; runs sorted in memory are spilled and merged at the end.
//
// Both write through an Output to a file descriptor; nothing is written before finish().
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tcplens/engine/sink.hpp"
#include "tcplens/render/output.hpp"

namespace tcplens {

// Bytes appended in memory up to a budget, then to an unlinked temporary file; read back once.
class SpillBuffer {
 public:
  explicit SpillBuffer(std::size_t budget) : budget_(budget) {}
  ~SpillBuffer();
  SpillBuffer(const SpillBuffer&) = delete;
  SpillBuffer& operator=(const SpillBuffer&) = delete;
  bool append(std::string_view bytes);
  // Calls `chunk` with the bytes in order, in pieces that end on a '\n'. False on a read error.
  bool read_lines(const std::function<bool(std::string_view)>& line);
  bool spilled() const { return file_ != nullptr; }

 private:
  std::size_t budget_;
  std::string memory_;
  std::FILE* file_ = nullptr;
};

class AlignedTable final : public OrderedText {
 public:
  AlignedTable(int fd, std::vector<std::string> header, std::size_t memory_budget = 16u << 20);
  // Live: the header and each row are written (and flushed) at once, every column as wide
  // as the widest cell so far, so a row is seen when its connection ends.
  void write_rows_at_once() { at_once_ = true; }
  bool write(std::string_view row, std::uint64_t sort_key) override;
  bool finish() override;

 private:
  void measure(std::string_view row);
  void put_row(std::string_view row);
  void put_header();
  bool at_once_ = false;
  bool header_written_ = false;
  Output out_;
  std::vector<std::string> header_;
  std::vector<std::size_t> width_;
  SpillBuffer rows_;
  bool failed_ = false;
};

class SortedLines final : public OrderedText {
 public:
  // `header` is written first; `decorate(n, line, out)` writes the n-th line (from 1) in
  // order, e.g. with a number inserted.
  using Decorate = std::function<void(std::uint64_t, std::string_view, Output&)>;
  SortedLines(int fd, std::string header, Decorate decorate, std::size_t memory_budget = 4u << 20);
  ~SortedLines() override;
  bool write(std::string_view line, std::uint64_t sort_key) override;
  bool finish() override;

 private:
  struct Run;
  bool spill();
  Output out_;
  std::string header_;
  Decorate decorate_;
  std::size_t budget_;
  std::string text_;  // lines held: key (8 bytes), length (4), bytes
  std::vector<std::uint32_t> at_;
  std::vector<std::unique_ptr<Run>> runs_;
  bool failed_ = false;
};

// A key that orders doubles as uint64 (for SortedLines).
std::uint64_t ordered_key(double v);

}  // namespace tcplens

#include "tcplens/render/ordered_text.hpp"

#include <algorithm>
#include <cstring>
#include <queue>

namespace tcplens {

namespace {

constexpr std::size_t kReadChunk = 1u << 20;
constexpr std::size_t kLineRoom = 64u << 10;  // a line past the budget, before the spill

}  // namespace

SpillBuffer::~SpillBuffer() {
  if (file_ != nullptr) std::fclose(file_);
}

bool SpillBuffer::append(std::string_view bytes) {
  if (file_ == nullptr && memory_.size() + bytes.size() <= budget_) {
    memory_.append(bytes);
    return true;
  }
  if (file_ == nullptr) {
    file_ = std::tmpfile();  // unlinked: nothing is left behind, whatever happens
    if (file_ == nullptr) return false;
  }
  if (!memory_.empty()) {
    if (std::fwrite(memory_.data(), 1, memory_.size(), file_) != memory_.size()) return false;
    memory_.clear();
    memory_.shrink_to_fit();
  }
  return std::fwrite(bytes.data(), 1, bytes.size(), file_) == bytes.size();
}

bool SpillBuffer::read_lines(const std::function<bool(std::string_view)>& line) {
  auto each_line = [&](std::string_view text, std::string* rest) {
    std::size_t at = 0;
    for (std::size_t nl; (nl = text.find('\n', at)) != std::string_view::npos; at = nl + 1)
      if (!line(text.substr(at, nl + 1 - at))) return false;
    if (rest != nullptr) rest->assign(text.substr(at));
    return true;
  };
  if (file_ == nullptr) return each_line(memory_, nullptr);
  if (std::fflush(file_) != 0 || std::fseek(file_, 0, SEEK_SET) != 0) return false;
  std::string buffer, rest;
  buffer.resize(kReadChunk);
  for (;;) {
    const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), file_);
    if (n == 0) break;
    std::string text = rest;
    text.append(buffer.data(), n);
    if (!each_line(text, &rest)) return false;
  }
  if (std::ferror(file_)) return false;
  return rest.empty() || line(rest);
}

AlignedTable::AlignedTable(int fd, std::vector<std::string> header, std::size_t memory_budget)
    : out_(fd), header_(std::move(header)), width_(header_.size(), 0), rows_(memory_budget) {
  for (std::size_t k = 0; k < header_.size(); ++k) width_[k] = header_[k].size();
}

void AlignedTable::measure(std::string_view row) {
  std::size_t k = 0, start = 0;
  for (std::size_t i = 0; i <= row.size(); ++i) {
    if (i == row.size() || row[i] == '\t' || row[i] == '\n') {
      if (k >= width_.size()) width_.resize(k + 1, 0);
      width_[k] = std::max(width_[k], i - start);
      ++k;
      start = i + 1;
      if (i < row.size() && row[i] == '\n') break;
    }
  }
}

bool AlignedTable::write(std::string_view row, std::uint64_t) {
  measure(row);
  if (at_once_) {
    put_header();
    put_row(row);
    if (!out_.flush()) failed_ = true;
    return !failed_;
  }
  if (!rows_.append(row)) failed_ = true;
  return !failed_;
}

void AlignedTable::put_header() {
  if (header_written_) return;
  header_written_ = true;
  std::string head;
  for (std::size_t k = 0; k < header_.size(); ++k) {
    if (k) head += '\t';
    head += header_[k];
  }
  put_row(head);
}

void AlignedTable::put_row(std::string_view row) {
  if (!row.empty() && row.back() == '\n') row.remove_suffix(1);
  std::size_t k = 0, start = 0;
  for (std::size_t i = 0; i <= row.size(); ++i) {
    if (i < row.size() && row[i] != '\t') continue;
    const std::string_view cell = row.substr(start, i - start);
    out_.put(cell);
    if (i < row.size())
      for (std::size_t p = cell.size(); p < width_[k] + 2; ++p) out_.put(' ');
    ++k;
    start = i + 1;
  }
  out_.put('\n');
}

bool AlignedTable::finish() {
  put_header();
  const bool read = rows_.read_lines([&](std::string_view row) {
    put_row(row);
    return out_.flush_if_large();
  });
  return out_.flush() && read && !failed_;
}

std::uint64_t ordered_key(double v) {
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return (bits >> 63) ? ~bits : bits | (std::uint64_t{1} << 63);
}

// A sorted run spilled to a temporary file, read back line by line.
struct SortedLines::Run {
  std::FILE* file = nullptr;
  std::uint64_t key = 0;
  std::string line;
  ~Run() {
    if (file != nullptr) std::fclose(file);
  }
  // Reads the next record (key, length, bytes); false at the end.
  bool next() {
    std::uint32_t len = 0;
    if (std::fread(&key, sizeof key, 1, file) != 1 || std::fread(&len, sizeof len, 1, file) != 1) return false;
    line.resize(len);
    return std::fread(line.data(), 1, len, file) == len;
  }
};

SortedLines::SortedLines(int fd, std::string header, Decorate decorate, std::size_t memory_budget)
    : out_(fd), header_(std::move(header)), decorate_(std::move(decorate)), budget_(memory_budget) {}

SortedLines::~SortedLines() = default;

bool SortedLines::write(std::string_view line, std::uint64_t sort_key) {
  // Room for the whole run at once: grown by doubling, the buffer would hold up to twice the
  // budget for the rest of the run (spill() keeps it for the next run).
  if (text_.capacity() < budget_ + kLineRoom) text_.reserve(budget_ + kLineRoom);
  at_.push_back(static_cast<std::uint32_t>(text_.size()));
  const auto len = static_cast<std::uint32_t>(line.size());
  text_.append(reinterpret_cast<const char*>(&sort_key), sizeof sort_key);
  text_.append(reinterpret_cast<const char*>(&len), sizeof len);
  text_.append(line);
  if (text_.size() >= budget_ && !spill()) failed_ = true;
  return !failed_;
}

namespace {

struct Held {
  std::uint64_t key;
  std::string_view line;
};

Held held_at(const std::string& text, std::uint32_t at) {
  Held h;
  std::uint32_t len;
  std::memcpy(&h.key, text.data() + at, sizeof h.key);
  std::memcpy(&len, text.data() + at + 8, sizeof len);
  h.line = std::string_view(text.data() + at + 12, len);
  return h;
}

bool before(std::uint64_t ka, std::string_view la, std::uint64_t kb, std::string_view lb) {
  return ka != kb ? ka < kb : la < lb;
}

}  // namespace

bool SortedLines::spill() {
  std::sort(at_.begin(), at_.end(), [&](std::uint32_t a, std::uint32_t b) {
    const Held x = held_at(text_, a), y = held_at(text_, b);
    return before(x.key, x.line, y.key, y.line);
  });
  auto run = std::make_unique<Run>();
  run->file = std::tmpfile();
  if (run->file == nullptr) return false;
  for (std::uint32_t a : at_) {
    const Held h = held_at(text_, a);
    const auto len = static_cast<std::uint32_t>(h.line.size());
    if (std::fwrite(&h.key, sizeof h.key, 1, run->file) != 1 ||
        std::fwrite(&len, sizeof len, 1, run->file) != 1 ||
        std::fwrite(h.line.data(), 1, len, run->file) != len)
      return false;
  }
  if (std::fflush(run->file) != 0 || std::fseek(run->file, 0, SEEK_SET) != 0) return false;
  runs_.push_back(std::move(run));
  text_.clear();
  at_.clear();
  return true;
}

bool SortedLines::finish() {
  out_.put(header_);
  std::uint64_t n = 0;
  if (runs_.empty()) {
    std::sort(at_.begin(), at_.end(), [&](std::uint32_t a, std::uint32_t b) {
      const Held x = held_at(text_, a), y = held_at(text_, b);
      return before(x.key, x.line, y.key, y.line);
    });
    for (std::uint32_t a : at_) {
      decorate_(++n, held_at(text_, a).line, out_);
      if (!out_.flush_if_large()) break;
    }
    return out_.flush() && !failed_;
  }
  if (!at_.empty() && !spill()) failed_ = true;
  // Merge the runs: a heap of the run with the smallest line first.
  auto later = [](const Run* a, const Run* b) { return before(b->key, b->line, a->key, a->line); };
  std::priority_queue<Run*, std::vector<Run*>, decltype(later)> heap(later);
  for (auto& r : runs_)
    if (r->next()) heap.push(r.get());
  while (!heap.empty()) {
    Run* r = heap.top();
    heap.pop();
    decorate_(++n, r->line, out_);
    if (!out_.flush_if_large()) break;
    if (r->next()) heap.push(r);
  }
  return out_.flush() && !failed_;
}

}  // namespace tcplens

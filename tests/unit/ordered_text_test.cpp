// The staged outputs spill to temporary files past their memory budget: what they write must
// not depend on the budget (one run in memory, or many runs merged from files).
#include "tcplens/render/ordered_text.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace tcplens {
namespace {

// Runs `write` on a stage writing to a temporary file and returns the bytes written.
template <typename Make, typename Feed>
std::string staged_output(Make make, Feed feed) {
  std::FILE* f = std::tmpfile();
  EXPECT_NE(f, nullptr);
  {
    auto stage = make(fileno(f));
    feed(*stage);
    EXPECT_TRUE(stage->finish());
  }
  std::string out;
  std::rewind(f);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
  std::fclose(f);
  return out;
}

struct Line {
  std::uint64_t key;
  std::string text;
};

std::vector<Line> random_lines(std::size_t count) {
  std::mt19937_64 rng(7);
  std::vector<Line> lines;
  for (std::size_t i = 0; i < count; ++i) {
    // Few distinct keys, so that ties (broken by the text) cross runs.
    std::string text = "line " + std::to_string(rng() % 1000) + std::string(rng() % 40, 'x') + "\n";
    lines.push_back({rng() % 50, text});
  }
  return lines;
}

TEST(SortedLines, SpilledRunsMergeToTheSameBytes) {
  const auto lines = random_lines(5000);
  auto with_budget = [&](std::size_t budget) {
    return staged_output(
        [&](int fd) {
          return std::make_unique<SortedLines>(
              fd, "#header\n",
              [](std::uint64_t n, std::string_view line, Output& out) {
                out.put(std::to_string(n));
                out.put(" ");
                out.put(line);
              },
              budget);
        },
        [&](SortedLines& s) {
          for (const Line& l : lines) ASSERT_TRUE(s.write(l.text, l.key));
        });
  };
  const std::string whole = with_budget(std::size_t{1} << 24);
  ASSERT_EQ(whole.substr(0, 8), "#header\n");
  EXPECT_EQ(std::count(whole.begin(), whole.end(), '\n'), 5001);
  EXPECT_EQ(with_budget(1000), whole);  // dozens of runs
  EXPECT_EQ(with_budget(1), whole);     // a run per line
}

TEST(AlignedTable, SpilledRowsGiveTheSameTable) {
  std::mt19937_64 rng(11);
  std::vector<std::string> rows;
  for (int i = 0; i < 3000; ++i)
    rows.push_back(std::to_string(rng() % 100000) + "\t" + std::string(rng() % 30, 'y') + "\tz\n");
  auto with_budget = [&](std::size_t budget) {
    return staged_output(
        [&](int fd) { return std::make_unique<AlignedTable>(fd, std::vector<std::string>{"A", "B", "C"}, budget); },
        [&](AlignedTable& t) {
          for (std::size_t i = 0; i < rows.size(); ++i) ASSERT_TRUE(t.write(rows[i], i));
        });
  };
  const std::string whole = with_budget(std::size_t{1} << 24);
  EXPECT_EQ(std::count(whole.begin(), whole.end(), '\n'), 3001);
  EXPECT_EQ(with_budget(100), whole);
}

}  // namespace
}  // namespace tcplens

// Small text helpers shared by the golden-test runners.
#pragma once

#include <string>
#include <vector>

namespace tcplens::golden {

// Splits on every `sep`, keeping empty fields (TSV cells may be empty).
inline std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

}  // namespace tcplens::golden

// Replays every input kept in fuzz/regressions/ (crashes the fuzzers found, after the fix)
// through the same code as the fuzz targets, so a regression fails the normal test suite
// (and, in the ASan+UBSan build, any out-of-bounds read does too).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "../../fuzz/fuzz_targets.hpp"

namespace {

namespace fs = std::filesystem;

std::vector<std::uint8_t> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

template <typename Target>
int replay(const char* dir, Target target) {
  int count = 0;
  fs::path root = fs::path(TCPLENS_SOURCE_DIR) / "fuzz" / "regressions" / dir;
  if (!fs::exists(root)) return 0;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().filename() == "README") continue;
    auto bytes = read_file(entry.path());
    target(bytes.data(), bytes.size());
    ++count;
  }
  return count;
}

TEST(FuzzRegressions, RenderInputsReplayCleanly) {
  int n = replay("render", tcplens::fuzz::render_one);
  RecordProperty("inputs", n);
}

TEST(FuzzRegressions, PcapInputsReplayCleanly) {
  int n = replay("pcap", tcplens::fuzz::pcap_one);
  RecordProperty("inputs", n);
}

TEST(FuzzRegressions, DecodeInputsReplayCleanly) {
  int n = replay("decode", tcplens::fuzz::decode_one);
  RecordProperty("inputs", n);
}

TEST(FuzzRegressions, FilterInputsReplayCleanly) {
  int n = replay("filter", tcplens::fuzz::filter_one);
  RecordProperty("inputs", n);
}

TEST(FuzzRegressions, FlowInputsReplayCleanly) {
  int n = replay("flow", tcplens::fuzz::flow_one);
  RecordProperty("inputs", n);
}

}  // namespace

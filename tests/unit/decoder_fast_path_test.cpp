// The decoder's fast path for plain Ethernet + IPv4 + TCP gives what its general path gives,
// on every packet of every corpus capture (the decode fuzzer checks the same on its inputs).
#include <gtest/gtest.h>

#include <filesystem>

#include "fuzz_targets.hpp"

namespace tcplens {
namespace {

TEST(DecoderFastPath, SameAsTheGeneralPathOnTheCorpus) {
  namespace fs = std::filesystem;
  const fs::path corpus = fs::path(TCPLENS_SOURCE_DIR) / ".." / "shared" / "corpus";
  ASSERT_TRUE(fs::is_directory(corpus)) << corpus;
  std::size_t packets = 0, files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
    const std::string ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".pcap" && ext != ".pcapng" && ext != ".cap")) continue;
    std::string error;
    auto source = PcapFileSource::open(entry.path(), error);
    if (!source) continue;
    ++files;
    PacketDecoder fast, general;
    general.set_fast_path(false);
    RawPacket raw;
    while (source->next(raw) == ReadStatus::Ok) {
      ++packets;
      ASSERT_TRUE(fuzz::same_decoding(fast.decode(raw), general.decode(raw)))
          << entry.path() << " packet " << raw.number;
    }
  }
  EXPECT_GT(files, 200u);
  EXPECT_GT(packets, 30000u);
}

}  // namespace
}  // namespace tcplens

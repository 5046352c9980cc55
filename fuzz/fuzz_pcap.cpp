// libFuzzer driver: a whole capture file through the reader and renderer (fuzz_targets.hpp).
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tcplens::fuzz::pcap_one(data, size);
  return 0;
}

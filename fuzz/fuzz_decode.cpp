// libFuzzer driver: one packet through the decoder and the stream tracker (fuzz_targets.hpp).
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tcplens::fuzz::decode_one(data, size);
  return 0;
}

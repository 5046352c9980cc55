// libFuzzer driver: a packet sequence through the decoder and two trackers, as tshark's two
// passes (fuzz_targets.hpp).
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tcplens::fuzz::flow_one(data, size);
  return 0;
}

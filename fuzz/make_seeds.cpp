// Makes fuzzing seeds from the reference corpus: make_seeds CORPUS_DIR OUT_DIR
//   OUT_DIR/render: one seed per packet ([link index][options][0][packet]), every packet of
//                   the tcpdump-crash captures and the first 20 of the others;
//   OUT_DIR/pcap:   every corpus capture of at most 64 KiB.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "fuzz_targets.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: make_seeds CORPUS_DIR OUT_DIR\n";
    return 2;
  }
  const fs::path corpus = argv[1], out = argv[2];
  fs::create_directories(out / "render");
  fs::create_directories(out / "pcap");
  unsigned seeds = 0;
  for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
    const auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".pcap" && ext != ".pcapng")) continue;
    if (entry.file_size() <= 65536)
      fs::copy_file(entry.path(), out / "pcap" / entry.path().filename(),
                    fs::copy_options::overwrite_existing);
    std::string error;
    auto source = tcplens::PcapFileSource::open(entry.path().string(), error);
    if (!source) continue;
    const bool crash = entry.path().string().find("crash") != std::string::npos;
    tcplens::RawPacket packet;
    for (int i = 0; i < (crash ? 1000 : 20) && source->next(packet) == tcplens::ReadStatus::Ok; ++i) {
      int link = -1;
      for (int k = 0; k < static_cast<int>(std::size(tcplens::fuzz::kRenderLinkTypes)); ++k)
        if (tcplens::fuzz::kRenderLinkTypes[k] == packet.linktype) link = k;
      if (link < 0) break;
      std::ofstream f(out / "render" / std::to_string(seeds++), std::ios::binary);
      const char head[3] = {static_cast<char>(link), static_cast<char>((seeds * 37) & 0xFF), 0};
      f.write(head, 3);
      f.write(reinterpret_cast<const char*>(packet.data.data()), packet.caplen);
    }
  }
  std::cout << seeds << " render seeds\n";
  return 0;
}

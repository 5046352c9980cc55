// Makes fuzzing seeds from the reference corpus: make_seeds CORPUS_DIR OUT_DIR [CAPTURE_DIR...]
//   OUT_DIR/render: one seed per packet ([link index][options][0][packet]), every packet of
//                   the tcpdump-crash captures and the first 20 of the others; of each
//                   CAPTURE_DIR (tests/data: a capture per protocol printer), the first 200;
//   OUT_DIR/pcap:   every corpus capture of at most 64 KiB;
//   OUT_DIR/filter: every display filter of dfilter/FILTERS.tsv and INVALID.tsv, each with
//                   the first packets of an HTTP capture (fuzz_targets.hpp filter_one).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "fuzz_targets.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: make_seeds CORPUS_DIR OUT_DIR [CAPTURE_DIR...]\n";
    return 2;
  }
  const fs::path corpus = argv[1], out = argv[2];
  fs::create_directories(out / "render");
  fs::create_directories(out / "pcap");
  unsigned seeds = 0;
  // Every capture under `dir`: whole as a pcap seed if small, its first packets (`limit`, or
  // `crash_limit` for tcpdump's crash captures) as render seeds.
  auto seed_captures = [&](const fs::path& dir, int limit, int crash_limit) {
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
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
      for (int i = 0; i < (crash ? crash_limit : limit) && source->next(packet) == tcplens::ReadStatus::Ok; ++i) {
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
  };
  seed_captures(corpus, 20, 1000);
  for (int k = 3; k < argc; ++k) seed_captures(argv[k], 200, 200);
  std::cout << seeds << " render seeds\n";

  fs::create_directories(out / "filter");
  std::string packets;
  {
    std::string error;
    auto source = tcplens::PcapFileSource::open((corpus / "live/http-get/get-http-server.pcap").string(), error);
    tcplens::RawPacket packet;
    for (int i = 0; source && i < 12 && source->next(packet) == tcplens::ReadStatus::Ok; ++i) {
      // The capture is Ethernet: its IP packet alone, as raw IP (kRenderLinkTypes[5]).
      if (packet.caplen <= 14) continue;
      const std::size_t len = std::min<std::size_t>(packet.caplen - 14, 0xfff);
      packets += static_cast<char>((5 << 4) | (len >> 8));
      packets += static_cast<char>(len & 0xff);
      packets.append(reinterpret_cast<const char*>(packet.data.data()) + 14, len);
    }
  }
  unsigned filters = 0;
  for (const char* name : {"FILTERS.tsv", "INVALID.tsv"}) {
    std::ifstream tsv(corpus / "dfilter" / name);
    std::string line;
    std::getline(tsv, line);  // header
    while (std::getline(tsv, line)) {
      const std::size_t tab = line.find('\t');
      std::string text = name[0] == 'F' ? line.substr(tab + 1, line.find('\t', tab + 1) - tab - 1) : line.substr(0, tab);
      std::ofstream f(out / "filter" / std::to_string(filters++), std::ios::binary);
      f << text << '\0' << packets;
    }
  }
  std::cout << filters << " filter seeds\n";
  return 0;
}

// Every capture of the reference corpus (../shared/corpus), for tests that run a component
// over all of them.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "tcplens/capture/pcap_file_source.hpp"

namespace tcplens::test {

// Calls f(path, source) for each capture file the reader opens; returns how many.
template <class F>
std::size_t for_each_corpus_capture(F&& f) {
  namespace fs = std::filesystem;
  const fs::path corpus = fs::path(TCPLENS_SOURCE_DIR) / ".." / "shared" / "corpus";
  std::size_t files = 0;
  if (!fs::is_directory(corpus)) return 0;
  for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
    const std::string ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".pcap" && ext != ".pcapng" && ext != ".cap")) continue;
    std::string error;
    auto source = PcapFileSource::open(entry.path(), error);
    if (!source) continue;
    ++files;
    f(entry.path(), *source);
  }
  return files;
}

}  // namespace tcplens::test

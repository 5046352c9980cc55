#include "tcplens/capture/pcap_writer.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tcplens {

namespace {

void put_le32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v);
  p[1] = static_cast<std::uint8_t>(v >> 8);
  p[2] = static_cast<std::uint8_t>(v >> 16);
  p[3] = static_cast<std::uint8_t>(v >> 24);
}

}  // namespace

PcapWriter::~PcapWriter() {
  if (file_ != nullptr) close();
}

bool PcapWriter::fail(const char* what) {
  error_ = std::string(what) + ": " + std::strerror(errno);
  return false;
}

bool PcapWriter::open(const std::string& path, std::uint32_t linktype, std::uint32_t snaplen,
                      bool nano) {
  path_ = path;
  nano_ = nano;
  if (path == "-") {
    to_stdout_ = true;
    file_ = fdopen(dup(1), "wb");
  } else {
    temp_path_ = path + ".tcplens-partial";
    file_ = std::fopen(temp_path_.c_str(), "wb");
  }
  if (file_ == nullptr) return fail(path.c_str());
  std::uint8_t header[24];
  put_le32(header, nano ? 0xa1b23c4d : 0xa1b2c3d4);
  header[4] = 2;
  header[5] = 0;
  header[6] = 4;
  header[7] = 0;
  put_le32(header + 8, 0);
  put_le32(header + 12, 0);
  put_le32(header + 16, snaplen);
  put_le32(header + 20, linktype);
  if (std::fwrite(header, 1, sizeof header, file_) != sizeof header) return fail(path.c_str());
  return true;
}

bool PcapWriter::write(const RawPacket& packet) {
  std::uint8_t header[16];
  put_le32(header, static_cast<std::uint32_t>(packet.ts.sec));
  put_le32(header + 4, static_cast<std::uint32_t>(nano_ ? packet.ts.nsec : packet.ts.nsec / 1000));
  put_le32(header + 8, packet.caplen);
  put_le32(header + 12, packet.wirelen);
  if (std::fwrite(header, 1, sizeof header, file_) != sizeof header ||
      std::fwrite(packet.data.data(), 1, packet.caplen, file_) != packet.caplen)
    return fail(path_.c_str());
  return true;
}

bool PcapWriter::flush() {
  if (file_ != nullptr && std::fflush(file_) != 0) return fail(path_.c_str());
  return true;
}

bool PcapWriter::close() {
  if (file_ == nullptr) return error_.empty();
  bool ok = std::fflush(file_) == 0;
  if (!ok) fail(path_.c_str());
  if (std::fclose(file_) != 0 && ok) ok = fail(path_.c_str());
  file_ = nullptr;
  if (!to_stdout_) {
    // Even after a write error the complete packets before it are kept: the file is cut
    // back to the last complete record by the writer's caller only if it chooses to.
    if (std::rename(temp_path_.c_str(), path_.c_str()) != 0 && ok) ok = fail(path_.c_str());
  }
  return ok;
}

void PcapWriter::abandon() {
  if (file_ != nullptr) {
    std::fclose(file_);
    file_ = nullptr;
  }
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
}

}  // namespace tcplens

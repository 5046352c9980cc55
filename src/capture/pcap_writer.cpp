#include "tcplens/capture/pcap_writer.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace tcplens {

namespace {

constexpr std::size_t kFlushAt = 1 << 20;

void put_le32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v);
  p[1] = static_cast<std::uint8_t>(v >> 8);
  p[2] = static_cast<std::uint8_t>(v >> 16);
  p[3] = static_cast<std::uint8_t>(v >> 24);
}

}  // namespace

PcapWriter::~PcapWriter() {
  if (fd_ >= 0) close();
}

bool PcapWriter::fail(const char* what, int err) {
  if (error_.empty()) error_ = std::string(what) + ": " + std::strerror(err);
  failed_ = true;
  return false;
}

void PcapWriter::append(const void* bytes, std::size_t size) {
  const auto* p = static_cast<const std::uint8_t*>(bytes);
  buffer_.insert(buffer_.end(), p, p + size);
}

bool PcapWriter::open_locked(const std::string& path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) return fail(path_.c_str(), errno);
  // Watch out: truncate only once the lock is ours, or the other writer's file is lost.
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) {
      error_ = path_ + ": another capture is writing this file";
      failed_ = true;
      return false;
    }
    return fail(path_.c_str(), err);
  }
  if (::ftruncate(fd_, 0) != 0) return fail(path_.c_str(), errno);
  return true;
}

bool PcapWriter::open(const std::string& path, std::uint32_t linktype, std::uint32_t snaplen,
                      bool nano, Mode mode) {
  path_ = path;
  nano_ = nano;
  in_place_ = mode == Mode::InPlace;
  buffer_.reserve(kFlushAt + 65536);
  if (path == "-") {
    to_stdout_ = true;
    fd_ = ::dup(1);
    if (fd_ < 0) return fail(path.c_str(), errno);
  } else if (in_place_) {
    if (!open_locked(path)) return false;
  } else {
    temp_path_ = path + ".tcplens-partial";
    if (!open_locked(temp_path_)) return false;
  }
  std::uint8_t header[24];
  put_le32(header, nano ? 0xa1b23c4d : 0xa1b2c3d4);
  header[4] = 2;  // version 2.4
  header[5] = 0;
  header[6] = 4;
  header[7] = 0;
  put_le32(header + 8, 0);   // thiszone
  put_le32(header + 12, 0);  // sigfigs
  put_le32(header + 16, snaplen);
  put_le32(header + 20, linktype);
  append(header, sizeof header);
  record_ends_.push_back(buffer_.size());
  return flush();
}

bool PcapWriter::write(const RawPacket& packet) {
  if (failed_) return false;
  std::uint8_t header[16];
  put_le32(header, static_cast<std::uint32_t>(packet.ts.sec));
  put_le32(header + 4, static_cast<std::uint32_t>(nano_ ? packet.ts.nsec : packet.ts.nsec / 1000));
  put_le32(header + 8, packet.caplen);
  put_le32(header + 12, packet.wirelen);
  append(header, sizeof header);
  append(packet.data.data(), packet.caplen);
  record_ends_.push_back(buffer_.size());
  ++records_;
  return buffer_.size() >= kFlushAt ? flush() : true;
}

bool PcapWriter::flush() {
  if (fd_ < 0) return !failed_;
  std::size_t done = 0;
  int err = 0;
  while (done < buffer_.size()) {
    ssize_t w = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    if (w == 0) {
      err = ENOSPC;
      break;
    }
    done += static_cast<std::size_t>(w);
  }
  if (err != 0) {
    // Keep only whole records: cut the file back to the last record that fully landed.
    std::size_t keep = 0;
    for (std::size_t end : record_ends_)
      if (end <= done) keep = end;
    if (!to_stdout_ && ::ftruncate(fd_, static_cast<off_t>(file_size_ + keep)) != 0) {
      // Nothing more can be done; the error below is reported either way.
    }
    file_size_ += keep;
    buffer_.clear();
    record_ends_.clear();
    return fail(path_.c_str(), err);
  }
  file_size_ += done;
  buffer_.clear();
  record_ends_.clear();
  return true;
}

bool PcapWriter::close() {
  if (fd_ < 0) return !failed_;
  bool ok = failed_ ? false : flush();
  if (!to_stdout_ && !in_place_ && std::rename(temp_path_.c_str(), path_.c_str()) != 0 && ok)
    ok = fail(path_.c_str(), errno);
  // Closed after the rename: the lock goes with the descriptor.
  if (::close(fd_) != 0 && ok) ok = fail(path_.c_str(), errno);
  fd_ = -1;
  return ok;
}

}  // namespace tcplens

#include "tcplens/capture/capture_files.hpp"

#include <climits>
#include <cstdio>

namespace tcplens {

std::string CaptureFiles::file_name(const std::string& pattern, int n, int digits, bool strftime_it,
                                    std::time_t when) {
  std::string base = pattern;
  if (strftime_it) {
    std::tm local{};
    localtime_r(&when, &local);
    char buffer[PATH_MAX];
    const std::size_t len = std::strftime(buffer, sizeof buffer, pattern.c_str(), &local);
    base.assign(buffer, len);
  }
  if (n == 0 && digits == 0) return base;
  char number[32];
  std::snprintf(number, sizeof number, "%0*d", digits, n);
  return base + number;
}

bool CaptureFiles::open_file() {
  const int count = o_.max_bytes != 0 ? size_count_ : 0;
  name_ = file_name(o_.path, count, o_.max_bytes != 0 ? digits_ : 0, o_.seconds != 0, started_);
  writer_ = std::make_unique<PcapWriter>();
  if (!writer_->open(name_, linktype_, snaplen_, nano_, o_.mode)) {
    error_ = writer_->error();
    return false;
  }
  return true;
}

bool CaptureFiles::open(const RotationOptions& options, std::uint32_t linktype, std::uint32_t snaplen,
                        bool nano) {
  o_ = options;
  linktype_ = linktype;
  snaplen_ = snaplen;
  nano_ = nano;
  for (int x = static_cast<int>(o_.max_files) - 1; x > 0; x /= 10) ++digits_;  // getWflagChars()
  started_ = std::time(nullptr);
  if (o_.path.empty()) {
    error_ = "an empty string is not a valid file name";
    return false;
  }
  return open_file();
}

bool CaptureFiles::write(const RawPacket& packet) {
  if (o_.seconds != 0) {
    const std::time_t now = std::time(nullptr);
    if (now - started_ >= static_cast<std::time_t>(o_.seconds)) {
      started_ = now;
      ++time_count_;
      if (!writer_->close()) {
        error_ = writer_->error();
        return false;
      }
      if (o_.max_bytes == 0 && o_.max_files > 0 && time_count_ >= static_cast<int>(o_.max_files)) {
        limit_reached_ = true;
        error_ = "Maximum file limit reached: " + std::to_string(o_.max_files);
        return false;
      }
      size_count_ = 0;
      if (!open_file()) return false;
    }
  }
  if (o_.max_bytes != 0 && writer_->size() > o_.max_bytes) {
    if (!writer_->close()) {
      error_ = writer_->error();
      return false;
    }
    ++size_count_;
    if (o_.max_files > 0 && size_count_ >= static_cast<int>(o_.max_files)) size_count_ = 0;
    if (!open_file()) return false;
  }
  if (!writer_->write(packet) || (o_.flush_each && !writer_->flush())) {
    error_ = writer_->error();
    return false;
  }
  return true;
}

bool CaptureFiles::close() {
  if (!writer_) return error_.empty();
  if (!writer_->close()) {
    if (error_.empty()) error_ = writer_->error();
    return false;
  }
  return error_.empty() || limit_reached_;
}

}  // namespace tcplens

#include "tcplens/capture/shard_index.hpp"

#include <cerrno>
#include <cstring>

namespace tcplens {

namespace {

constexpr char kMagic[8] = {'T', 'L', 'S', 'H', 'A', 'R', 'D', '1'};
constexpr char kEndMagic[8] = {'T', 'L', 'S', 'H', 'E', 'N', 'D', '1'};
constexpr std::size_t kTrailerSize = 48;
constexpr std::size_t kTickSize = 24;

void put_le(std::uint8_t* p, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

std::uint64_t get_le(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= std::uint64_t{p[i]} << (8 * i);
  return v;
}

}  // namespace

ShardIndexWriter::~ShardIndexWriter() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::remove(temp_path_.c_str());
  }
}

bool ShardIndexWriter::fail() {
  if (error_.empty()) error_ = path_ + ": " + std::strerror(errno);
  return false;
}

bool ShardIndexWriter::put(const void* bytes, std::size_t size) {
  if (std::fwrite(bytes, 1, size, file_) != size) return fail();
  offset_ += size;
  return true;
}

bool ShardIndexWriter::open(const std::string& path, std::uint32_t shard, std::uint32_t shards) {
  path_ = path;
  temp_path_ = path + ".tcplens-partial";
  shard_ = shard;
  shards_ = shards;
  file_ = std::fopen(temp_path_.c_str(), "wb");
  if (file_ == nullptr) return fail();
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
  return put(kMagic, sizeof kMagic);
}

bool ShardIndexWriter::add_frame(std::uint64_t frame) {
  // LEB128 of the delta: one byte for consecutive frames of a shard of a few.
  std::uint64_t delta = frame - prev_;
  prev_ = frame;
  ++count_;
  std::uint8_t bytes[10];
  int n = 0;
  do {
    bytes[n] = static_cast<std::uint8_t>(delta & 0x7f);
    delta >>= 7;
    if (delta) bytes[n] |= 0x80;
    ++n;
  } while (delta);
  return put(bytes, static_cast<std::size_t>(n));
}

bool ShardIndexWriter::close(const std::vector<ShardTick>& ticks, std::uint64_t total_packets) {
  if (file_ == nullptr) return false;
  const std::uint64_t ticks_at = offset_;
  bool ok = true;
  for (const ShardTick& t : ticks) {
    std::uint8_t b[kTickSize];
    put_le(b, t.frame, 8);
    put_le(b + 8, static_cast<std::uint64_t>(t.ts.sec), 8);
    put_le(b + 16, static_cast<std::uint64_t>(t.ts.nsec), 8);
    ok = ok && put(b, sizeof b);
  }
  std::uint8_t trailer[kTrailerSize];
  put_le(trailer, ticks_at, 8);
  put_le(trailer + 8, count_, 8);
  put_le(trailer + 16, ticks.size(), 8);
  put_le(trailer + 24, total_packets, 8);
  put_le(trailer + 32, shard_, 4);
  put_le(trailer + 36, shards_, 4);
  std::memcpy(trailer + 40, kEndMagic, 8);
  ok = ok && put(trailer, sizeof trailer);
  if (std::fclose(file_) != 0 && ok) ok = fail();
  file_ = nullptr;
  if (ok && std::rename(temp_path_.c_str(), path_.c_str()) != 0) ok = fail();
  if (!ok) std::remove(temp_path_.c_str());
  return ok;
}

ShardIndex::~ShardIndex() {
  if (file_ != nullptr) std::fclose(file_);
}

bool ShardIndex::open(const std::string& path) {
  path_ = path;
  auto bad = [&](const char* why) {
    error_ = path + ": " + why;
    return false;
  };
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) return bad(std::strerror(errno));
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
  char magic[8];
  std::uint8_t trailer[kTrailerSize];
  if (std::fread(magic, 1, 8, file_) != 8 || std::memcmp(magic, kMagic, 8) != 0)
    return bad("not a tcplens shard index (written by `tcplens split`)");
  if (std::fseek(file_, -static_cast<long>(kTrailerSize), SEEK_END) != 0 ||
      std::fread(trailer, 1, kTrailerSize, file_) != kTrailerSize ||
      std::memcmp(trailer + 40, kEndMagic, 8) != 0)
    return bad("shard index cut short (no trailer)");
  ticks_offset_ = get_le(trailer, 8);
  frame_count_ = get_le(trailer + 8, 8);
  const std::uint64_t tick_count = get_le(trailer + 16, 8);
  total_packets_ = get_le(trailer + 24, 8);
  shard_ = static_cast<std::uint32_t>(get_le(trailer + 32, 4));
  shards_ = static_cast<std::uint32_t>(get_le(trailer + 36, 4));
  if (std::fseek(file_, static_cast<long>(ticks_offset_), SEEK_SET) != 0) return bad("bad tick offset");
  ticks_.resize(tick_count);
  for (ShardTick& t : ticks_) {
    std::uint8_t b[kTickSize];
    if (std::fread(b, 1, sizeof b, file_) != sizeof b) return bad("shard index cut short (ticks)");
    t.frame = get_le(b, 8);
    t.ts.sec = static_cast<std::int64_t>(get_le(b + 8, 8));
    t.ts.nsec = static_cast<std::int64_t>(get_le(b + 16, 8));
  }
  return rewind();
}

bool ShardIndex::rewind() {
  read_ = prev_ = 0;
  if (std::fseek(file_, 8, SEEK_SET) != 0) {
    error_ = path_ + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

bool ShardIndex::next_frame(std::uint64_t& frame) {
  if (read_ >= frame_count_) return false;
  std::uint64_t delta = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    const int c = getc_unlocked(file_);
    if (c == EOF) {
      error_ = path_ + ": shard index cut short (frames)";
      return false;
    }
    delta |= std::uint64_t(c & 0x7f) << shift;
    if ((c & 0x80) == 0) break;
  }
  ++read_;
  prev_ += delta;
  frame = prev_;
  return true;
}

}  // namespace tcplens

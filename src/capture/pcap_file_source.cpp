#include "tcplens/capture/pcap_file_source.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "tcplens/capture/link_type.hpp"

namespace tcplens {

namespace {

constexpr std::uint32_t kPcapMagicMicro = 0xa1b2c3d4;
constexpr std::uint32_t kPcapMagicKuznetzov = 0xa1b2cd34;
constexpr std::uint32_t kPcapMagicNano = 0xa1b23c4d;
constexpr std::uint32_t kPcapngSectionHeader = 0x0a0d0d0a;
constexpr std::uint32_t kPcapngByteOrderMagic = 0x1a2b3c4d;

constexpr std::uint32_t kBlockInterfaceDescription = 1;
constexpr std::uint32_t kBlockPacketObsolete = 2;
constexpr std::uint32_t kBlockSimplePacket = 3;
constexpr std::uint32_t kBlockEnhancedPacket = 6;

// libpcap's INITIAL_MAX_BLOCKSIZE: a larger pcapng block is taken as damage, not data.
constexpr std::uint32_t kMaxPcapngBlock = 16 * 1024 * 1024;

std::uint32_t swap32(std::uint32_t v) { return __builtin_bswap32(v); }
std::uint16_t swap16(std::uint16_t v) { return __builtin_bswap16(v); }

// a * b / c without overflow, for a < c (a fraction of a second in the file's units).
std::uint64_t mul_div(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  return static_cast<std::uint64_t>(static_cast<long double>(a) * b / c);
}

std::string format(const char* fmt, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

}  // namespace

// Supplies the file's bytes in order. take(n) returns up to n bytes (fewer only at end of
// input or on a read error); the view stays valid until the next take(). Bytes in memory (a
// mapped file, or a shared ring) are served here without a virtual call, up to ready_; the
// rest goes through take_slow().
class PcapFileSource::Input {
 public:
  // 1 MiB: up to three steps stay mapped (8 MiB steps cost 16-24 MiB of resident file pages).
  static constexpr std::size_t kReleaseStep = 1u << 20;
  static constexpr std::size_t kPrefetchAhead = 2048;

  virtual ~Input() = default;
  ByteView take(std::size_t n) {
    if (offset_ + n > ready_) return take_slow(n);
    return take_ready(n);
  }
  std::uint64_t offset() const { return offset_; }
  bool read_failed() const { return read_errno_ != 0; }
  int read_errno() const { return read_errno_; }

 protected:
  // Takes what is beyond ready_: makes more ready, or takes fewer bytes.
  virtual ByteView take_slow(std::size_t n) = 0;
  // Takes n bytes of those ready, at map_ + (offset_ & mask_).
  ByteView take_ready(std::size_t n) {
    if (offset_ >= released_ + 2 * kReleaseStep) release_behind();
    if (offset_ + kPrefetchAhead < ready_) __builtin_prefetch(map_ + ((offset_ + kPrefetchAhead) & mask_));
    ByteView view(map_ + (offset_ & mask_), n);
    offset_ += n;
    return view;
  }
  // Pages already read are dropped from the mapping every kReleaseStep bytes (they stay in
  // the page cache): without this, reading a 2 GB file would end with 2 GB resident. The
  // last kReleaseStep bytes before the read position are kept, so views handed out by
  // recent take() calls remain valid. (Populating the next step ahead with
  // MADV_POPULATE_READ was tried: no gain over the kernel's fault-around.)
  virtual void release_behind() {}

  std::uint64_t offset_ = 0;
  std::uint64_t ready_ = 0;  // the bytes before this are in memory
  int read_errno_ = 0;
  const std::uint8_t* map_ = nullptr;
  std::size_t mask_ = ~std::size_t{0};  // a ring's size - 1
  std::size_t released_ = 0;  // the bytes before this may have been dropped
};

namespace {

class MappedInput final : public PcapFileSource::Input {
 public:
  MappedInput(const std::uint8_t* base, std::size_t size, bool owned = true) : owned_(owned), size_(size) {
    map_ = base;
    ready_ = size;
  }
  ~MappedInput() override {
    if (owned_ && size_ != 0) munmap(const_cast<std::uint8_t*>(map_), size_);
  }

 private:
  ByteView take_slow(std::size_t) override { return take_ready(static_cast<std::size_t>(ready_ - offset_)); }
  void release_behind() override {
    std::size_t upto = (static_cast<std::size_t>(offset_) - kReleaseStep) & ~(kReleaseStep - 1);
    if (owned_ && upto > released_)
      madvise(const_cast<std::uint8_t*>(map_) + released_, upto - released_, MADV_DONTNEED);
    released_ = upto;
  }

  bool owned_;
  std::size_t size_;
};

class StreamInput final : public PcapFileSource::Input {
 public:
  explicit StreamInput(int fd, bool owned) : fd_(fd), owned_(owned), buffer_(kChunk) {}
  ~StreamInput() override {
    if (owned_) ::close(fd_);
  }

 private:
  // Reads in large blocks (a pipe would otherwise cost two read() calls per packet);
  // bytes handed out by the previous take() may be moved or overwritten.
  static constexpr std::size_t kChunk = 1 << 20;
  ByteView take_slow(std::size_t n) override {
    if (end_ - pos_ < n) {
      // Move what is left to the front, make room for n bytes, and fill.
      std::size_t have = end_ - pos_;
      if (have != 0 && pos_ != 0) std::memmove(buffer_.data(), buffer_.data() + pos_, have);
      pos_ = 0;
      end_ = have;
      if (buffer_.size() < n) buffer_.resize(n);
      while (end_ < n && !eof_ && read_errno_ == 0) {
        ssize_t r = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
        if (r == 0) {
          eof_ = true;
        } else if (r < 0) {
          // EINTR included: a signal (SIGINT) must be able to stop a read from a pipe that
          // never ends; the caller decides whether that is an error.
          read_errno_ = errno;
        } else {
          end_ += static_cast<std::size_t>(r);
        }
      }
    }
    std::size_t got = end_ - pos_ < n ? end_ - pos_ : n;
    ByteView view(buffer_.data() + pos_, got);
    pos_ += got;
    offset_ += got;
    return view;
  }

  int fd_;
  bool owned_;
  bool eof_ = false;
  std::vector<std::uint8_t> buffer_;
  std::size_t pos_ = 0, end_ = 0;  // unread bytes are buffer_[pos_, end_)
};

// pread() of all n bytes at `offset` unless the file ends first; the count read, or -1 with
// errno set.
ssize_t read_at(int fd, std::uint8_t* to, std::size_t n, std::size_t offset) {
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, to + got, n - got, static_cast<off_t>(offset + got));
    if (r == 0) break;
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    got += static_cast<std::size_t>(r);
  }
  return static_cast<ssize_t>(got);
}

}  // namespace

// One reader of a SharedCaptureFile: its bytes are in the shared ring.
class SharedCaptureFile::Reader final : public PcapFileSource::Input {
 public:
  Reader(SharedCaptureFile& file, std::size_t index) : file_(file), index_(index) {
    map_ = file.ring_;
    mask_ = kRingSize - 1;
  }
  ~Reader() override { file_.passed(index_, ~std::size_t{0}); }  // done: holds nobody back

 private:
  ByteView take_slow(std::size_t n) override {
    const std::size_t size = file_.size_.load(std::memory_order_acquire);
    if (offset_ >= size) return {};
    n = std::min<std::size_t>(n, size - offset_);
    if (n > kMaxRingView) return take_alone(n);
    const std::size_t need = static_cast<std::size_t>(offset_) + n;
    const std::size_t loaded = file_.load_to(need, std::min(need + kReadAhead, size));
    if (loaded < need) {
      if (const int e = file_.error_.load(std::memory_order_acquire)) read_errno_ = e;
      n = loaded > offset_ ? loaded - static_cast<std::size_t>(offset_) : 0;
    }
    // Back here a read-ahead before the end of what is loaded, so that the next pieces are
    // read before any reader runs out.
    ready_ = loaded > need + kReadAhead / 2 ? loaded - kReadAhead / 2 : loaded;
    return take_ready(n);
  }
  // A take larger than the ring allows is read straight from the file.
  ByteView take_alone(std::size_t n) {
    alone_.resize(n);
    const ssize_t got = read_at(file_.fd_, alone_.data(), n, static_cast<std::size_t>(offset_));
    if (got < 0) {
      read_errno_ = errno;
      return {};
    }
    offset_ += static_cast<std::size_t>(got);
    if (offset_ >= released_ + 2 * kReleaseStep) release_behind();
    return ByteView(alone_.data(), static_cast<std::size_t>(got));
  }
  void release_behind() override {
    const std::size_t upto = (static_cast<std::size_t>(offset_) - kReleaseStep) & ~(kReleaseStep - 1);
    file_.passed(index_, upto);
    released_ = upto;
  }

  SharedCaptureFile& file_;
  std::size_t index_;
  std::vector<std::uint8_t> alone_;
};

std::unique_ptr<SharedCaptureFile> SharedCaptureFile::open(const std::string& path, std::size_t readers) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
    ::close(fd);
    return nullptr;
  }
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  // The ring: kRingSize bytes of memory mapped at two consecutive addresses.
  std::uint8_t* ring = nullptr;
  const int memory = memfd_create("tcplens-ring", MFD_CLOEXEC);
  if (memory >= 0 && ftruncate(memory, kRingSize) == 0) {
    void* area = mmap(nullptr, 2 * kRingSize, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area != MAP_FAILED) {
      auto* base = static_cast<std::uint8_t*>(area);
      if (mmap(base, kRingSize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, memory, 0) != MAP_FAILED &&
          mmap(base + kRingSize, kRingSize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, memory, 0) !=
              MAP_FAILED)
        ring = base;
      else
        munmap(area, 2 * kRingSize);
    }
  }
  if (memory >= 0) ::close(memory);  // the mappings keep it
  if (ring == nullptr) {
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<SharedCaptureFile>(
      new SharedCaptureFile(fd, static_cast<std::size_t>(st.st_size), ring, readers));
}

SharedCaptureFile::SharedCaptureFile(int fd, std::size_t size, std::uint8_t* ring, std::size_t readers)
    : fd_(fd), size_(size), ring_(ring), passed_(new std::atomic<std::size_t>[readers]), readers_(readers) {
  for (std::size_t i = 0; i < readers; ++i) passed_[i].store(0, std::memory_order_relaxed);
}

SharedCaptureFile::~SharedCaptureFile() {
  munmap(ring_, 2 * kRingSize);
  ::close(fd_);
}

std::size_t SharedCaptureFile::lowest() const {
  std::size_t low = ~std::size_t{0};
  for (std::size_t i = 0; i < readers_; ++i) low = std::min(low, passed_[i].load());
  return low;
}

std::size_t SharedCaptureFile::load_to(std::size_t need, std::size_t want) {
  if (const std::size_t have = loaded_.load(std::memory_order_acquire); have >= want) return have;
  std::unique_lock<std::mutex> lock(load_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) {
    // Another reader is reading: wait for it only when the bytes needed are not there yet.
    if (const std::size_t have = loaded_.load(std::memory_order_acquire); have >= need) return have;
    lock.lock();
  }
  for (;;) {
    const std::size_t have = loaded_.load(std::memory_order_relaxed);
    const std::size_t size = size_.load(std::memory_order_relaxed);
    if (have >= want || have >= size || error_.load(std::memory_order_relaxed) != 0) return have;
    const std::size_t piece = std::min(kPiece, size - have);
    if (have + piece > lowest() + kRingSize) {
      if (have >= need) return have;  // reading ahead only: no waiting for that
      // The piece would overwrite bytes a reader still needs: wait for the slowest one.
      // (The mutex is let go meanwhile; the slowest reader has its bytes and does not need it.)
      lock.unlock();
      waiting_.fetch_add(1);
      for (;;) {
        const std::uint64_t seen = progress_.load();
        if (have + piece <= lowest() + kRingSize) break;
        progress_.wait(seen);
      }
      waiting_.fetch_sub(1);
      lock.lock();
      continue;
    }
    // Pieces start at multiples of kPiece, so each lies in the first mapping.
    const ssize_t got = read_at(fd_, ring_ + (have & (kRingSize - 1)), piece, have);
    if (got < 0) {
      error_.store(errno, std::memory_order_release);
      return have;
    }
    if (static_cast<std::size_t>(got) < piece)  // the file shrank since it was opened
      size_.store(have + static_cast<std::size_t>(got), std::memory_order_release);
    loaded_.store(have + static_cast<std::size_t>(got), std::memory_order_release);
  }
}

void SharedCaptureFile::passed(std::size_t reader, std::size_t offset) {
  passed_[reader].store(offset);
  progress_.fetch_add(1);
  if (waiting_.load() != 0) progress_.notify_all();
}

PcapFileSource::~PcapFileSource() = default;

std::unique_ptr<PcapFileSource> PcapFileSource::open(const std::string& path,
                                                     std::string& error) {
  std::unique_ptr<PcapFileSource> source(new PcapFileSource());
  if (path == "-") {
    source->input_ = std::make_unique<StreamInput>(0, false);
  } else {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      error = std::strerror(errno);
      return nullptr;
    }
    struct stat st {};
    if (fstat(fd, &st) != 0) {
      error = std::strerror(errno);
      ::close(fd);
      return nullptr;
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      error = "error reading dump file: Is a directory";
      return nullptr;
    }
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
      void* map = mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (map != MAP_FAILED) {
        madvise(map, static_cast<std::size_t>(st.st_size), MADV_SEQUENTIAL);
        ::close(fd);
        source->input_ = std::make_unique<MappedInput>(static_cast<const std::uint8_t*>(map),
                                                       static_cast<std::size_t>(st.st_size));
      }
    }
    if (!source->input_) source->input_ = std::make_unique<StreamInput>(fd, true);
  }
  if (!source->read_header(error)) return nullptr;
  return source;
}

std::unique_ptr<PcapFileSource> PcapFileSource::open_memory(ByteView bytes,
                                                            std::string& error) {
  std::unique_ptr<PcapFileSource> source(new PcapFileSource());
  source->input_ = std::make_unique<MappedInput>(bytes.data(), bytes.size(), false);
  if (!source->read_header(error)) return nullptr;
  return source;
}

std::unique_ptr<PcapFileSource> PcapFileSource::open_shared(SharedCaptureFile& file, std::size_t reader,
                                                            std::string& error) {
  std::unique_ptr<PcapFileSource> source(new PcapFileSource());
  source->input_ = std::make_unique<SharedCaptureFile::Reader>(file, reader);
  if (!source->read_header(error)) return nullptr;
  return source;
}

bool PcapFileSource::read_header(std::string& error) {
  ByteView magic_bytes = input_->take(4);
  if (magic_bytes.size() < 4) {
    if (input_->read_failed()) {
      error = format("error reading dump file: %s", std::strerror(input_->read_errno()));
    } else if (magic_bytes.empty()) {
      error = "truncated dump file; tried to read 4 file header bytes, only got 0";
    } else {
      error = format("truncated dump file; tried to read 4 file header bytes, only got %zu",
                     magic_bytes.size());
    }
    return false;
  }
  std::uint32_t magic = load_le32(magic_bytes.data());
  if (magic == kPcapngSectionHeader) {
    info_.pcapng = true;
    return read_pcapng_start(error);
  }

  std::uint32_t swapped_magic = swap32(magic);
  if (magic == kPcapMagicMicro || magic == kPcapMagicKuznetzov || magic == kPcapMagicNano) {
    swapped_ = false;
  } else if (swapped_magic == kPcapMagicMicro || swapped_magic == kPcapMagicKuznetzov ||
             swapped_magic == kPcapMagicNano) {
    swapped_ = true;
    magic = swapped_magic;
  } else {
    error = "unknown file format";
    return false;
  }
  nanosecond_ = magic == kPcapMagicNano;
  info_.nanosecond_file = nanosecond_;
  ByteView header = input_->take(20);
  if (header.size() < 20) {
    error = format("truncated dump file; tried to read 24 file header bytes, only got %zu",
                   header.size() + 4);
    return false;
  }
  auto u16 = [&](std::size_t off) {
    std::uint16_t v = load_le16(header.data() + off);
    return swapped_ ? swap16(v) : v;
  };
  auto u32 = [&](std::size_t off) {
    std::uint32_t v = load_le32(header.data() + off);
    return swapped_ ? swap32(v) : v;
  };
  std::uint16_t major = u16(0);
  std::uint16_t minor = u16(2);
  if (major < 2) {
    error = "archaic pcap savefile format";
    return false;
  }
  if (!((major == 2 && minor <= 4) || (major == 543 && minor == 0))) {
    error = format("unsupported pcap savefile version %u.%u", major, minor);
    return false;
  }
  std::uint32_t snaplen = u32(12);
  // The low 16 bits are the link type; the rest says how FCS bytes are carried.
  info_.linktype = u32(16) & 0xFFFF;
  // As libpcap's pcap_adjust_snapshot(): only a zero or absurd snapshot length is replaced.
  info_.snaplen = (snaplen == 0 || snaplen > 0x7FFFFFFF) ? max_snaplen_for(info_.linktype) : snaplen;
  max_caplen_ = max_snaplen_for(info_.linktype);
  return true;
}

ReadStatus PcapFileSource::fail(std::string message, std::uint64_t offset) {
  error_.message = std::move(message);
  error_.record = records_ + 1;
  error_.file_offset = offset;
  return ReadStatus::Error;
}

ReadStatus PcapFileSource::next(RawPacket& packet) {
  if (!error_.message.empty()) return ReadStatus::Error;
  return info_.pcapng ? next_pcapng(packet) : next_pcap(packet);
}

ReadStatus PcapFileSource::next_pcap(RawPacket& packet) {
  std::uint64_t offset = input_->offset();
  ByteView header = input_->take(16);
  if (header.size() != 16) {
    if (input_->read_failed())
      return fail(format("error reading dump file: %s", std::strerror(input_->read_errno())),
                  offset);
    if (header.empty()) return ReadStatus::End;
    return fail(format("truncated dump file; tried to read 16 header bytes, only got %zu",
                       header.size()),
                offset);
  }
  auto u32 = [&](std::size_t off) {
    std::uint32_t v = load_le32(header.data() + off);
    return swapped_ ? swap32(v) : v;
  };
  std::uint32_t sec = u32(0);
  std::uint32_t frac = u32(4);
  std::uint32_t caplen = u32(8);
  std::uint32_t wirelen = u32(12);

  std::uint32_t snaplen = info_.snaplen;
  if (caplen > max_caplen_) {
    if (caplen > snaplen)
      return fail(format("invalid packet capture length %u, bigger than snaplen of %u", caplen,
                         snaplen),
                  offset);
    return fail(format("invalid packet capture length %u, bigger than maximum of %u", caplen,
                       max_snaplen_for(info_.linktype)),
                offset);
  }
  ByteView data = input_->take(caplen);
  if (data.size() != caplen) {
    if (input_->read_failed())
      return fail(format("error reading dump file: %s", std::strerror(input_->read_errno())),
                  offset);
    if (caplen > snaplen && data.size() < snaplen)
      return fail(format("truncated dump file; tried to read %u captured bytes, only got %zu",
                         snaplen, data.size()),
                  offset);
    return fail(format("truncated dump file; tried to read %u captured bytes, only got %zu",
                       caplen, data.size()),
                offset);
  }
  // libpcap hands over at most the file's snapshot length and drops the rest of the record.
  if (caplen > snaplen) {
    caplen = snaplen;
    data = data.first(snaplen);
  }
  ++records_;
  packet.ts.sec = sec;
  // libpcap reads the fraction as a signed 32-bit number.
  const auto signed_frac = static_cast<std::int64_t>(static_cast<std::int32_t>(frac));
  packet.ts.nsec = nanosecond_ ? signed_frac : signed_frac * 1000;
  packet.caplen = caplen;
  packet.wirelen = wirelen;
  packet.linktype = info_.linktype;
  packet.data = data;
  packet.number = records_;
  packet.file_offset = offset;
  return ReadStatus::Ok;
}

bool PcapFileSource::read_pcapng_start(std::string& error) {
  // The Section Header Block's first 4 bytes are already consumed; re-read it as a block by
  // hand, then read blocks until the first Interface Description Block, which gives the
  // link type libpcap reports at open time. A packet before it is an error, as in libpcap.
  std::uint64_t offset = 0;
  ByteView rest = input_->take(8);
  if (rest.size() < 8) {
    error = format("truncated pcapng dump file; tried to read %zu bytes, only got %zu",
                   std::size_t{8}, rest.size());
    return false;
  }
  std::uint32_t bom = load_le32(rest.data() + 4);
  if (bom == kPcapngByteOrderMagic) {
    swapped_ = false;
  } else if (swap32(bom) == kPcapngByteOrderMagic) {
    swapped_ = true;
  } else {
    error = "unknown file format";
    return false;
  }
  std::uint32_t total = load_le32(rest.data());
  if (swapped_) total = swap32(total);
  if (total < 28 || total > kMaxPcapngBlock || total % 4 != 0) {
    error = format("Section Header Block in pcapng dump file has invalid length %u", total);
    return false;
  }
  ByteView body = input_->take(total - 12);
  if (body.size() < total - 12) {
    error = format("truncated pcapng dump file; tried to read %u bytes, only got %zu",
                   total - 12, body.size());
    return false;
  }
  std::uint16_t major = load_le16(body.data());
  std::uint16_t minor = load_le16(body.data() + 2);
  if (swapped_) {
    major = swap16(major);
    minor = swap16(minor);
  }
  if (major != 1) {
    error = format("unsupported pcapng savefile version %u.%u", major, minor);
    return false;
  }
  for (;;) {
    std::uint32_t type = 0;
    ReadStatus status = read_pcapng_block(type, body, offset);
    if (status == ReadStatus::End) {
      error = "the capture file has no Interface Description Blocks";
      return false;
    }
    if (status == ReadStatus::Error) {
      error = error_.message;
      return false;
    }
    if (type == kBlockInterfaceDescription) {
      if (add_interface(body, offset) != ReadStatus::Ok) {
        error = error_.message;
        return false;
      }
      return true;
    }
    if (type == kBlockEnhancedPacket || type == kBlockPacketObsolete ||
        type == kBlockSimplePacket) {
      error = "the capture file has a packet block before any Interface Description Blocks";
      return false;
    }
  }
}

ReadStatus PcapFileSource::read_pcapng_block(std::uint32_t& type, ByteView& body,
                                             std::uint64_t& offset) {
  offset = input_->offset();
  ByteView head = input_->take(8);
  if (head.size() != 8) {
    if (head.empty()) return ReadStatus::End;
    return fail(format("truncated pcapng dump file; tried to read 8 bytes, only got %zu",
                       head.size()),
                offset);
  }
  type = load_le32(head.data());
  std::uint32_t total = load_le32(head.data() + 4);
  if (type == kPcapngSectionHeader) {
    // A new section may change the byte order: its byte-order magic decides.
    ByteView bom = input_->take(4);
    if (bom.size() != 4)
      return fail(format("truncated pcapng dump file; tried to read 4 bytes, only got %zu",
                         bom.size()),
                  offset);
    std::uint32_t magic = load_le32(bom.data());
    if (magic == kPcapngByteOrderMagic) {
      swapped_ = false;
    } else if (swap32(magic) == kPcapngByteOrderMagic) {
      swapped_ = true;
    } else {
      return fail("the file has a section with a bad byte order magic field", offset);
    }
    if (swapped_) total = swap32(total);
    if (total < 28 || total > kMaxPcapngBlock || total % 4 != 0)
      return fail(format("Section Header Block in pcapng dump file has invalid length %u", total),
                  offset);
    body = input_->take(total - 12);
    if (body.size() != total - 12)
      return fail(format("truncated pcapng dump file; tried to read %u bytes, only got %zu",
                         total - 12, body.size()),
                  offset);
    std::uint16_t major = load_le16(body.data());
    if (swapped_) major = swap16(major);
    if (major != 1)
      return fail(format("unknown pcapng savefile major version number %u", major), offset);
    interfaces_.clear();
    return ReadStatus::Ok;
  }
  if (swapped_) {
    type = swap32(type);
    total = swap32(total);
  }
  if (total < 12)
    return fail(format("block in pcapng dump file has a length of %u < 12", total), offset);
  if (total % 4 != 0)
    return fail(format("block in pcapng dump file has a length of %u that is not a multiple of 4",
                       total),
                offset);
  if (total > kMaxPcapngBlock)
    return fail(format("pcapng block size %u > maximum %u", total, kMaxPcapngBlock), offset);
  body = input_->take(total - 8);
  if (body.size() != total - 8)
    return fail(format("truncated pcapng dump file; tried to read %u bytes, only got %zu",
                       total - 8, body.size()),
                offset);
  std::uint32_t trailer = load_le32(body.data() + body.size() - 4);
  if (swapped_) trailer = swap32(trailer);
  if (trailer != total) return fail("block total length in header and trailer don't match", offset);
  body = body.first(body.size() - 4);
  return ReadStatus::Ok;
}

ReadStatus PcapFileSource::add_interface(ByteView body, std::uint64_t offset) {
  auto u16 = [&](std::size_t off) {
    std::uint16_t v = load_le16(body.data() + off);
    return swapped_ ? swap16(v) : v;
  };
  auto u32 = [&](std::size_t off) {
    std::uint32_t v = load_le32(body.data() + off);
    return swapped_ ? swap32(v) : v;
  };
  if (body.size() < 8)
    return fail(format("block of type %u in pcapng dump file is too short",
                       kBlockInterfaceDescription),
                offset);
  if (interfaces_.size() >= kMaxInterfaces)
    return fail(format("more than %zu interfaces in the file", kMaxInterfaces), offset);
  Interface iface;
  iface.linktype = u16(0);
  std::uint32_t snaplen = u32(4);
  iface.snaplen = (snaplen == 0 || snaplen > 0x7FFFFFFF) ? max_snaplen_for(iface.linktype) : snaplen;
  // Options: if_tsresol (9) and if_tsoffset (14) change how timestamps are read.
  std::size_t pos = 8;
  while (pos + 4 <= body.size()) {
    std::uint16_t code = u16(pos);
    std::uint16_t len = u16(pos + 2);
    pos += 4;
    if (code == 0 || pos + len > body.size()) break;
    if (code == 9 && len == 1) {
      std::uint8_t res = body[pos];
      std::uint8_t exp = res & 0x7F;
      if (res & 0x80) {
        if (exp > 63)
          return fail(format("Interface Description Block if_tsresol option resolution 2^-%u is "
                             "too high",
                             exp),
                      offset);
        iface.units_per_sec = std::uint64_t{1} << exp;
      } else {
        if (exp > 19)
          return fail(format("Interface Description Block if_tsresol option resolution 10^-%u "
                             "is too high",
                             exp),
                      offset);
        std::uint64_t units = 1;
        for (int i = 0; i < exp; ++i) units *= 10;
        iface.units_per_sec = units;
      }
    } else if (code == 14 && len == 8) {
      std::uint64_t v = load_le64(body.data() + pos);
      if (swapped_) v = __builtin_bswap64(v);
      iface.offset_sec = static_cast<std::int64_t>(v);
    }
    pos += (len + 3u) & ~3u;
  }
  if (info_.snaplen == 0) {
    info_.linktype = iface.linktype;
    info_.snaplen = iface.snaplen;
  }
  interfaces_.push_back(iface);
  return ReadStatus::Ok;
}

ReadStatus PcapFileSource::next_pcapng(RawPacket& packet) {
  for (;;) {
    std::uint32_t type = 0;
    ByteView body;
    std::uint64_t offset = 0;
    ReadStatus status = read_pcapng_block(type, body, offset);
    if (status != ReadStatus::Ok) return status;
    auto u16 = [&](std::size_t off) {
      std::uint16_t v = load_le16(body.data() + off);
      return swapped_ ? swap16(v) : v;
    };
    auto u32 = [&](std::size_t off) {
      std::uint32_t v = load_le32(body.data() + off);
      return swapped_ ? swap32(v) : v;
    };
    switch (type) {
      case kBlockInterfaceDescription:
        status = add_interface(body, offset);
        if (status != ReadStatus::Ok) return status;
        continue;
      case kBlockEnhancedPacket:
      case kBlockPacketObsolete: {
        if (body.size() < 20)
          return fail(format("block of type %u in pcapng dump file is too short", type), offset);
        std::uint32_t if_id = type == kBlockEnhancedPacket ? u32(0) : u16(0);
        if (interfaces_.empty())
          return fail("the capture file has a packet block before any Interface Description "
                      "Blocks",
                      offset);
        if (if_id >= interfaces_.size())
          return fail(format("a packet arrived on interface %u, but there's no Interface "
                             "Description Block for that interface",
                             if_id),
                      offset);
        const Interface& iface = interfaces_[if_id];
        std::uint64_t ts = (std::uint64_t{u32(4)} << 32) | u32(8);
        std::uint32_t caplen = u32(12);
        std::uint32_t wirelen = u32(16);
        if (caplen > body.size() - 20)
          return fail(format("block of type %u in pcapng dump file is too short", type), offset);
        if (caplen > max_snaplen_for(iface.linktype))
          return fail(format("invalid packet capture length %u, bigger than snaplen of %u",
                             caplen, iface.snaplen),
                      offset);
        if (caplen > iface.snaplen) caplen = iface.snaplen;
        std::uint64_t frac = ts % iface.units_per_sec;
        packet.ts.sec = static_cast<std::int64_t>(ts / iface.units_per_sec) + iface.offset_sec;
        packet.ts.nsec = static_cast<std::int64_t>(mul_div(frac, 1000000000u, iface.units_per_sec));
        packet.caplen = caplen;
        packet.wirelen = wirelen;
        packet.linktype = iface.linktype;
        packet.data = body.subspan(20, caplen);
        packet.number = ++records_;
        packet.file_offset = offset;
        return ReadStatus::Ok;
      }
      case kBlockSimplePacket: {
        if (body.size() < 4)
          return fail(format("block of type %u in pcapng dump file is too short", type), offset);
        if (interfaces_.empty())
          return fail("the capture file has a packet block before any Interface Description "
                      "Blocks",
                      offset);
        const Interface& iface = interfaces_[0];
        std::uint32_t wirelen = u32(0);
        std::uint32_t caplen = wirelen;
        if (caplen > body.size() - 4) caplen = static_cast<std::uint32_t>(body.size() - 4);
        if (caplen > iface.snaplen) caplen = iface.snaplen;
        packet.ts = {};
        packet.caplen = caplen;
        packet.wirelen = wirelen;
        packet.linktype = iface.linktype;
        packet.data = body.subspan(4, caplen);
        packet.number = ++records_;
        packet.file_offset = offset;
        return ReadStatus::Ok;
      }
      default:
        continue;  // section headers, name resolution, statistics, custom and unknown blocks
    }
  }
}

}  // namespace tcplens

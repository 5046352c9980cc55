#include "tcplens/detect/detect_state.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <memory>

namespace tcplens::detect {

namespace {

constexpr char kMagic[8] = {'T', 'L', 'D', 'E', 'T', 'S', 'T', '1'};
constexpr char kEndMagic[8] = {'T', 'L', 'D', 'E', 'T', 'E', 'N', 'D'};
constexpr std::size_t kBlockHeader = 16;  // u32 payload length, u32 events, u64 check
constexpr std::uint32_t kMaxFilter = 1 << 20;
constexpr std::uint32_t kMaxShards = 1 << 16;

// Tag byte A: kind (2 bits), option shape (2), has_ts, and which of ts_val, ack, seq follow.
constexpr std::uint8_t kTsValue = 1 << 5, kAckValue = 1 << 6, kSeqValue = 1 << 7;
// Tag byte B: where the source (2 bits) and destination (2) come from, and which of window,
// IP ID, payload length and TTL follow.
enum AddrFrom : std::uint8_t { kLiteral = 0, kPrevSrc = 1, kPrevDst = 2 };
constexpr std::uint8_t kWindowValue = 1 << 4, kIpIdValue = 1 << 5, kPayloadValue = 1 << 6,
                       kTtlValue = 1 << 7;
// An address literal's tag: its family, and kFullAddress when all 16 bytes follow (IPv6, or
// an IPv4 address whose unused bytes are not zero).
constexpr std::uint8_t kFullAddress = 0x80;

static_assert(std::is_same_v<unsigned, std::uint32_t>);

// The DetectOptions a state file records, with the names the merge's message uses.
struct RealField {
  const char* name;
  double DetectOptions::*member;
};
struct WholeField {
  const char* name;
  std::uint32_t DetectOptions::*member;
};
constexpr RealField kReals[] = {
    {"--window", &DetectOptions::window_sec},
    {"--syn-rate", &DetectOptions::syn_rate},
    {"--syn-halfopen-ratio", &DetectOptions::syn_halfopen_ratio},
    {"--ack-rate", &DetectOptions::ack_rate},
    {"--rst-rate", &DetectOptions::rst_rate},
    {"--orphan-ratio", &DetectOptions::orphan_ratio},
    {"--reflection-rate", &DetectOptions::reflection_rate},
    {"spoofed_source_share", &DetectOptions::spoofed_source_share},
    {"--scan-max-success", &DetectOptions::scan_max_success},
    {"scan_slow_rate", &DetectOptions::scan_slow_rate},
    {"--isn-predictable-ratio", &DetectOptions::isn_predictable_ratio},
    {"isn_max_pvalue", &DetectOptions::isn_max_pvalue},
};
constexpr WholeField kWholes[] = {
    {"spoofed_min_sources", &DetectOptions::spoofed_min_sources},
    {"--scan-ports", &DetectOptions::scan_ports},
    {"--scan-hosts", &DetectOptions::scan_hosts},
    {"--isn-min-samples", &DetectOptions::isn_min_samples},
    {"isn_small_increment", &DetectOptions::isn_small_increment},
    {"flow_cache_log2_sets", &DetectOptions::flow_cache_log2_sets},
    {"target_log2_sets", &DetectOptions::target_log2_sets},
    {"scan_log2_sets", &DetectOptions::scan_log2_sets},
    {"isn_log2_sets", &DetectOptions::isn_log2_sets},
};

// A check of a block's bytes, eight at a time (a multiply and a shift a word): it catches
// damaged or overwritten bytes, not an adversary.
std::uint64_t check_of(const std::uint8_t* p, std::size_t n) {
  std::uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
  auto mix = [&h](std::uint64_t w) {
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 29;
  };
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    mix(w);
  }
  std::uint64_t tail = 0;
  for (std::size_t k = 0; i + k < n; ++k) tail |= static_cast<std::uint64_t>(p[i + k]) << (8 * k);
  mix(tail);
  return h;
}

std::uint8_t* put_varint(std::uint8_t* p, std::uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<std::uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<std::uint8_t>(v);
  return p;
}
std::uint8_t* put_u32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) *p++ = static_cast<std::uint8_t>(v >> (8 * i));
  return p;
}
void put_le(Output& out, std::uint64_t v, int bytes) {
  char b[8];
  for (int i = 0; i < bytes; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out.put(std::string_view(b, static_cast<std::size_t>(bytes)));
}
std::uint64_t get_le(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return v;
}
std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

AddrFrom address_from(const IpAddress& a, const IpAddress& prev_src, const IpAddress& prev_dst) {
  if (a == prev_src) return kPrevSrc;
  if (a == prev_dst) return kPrevDst;
  return kLiteral;
}
std::uint8_t* put_address(std::uint8_t* p, const IpAddress& a) {
  bool tail = false;
  for (std::size_t i = 4; i < 16; ++i) tail = tail || a.bytes[i] != 0;
  const bool full = a.family != 4 || tail;
  *p++ = static_cast<std::uint8_t>(a.family | (full ? kFullAddress : 0));
  const std::size_t n = full ? 16 : 4;
  std::memcpy(p, a.bytes.data(), n);
  return p + n;
}

// A bounded cursor over one block's payload; the first failure sticks.
struct Cursor {
  const std::uint8_t* p;
  const std::uint8_t* end;
  bool ok = true;
  std::uint8_t byte() {
    if (p >= end) return fail();
    return *p++;
  }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= end) return fail();
      const std::uint8_t b = *p++;
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    return fail();  // longer than a u64
  }
  std::uint64_t le(int bytes) {
    if (end - p < bytes) return fail();
    const std::uint64_t v = get_le(p, bytes);
    p += bytes;
    return v;
  }
  void address(IpAddress& a) {
    const std::uint8_t tag = byte();
    const std::uint8_t family = tag & 0x7f;
    const std::size_t n = (tag & kFullAddress) ? 16 : 4;
    if (!(tag & kFullAddress) && family != 4) {
      fail();
      return;
    }
    if (static_cast<std::size_t>(end - p) < n) {
      fail();
      return;
    }
    a.family = family;
    a.bytes = {};
    std::memcpy(a.bytes.data(), p, n);
    p += n;
  }
  std::uint8_t fail() {
    ok = false;
    p = end;
    return 0;
  }
};

std::string number_text(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}

}  // namespace

std::string options_difference(const DetectStateHeader& a, const DetectStateHeader& b) {
  for (const RealField& f : kReals) {
    const double x = a.options.*f.member, y = b.options.*f.member;
    if (std::memcmp(&x, &y, sizeof x) != 0)
      return std::string(f.name) + " " + number_text(x) + " vs " + number_text(y);
  }
  for (const WholeField& f : kWholes)
    if (a.options.*f.member != b.options.*f.member)
      return std::string(f.name) + " " + std::to_string(a.options.*f.member) + " vs " +
             std::to_string(b.options.*f.member);
  if (a.filter != b.filter) return "filter '" + a.filter + "' vs '" + b.filter + "'";
  return {};
}

// ---- writer

void DetectStateWriter::start(const DetectStateHeader& h) {
  out_.put(std::string_view(kMagic, sizeof kMagic));
  put_le(out_, h.version, 4);
  put_le(out_, h.shard, 4);
  put_le(out_, h.shards, 4);
  put_le(out_, h.input_packets, 8);
  for (const RealField& f : kReals) {
    std::uint64_t bits;
    const double v = h.options.*f.member;
    std::memcpy(&bits, &v, 8);
    put_le(out_, bits, 8);
  }
  for (const WholeField& f : kWholes) put_le(out_, h.options.*f.member, 4);
  const std::size_t n = std::min<std::size_t>(h.filter.size(), kMaxFilter);
  put_le(out_, n, 4);
  out_.put(std::string_view(h.filter.data(), n));
}

void DetectStateWriter::add(DetectInput kind, const PacketFacts& p) {
  if (p.frame <= prev_frame_) {
    failed_ = true;  // the shard's events must come in frame order (detect_state.hpp)
    return;
  }
  std::uint8_t* const start = block_.data() + used_;
  std::uint8_t* w = start + 2;  // after the two tag bytes
  w = put_varint(w, p.frame - prev_frame_);
  w = put_varint(w, zigzag(p.ns - prev_ns_));
  const AddrFrom src_from = address_from(p.src, prev_src_, prev_dst_);
  // The destination's codes name the previous destination first (1), then source (2).
  const AddrFrom dst_from = address_from(p.dst, prev_dst_, prev_src_);
  if (src_from == kLiteral) w = put_address(w, p.src);
  if (dst_from == kLiteral) w = put_address(w, p.dst);
  w = put_varint(w, p.sport);
  w = put_varint(w, p.dport);
  w = put_varint(w, p.flags);
  std::uint8_t a = static_cast<std::uint8_t>(static_cast<unsigned>(kind) |
                                             static_cast<unsigned>(p.options) << 2 | (p.has_ts ? 1u << 4 : 0u));
  std::uint8_t b = static_cast<std::uint8_t>(src_from | dst_from << 2);
  // Fields that are zero are left out (their bit clear).
  auto word = [&w](std::uint8_t& tag, std::uint8_t bit, std::uint32_t v) {
    if (v == 0) return;
    tag |= bit;
    w = put_u32(w, v);
  };
  auto number = [&w](std::uint8_t& tag, std::uint8_t bit, std::uint64_t v) {
    if (v == 0) return;
    tag |= bit;
    w = put_varint(w, v);
  };
  number(b, kTtlValue, p.ttl);
  word(a, kSeqValue, p.seq);
  word(a, kAckValue, p.ack);
  number(b, kWindowValue, p.window);
  number(b, kIpIdValue, p.ip_id);
  number(b, kPayloadValue, p.payload_len);
  word(a, kTsValue, p.ts_val);
  start[0] = a;
  start[1] = b;
  used_ += static_cast<std::size_t>(w - start);
  ++block_events_;
  ++events_;
  prev_frame_ = p.frame;
  prev_ns_ = p.ns;
  prev_src_ = p.src;
  prev_dst_ = p.dst;
  if (used_ >= kBlockBytes - kMaxEventBytes) end_block();
}

void DetectStateWriter::end_block() {
  if (block_events_ == 0) return;
  put_le(out_, used_, 4);
  put_le(out_, block_events_, 4);
  put_le(out_, check_of(block_.data(), used_), 8);
  out_.put(std::string_view(reinterpret_cast<const char*>(block_.data()), used_));
  used_ = 0;
  block_events_ = 0;
  if (!out_.flush_if_large()) failed_ = true;
}

bool DetectStateWriter::finish() {
  end_block();
  put_le(out_, 0, 4);
  put_le(out_, 0, 4);
  put_le(out_, check_of(block_.data(), 0), 8);
  std::uint8_t counts[16];
  put_u32(put_u32(counts, static_cast<std::uint32_t>(events_)), static_cast<std::uint32_t>(events_ >> 32));
  put_u32(put_u32(counts + 8, static_cast<std::uint32_t>(others_)), static_cast<std::uint32_t>(others_ >> 32));
  out_.put(std::string_view(reinterpret_cast<const char*>(counts), sizeof counts));
  put_le(out_, check_of(counts, sizeof counts), 8);
  out_.put(std::string_view(kEndMagic, sizeof kEndMagic));
  if (!out_.flush()) failed_ = true;
  return !failed_;
}

// ---- reader

DetectStateReader::~DetectStateReader() {
  if (file_ != nullptr) std::fclose(file_);
}

bool DetectStateReader::fail(std::uint64_t offset, const std::string& why) {
  if (error_.empty()) error_ = path_ + ": offset " + std::to_string(offset) + ": " + why;
  done_ = true;
  return false;
}

bool DetectStateReader::read_exact(void* to, std::size_t n) {
  const std::size_t got = std::fread(to, 1, n, file_);
  offset_ += got;
  return got == n;
}

bool DetectStateReader::open(const std::string& path) {
  path_ = path;
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) {
    error_ = path + ": " + std::strerror(errno);
    return false;
  }
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
  constexpr std::size_t kFixed = 8 + 4 + 4 + 4 + 8 + std::size(kReals) * 8 + std::size(kWholes) * 4 + 4;
  std::uint8_t head[kFixed];
  if (!read_exact(head, sizeof head) || std::memcmp(head, kMagic, 8) != 0)
    return fail(0, "not a tcplens detect state file (written by `tcplens detect --shard-index`)");
  const std::uint8_t* p = head + 8;
  header_.version = static_cast<std::uint32_t>(get_le(p, 4));
  if (header_.version != kDetectStateVersion)
    return fail(8, "state file version " + std::to_string(header_.version) + ", this tcplens reads version " +
                       std::to_string(kDetectStateVersion));
  header_.shard = static_cast<std::uint32_t>(get_le(p + 4, 4));
  header_.shards = static_cast<std::uint32_t>(get_le(p + 8, 4));
  header_.input_packets = get_le(p + 12, 8);
  p += 20;
  for (const RealField& f : kReals) {
    const std::uint64_t bits = get_le(p, 8);
    std::memcpy(&(header_.options.*f.member), &bits, 8);
    p += 8;
  }
  for (const WholeField& f : kWholes) {
    header_.options.*f.member = static_cast<std::uint32_t>(get_le(p, 4));
    p += 4;
  }
  const std::uint32_t filter_len = static_cast<std::uint32_t>(get_le(p, 4));
  // (split makes at most 4096 shards; a larger count is damage, and would size the merge's tables.)
  if (header_.shards == 0 || header_.shards > kMaxShards || header_.shard >= header_.shards)
    return fail(12, "shard " + std::to_string(header_.shard) + " of " + std::to_string(header_.shards) +
                        " shards is no shard");
  if (filter_len > kMaxFilter) return fail(kFixed - 4, "impossible filter length");
  header_.filter.resize(filter_len);
  if (!read_exact(header_.filter.data(), filter_len)) return fail(offset_, "cut short in the header");
  events_start_ = offset_;
  block_.reserve(DetectStateWriter::kBlockBytes + DetectStateWriter::kMaxEventBytes);
  return true;
}

bool DetectStateReader::rewind() {
  if (file_ == nullptr || std::fseek(file_, static_cast<long>(events_start_), SEEK_SET) != 0)
    return fail(events_start_, "cannot seek back to the events");
  offset_ = events_start_;
  block_.clear();
  at_ = 0;
  block_left_ = 0;
  events_ = 0;
  prev_frame_ = 0;
  prev_ns_ = 0;
  prev_src_ = prev_dst_ = IpAddress{};
  done_ = false;
  error_.clear();
  return true;
}

bool DetectStateReader::next_block() {
  const std::uint64_t at = offset_;
  std::uint8_t h[kBlockHeader];
  if (!read_exact(h, sizeof h)) return fail(at, "cut short (no end block)");
  const std::uint32_t len = static_cast<std::uint32_t>(get_le(h, 4));
  const std::uint32_t count = static_cast<std::uint32_t>(get_le(h + 4, 4));
  if (len > DetectStateWriter::kBlockBytes + DetectStateWriter::kMaxEventBytes || (len == 0) != (count == 0) ||
      count > len / 7)  // an event takes 7 bytes at the least
    return fail(at, "damaged block header");
  block_.resize(len);
  if (len > 0 && !read_exact(block_.data(), len)) return fail(at, "cut short in a block");
  if (check_of(block_.data(), len) != get_le(h + 8, 8)) return fail(at, "damaged block (its check does not match)");
  if (len == 0) {
    std::uint8_t t[32];
    const std::uint64_t trailer = offset_;
    if (!read_exact(t, sizeof t) || std::memcmp(t + 24, kEndMagic, 8) != 0 || check_of(t, 16) != get_le(t + 16, 8))
      return fail(trailer, "cut short or damaged trailer");
    trailer_events_ = get_le(t, 8);
    trailer_others_ = get_le(t + 8, 8);
    if (trailer_events_ != events_)
      return fail(trailer, "the trailer counts " + std::to_string(trailer_events_) + " events, the blocks " +
                               std::to_string(events_));
    if (std::fgetc(file_) != EOF) return fail(offset_, "bytes after the trailer");
    done_ = true;
    return false;
  }
  block_offset_ = at + kBlockHeader;
  at_ = 0;
  block_left_ = count;
  return true;
}

bool DetectStateReader::check_blocks() {
  while (next_block()) {
    events_ += block_left_;
    block_left_ = 0;
  }
  return error_.empty() && rewind();
}

bool DetectStateReader::next(DetectInput& kind, PacketFacts& p) {
  if (done_) return false;
  if (block_left_ == 0) {
    if (!next_block()) return false;
  }
  const std::uint64_t event_offset = block_offset_ + at_;
  Cursor c{block_.data() + at_, block_.data() + block_.size()};
  const std::uint8_t a = c.byte();
  const std::uint8_t b = c.byte();
  const unsigned k = a & 3u;
  if (c.ok && (k == 0 || k > 2 || (b & 3u) > 2 || ((b >> 2) & 3u) > 2)) return fail(event_offset, "damaged event");
  kind = static_cast<DetectInput>(k);
  p = PacketFacts{};
  const std::uint64_t delta = c.varint();
  p.frame = prev_frame_ + delta;
  p.ns = static_cast<std::int64_t>(static_cast<std::uint64_t>(prev_ns_) + static_cast<std::uint64_t>(unzigzag(c.varint())));
  auto address = [&](unsigned from, const IpAddress& same, const IpAddress& other, IpAddress& to) {
    if (from == kLiteral)
      c.address(to);
    else
      to = from == kPrevSrc ? same : other;
  };
  address(b & 3u, prev_src_, prev_dst_, p.src);
  address((b >> 2) & 3u, prev_dst_, prev_src_, p.dst);
  p.sport = static_cast<std::uint16_t>(c.varint());
  p.dport = static_cast<std::uint16_t>(c.varint());
  p.flags = static_cast<std::uint16_t>(c.varint());
  p.options = static_cast<OptionShape>((a >> 2) & 3u);
  p.has_ts = (a & (1u << 4)) != 0;
  auto word = [&c](std::uint8_t tag, std::uint8_t bit) { return (tag & bit) ? static_cast<std::uint32_t>(c.le(4)) : 0u; };
  auto number = [&c](std::uint8_t tag, std::uint8_t bit) { return (tag & bit) ? c.varint() : 0u; };
  p.ttl = static_cast<std::uint8_t>(number(b, kTtlValue));
  p.seq = word(a, kSeqValue);
  p.ack = word(a, kAckValue);
  p.window = static_cast<std::uint16_t>(number(b, kWindowValue));
  p.ip_id = static_cast<std::uint16_t>(number(b, kIpIdValue));
  p.payload_len = static_cast<std::uint32_t>(number(b, kPayloadValue));
  p.ts_val = word(a, kTsValue);
  if (!c.ok) return fail(event_offset, "damaged event (cut short)");
  if (delta == 0) return fail(event_offset, "damaged event (its frame does not follow the previous one)");
  if (header_.input_packets != 0 && p.frame > header_.input_packets)
    return fail(event_offset, "damaged event (frame " + std::to_string(p.frame) + " past the input's " +
                                  std::to_string(header_.input_packets) + " packets)");
  at_ = static_cast<std::size_t>(c.p - block_.data());
  if (--block_left_ == 0 && at_ != block_.size()) return fail(block_offset_ + at_, "damaged block (bytes after its events)");
  ++events_;
  prev_frame_ = p.frame;
  prev_ns_ = p.ns;
  prev_src_ = p.src;
  prev_dst_ = p.dst;
  return true;
}

// ---- merge

namespace {

std::string shard_name(const DetectStateReader& r) {
  return "shard " + std::to_string(r.header().shard) + " of " + std::to_string(r.header().shards);
}

}  // namespace

bool merge_detect_states(const std::vector<std::string>& paths, const DetectStateHeader& expected,
                         Detector& detector, DetectMergeResult& result, std::string& error) {
  if (paths.empty()) {
    error = "no state files to merge";
    return false;
  }
  std::vector<std::unique_ptr<DetectStateReader>> readers;
  for (const std::string& path : paths) {
    readers.push_back(std::make_unique<DetectStateReader>());
    DetectStateReader& r = *readers.back();
    if (!r.open(path)) {
      error = r.error();
      return false;
    }
    if (const std::string diff = options_difference(r.header(), expected); !diff.empty()) {
      error = path + ": its shard run had other options than this merge (shard run vs merge: " + diff + ")";
      return false;
    }
  }
  // Every shard of one split, each once.
  const DetectStateHeader& first = readers[0]->header();
  std::vector<const std::string*> by_shard(first.shards, nullptr);
  for (std::size_t i = 0; i < readers.size(); ++i) {
    const DetectStateHeader& h = readers[i]->header();
    if (h.shards != first.shards || h.input_packets != first.input_packets) {
      error = paths[i] + ": " + shard_name(*readers[i]) + " of a capture of " + std::to_string(h.input_packets) +
              " packets, but " + paths[0] + " is " + shard_name(*readers[0]) + " of one of " +
              std::to_string(first.input_packets) + ": not one split";
      return false;
    }
    if (by_shard[h.shard] != nullptr) {
      error = paths[i] + ": " + shard_name(*readers[i]) + ", as is " + *by_shard[h.shard];
      return false;
    }
    by_shard[h.shard] = &paths[i];
  }
  for (std::uint32_t k = 0; k < first.shards; ++k)
    if (by_shard[k] == nullptr) {
      error = "shard " + std::to_string(k) + " of " + std::to_string(first.shards) + " is missing";
      return false;
    }
  // Check every file whole before replaying any (a refusal writes nothing).
  for (auto& r : readers)
    if (!r->check_blocks()) {
      error = r->error();
      return false;
    }
  // Replay in frame order: a heap of the readers' next events, the lowest frame on top.
  struct Head {
    PacketFacts p;
    DetectInput kind;
  };
  std::vector<Head> heads(readers.size());
  std::vector<std::size_t> heap;
  heap.reserve(readers.size());
  auto later = [&](std::size_t x, std::size_t y) { return heads[x].p.frame > heads[y].p.frame; };
  auto refill = [&](std::size_t i) {
    if (readers[i]->next(heads[i].kind, heads[i].p)) {
      heap.push_back(i);
      std::push_heap(heap.begin(), heap.end(), later);
      return true;
    }
    return readers[i]->error().empty();
  };
  for (std::size_t i = 0; i < readers.size(); ++i)
    if (!refill(i)) {
      error = readers[i]->error();
      return false;
    }
  auto pop = [&] {
    std::pop_heap(heap.begin(), heap.end(), later);
    const std::size_t i = heap.back();
    heap.pop_back();
    return i;
  };
  std::uint64_t last = 0;
  for (std::size_t i = heap.empty() ? readers.size() : pop(); i < readers.size();) {
    if (heads[i].p.frame <= last) {
      error = paths[i] + ": frame " + std::to_string(heads[i].p.frame) + " comes again (or is in another shard too)";
      return false;
    }
    last = heads[i].p.frame;
    detector.on_input(heads[i].kind, heads[i].p);
    ++result.events;
    if (!readers[i]->next(heads[i].kind, heads[i].p)) {
      if (!readers[i]->error().empty()) {
        error = readers[i]->error();
        return false;
      }
      i = heap.empty() ? readers.size() : pop();  // this shard is over: the lowest of the others
      continue;
    }
    // While this shard's next event comes before every other shard's, it goes on without the heap.
    if (heap.empty() || heads[i].p.frame < heads[heap.front()].p.frame) continue;
    heap.push_back(i);
    std::push_heap(heap.begin(), heap.end(), later);
    i = pop();
  }
  std::uint64_t others = 0;
  for (auto& r : readers) others += r->other_packets();
  detector.add_other_packets(others);
  result.packets = result.events + others;
  return true;
}

}  // namespace tcplens::detect

#include "tcplens/capture/capture_split.hpp"

#include <cstdio>

#include "tcplens/flow/shard.hpp"

namespace tcplens {

namespace {
// As many datagrams in flight as the decoder's reassembler keeps (ip_reassembler.hpp).
constexpr std::size_t kMaxHeld = 64;
}  // namespace

struct CaptureSplitter::Held {
  bool used = false;
  std::uint8_t version = 0, protocol = 0;
  std::uint32_t ident = 0;
  IpAddress src, dst;
  std::uint64_t touched = 0;
  // Where its fragments go if it never completes: its first fragment's connection's shard
  // (the engine's worker for that connection prints that fragment), else shard 0.
  std::uint32_t owner = 0;
  std::vector<RawPacket> packets;  // data points into `bytes` at packet.file_offset
  std::vector<std::uint8_t> bytes;
  bool same(const IpHeader& ip) const {
    return used && version == ip.version && protocol == ip.protocol && ident == ip.ident && src == ip.src &&
           dst == ip.dst;
  }
};

CaptureSplitter::CaptureSplitter() = default;
CaptureSplitter::~CaptureSplitter() = default;

std::string CaptureSplitter::shard_path(const std::string& dir, std::uint32_t shard, const char* ext) {
  return dir + "/shard-" + std::to_string(shard) + ext;
}

bool CaptureSplitter::open(const std::string& dir, std::uint32_t shards, const SourceInfo& input) {
  count_ = shards;
  linktype_ = input.linktype;
  shards_ = std::vector<Shard>(shards);
  held_.resize(kMaxHeld);
  for (std::uint32_t k = 0; k < shards; ++k) {
    Shard& s = shards_[k];
    if (!s.writer.open(shard_path(dir, k, ".pcap"), input.linktype, input.snaplen, input.nanosecond_file)) {
      error_ = s.writer.error();
      return false;
    }
    if (!s.index.open(shard_path(dir, k, ".idx"), k, shards)) {
      error_ = s.index.error();
      return false;
    }
  }
  return true;
}

bool CaptureSplitter::write(std::uint32_t shard, const RawPacket& raw) {
  Shard& s = shards_[shard];
  if (!s.writer.write(raw)) {
    error_ = s.writer.error();
    return false;
  }
  if (!s.index.add_frame(raw.number)) {
    error_ = s.index.error();
    return false;
  }
  return true;
}

bool CaptureSplitter::release(Held& held, std::uint32_t shard) {
  bool ok = true;
  for (RawPacket p : held.packets) {
    p.data = ByteView(held.bytes.data() + p.file_offset, p.caplen);
    ok = ok && write(shard, p);
  }
  held.packets.clear();
  held.bytes.clear();
  held.used = false;
  return ok;
}

// The shard of a packet whose bytes did not tell (peek_shard); `hold`: a fragment of a
// datagram not complete yet.
std::uint32_t CaptureSplitter::shard_of_packet(const RawPacket& raw, bool& hold) {
  const DecodedPacket& pkt = decoder_.decode(raw);
  std::uint32_t shard = shard_of_decoded(pkt, count_);
  if (shard == kShardUnknown) shard = 0;
  hold = false;
  if (pkt.ip_depth == 0 || !pkt.ip.fragment) return shard;
  Held* found = nullptr;
  for (Held& h : held_)
    if (h.same(pkt.ip)) found = &h;
  if (pkt.reassembled) {
    if (found != nullptr && !release(*found, shard)) return kShardUnknown;
    return shard;
  }
  hold = true;
  if (found == nullptr) {
    // The least recently touched datagram gives up its slot: its fragments go where the
    // engine's workers would have had them (it never completed in time).
    found = &held_[0];
    for (Held& h : held_)
      if (!h.used || (found->used && h.touched < found->touched)) found = &h;
    if (found->used && !release(*found, found->owner)) return kShardUnknown;
    found->used = true;
    found->owner = 0;
    found->version = pkt.ip.version;
    found->protocol = pkt.ip.protocol;
    found->ident = pkt.ip.ident;
    found->src = pkt.ip.src;
    found->dst = pkt.ip.dst;
  }
  if (pkt.first_fragment_ports) found->owner = shard;
  found->touched = ++held_clock_;
  RawPacket copy = raw;
  copy.file_offset = found->bytes.size();
  found->bytes.insert(found->bytes.end(), raw.data.begin(), raw.data.end());
  found->packets.push_back(copy);
  return 0;
}

bool CaptureSplitter::add(const RawPacket& raw) {
  ++packets_;
  if (clock_.advance(raw.ts)) ticks_.push_back({raw.number, raw.ts});
  if (raw.linktype != linktype_) {
    error_ = "packet " + std::to_string(raw.number) + ": link type " + std::to_string(raw.linktype) +
             " differs from the first interface's " + std::to_string(linktype_) +
             " (a shard is a pcap file of one link type)";
    return false;
  }
  std::uint32_t shard = peek_shard(raw, count_);
  if (shard == kShardUnknown) {
    bool hold = false;
    shard = shard_of_packet(raw, hold);
    if (shard == kShardUnknown) return false;
    if (hold) return true;
  }
  return write(shard, raw);
}

bool CaptureSplitter::close() {
  bool ok = error_.empty();
  // Fragments still held never completed: to their owner, in the order they came.
  for (;;) {
    Held* oldest = nullptr;
    for (Held& h : held_)
      if (h.used && (oldest == nullptr || h.touched < oldest->touched)) oldest = &h;
    if (oldest == nullptr) break;
    ok = release(*oldest, oldest->owner) && ok;
  }
  for (Shard& s : shards_) {
    if (!s.writer.close() && ok) {
      error_ = s.writer.error();
      ok = false;
    }
    if (!s.index.close(ticks_, packets_) && ok) {
      error_ = s.index.error();
      ok = false;
    }
  }
  return ok;
}

}  // namespace tcplens

// TCP desegmentation as packet-tcp.c's desegment_tcp() does it for one direction, for the
// application summaries: a dissector that stops at `offset` asking for N more bytes (or for
// "one more segment") is called again, with the held bytes plus the new ones, only once
// TCP has them all; segments in between show TCP's own line and "[TCP segment of a
// reassembled PDU]". The held bytes are capped so that the state stays small.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

#include "tcplens/bytes.hpp"

namespace tcplens::wireshark {

// tvb_find_line_end(): length of the line at `off` (CRLF, LF or CR ends it) and in `next`
// where the following line starts. With `desegment`, -1 when no end is in the buffer (a CR
// as its last byte may still be followed by LF); without, the line runs to the end.
inline long find_line_end(ByteView t, std::size_t off, bool desegment, std::size_t& next) {
  for (std::size_t i = off; i < t.size(); ++i) {
    if (t[i] == '\n') {
      next = i + 1;
      return static_cast<long>(i - off);
    }
    if (t[i] == '\r') {
      if (i + 1 >= t.size() && desegment) return -1;
      next = i + 1 < t.size() && t[i + 1] == '\n' ? i + 2 : i + 1;
      return static_cast<long>(i - off);
    }
  }
  if (desegment) return -1;
  next = t.size();
  return static_cast<long>(t.size() - std::min(off, t.size()));
}

class SplitPdu {
 public:
  static constexpr std::uint32_t kOneMoreSegment = 0xffffffff;  // DESEGMENT_ONE_MORE_SEGMENT
  static constexpr std::size_t kCap = 4096;                      // bytes kept of a split PDU

  SplitPdu() = default;
  // `cap`: bytes kept of a split PDU (TLS keeps a whole record, up to 18 KiB; the buffer is
  // given back once such a PDU is done, so an idle stream holds little).
  explicit SplitPdu(std::size_t cap) : cap_(cap) {}

  bool active() const { return len_ > 0; }

  // A new segment while active(): false when TCP keeps waiting (the bytes are held);
  // otherwise `used` is how many of them complete the PDU.
  bool complete(ByteView data, std::size_t& used) {
    const bool one_more = want_ == kOneMoreSegment;
    if (!one_more && data.size() < want_ - len_) {
      len_ += data.size();
      keep(data);
      return false;
    }
    used = one_more ? data.size() : want_ - len_;
    return true;
  }

  // The reassembled PDU (held bytes and the first `used` of `data`) into `pdu`; false when it
  // was longer than the cap and its start is lost. Ends the split either way.
  bool take(ByteView data, std::size_t used, std::string& pdu) {
    const bool whole = len_ <= held_.size();
    pdu = held_;
    pdu.append(reinterpret_cast<const char*>(data.data()), std::min(used, data.size()));
    len_ = 0;
    if (held_.capacity() > kCap) std::string().swap(held_);
    else held_.clear();
    return whole;
  }

  // desegment_tcp()'s calls for one segment: first the reassembled PDU when `used` bytes of
  // `data` complete a split one (`reassembled`), then the rest of `data`, each behind a
  // column fence. `call(tvb, first_pdu)` returns false to stop (it asked for more data).
  template <class Call>
  void calls(ByteView data, bool reassembled, std::size_t used, std::string& scratch, Call call) {
    bool first_pdu = true;
    std::size_t pos = 0;  // start of the next call's tvb in `data`
    while (true) {
      ByteView tvb;
      if (reassembled) {
        reassembled = false;
        pos = used;
        if (!take(data, used, scratch)) {
          // Longer than we keep: its text is lost, what follows it is not.
          first_pdu = false;
          if (pos >= data.size()) return;
          continue;
        }
        tvb = ByteView(reinterpret_cast<const std::uint8_t*>(scratch.data()), scratch.size());
      } else {
        tvb = data.subspan(pos);
        pos = data.size();
      }
      if (!call(tvb, first_pdu)) return;
      first_pdu = false;
      if (pos >= data.size()) return;
    }
  }

  // A dissector that clears the columns stopped at `off` of `tvb`, asking for `more` bytes:
  // they are held; when it dissected nothing of the segment's first PDU, TCP names the
  // segment ("[TCP segment of a reassembled PDU]" after the expert prefix, Protocol TCP).
  void stop(ByteView tvb, std::size_t off, std::uint32_t more, bool first_pdu, std::string& protocol,
            std::string& info) {
    hold(tvb.subspan(off), more);
    if (off != 0 || !first_pdu) return;
    protocol = "TCP";
    if (!info.empty()) info += ' ';
    info += "[TCP segment of a reassembled PDU]";
  }

  // The dissector stopped with `rest` undissected and asked for `more` bytes beyond it.
  void hold(ByteView rest, std::uint32_t more) {
    held_.clear();
    len_ = rest.size();
    keep(rest);
    want_ = more == kOneMoreSegment
                ? kOneMoreSegment
                : static_cast<std::uint32_t>(std::min<std::uint64_t>(std::uint64_t{len_} + more, kOneMoreSegment - 1));
  }

 private:
  void keep(ByteView b) {
    const std::size_t room = cap_ - std::min(cap_, held_.size());
    held_.append(reinterpret_cast<const char*>(b.data()), std::min(room, b.size()));
  }

  std::size_t cap_ = kCap;
  std::string held_;
  std::size_t len_ = 0;     // bytes of the PDU so far, even beyond what held_ keeps
  std::uint32_t want_ = 0;  // bytes TCP waits for in all
};

}  // namespace tcplens::wireshark

// The Protocol and Info columns tshark 4.0 shows for SSH (packet-ssh.c dissect_ssh): "Client:
// Protocol (SSH-2.0-...)", "Server: Key Exchange Init", "Client: Encrypted packet (len=48)".
// The state mirrors what packet-ssh.c keeps per conversation on its single pass; it is
// small and bounded (the algorithm lists are kept only until both KEXINITs are seen).
#pragma once

#include <cstdint>
#include <string>

#include "render/wireshark/split_pdu.hpp"
#include "tcplens/bytes.hpp"

namespace tcplens::wireshark {

struct SshStream {
  enum class Kex : std::uint8_t { Dh, DhGex, Ecdh };
  struct Peer {
    std::uint64_t version_start = 0, version_end = 0;  // frames of the identification line
    std::uint64_t key_start = 0, key_end = 0;          // first KEXINIT / NEWKEYS frames
    std::size_t key_end_offset = 0;                    // offset just past NEWKEYS' code
    bool cipher_known = false;  // a cipher packet-ssh.c would try to decrypt (keys unknown)
    bool decrypting = false;    // NEWKEYS seen with such a cipher: messages show nothing
    bool has_lists = false;
    SplitPdu split;
    std::string kex_list, enc_list[2];  // KEXINIT name-lists, dropped once the kex is chosen
  };
  int version = 0;  // 0 unknown, 1, 2
  bool kex_chosen = false;
  Kex kex = Kex::Dh;
  Peer peer[2];  // [0] client, [1] server
};

enum class SshVerdict {
  Summary,     // `protocol` and `info` hold the columns
  TcpSegment,  // inside a split PDU, SSH not called: TCP's line plus "[TCP segment of a reassembled PDU]"
};

// One TCP segment's payload (all of it captured) for the SSH dissector. `prefix` is TCP's
// expert prefix, which packet-ssh.c's col_clear() leaves in place (it sits behind the
// column fence), so that messages are appended after it with ", ".
SshVerdict ssh_info(SshStream& s, ByteView data, bool from_server, std::uint64_t frame,
                    const std::string& prefix, std::string& protocol, std::string& info);

}  // namespace tcplens::wireshark

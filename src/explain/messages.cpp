// The messages of `tcplens explain`: id and English text, marked for xgettext with N_(id,
// text) (the id becomes the msgctxt); translations come from the gettext catalogs (po/).
// scripts/update-po.sh extracts po/tcplens.pot from this file and merges po/*.po.
#include "tcplens/explain/messages.hpp"

#include <libintl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <clocale>
#include <cstdlib>
#include <mutex>
#include <unordered_map>

#define N_(id, text) MessageEntry{id, text}

namespace tcplens::explain {

namespace {

constexpr const char* kDomain = "tcplens";

const std::vector<MessageEntry> kMessages = {
    // The capture summary.
    N_("summary.title", "Capture summary:"),
    N_("summary.connections",
       "{connections} TCP connection(s): {complete} opened and closed normally, {refused} refused, "
       "{reset} reset, {unanswered} unanswered, {half_open} half-open (SYN-ACK never acknowledged), {open} "
       "still open at the end, {other} other."),
    N_("summary.handshakes_missing",
       "{count} of them never completed the handshake: many SYNs without a handshake are what a SYN flood "
       "or a port scan looks like (tcplens detect tells which, and from where)."),
    N_("summary.retransmissions", "Retransmissions: {count} in {conns} connection(s) (streams {streams})."),
    N_("summary.zero_window", "Zero windows: {count} in {conns} connection(s) (streams {streams})."),
    N_("summary.syn_retried", "SYN sent again: {conns} connection(s) (streams {streams})."),
    N_("summary.not_captured", "Segments not captured: {count} in {conns} connection(s) (streams {streams})."),
    N_("summary.busiest", "Busiest: stream {stream}, {client} -> {server}: {packets} packets, {bytes} bytes."),
    N_("summary.checksum_offload",
       "Checksums: {bad} of the {checked} packets checked, all sent by {hosts}, carry a TCP checksum that "
       "does not match: the sender leaves the checksum to the network card (checksum offload) and the "
       "capture copies the packet before it is filled in. Every loopback capture (tcpdump -i lo) looks like "
       "this; it is not damage, and it is said only here."),
    // The ladder.
    N_("ladder.title", "Stream {stream}: {client} -> {server}"),
    N_("ladder.client", "client"),
    N_("ladder.server", "server"),
    N_("ladder.time", "time"),
    N_("ladder.span",
       "{packets} packets in {duration} s: data {bytes_c} B in {segments_c} segments from the client, "
       "{bytes_s} B in {segments_s} from the server; {retransmissions} retransmitted"),
    N_("ladder.retransmission", "retransmission of #{frame}"),
    N_("ladder.retransmission_unknown", "retransmission"),
    N_("ladder.fast_retransmission", "fast retransmission of #{frame}"),
    N_("ladder.spurious_retransmission", "spurious retransmission of #{frame}"),
    N_("ladder.dup_ack", "dup ACK #{num} of #{frame}"),
    N_("ladder.zero_window", "zero window"),
    N_("ladder.zero_window_probe", "zero-window probe"),
    N_("ladder.out_of_order", "out of order"),
    N_("ladder.lost_segment", "previous segment not captured (lost)"),
    N_("ladder.keepalive", "keep-alive"),
    N_("ladder.reused_ports", "port reused"),
    N_("ladder.rst", "connection reset"),
    // Story and notes.
    N_("story.title", "What happened:"),
    N_("story.frames", "(frames {frames})"),
    N_("story.frame", "(frame {frame})"),
    N_("story.list_separator", ", "),
    N_("story.sentence", "{text} {frames}"),
    N_("teach.title", "TCP ideas shown here:"),
    N_("side.client", "the client"),
    N_("side.server", "the server"),
    // Handshake.
    N_("handshake.complete",
       "Three-way handshake: the client sent a SYN with its initial sequence number (ISN) x = {client_isn}; "
       "the server answered with a SYN-ACK carrying its own ISN y = {server_isn} and acknowledging "
       "x+1 = {client_isn_plus_1}; the client's ACK of y+1 = {server_isn_plus_1} completed it. The handshake "
       "took {rtt_ms} ms seen from the capture point: {server_half_ms} ms to the server and back, "
       "{client_half_ms} ms to the client and back."),
    N_("handshake.simultaneous",
       "Simultaneous open: both sides sent a SYN (ISNs {client_isn} and {server_isn}) before receiving the "
       "other's."),
    N_("handshake.unanswered",
       "The client sent {syns} SYN(s) (ISN {client_isn}) to {server} and never got an answer: the host is "
       "unreachable or a firewall drops the SYN silently, so connect() times out."),
    N_("handshake.icmp_rejected",
       "The client's SYN (ISN {client_isn}) to {server} was answered not by a SYN-ACK but by an ICMP error "
       "from {from} (type {type}, code {code}: {reason}): a firewall or the host rejected the connection, "
       "so connect() fails at once instead of timing out."),
    N_("icmp.port_unreachable", "port unreachable"),
    N_("icmp.host_unreachable", "host or network unreachable"),
    N_("icmp.admin_prohibited", "administratively prohibited"),
    N_("icmp.other", "another ICMP error"),
    N_("handshake.refused",
       "Connection refused: the client's SYN (ISN {client_isn}) was answered by a RST from {server_ip}: "
       "nothing listens on port {port} there."),
    N_("handshake.no_final_ack",
       "The server answered the SYN (ISN {client_isn}) with a SYN-ACK (ISN {server_isn}), but the client's "
       "final ACK was never seen."),
    N_("handshake.not_seen",
       "No handshake in the capture: it starts in the middle of this connection, so client and server are "
       "guessed from the ports and the sequence numbers are counted from the first packet seen."),
    N_("handshake.reset",
       "{resetter} answered with a RST before the connection was established: it had no socket waiting for "
       "this handshake (a port scanner's SYN-ACK answer, or a connection given up), so the connection never "
       "opened."),
    N_("handshake.syn_retried",
       "The client sent its SYN {syns} times: a SYN that gets no answer is sent again when the "
       "retransmission timeout expires (1 s at first on Linux, doubling each time). The SYN or its SYN-ACK "
       "was lost, or the server was too busy (a full listen queue drops SYNs)."),
    N_("handshake.syn_ack_retried",
       "The server sent its SYN-ACK {count} times: the ACK that completes the handshake never came (the "
       "SYN's source was spoofed, or the client gave up), so the server kept the half-open connection in "
       "SYN_RECEIVED and sent the SYN-ACK again on its timer. Many of these at once are a SYN flood."),
    N_("handshake.port_reused",
       "Port reuse: {side} opened a new connection on the same addresses and ports as an earlier one (a "
       "new SYN with a new ISN)."),
    N_("capture.one_direction",
       "No packet from {side} was captured: the capture saw only one direction (asymmetric routing, or a "
       "filter that kept one side)."),
    N_("options.negotiated", "Options: {options}."),
    N_("option.mss", "MSS {client_mss} (client) / {server_mss} (server)"),
    N_("option.window_scale",
       "window scaling (the client's windows are multiplied by 2^{client_window_scale}, the server's by "
       "2^{server_window_scale})"),
    N_("option.no_window_scale", "no window scaling"),
    N_("option.sack", "SACK permitted"),
    N_("option.timestamps", "timestamps"),
    N_("option.ecn", "ECN"),
    N_("option.tfo", "TCP Fast Open"),
    N_("option.offered_only", "{option} offered by {side} only, so not used"),
    // Data.
    N_("data.client_to_server", "Client to server: {bytes} bytes of data in {segments} segment(s)."),
    N_("data.server_to_client", "Server to client: {bytes} bytes of data in {segments} segment(s)."),
    N_("data.none", "No data was sent in either direction."),
    N_("http.request", "HTTP request: {request}."),
    N_("http.response", "HTTP response: {status}."),
    N_("data.piggybacked_ack",
       "{count} data segment(s) from {side} also acknowledged the peer's data: the ACK was piggybacked on "
       "the data instead of going in a packet of its own."),
    N_("retransmission.timeout",
       "{side} retransmitted {count} segment(s) after a timeout: no acknowledgment came back in time."),
    N_("retransmission.fast",
       "{side} made {count} fast retransmission(s): three duplicate ACKs told it a segment was missing, "
       "so it sent it again without waiting for the timeout."),
    N_("retransmission.spurious",
       "{count} retransmission(s) by {side} were spurious: the receiver had already acknowledged those "
       "bytes (the original was only delayed, or its ACK was)."),
    N_("retransmission.lost_after_capture",
       "For {count} of them the capture saw the original: it was lost (or delayed) after the capture point, "
       "on the way to the receiver."),
    N_("retransmission.lost_before_capture",
       "For {count} of them the original never reached the capture point: it was lost before it."),
    N_("segment.network_duplicate",
       "{count} segment(s) from {side} arrived twice, byte for byte (same IP ID): the network duplicated "
       "them; they are not retransmissions."),
    N_("segment.not_captured",
       "{count} time(s) a segment from {side} came after a gap in the sequence numbers: what should have "
       "come before it had not reached the capture point (lost on the way, or delayed and seen later, out "
       "of order)."),
    N_("segment.out_of_order", "{count} segment(s) from {side} arrived out of order."),
    N_("ack.duplicate",
       "{side} sent {count} duplicate ACK(s): the same acknowledgment again, because a segment after a "
       "missing one arrived."),
    N_("keepalive",
       "{side} sent {count} keep-alive probe(s) on the idle connection (one byte before the next sequence "
       "number), each asking the peer to answer with an ACK."),
    N_("window.zero",
       "Zero window: {side} advertised a window of 0 {count} time(s) (its receive buffer was full, the "
       "application was not reading), so {peer} had to stop sending; {peer} sent {probes} zero-window "
       "probe(s) to learn when the window opened again."),
    // Teardown.
    N_("teardown.four_way",
       "Four-way close: {closer} closed first with a FIN; {peer} acknowledged it, later sent its own FIN, "
       "and {closer} acknowledged that."),
    N_("teardown.half_close_data",
       "Half-close: {peer} kept sending data after {closer}'s FIN, then closed its own side."),
    N_("teardown.three_packet",
       "Three-packet close: {closer} closed first with a FIN; {peer} had nothing left to send, so it "
       "acknowledged that FIN and sent its own in the same segment (the FIN rode on the ACK); {closer} "
       "acknowledged it."),
    N_("teardown.simultaneous",
       "Simultaneous close: both sides sent a FIN before receiving the other's (the FINs crossed); each "
       "acknowledged the other's, so both passed CLOSING and both end in TIME_WAIT."),
    N_("teardown.half_close",
       "Half-close: {closer} sent a FIN (it will send no more data), but {peer} did not send its own FIN "
       "within the capture; {peer} can still send."),
    N_("teardown.open", "The connection was still open when the capture ended."),
    N_("reset.late_fin",
       "{resetter} answered a FIN from {peer} with a RST: {resetter} had already closed and forgotten the "
       "connection, so the late FIN found no socket (state {state} before the RST)."),
    N_("reset.data_after_close",
       "{resetter} had closed (sent its FIN), then {peer} sent {bytes} more bytes: nobody could read them, "
       "so {resetter} answered with a RST (state {state} before the RST)."),
    N_("reset.abort",
       "{resetter} ended the connection with a RST instead of a FIN (state {state}): it closed its socket "
       "with data from {peer} still unread, which aborts the connection (RFC 2525 section 2.17)."),
    N_("reset.after_fin",
       "After the FIN exchange began, {resetter} sent a RST (state {state}): the connection ended at once."),
    N_("reset.plain",
       "{resetter} ended the connection with a RST (state {state}): both sides dropped it at once, without "
       "the FIN exchange."),
    N_("time_wait.one",
       "{waiter} closed first, so it waits in TIME_WAIT for 2MSL (60 s on Linux, until {until} s): long "
       "enough to send its last ACK again if the peer's FIN comes again, and for late segments of this "
       "connection to die out before the same ports can be reused."),
    N_("time_wait.both",
       "Both sides wait in TIME_WAIT for 2MSL, since each sent its FIN before receiving the other's."),
    N_("time_wait.none_reset", "Nobody waits in TIME_WAIT: a RST closes both sides at once."),
    N_("states.final", "Final states: client {client_state}, server {server_state}."),
    // --teach notes.
    N_("teach.handshake",
       "Why three packets to open: each side must send its own ISN and learn that the other received it. "
       "The SYN carries x, the SYN-ACK acknowledges x and carries y, the ACK acknowledges y: three packets, "
       "because the server's ACK and SYN travel in one."),
    N_("teach.syn_seq",
       "Why the numbers grow by one: a SYN (and a FIN) takes one sequence number, like one byte of data, so "
       "that it can be acknowledged; a bare ACK takes none. So the SYN-ACK acknowledges x+1 and the first "
       "data byte is number x+1."),
    N_("teach.isn",
       "What an ISN is: the first sequence number a side picks for a connection. It must not be guessable: "
       "a guessed ISN lets an attacker forge segments into the connection (RFC 6528), so systems derive it "
       "from a secret hash and a clock."),
    N_("teach.four_way",
       "Why four steps to close: each direction is closed on its own. A FIN says \"I will send no more\", "
       "and the peer acknowledges it; the peer may keep sending until it closes too, with its own FIN and "
       "ACK."),
    N_("teach.three_packet",
       "Why only three here: the side that received the first FIN had nothing left to send, so its ACK and "
       "its own FIN went in one segment."),
    N_("teach.time_wait",
       "Why TIME_WAIT lasts 2MSL: the side that closes first keeps the connection for twice the maximum "
       "segment lifetime, so that its last ACK can be sent again if it was lost, and no old segment can be "
       "taken for part of a new connection on the same ports."),
    N_("teach.piggyback",
       "Piggybacking: an ACK needs no packet of its own; a side that has data to send puts the "
       "acknowledgment in the data segment's header."),
    N_("teach.retransmission",
       "Retransmission: TCP keeps every byte until it is acknowledged; after a timeout, or after three "
       "duplicate ACKs (fast retransmit), it sends it again."),
    N_("teach.zero_window",
       "Flow control: the window is how many bytes the receiver can still take; 0 means \"stop\". The "
       "sender then probes now and then until the window opens."),
    N_("teach.reset",
       "RST: a reset ends a connection at once, without the FIN exchange; it answers a segment for which no "
       "connection exists (a closed port, a closed socket) or aborts one."),
    N_("teach.half_close",
       "Half-close: a FIN closes only one direction; the other side may keep sending (shutdown(SHUT_WR))."),
};

// The translations of one language, resolved once: message id -> text.
struct Resolved {
  std::once_flag once;
  bool found = false;
  std::unordered_map<std::string_view, std::string_view> text;
};
Resolved& resolved(Lang lang) {
  static Resolved zh, en, other;
  return lang == Lang::Zh ? zh : lang == Lang::Other ? other : en;
}

// The catalog name of a language: zh_CN for Chinese, the code parse_lang() kept otherwise.
std::string& other_code() {
  static std::string code;
  return code;
}
std::string catalog_name(Lang lang) { return lang == Lang::Zh ? "zh_CN" : other_code(); }

bool file_exists(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0;
}

std::string find_catalog_dir(const std::string& name) {
  auto has = [&](const std::string& dir) {
    return !dir.empty() && file_exists(dir + "/" + name + "/LC_MESSAGES/tcplens.mo");
  };
  if (const char* env = std::getenv("TCPLENS_LOCALEDIR"); env != nullptr && has(env)) return env;
  // Run from the build tree: BUILD/tcplens or BUILD/tests/unit_tests, catalogs in BUILD/locale.
  char exe[4096];
  const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    std::string dir(exe, static_cast<std::size_t>(n));
    dir = dir.substr(0, dir.rfind('/'));
    // ... or an installed tree moved elsewhere: PREFIX/bin/tcplens, PREFIX/share/locale.
    for (int up = 0; up < 3 && !dir.empty(); ++up) {
      if (has(dir + "/locale")) return dir + "/locale";
      if (has(dir + "/share/locale")) return dir + "/share/locale";
      dir = dir.substr(0, dir.rfind('/'));
    }
  }
#ifdef TCPLENS_LOCALEDIR
  if (has(TCPLENS_LOCALEDIR)) return TCPLENS_LOCALEDIR;
#endif
  return {};
}

std::string& catalog_dir_storage() {
  static std::string dir;
  return dir;
}

void resolve(Lang lang, Resolved& r) {
  for (const MessageEntry& m : kMessages) r.text.emplace(m.id, m.english);
  if (lang == Lang::En) return;
  const std::string name = catalog_name(lang);
  const std::string dir = find_catalog_dir(name);
  catalog_dir_storage() = dir;
  if (dir.empty()) return;
  ::bindtextdomain(kDomain, dir.c_str());
  ::bind_textdomain_codeset(kDomain, "UTF-8");
  // gettext translates nothing in the "C" locale, whatever LANGUAGE says; C.UTF-8 is always
  // there (glibc 2.35+) and is not "C". LANGUAGE then picks the catalog, whichever locales
  // the machine has.
  const char* now = std::setlocale(LC_MESSAGES, "");
  if (now == nullptr || std::string_view(now) == "C" || std::string_view(now) == "POSIX")
    std::setlocale(LC_MESSAGES, "C.UTF-8");
  ::setenv("LANGUAGE", name.c_str(), 1);
  for (const MessageEntry& m : kMessages) {
    // pgettext: the key is "msgctxt\004msgid".
    std::string key(m.id);
    key += '\004';
    key += m.english;
    const char* got = ::dgettext(kDomain, key.c_str());
    if (got != key.c_str() && key != got) {
      r.text[m.id] = got;  // lives as long as the catalog: the whole program
      r.found = true;
    }
  }
}

}  // namespace

std::string_view to_string(Lang lang) {
  return lang == Lang::Zh ? "zh" : lang == Lang::Other ? std::string_view(other_code()) : "en";
}

Lang parse_lang(std::string_view value, bool* found) {
  if (found != nullptr) *found = true;
  if (value.substr(0, 2) == "zh") return Lang::Zh;
  if (value.empty() || value == "C" || value == "POSIX" || value.substr(0, 2) == "en" || value.substr(0, 2) == "C.")
    return Lang::En;
  // "fr_CA.UTF-8@euro": the catalog of fr_CA, else of fr.
  std::string code(value.substr(0, value.find_first_of(".@")));
  for (const std::string& name : {code, code.substr(0, code.find('_'))})
    if (!name.empty() && !find_catalog_dir(name).empty()) {
      other_code() = name;
      return Lang::Other;
    }
  if (found != nullptr) *found = false;
  return Lang::En;
}

Lang lang_from_env(const char* lc_all, const char* lc_messages, const char* lang) {
  for (const char* v : {lc_all, lc_messages, lang})
    if (v != nullptr && *v != '\0') return parse_lang(v);
  return Lang::En;
}

bool use_language(Lang lang) {
  Resolved& r = resolved(lang);
  std::call_once(r.once, [&] { resolve(lang, r); });
  return lang == Lang::En || r.found;
}

std::string catalog_dir() { return catalog_dir_storage(); }

std::string_view message(Lang lang, std::string_view id) {
  Resolved& r = resolved(lang);
  std::call_once(r.once, [&] { resolve(lang, r); });
  const auto it = r.text.find(id);
  return it == r.text.end() ? id : it->second;
}

const std::vector<MessageEntry>& all_messages() { return kMessages; }

std::string format_message(std::string_view pattern, const std::vector<Field>& fields) {
  std::string out;
  out.reserve(pattern.size() + 32);
  std::size_t at = 0;
  while (at < pattern.size()) {
    const std::size_t open = pattern.find('{', at);
    if (open == std::string_view::npos) break;
    const std::size_t close = pattern.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(pattern.substr(at, open - at));
    const std::string_view name = pattern.substr(open + 1, close - open - 1);
    const Field* found = nullptr;
    for (const Field& f : fields)
      if (f.first == name) found = &f;
    if (found != nullptr)
      out += found->second;
    else
      out.append(pattern.substr(open, close - open + 1));
    at = close + 1;
  }
  out.append(pattern.substr(at));
  return out;
}

std::string format_message(std::string_view pattern, std::initializer_list<Field> fields) {
  return format_message(pattern, std::vector<Field>(fields));
}

}  // namespace tcplens::explain

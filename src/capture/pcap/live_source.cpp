#include "tcplens/capture/pcap/live_source.hpp"

#include <linux/if_packet.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <sys/socket.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <thread>

#include "tcplens/capture/pcap/bpf_filter.hpp"

namespace tcplens {

namespace {

constexpr int kReadTimeoutMs = 1000;  // as tcpdump: how long the kernel holds a block of packets
constexpr int kMaxSnaplen = 262144;

// A record in the queue: this header, then the packet's bytes, padded to 8.
struct QueuedHeader {
  std::int64_t sec;
  std::int64_t nsec;
  std::uint32_t caplen;
  std::uint32_t wirelen;
  std::uint32_t linktype;
  std::uint32_t size;  // of the whole record; kWrap: the rest of the ring is unused
};
constexpr std::uint32_t kWrap = 0xffffffffu;

std::size_t padded(std::size_t n) { return (n + 7) & ~std::size_t{7}; }

std::string status_error(const std::string& device, int status, pcap_t* p) {
  const char* detail = pcap_geterr(p);
  std::string message = device + ": " + pcap_statustostr(status);
  if ((status == PCAP_ERROR_NO_SUCH_DEVICE || status == PCAP_ERROR_PERM_DENIED) && detail != nullptr && *detail != '\0')
    message += std::string("\n(") + detail + ")";
  else if (status == PCAP_ERROR && detail != nullptr && *detail != '\0')
    message = detail;
  return message;
}

}  // namespace

struct PcapLiveSource::Impl {
  struct Handle {
    std::string device;
    pcap_t* pcap = nullptr;
    int linktype = 0;  // LINKTYPE_* of its packets
    int snaplen = 0;
  };
  std::vector<Handle> handles;
  bool nano = false;
  bool immediate = false;  // packets handed over one by one, not in blocks held up to the timeout

  // The queue: one producer (the capture thread), one consumer (next()).
  std::vector<std::uint8_t> ring;
  std::atomic<std::uint64_t> head{0};  // consumer position (bytes, never wraps)
  std::atomic<std::uint64_t> tail{0};  // producer position
  std::atomic<std::uint64_t> published{0};  // bumped with every change the consumer waits for
  // Bumped when a read timeout passed with nothing to read: next() then says Idle.
  std::atomic<std::uint64_t> quiet_timeouts{0};
  std::uint64_t quiet_seen = 0;  // (the consumer's)
  std::atomic<std::uint64_t> released{0};   // bumped with every change the producer waits for
  std::uint32_t held = 0;  // size of the record next() handed out last
  std::atomic<bool> finished{false};  // the producer will add nothing more
  std::string failure;                // why it finished, if it failed (set before `finished`)

  int stop_fd = -1;
  std::atomic<bool> stopping{false};
  std::atomic<bool> abandoned{false};  // the consumer is gone: the producer waits for nothing
  std::thread thread;
  std::atomic<std::uint64_t> captured{0};
  std::uint64_t number = 0;

  ~Impl() {
    stop();
    abandoned.store(true);
    released.fetch_add(1);
    released.notify_all();
    if (thread.joinable()) thread.join();
    for (Handle& h : handles)
      if (h.pcap) pcap_close(h.pcap);
    if (stop_fd >= 0) ::close(stop_fd);
  }

  void stop() {
    stopping.store(true, std::memory_order_relaxed);
    if (stop_fd >= 0) {
      const std::uint64_t one = 1;
      [[maybe_unused]] ssize_t n = ::write(stop_fd, &one, sizeof one);  // wakes the poll
    }
  }

  // Producer: copies one packet into the queue, waiting for room.
  void push(const pcap_pkthdr* h, const u_char* bytes, int linktype) {
    const std::size_t n = ring.size();
    const std::uint32_t caplen = std::min<std::uint32_t>(h->caplen, static_cast<std::uint32_t>(n / 4));
    const std::size_t need = padded(sizeof(QueuedHeader) + caplen);
    std::uint64_t t = tail.load(std::memory_order_relaxed);
    const std::size_t room_at_end = n - t % n;
    const std::size_t wrap = need > room_at_end ? room_at_end : 0;
    for (;;) {
      const std::uint64_t r = released.load(std::memory_order_acquire);
      if (t + wrap + need - head.load(std::memory_order_acquire) <= n) break;
      if (abandoned.load()) return;
      released.wait(r);
    }
    if (wrap != 0) {
      if (room_at_end >= sizeof(QueuedHeader)) {
        QueuedHeader marker{};
        marker.size = kWrap;
        std::memcpy(ring.data() + t % n, &marker, sizeof marker);
      }
      t += wrap;
    }
    QueuedHeader q;
    q.sec = h->ts.tv_sec;
    q.nsec = nano ? h->ts.tv_usec : std::int64_t{h->ts.tv_usec} * 1000;
    q.caplen = caplen;
    q.wirelen = h->len;
    q.linktype = static_cast<std::uint32_t>(linktype);
    q.size = static_cast<std::uint32_t>(need);
    std::uint8_t* at = ring.data() + t % n;
    std::memcpy(at, &q, sizeof q);
    std::memcpy(at + sizeof q, bytes, caplen);
    tail.store(t + need, std::memory_order_release);
    published.fetch_add(1, std::memory_order_release);
    published.notify_one();
  }

  void finish(std::string why) {
    failure = std::move(why);
    finished.store(true, std::memory_order_release);
    published.fetch_add(1, std::memory_order_release);
    published.notify_one();
  }

  static void on_packet(u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
    auto* ctx = reinterpret_cast<std::pair<Impl*, int>*>(user);
    ctx->first->push(h, bytes, ctx->second);
  }

  void run() {
    std::vector<pollfd> fds;
    for (Handle& h : handles) fds.push_back({pcap_get_selectable_fd(h.pcap), POLLIN, 0});
    fds.push_back({stop_fd, POLLIN, 0});
    std::vector<std::pair<Impl*, int>> ctx;
    for (Handle& h : handles) ctx.emplace_back(this, h.linktype);
    // Reads what each interface has; false (and the failure) when one fails.
    auto dispatch_all = [&](bool only_ready) -> bool {
      for (std::size_t i = 0; i < handles.size(); ++i) {
        if (only_ready && !(fds[i].revents & (POLLIN | POLLERR | POLLHUP))) continue;
        const int got = pcap_dispatch(handles[i].pcap, -1, on_packet, reinterpret_cast<u_char*>(&ctx[i]));
        if (got == PCAP_ERROR) {
          finish(handles[i].device + ": " + pcap_geterr(handles[i].pcap));
          return false;
        }
      }
      return true;
    };
    // After stop(): the kernel hands over a block of packets only when it is full or its
    // timeout has passed, so without immediate mode the capture goes on reading for one
    // timeout, and every packet that arrived before stop() is taken (tcpdump loses them).
    using Clock = std::chrono::steady_clock;
    bool draining = false;
    Clock::time_point drain_until;
    for (;;) {
      int wait = kReadTimeoutMs;
      if (draining) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(drain_until - Clock::now()).count();
        if (left <= 0) {
          if (dispatch_all(false)) finish("");
          return;
        }
        wait = static_cast<int>(left);
      }
      const int ready = ::poll(fds.data(), fds.size() - (draining ? 1 : 0), wait);
      if (ready < 0 && errno != EINTR) {
        finish(std::string("poll: ") + std::strerror(errno));
        return;
      }
      if (!draining && stopping.load(std::memory_order_relaxed)) {
        if (immediate) {
          if (dispatch_all(false)) finish("");
          return;
        }
        draining = true;
        drain_until = Clock::now() + std::chrono::milliseconds(kReadTimeoutMs + 100);
      }
      if (!dispatch_all(ready > 0)) return;
      if (ready == 0 && !draining) {
        quiet_timeouts.fetch_add(1, std::memory_order_relaxed);
        published.fetch_add(1, std::memory_order_release);
        published.notify_one();
      }
    }
  }
};

std::unique_ptr<PcapLiveSource> PcapLiveSource::open(const LiveOptions& o, std::string& error) {
  std::unique_ptr<PcapLiveSource> src(new PcapLiveSource());
  src->impl_ = std::make_unique<Impl>();
  Impl& impl = *src->impl_;
  impl.nano = o.nano;
  impl.immediate = o.immediate;
  const int snaplen = o.snaplen <= 0 || o.snaplen > kMaxSnaplen ? kMaxSnaplen : o.snaplen;
  char ebuf[PCAP_ERRBUF_SIZE];
  for (const std::string& device : o.interfaces) {
    ebuf[0] = '\0';
    pcap_t* p = pcap_create(device.c_str(), ebuf);
    if (p == nullptr) {
      error = ebuf;
      return nullptr;
    }
    impl.handles.push_back({device, p, 0, snaplen});
    int status = pcap_set_tstamp_precision(p, o.nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
    if (status != 0) {
      error = device + ": Can't set " + (o.nano ? "nano" : "micro") + "second time stamp precision: " +
              pcap_statustostr(status);
      return nullptr;
    }
    if (o.immediate && (status = pcap_set_immediate_mode(p, 1)) != 0) {
      error = device + ": Can't set immediate mode: " + pcap_statustostr(status);
      return nullptr;
    }
    pcap_set_snaplen(p, snaplen);
    pcap_set_promisc(p, o.promiscuous ? 1 : 0);
    pcap_set_timeout(p, kReadTimeoutMs);
    if (o.buffer_kib > 0 && (status = pcap_set_buffer_size(p, o.buffer_kib * 1024)) != 0) {
      error = device + ": Can't set buffer size: " + pcap_statustostr(status);
      return nullptr;
    }
    if (!o.tstamp_type.empty()) {
      const int type = pcap_tstamp_type_name_to_val(o.tstamp_type.c_str());
      if (type < 0) {
        error = "invalid time stamp type " + o.tstamp_type;
        return nullptr;
      }
      status = pcap_set_tstamp_type(p, type);
      if (status < 0) {
        error = device + ": Can't set time stamp type: " + pcap_statustostr(status);
        return nullptr;
      }
    }
    status = pcap_activate(p);
    if (status < 0) {
      error = status_error(device, status, p);
      return nullptr;
    }
    if (o.fanout_group >= 0) {
      // libpcap has no call for it; its activated socket (TPACKET_V3 ring, bound) takes
      // the option as any AF_PACKET socket does.
      const int arg = (o.fanout_group & 0xffff) | ((PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG) << 16);
      if (::setsockopt(pcap_fileno(p), SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) != 0) {
        error = device + ": cannot join packet fanout group " + std::to_string(o.fanout_group) + ": " +
                std::strerror(errno);
        return nullptr;
      }
    }
    if (device == "any") pcap_set_datalink(p, DLT_LINUX_SLL2);  // as tcpdump
    if (!o.direction.empty()) {
      const pcap_direction_t d = o.direction == "in" ? PCAP_D_IN : o.direction == "out" ? PCAP_D_OUT : PCAP_D_INOUT;
      if (pcap_setdirection(p, d) != 0) {
        error = device + ": pcap_setdirection() failed: " + pcap_geterr(p);
        return nullptr;
      }
    }
    bpf_program code{};
    if (pcap_compile(p, &code, o.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) < 0) {
      error = (o.interfaces.size() > 1 ? device + ": " : std::string()) + pcap_geterr(p);
      return nullptr;
    }
    const int set = pcap_setfilter(p, &code);
    pcap_freecode(&code);
    if (set < 0) {
      error = device + ": " + pcap_geterr(p);
      return nullptr;
    }
    if (pcap_setnonblock(p, 1, ebuf) < 0) {
      error = device + ": " + ebuf;
      return nullptr;
    }
    impl.handles.back().linktype = static_cast<int>(dlt_to_linktype(pcap_datalink(p)));
    impl.handles.back().snaplen = pcap_snapshot(p);
  }
  impl.ring.resize(std::max<std::size_t>(o.queue_bytes, std::size_t{1} << 20));
  impl.stop_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (impl.stop_fd < 0) {
    error = std::string("eventfd: ") + std::strerror(errno);
    return nullptr;
  }
  src->info_.linktype = static_cast<std::uint32_t>(impl.handles.front().linktype);
  src->info_.snaplen = static_cast<std::uint32_t>(impl.handles.front().snaplen);
  src->info_.nanosecond_file = o.nano;
  return src;
}

PcapLiveSource::~PcapLiveSource() = default;

std::vector<std::string> PcapLiveSource::listening_lines() const {
  std::vector<std::string> lines;
  for (const Impl::Handle& h : impl_->handles) {
    const int dlt = pcap_datalink(h.pcap);
    const char* name = pcap_datalink_val_to_name(dlt);
    std::string line = "listening on " + h.device;
    if (name == nullptr)
      line += ", link-type " + std::to_string(dlt);
    else
      line += std::string(", link-type ") + name + " (" + pcap_datalink_val_to_description(dlt) + ")";
    line += ", snapshot length " + std::to_string(h.snaplen) + " bytes";
    lines.push_back(line);
  }
  return lines;
}

void PcapLiveSource::start() {
  Impl* impl = impl_.get();
  impl->thread = std::thread([impl] { impl->run(); });
}

void PcapLiveSource::stop() { impl_->stop(); }

bool PcapLiveSource::idle() const {
  const Impl& i = *impl_;
  return i.head.load(std::memory_order_relaxed) + i.held == i.tail.load(std::memory_order_acquire) &&
         !i.finished.load(std::memory_order_acquire);
}

ReadStatus PcapLiveSource::next(RawPacket& packet) {
  Impl& i = *impl_;
  const std::size_t n = i.ring.size();
  if (i.held != 0) {  // the previous packet's bytes are no longer needed
    i.head.store(i.head.load(std::memory_order_relaxed) + i.held, std::memory_order_release);
    i.held = 0;
    i.released.fetch_add(1, std::memory_order_release);
    i.released.notify_one();
  }
  for (;;) {
    const std::uint64_t seen = i.published.load(std::memory_order_acquire);
    std::uint64_t h = i.head.load(std::memory_order_relaxed);
    if (h == i.tail.load(std::memory_order_acquire)) {
      if (i.finished.load(std::memory_order_acquire)) {
        if (i.failure.empty()) return ReadStatus::End;
        error_.message = i.failure;
        error_.record = i.number + 1;
        return ReadStatus::Error;
      }
      const std::uint64_t quiet = i.quiet_timeouts.load(std::memory_order_relaxed);
      if (quiet != i.quiet_seen) {
        i.quiet_seen = quiet;
        timespec now{};
        ::clock_gettime(CLOCK_REALTIME, &now);
        packet = RawPacket{};
        packet.ts = {now.tv_sec, now.tv_nsec};
        return ReadStatus::Idle;
      }
      i.published.wait(seen);
      continue;
    }
    const std::size_t at = h % n;
    QueuedHeader q;
    if (n - at < sizeof q) {
      i.head.store(h + (n - at), std::memory_order_release);
      continue;
    }
    std::memcpy(&q, i.ring.data() + at, sizeof q);
    if (q.size == kWrap) {
      i.head.store(h + (n - at), std::memory_order_release);
      continue;
    }
    packet.ts = {q.sec, q.nsec};
    packet.caplen = q.caplen;
    packet.wirelen = q.wirelen;
    packet.linktype = q.linktype;
    packet.data = ByteView(i.ring.data() + at + sizeof q, q.caplen);
    packet.number = ++i.number;
    packet.file_offset = 0;
    i.held = q.size;
    i.captured.fetch_add(1, std::memory_order_relaxed);
    return ReadStatus::Ok;
  }
}

LiveStats PcapLiveSource::stats() const {
  LiveStats s;
  s.captured = impl_->captured.load();
  for (const Impl::Handle& h : impl_->handles) {
    pcap_stat st{};
    if (pcap_stats(h.pcap, &st) == 0) {
      s.received += st.ps_recv;
      s.dropped += st.ps_drop;
      s.if_dropped += st.ps_ifdrop;
    }
  }
  return s;
}

bool list_interfaces(std::vector<std::string>& lines, std::string& error) {
  pcap_if_t* list = nullptr;
  char ebuf[PCAP_ERRBUF_SIZE];
  if (pcap_findalldevs(&list, ebuf) < 0) {
    error = ebuf;
    return false;
  }
  int i = 0;
  for (pcap_if_t* d = list; d != nullptr; d = d->next) {
    std::string line = std::to_string(++i) + "." + d->name;
    if (d->description != nullptr) line += std::string(" (") + d->description + ")";
    if (d->flags != 0) {
      std::vector<std::string> parts;
      if (d->flags & PCAP_IF_UP) parts.emplace_back("Up");
      if (d->flags & PCAP_IF_RUNNING) parts.emplace_back("Running");
      if (d->flags & PCAP_IF_LOOPBACK) parts.emplace_back("Loopback");
      if (d->flags & PCAP_IF_WIRELESS) parts.emplace_back("Wireless");
      std::string flags;
      for (const std::string& p : parts) flags += (flags.empty() ? "" : ", ") + p;
      if (flags.empty()) flags = "none";
      const unsigned status = d->flags & PCAP_IF_CONNECTION_STATUS;
      const bool wireless = d->flags & PCAP_IF_WIRELESS;
      if (status == PCAP_IF_CONNECTION_STATUS_UNKNOWN)
        flags += wireless ? ", Association status unknown" : ", Connection status unknown";
      else if (status == PCAP_IF_CONNECTION_STATUS_CONNECTED)
        flags += wireless ? ", Associated" : ", Connected";
      else if (status == PCAP_IF_CONNECTION_STATUS_DISCONNECTED)
        flags += wireless ? ", Not associated" : ", Disconnected";
      line += " [" + flags + "]";
    }
    lines.push_back(line);
  }
  pcap_freealldevs(list);
  return true;
}

}  // namespace tcplens

// What HtmlReport gathers (private to src/report/): the table's typed columns, a detailed
// connection's points, the overview's counts; and the encoding the page reads (little-endian
// typed columns, gzip, base64).
#pragma once

#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tcplens/detect/detector.hpp"
#include "tcplens/engine/connection_record.hpp"
#include "tcplens/explain/explainer.hpp"
#include "tcplens/report/html_report.hpp"

namespace tcplens::report {

// One packet of a detailed connection, as the graphs draw it. Sequence numbers are relative to
// the ladder's bases (explain's: each side's ISN), acknowledgments and SACK edges to the
// peer's.
struct Point {
  std::int64_t t_ns = 0;  // since the connection's first packet
  std::uint64_t frame = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint32_t len = 0;
  std::uint32_t window = 0;     // scaled when the scale is known
  std::uint32_t in_flight = 0;  // tcp.analysis.bytes_in_flight (0: not known)
  std::int64_t rtt_ns = -1;     // tcp.analysis.ack_rtt, -1: none
  std::uint32_t anomalies = 0;  // AnomalySet bits
  std::uint16_t flags = 0;
  std::uint8_t side = 0;  // Side
  std::uint8_t sack_count = 0;
  std::uint32_t sack[6] = {0, 0, 0, 0, 0, 0};  // left, right of up to three blocks
};

// A connection shown in detail: its record, explain's ladder rows and the graphs' points.
struct Detail {
  ConnectionRecord record;
  explain::ConnectionTrace trace;
  std::vector<Point> points;
  std::uint64_t points_dropped = 0;  // packets past ReportOptions::max_points
  double score = 0;
  bool numbered = false;  // record.conn.stream is the whole input's number
};

// How notable a connection is: trouble first (resets, refusals, retransmissions, loss, zero
// windows, duplicate ACKs), then size. Ties go to the earlier connection.
double notability(const Connection& c);
// "complete", "refused", "reset", "unanswered", "open", "other": the overview's outcomes.
std::string_view outcome(const Connection& c);

// Unsigned integers in the narrowest of 1, 2 or 4 bytes that holds the largest so far (most of
// a large capture's counters and dictionary indexes are small), widened whole when one does
// not fit: the width the page reads them in, so the bytes go to the page as they are.
class NarrowInts {
 public:
  void push_back(std::uint32_t v);
  std::uint32_t operator[](std::size_t k) const;
  std::size_t size() const { return bytes_.size() / width_; }
  bool empty() const { return bytes_.empty(); }
  std::size_t width() const { return width_; }
  // The values' bytes in host order (little-endian on the machines the page is made on).
  std::string_view bytes() const { return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()}; }
  // Value k becomes the value at order[k].
  void permute(const std::vector<std::uint32_t>& order);
  std::vector<std::uint32_t> values() const;
  void clear() {
    bytes_.clear();
    width_ = 1;
  }

 private:
  void widen(std::size_t width);
  std::size_t width_ = 1;
  std::vector<std::uint8_t> bytes_;
};

// A typed column of the table, named by its path in `conns --format json`.
enum class ColumnType : std::uint8_t { U32, F64, Str, Bool, Ts };
struct Column {
  // Heterogeneous lookup: no string made to look a value up.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::string path;
  ColumnType type;
  NarrowInts u32;                  // U32; Str: dictionary index
  std::vector<double> f64;         // F64 (NaN: null); Ts: microseconds since the table's base second
  std::vector<std::uint8_t> u8;    // Bool (2: null)
  std::vector<std::string> dict;
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> dict_index;
  void add_str(std::string_view s);
  std::size_t size() const;
};

// The table's rows: in memory up to `run_rows` of them, then each such run sorted by stream and
// written to a temporary file (unlinked at once), so that the rows of a large capture, its one
// part that grows with the capture, are not all in memory. Their columns are read back in
// stream order, merged from the runs, when the page is written.
class Table {
 public:
  static constexpr std::size_t kRunRows = 1 << 16;
  explicit Table(std::size_t run_rows = kRunRows);
  void add(const ConnectionRecord& r);
  // Puts the rows in stream order (records arrive in the order connections ended).
  void sort_by_stream();
  std::size_t rows() const { return rows_; }
  // The rows in memory: all of them unless spilled(); the columns' dictionaries always.
  const std::vector<Column>& columns() const { return columns_; }
  std::int64_t base_sec() const { return base_sec_; }
  bool spilled() const { return !runs_.empty(); }
  // After sort_by_stream: column k's first `limit` values in stream order, in the width the
  // page reads (value_width), given to `feed` a block at a time.
  void read_column(std::size_t k, const std::function<void(std::string_view)>& feed,
                   std::size_t limit = static_cast<std::size_t>(-1)) const;
  std::size_t value_width(std::size_t k) const;
  // After sort_by_stream: the first n rows in stream order, in memory.
  Table head(std::size_t n) const;

 private:
  struct Run {
    std::size_t rows = 0;
    std::vector<std::uint64_t> offsets;  // of each column's values in the file
  };
  void sort_in_memory();
  void spill();
  std::vector<Column> columns_;
  std::size_t rows_ = 0;
  std::size_t run_rows_;
  std::int64_t base_sec_ = 0;
  bool base_set_ = false;
  struct File {  // closed with the table
    int fd = -1;
    File() = default;
    File(File&& o) noexcept : fd(std::exchange(o.fd, -1)) {}
    File& operator=(File&&) = delete;
    ~File();
  };
  File file_;
  std::uint64_t file_size_ = 0;
  std::vector<Run> runs_;              // in the file; the rows in memory are the last run
  std::vector<std::size_t> widths_;    // U32 and Str: the widest any run needed
  std::vector<std::uint16_t> merged_;  // after sort_by_stream: each row's run, in stream order
};

// Typed arrays for the page: each array's little-endian bytes, padded to 8, one after the
// other (`parts`, viewing the columns themselves or `owned`); `layout` gets a JSON array of
// {name, type, offset, length}.
struct Packed {
  // A part's bytes: in memory, or made when the data is deflated (`make` calls its argument
  // with them, a block at a time, in order).
  using Feed = std::function<void(std::string_view)>;
  struct Part {
    std::string_view bytes;
    std::function<void(const Feed&)> make;
  };
  std::vector<Part> parts;
  std::vector<std::string> owned;
  std::size_t size = 0;
  std::string layout;
  // gzip (RFC 1952) of the parts, then base64 (RFC 4648), appended to `out` a block at a time;
  // `drain` (when set) is called after each block and may take `out`'s text away, so that the
  // whole encoding is never in memory.
  void append_gzip_base64(std::string& out, const std::function<void(std::string&)>& drain) const;
  std::string gzip_base64() const;
};
// Views the table's columns: valid while `table` is.
Packed pack_table(const Table& table);
Packed pack_points(const Detail& d);

// Packets and those with an anomaly, in buckets of capture time since the input's first
// packet: 10 microseconds each at first, twice as wide (pairs merged) whenever the capture
// outgrows kBuckets, so that any span fits in fixed memory.
struct Timeline {
  static constexpr std::size_t kBuckets = 1u << 16;
  static constexpr std::size_t kKinds = 5;  // packets, retransmissions, dup ACKs, zero windows, other
  std::int64_t width_ns = 10000;
  std::vector<std::uint32_t> counts[kKinds];
  void add(std::int64_t since_first_ns, const AnomalySet& a);
  void merge(Timeline& o);
  // Buckets in use (up to the last non-empty one).
  std::size_t used() const;

 private:
  void coarsen();  // doubles width_ns
};

struct Talker {
  std::uint64_t bytes = 0;
  std::uint64_t packets = 0;
  std::uint64_t connections = 0;
};

struct HtmlReport::State {
  explicit State(const ReportOptions& o) : options(o) {}
  ReportOptions options;

  std::mutex mutex;  // guards what the workers hand over (below, until the table)
  std::vector<std::unique_ptr<Detail>> kept;  // a min-heap by (score, earlier first)
  std::unordered_map<std::uint64_t, Detail*> kept_by_first_frame;
  // Once `kept` is full, the least notable kept score: a worker offers nothing below it (and
  // so copies nothing for most connections of a large capture).
  std::atomic<double> keep_from{-1};
  Timeline timeline;
  std::uint64_t bytes = 0;
  Timestamp first_ts, last_ts;  // of the input's first and last packets
  bool have_time = false;
  std::vector<std::unique_ptr<detect::Detector>> detectors;
  bool detectors_done = false;  // merged and finished

  // Only the RecordSink (one thread) touches these.
  Table table;
  std::uint64_t outcome_counts[6] = {0, 0, 0, 0, 0, 0};
  std::unordered_map<std::string, Talker> talkers;

  std::unique_ptr<SinkFactory> factory;

  void offer(std::unique_ptr<Detail> d);
  // Would a connection of this score and first frame be kept now?
  bool would_keep(double score, std::uint64_t first_frame);
  // Kept details by stream number.
  std::vector<const Detail*> details() const;
};

}  // namespace tcplens::report

// The engine's ways of running a plan (engine.cpp: one thread; sharded.cpp: a file split
// between worker threads), and what they share.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "pipeline.hpp"

namespace tcplens::engine_detail {

Plan make_plan(const EngineOptions& options, const std::vector<const PacketFilter*>& filters,
               const std::vector<SinkFactory*>& factories, const std::vector<RecordSink*>& record_sinks);
bool is_regular_file(const std::string& path);
void add_counters(TrackerCounters& total, const TrackerCounters& c);
// The first factory's OrderedText stage, if any.
std::unique_ptr<OrderedText> make_stage(const Plan& plan);

// tshark's first pass over a file: every stream's final summary (null, and `error`, when the
// file cannot be opened).
std::unique_ptr<StreamTracker> run_first_pass(const std::string& path, const StreamTracker::Limits& limits,
                                              std::string& error, std::atomic<std::uint64_t>& progress);

EngineResult run_serial(PacketSource& source, const Plan& plan, const StreamTracker* first,
                        const std::atomic<bool>& stop, std::atomic<std::uint64_t>& progress);
EngineResult run_sharded_file(const std::string& path, const Plan& plan, unsigned threads,
                              bool two_pass, std::atomic<bool>& stop, std::atomic<std::uint64_t>& progress);
// docs/scale-out.md: one shard of a split input, writing items; the merge of those items.
EngineResult run_shard(const std::string& path, const std::string& index_path, const Plan& plan,
                       std::atomic<bool>& stop);
EngineResult merge_shards(const std::vector<std::string>& item_files, const Plan& plan);

}  // namespace tcplens::engine_detail

// detect on the engine: a SinkFactory whose one sink feeds every packet the filters show to a
// Detector and writes its findings (JSON lines or the table), each as soon as its threshold
// is crossed when `live`, and all of them, final, at the end of the input.
//
// Watch out: scans and floods cross connections, so one Detector must see every packet.
// Run it on one worker (EngineOptions::threads = 1); a sink made for another worker would
// see only that worker's share of the connections (its findings would be merged with
// Detector::merge_from, but thresholds would be crossed later, or not at all, in each share).
#pragma once

#include <cstdint>
#include <memory>

#include "tcplens/detect/detect_state.hpp"
#include "tcplens/detect/detector.hpp"
#include "tcplens/detect/messages.hpp"
#include "tcplens/engine/sink.hpp"

namespace tcplens::detect {

struct DetectSettings {
  DetectOptions options;
  bool json = false;  // JSON lines; else the table for people
  Lang lang = Lang::En;
  bool live = false;  // write each finding when it is raised, then all again at the end
  bool report_random_isns = false;
  // A shard run (--shard-index): the sink writes the detectors' input here instead of
  // detecting, and nothing else (detect_state.hpp).
  DetectStateWriter* state = nullptr;
};

// What the sink writes, for the merge of shard states to write the same: a finding as it is
// raised (with `live`), and the final findings at the end.
void write_raised_finding(Output& out, const Finding& f, const DetectSettings& settings);
void write_final_findings(Output& out, const Detector& detector, const DetectSettings& settings);

class DetectSinkFactory : public SinkFactory {
 public:
  explicit DetectSinkFactory(const DetectSettings& settings) : settings_(settings) {}
  // Decoded packets only: no tracking, no connection records.
  std::uint32_t needs() const override { return need::kPackets | need::kDecode; }
  std::unique_ptr<PacketSink> make(unsigned worker) override;
  // The first sink's detector (null before make()): its findings after the run.
  const Detector* detector() const { return detectors_.empty() ? nullptr : detectors_[0].get(); }

 private:
  DetectSettings settings_;
  std::vector<std::unique_ptr<Detector>> detectors_;  // one per sink, outliving them
};

}  // namespace tcplens::detect

#include "tcplens/detect/detect_sink.hpp"

#include "tcplens/detect/finding_render.hpp"

namespace tcplens::detect {

void write_raised_finding(Output& out, const Finding& f, const DetectSettings& settings) {
  if (settings.json)
    write_finding_json(out, f, settings.lang, "raised");
  else
    write_finding_alert(out, f, settings.lang);
}

void write_final_findings(Output& out, const Detector& detector, const DetectSettings& settings) {
  if (settings.json) {
    for (const Finding& f : detector.findings()) write_finding_json(out, f, settings.lang, "final");
  } else {
    if (settings.live && !detector.findings().empty()) out.put('\n');
    write_findings_table(out, detector.findings(), settings.lang);
  }
}

namespace {

// A shard run's sink: the detectors' input, in frame order, to the state file.
class DetectStateSink : public PacketSink {
 public:
  explicit DetectStateSink(DetectStateWriter& writer) : writer_(writer) {}
  void on_packet(const PacketEvent& ev, Emitter&) override {
    if (!ev.shown || ev.raw == nullptr || ev.pkt == nullptr) return;
    const DetectInput kind = Detector::input_of(*ev.raw, *ev.pkt, facts_);
    if (kind == DetectInput::Other)
      writer_.add_other();
    else
      writer_.add(kind, facts_);
  }

 private:
  DetectStateWriter& writer_;
  PacketFacts facts_;
};

class DetectSink : public PacketSink {
 public:
  DetectSink(const DetectSettings& s, Detector& detector) : settings_(s), detector_(detector) {
    detector_.set_report_random_isns(s.report_random_isns);
    if (s.live)
      detector_.set_on_raise([this](const Finding& f) {
        if (emitter_ != nullptr) write_raised_finding(emitter_->text(), f, settings_);
      });
  }
  void on_packet(const PacketEvent& ev, Emitter& em) override {
    if (!ev.shown || ev.raw == nullptr || ev.pkt == nullptr) return;
    emitter_ = &em;
    detector_.on_packet(*ev.raw, *ev.pkt);
    emitter_ = nullptr;
  }
  void on_finish(Emitter& em) override {
    detector_.finish();
    write_final_findings(em.text(), detector_, settings_);
  }

 private:
  const DetectSettings& settings_;
  Detector& detector_;
  Emitter* emitter_ = nullptr;
};

}  // namespace

std::unique_ptr<PacketSink> DetectSinkFactory::make(unsigned /*worker*/) {
  if (settings_.state != nullptr) return std::make_unique<DetectStateSink>(*settings_.state);
  detectors_.push_back(std::make_unique<Detector>(settings_.options));
  return std::make_unique<DetectSink>(settings_, *detectors_.back());
}

}  // namespace tcplens::detect

#include "tcplens/detect/detect_sink.hpp"

#include "tcplens/detect/finding_render.hpp"

namespace tcplens::detect {

namespace {

class DetectSink : public PacketSink {
 public:
  DetectSink(const DetectSettings& s, Detector& detector) : settings_(s), detector_(detector) {
    detector_.set_report_random_isns(s.report_random_isns);
    if (s.live)
      detector_.set_on_raise([this](const Finding& f) {
        if (emitter_ == nullptr) return;
        if (settings_.json)
          write_finding_json(emitter_->text(), f, settings_.lang, "raised");
        else
          write_finding_alert(emitter_->text(), f, settings_.lang);
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
    if (settings_.json) {
      for (const Finding& f : detector_.findings()) write_finding_json(em.text(), f, settings_.lang, "final");
    } else {
      if (settings_.live && !detector_.findings().empty()) em.text().put('\n');
      write_findings_table(em.text(), detector_.findings(), settings_.lang);
    }
  }

 private:
  const DetectSettings& settings_;
  Detector& detector_;
  Emitter* emitter_ = nullptr;
};

}  // namespace

std::unique_ptr<PacketSink> DetectSinkFactory::make(unsigned /*worker*/) {
  detectors_.push_back(std::make_unique<Detector>(settings_.options));
  return std::make_unique<DetectSink>(settings_, *detectors_.back());
}

}  // namespace tcplens::detect

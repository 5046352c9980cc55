// Findings as JSON (one object a line), as a table for people, and as a one-line alert, each
// with its explanation in the chosen language (messages.hpp). docs/detect.md lists the fields.
#pragma once

#include <string_view>
#include <vector>

#include "tcplens/detect/finding.hpp"
#include "tcplens/detect/messages.hpp"
#include "tcplens/render/output.hpp"

namespace tcplens::detect {

// {"kind":...,"source":...,"target":...,"scan_type":...,...,"evidence":{...},"explain":{...}}
// and a newline. `status`: "raised" (printed when its threshold was crossed) or "final".
void write_finding_json(Output& out, const Finding& f, Lang lang, std::string_view status);
// A summary table, then each finding's explanation.
void write_findings_table(Output& out, const std::vector<Finding>& findings, Lang lang);
// One line as a finding is raised: "tcplens detect: syn_flood spoofed -> 10.0.0.1:80 (frame 123)".
void write_finding_alert(Output& out, const Finding& f, Lang lang);

}  // namespace tcplens::detect

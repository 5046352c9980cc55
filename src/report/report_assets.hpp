// The report page's assets, compiled into the binary (cmake/embed_assets.cmake writes their
// bytes from report/ and report/node_modules at build time): the page is one file that
// needs nothing else.
#pragma once

#include <string_view>

namespace tcplens::report {

std::string_view asset_report_css();
std::string_view asset_report_js();
std::string_view asset_uplot_js();
std::string_view asset_uplot_css();
std::string_view asset_uplot_license();

}  // namespace tcplens::report

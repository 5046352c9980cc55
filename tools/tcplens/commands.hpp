// The subcommands of the tcplens tool: their options and their run functions.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace tcplens::cli {

struct PrintArgs {
  std::string read_file;
  std::string write_file;
  std::vector<std::string> expression;
  std::string filter_file;
  long long count = -1;
  int n_count = 0;
  bool absolute_seq = false;
  int t_count = 0;
  int v_count = 0;
  bool link_header = false;
  int q_count = 0;
  int x_count = 0;
  int X_count = 0;
  int A_count = 0;
  bool packet_number = false;
  std::string precision = "micro";
  bool nano = false;
  std::string style = "tcpdump";
};

void add_print_options(CLI::App& app, PrintArgs& args);
int run_print(const PrintArgs& args);
// print --style wireshark (print_wireshark.cpp).
int run_print_wireshark(const PrintArgs& args, const std::string& expression);

struct AnalyzeArgs {
  std::string read_file;
  bool per_packet = false;
  std::string format = "tsv";
  bool single_pass = false;
};

void add_analyze_options(CLI::App& app, AnalyzeArgs& args);
int run_analyze(const AnalyzeArgs& args);

struct ConnsArgs {
  std::string read_file;
  std::string format = "table";
  std::vector<std::string> expression;
  bool zeek_ignore_checksums = false;
};
void add_conns_options(CLI::App& app, ConnsArgs& args);
int run_conns(const ConnsArgs& args);

}  // namespace tcplens::cli

// What the commands share: the input and filter options, running the engine with signals
// that end it cleanly, and turning its result into messages and an exit status.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "tcplens/capture/pcap/bpf_filter.hpp"
#include "tcplens/capture/packet_source.hpp"
#include "tcplens/engine/engine.hpp"

namespace tcplens::cli {

// Where packets come from and which the filters choose.
struct InputArgs {
  std::string read_file;
  std::vector<std::string> expression;  // BPF, tcpdump's syntax
  std::string filter_file;              // -F: the BPF expression from a file
  unsigned threads = 0;                 // 0: one per processor
};
void add_read_option(CLI::App& app, InputArgs& in);
void add_expression_option(CLI::App& app, InputArgs& in, const char* help);
void add_threads_option(CLI::App& app, unsigned& threads);

// The input opened, its filters compiled: everything a command needs before it runs the
// engine. On failure the message is printed and `status` is the exit status.
struct PreparedInput {
  std::unique_ptr<PacketSource> source;
  std::unique_ptr<BpfPacketFilter> bpf;
  int status = 0;
  bool ok() const { return status == 0; }
};
PreparedInput prepare_input(const InputArgs& in);

// Runs `engine` over the prepared input, SIGINT, SIGTERM and SIGHUP ending it cleanly.
EngineResult run_engine(Engine& engine, const InputArgs& in, PreparedInput& prepared);

// Prints what went wrong (damaged input, failed output) and the tracker's report; returns the
// exit status: 0 when everything was read and written, else 1.
int report_result(const EngineResult& result, const std::string& input);

std::string join_words(const std::vector<std::string>& words);

}  // namespace tcplens::cli

#include "cli_common.hpp"

#include <signal.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "commands.hpp"
#include "tcplens/capture/pcap_file_source.hpp"

namespace tcplens::cli {

namespace {

std::atomic<Engine*> g_running{nullptr};

void request_stop(int) {
  if (Engine* e = g_running.load()) e->request_stop();
}

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGHUP, &action, nullptr);
  // A file size limit must surface as a write error (EFBIG), not kill the process.
  signal(SIGXFSZ, SIG_IGN);
}

}  // namespace

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

void add_read_option(CLI::App& app, InputArgs& in) {
  app.add_option("-r", in.read_file, "Read packets from FILE (pcap or pcapng; - for stdin)")->required();
}

void add_expression_option(CLI::App& app, InputArgs& in, const char* help) {
  app.add_option("-F", in.filter_file, "Read the filter expression from FILE");
  app.add_option("expression", in.expression, help);
}

void add_threads_option(CLI::App& app, unsigned& threads) {
  app.add_option("--threads", threads,
                 "Worker threads, each with a share of the connections (0, the default: one per "
                 "processor, at most 8). The output is the same for every count, except which "
                 "connections --max-conns evicts (each worker has its share of the cap)")
      ->check(CLI::Range(0u, 64u));
}

PreparedInput prepare_input(const InputArgs& in) {
  PreparedInput p;
  std::string error;
  auto source = PcapFileSource::open(in.read_file, error);
  if (!source) {
    std::fprintf(stderr, "tcplens: %s: %s\n", in.read_file.c_str(), error.c_str());
    p.status = 1;
    return p;
  }
  std::string expression = join_words(in.expression);
  if (!in.filter_file.empty()) {
    std::ifstream file(in.filter_file);
    if (!file) {
      std::fprintf(stderr, "tcplens: can't open %s: %s\n", in.filter_file.c_str(), std::strerror(errno));
      p.status = 1;
      return p;
    }
    std::stringstream text;
    text << file.rdbuf();
    expression = text.str();
  }
  if (!expression.empty()) {
    auto bpf = BpfFilter::compile(expression, source->info().linktype, source->info().snaplen, error);
    if (!bpf) {
      std::fprintf(stderr, "tcplens: %s\n", error.c_str());
      p.status = 1;
      return p;
    }
    p.bpf = std::make_unique<BpfPacketFilter>(std::move(bpf));
  }
  p.source = std::move(source);
  return p;
}

EngineResult run_engine(Engine& engine, const InputArgs& in, PreparedInput& prepared) {
  if (prepared.bpf) engine.add_filter(*prepared.bpf);
  g_running.store(&engine);
  install_stop_handlers();
  EngineResult r = engine.run_file(in.read_file, std::move(prepared.source));
  g_running.store(nullptr);
  return r;
}

int report_result(const EngineResult& r, const std::string& input) {
  int status = 0;
  if (!r.open_error.empty()) {
    std::fprintf(stderr, "tcplens: %s: %s\n", input.c_str(), r.open_error.c_str());
    return 1;
  }
  if (r.output_failed) {
    std::fprintf(stderr, "tcplens: error writing output: %s\n", std::strerror(r.output_errno));
    status = 1;
  }
  report_tracker(r.tracker);
  if (r.zeek_evictions)
    std::fprintf(stderr, "tcplens: %llu connections were evicted from Zeek's view (--max-conns)\n",
                 static_cast<unsigned long long>(r.zeek_evictions));
  if (r.read_failed) {
    report_read_error(input, r.read_error);
    status = 1;
  }
  return status;
}

}  // namespace tcplens::cli

// tcplens explain: each TCP connection as a ladder diagram with each side's RFC 9293 state,
// and a plain-language story of its handshake, data and close (docs/explain.md).
#include <cstdlib>

#include "commands.hpp"
#include "tcplens/explain/explainer.hpp"

namespace tcplens::cli {

void add_explain_options(CLI::App& app, ExplainArgs& args) {
  add_input_options(app, args.input, false, false);
  app.add_option("--stream", args.stream, "Explain only this connection (tcp.stream, as conns numbers it)");
  app.add_option("--lang", args.lang, "Language of the story: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)")
      ->check(CLI::IsMember({"en", "zh"}));
  app.add_option("--format", args.format, "text (default: ladder and story) or json (one object per connection)")
      ->check(CLI::IsMember({"text", "json"}));
  add_threads_option(app, args.input.threads);
  add_connection_options(app, args.input, args.compat, args.limits,
                         "Explain only connections with a packet matching this filter (tcpdump syntax); "
                         "every packet is still tracked and shown in the ladder");
  app.footer("Each part is described in docs/explain.md. Exit status: 0 when every packet was read;\n"
             "1 when the file cannot be opened, the filter does not compile or the file is damaged;\n"
             "2 for a usage error.");
}

namespace {

explain::ExplainOptions explain_options(const ExplainArgs& args) {
  explain::ExplainOptions x;
  x.lang = args.lang == "zh"   ? explain::Lang::Zh
           : args.lang == "en" ? explain::Lang::En
                               : explain::lang_from_env(std::getenv("LC_ALL"), std::getenv("LC_MESSAGES"),
                                                        std::getenv("LANG"));
  x.format = args.format == "json" ? explain::Format::Json : explain::Format::Text;
  if (args.stream >= 0) {
    x.one_stream = true;
    x.only_stream = static_cast<std::uint32_t>(args.stream);
  }
  return x;
}

}  // namespace

int run_explain(const ExplainArgs& args) {
  explain::ExplainSinks sinks(explain_options(args));
  PreparedInput in = prepare_input(args.input, false);
  if (!in.ok()) return in.status;
  EngineOptions options = engine_options(args.limits, args.compat, args.input.threads);
  apply_input_options(args.input, in, options);
  Engine engine(options);
  engine.add_sinks(sinks);
  return report_result(run_engine(engine, args.input, in, nullptr), args.input, in);
}

}  // namespace tcplens::cli

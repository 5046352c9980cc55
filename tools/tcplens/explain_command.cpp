// tcplens explain: a summary of the capture, then each TCP connection as a ladder diagram
// with each side's RFC 9293 state and the anomalies, and the story of its handshake, data and
// close rendered from its findings (docs/explain.md).
#include <cstdlib>

#include "commands.hpp"
#include "tcplens/explain/explainer.hpp"

namespace tcplens::cli {

void add_explain_options(CLI::App& app, ExplainArgs& args) {
  add_input_options(app, args.input, false, false);
  app.add_option("--stream", args.stream, "Explain only this connection (tcp.stream, as conns numbers it)");
  app.add_option("--lang", args.lang,
                 "Language: en, zh, or any with a catalog in po/ (default: from LC_ALL, LC_MESSAGES, LANG)")
      ->check(CLI::Validator(
          [](std::string& value) {
            bool found = false;
            explain::parse_lang(value, &found);
            return found ? std::string() : "no message catalog for " + value + " (en, zh, or po/LANG.po)";
          },
          "LANG"));
  app.add_option("--format", args.format,
                 "text (default: summary, ladders and stories) or json (per connection: the conns record "
                 "and its findings)")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("--full", args.full, "Every packet on the ladder (long runs of data are folded otherwise)");
  app.add_flag("-S", args.absolute, "Absolute sequence numbers on the ladder");
  app.add_flag("--ascii", args.ascii, "Plain ASCII ladder (no Unicode box drawing)");
  app.add_option("--color", args.color, "Colour: auto (a terminal, NO_COLOR unset), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_flag("--teach", args.teach, "Notes on the TCP ideas each connection shows, with their frames");
  app.add_flag("--summary", args.summary_only, "Only the capture summary (text)");
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
  x.lang = !args.lang.empty() ? explain::parse_lang(args.lang)
                              : explain::lang_from_env(std::getenv("LC_ALL"), std::getenv("LC_MESSAGES"),
                                                       std::getenv("LANG"));
  x.format = args.format == "json" ? explain::Format::Json : explain::Format::Text;
  if (args.stream >= 0) {
    x.one_stream = true;
    x.only_stream = static_cast<std::uint32_t>(args.stream);
  }
  x.full = args.full;
  x.absolute = args.absolute;
  x.ascii = args.ascii;
  x.teach = args.teach;
  x.summary_only = args.summary_only;
  x.color = explain::want_color(args.color, 1);
  x.width = explain::terminal_width(1);
  return x;
}

}  // namespace

int run_explain(const ExplainArgs& args) {
  const explain::ExplainOptions x = explain_options(args);
  // Before any worker thread: it may set LANGUAGE for gettext.
  if (x.format == explain::Format::Text && !explain::use_language(x.lang))
    std::fprintf(stderr, "tcplens: no %s message catalog found (looked beside the binary and in the installed "
                         "locale directory); writing English\n",
                 std::string(explain::to_string(x.lang)).c_str());
  explain::ExplainSinks sinks(x);
  PreparedInput in = prepare_input(args.input, false);
  if (!in.ok()) return in.status;
  EngineOptions options = engine_options(args.limits, args.compat, args.input.threads);
  apply_input_options(args.input, in, options);
  Engine engine(options);
  engine.add_sinks(sinks);
  // The records feed the capture summary only, which JSON does not have: without a record
  // sink the workers' batches need not keep a copy of every record for the merge.
  if (x.format == explain::Format::Text) engine.add_record_sink(sinks);
  return report_result(run_engine(engine, args.input, in, nullptr), args.input, in);
}

}  // namespace tcplens::cli

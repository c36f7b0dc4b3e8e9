// vm-pub's command line. CLI11 does the parsing and the config file; we
// turn its multi-line errors into the one line a user (or a unit file) sees.
#include "publisher/options.h"

#include <unistd.h>

#include <sstream>

#include "common/message.h"
#include "common/names.h"
#include "common/topic.h"
#include "config.h"
#include "io/cli_error.h"
#include "io/host_name.h"

namespace vme::pub {

namespace {

/// Registers every option on `app`, writing into `o` (and `raw` for the
/// values checked after parsing).
struct RawValues {
    std::string events;
    std::string payload = "json";
    CLI::Option* ha_discovery = nullptr;  ///< given without a value: the default prefix
    bool no_roll_call = false;
};

void add_options(CLI::App& app, Options& o, RawValues& raw) {
    app.set_config("--config", "", "Read options from FILE (TOML/INI: name = value)");
    // A misspelt key in a config file must not be silently ignored.
    app.allow_config_extras(CLI::config_extras_mode::error);
    app.add_option("-c,--connect", o.connect_uri, "libvirt URI (default: libvirt's default)");
    io::add_client_options(app, o.client);
    app.add_option("--prefix", o.prefix, "Topic prefix")->capture_default_str();
    app.add_option("--host-name", o.host_name, "Host name used in topics (default: this machine's)");
    app.add_option("-q,--qos", o.qos, "MQTT QoS for events: 0, 1 or 2")
        ->check(CLI::Range(0, 2))
        ->capture_default_str();
    app.add_option("--events", raw.events, "Comma-separated event kinds to publish (default: all)");
    app.add_flag("--stdout", o.to_stdout, "Print each event payload as one line on stdout; no broker");
    app.add_option("--topic", o.fixed_topic, "Publish every event to this one topic (classic mode)");
    app.add_option("--payload", raw.payload,
                   "Event payload: json, cloudevents (structured-mode CloudEvents) or text (the classic line)")
        ->check(CLI::IsMember({"json", "cloudevents", "text"}))
        ->capture_default_str();
    raw.ha_discovery = app.add_option("--ha-discovery", o.ha_discovery,
                                      "Publish Home Assistant MQTT discovery configs under PREFIX "
                                      "(default homeassistant)")
                           ->expected(0, 1);
    app.add_option("--queue-limit", o.queue_limit, "Most messages kept while the broker is away")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000000}))
        ->capture_default_str();
    app.add_option("--drain-timeout", o.drain_timeout_s, "Seconds to deliver the queue at exit")
        ->check(CLI::Range(0, 3600))
        ->capture_default_str();
    app.add_option("--history", o.history, "Events kept in the retained journal (0: no history)")
        ->check(CLI::Range(std::size_t{0}, kMaxJournalEvents))
        ->capture_default_str();
    app.add_flag("--no-roll-call", raw.no_roll_call, "Do not answer roll-call requests");
    app.add_flag("-v,--verbose", o.verbose, "Log every event (repeat for more)");
    app.set_version_flag("--version", std::string("vm-pub ") + VME_VERSION);
}

/// Turns "--events lifecycle,reboot" into event ids; error on an unknown kind.
Status parse_kinds(const std::string& list, std::vector<int>& kinds) {
    std::stringstream in(list);
    std::string name;
    while (std::getline(in, name, ',')) {
        if (name.empty()) continue;
        auto id = kind_id(name);
        if (!id) return Error{"--events: unknown event kind '" + name + "'"};
        kinds.push_back(*id);
    }
    if (!list.empty() && kinds.empty()) return Error{"--events: no event kind given"};
    return Ok{};
}

/// Checks what CLI11 cannot: the prefix, the kinds, the payload mode.
Status finish(Options& o, const RawValues& raw) {
    if (auto s = check_prefix(o.prefix); !s) return Error{"--prefix: " + s.error().message};
    if (auto s = parse_kinds(raw.events, o.kinds); !s) return s;
    o.text_payload = raw.payload == "text";
    o.cloudevents_payload = raw.payload == "cloudevents";
    if (raw.ha_discovery->count() > 0 && o.ha_discovery.empty()) o.ha_discovery = "homeassistant";
    if (!o.ha_discovery.empty()) {
        if (auto s = check_prefix(o.ha_discovery); !s) return Error{"--ha-discovery: " + s.error().message};
    }
    o.roll_call = !raw.no_roll_call;
    if (o.fixed_topic.find_first_of("+#") != std::string::npos)
        return Error{"--topic: a topic to publish to cannot contain '+' or '#'"};
    if (o.host_name.empty()) o.host_name = io::machine_host_name();
    return Ok{};
}


}  // namespace


ParseOutcome parse_options(int argc, const char* const* argv) {
    CLI::App app{"Publish libvirt domain events to MQTT (vm-events/1)", "vm-pub"};
    Options o;
    RawValues raw;
    add_options(app, o, raw);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        return ParseOutcome::print(app.help());
    } catch (const CLI::CallForVersion&) {
        return ParseOutcome::print(std::string("vm-pub ") + VME_VERSION + "\n");
    } catch (const CLI::ParseError& e) {
        return ParseOutcome::usage("vm-pub", e.what());
    }
    if (auto s = finish(o, raw); !s) return ParseOutcome::usage("vm-pub", s.error().message);
    if (auto* cfg = app.get_config_ptr(); cfg != nullptr && cfg->count() > 0) o.config_file = cfg->as<std::string>();
    o.argv.assign(argv, argv + argc);
    return ParseOutcome::run(std::move(o));
}

}  // namespace vme::pub

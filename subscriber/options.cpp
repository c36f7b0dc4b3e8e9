#include "subscriber/options.h"

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string_view>

#include <CLI/CLI.hpp>

#include "common/message.h"
#include "common/names.h"
#include "common/time.h"
#include "common/topic.h"
#include "common/when.h"
#include "config.h"
#include "io/cli_error.h"

namespace vme::sub {
namespace {

constexpr const char* kExitHelp =
    "Exit status:\n"
    "  0    the count was reached, --list printed, --watch quit, or interrupted\n"
    "       without -C\n"
    "  1    runtime failure other than the broker connection (subscription\n"
    "       refused)\n"
    "  2    usage error\n"
    "  69   no broker connection: none within --connect-timeout (default 5 s\n"
    "       for --list and --since ... --until), --retries used up, or, in\n"
    "       those one-shot modes, a cause retrying cannot fix (unknown host\n"
    "       name, certificate not verified, credentials refused)\n"
    "  124  -W elapsed before -C was reached (or before --list finished)\n"
    "  130  interrupted (SIGINT/SIGTERM) before -C was reached\n"
    "\n"
    "Output: human lines (default; colour only on a terminal, NO_COLOR and\n"
    "--color respected) show events and host online/offline changes; json\n"
    "prints exactly one event object per line and nothing else on stdout;\n"
    "cloudevents prints each event as one CloudEvents 1.0 JSON object per line.\n"
    "Warnings, gaps and duplicates go to stderr (a duplicate (boot, seq) is\n"
    "dropped, so -C and --exec never see an event twice). Gap detection needs\n"
    "every event of a host, so it is off when --domain, --kind, --event or -t\n"
    "narrow the subscription. With --exec, events are not printed unless -o/-F\n"
    "is given.\n"
    "--share GROUP subscribes as a member of a shared subscription (MQTT 5\n"
    "$share/GROUP/..., which mosquitto also offers to 3.1.1 clients): the broker\n"
    "hands each event to one member of the group, so several vm-sub --exec\n"
    "workers split the events between them; gap detection is then off.\n"
    "With -t, payloads that are not vm-events/1 are shown raw (sanitized) in human\n"
    "output and count for -C; json output skips them with a warning on stderr.\n"
    "\n"
    "--exec COMMAND [ARGS...] takes the rest of the command line. The command\n"
    "runs without a shell, one at a time in order, with the event in\n"
    "VM_EVENT_HOST, _DOMAIN, _UUID, _ID, _KIND, _EVENT, _DETAIL, _TEXT, _TIME,\n"
    "_SEQ, _BOOT, _JSON and the JSON on its stdin.\n";

/// Raw strings CLI11 fills in; turned into Options by finish().
struct RawOptions {
    std::string output;
    std::string color = "auto";
    std::vector<std::string> exec_help;   // only for --help; argv is split first
    bool no_gap_check = false;
    std::string since;
    std::string until;
    bool no_roll_call = false;
};

/// argv split at the first "--exec": CLI11 must never see the command's own options.
struct SplitArgs {
    std::vector<std::string> own;      // program name first
    std::vector<std::string> command;  // after --exec
    bool has_exec = false;
};

/// Splits argv at the first "--exec" (not argv[0]).
SplitArgs split_at_exec(int argc, char** argv) {
    SplitArgs split;
    for (int i = 0; i < argc; ++i) {
        if (!split.has_exec && i > 0 && std::strcmp(argv[i], "--exec") == 0) {
            split.has_exec = true;
        } else if (split.has_exec) {
            split.command.emplace_back(argv[i]);
        } else {
            split.own.emplace_back(argv[i]);
        }
    }
    return split;
}

/// -o, -F, --color.
void add_output_options(CLI::App& app, Options& o, RawOptions& raw) {
    app.add_option("-o,--output", raw.output, "human (default), json, cloudevents or template")
        ->check(CLI::IsMember({"human", "json", "cloudevents", "template"}));
    app.add_option("-F,--format", o.format,
                   "template, e.g. '{time} {host} {domain} {event}' (implies -o template)");
    app.add_option("--color", raw.color, "never, auto (default) or always")
        ->check(CLI::IsMember({"never", "auto", "always"}));
}

/// --host, --domain, --kind, --event: one value per occurrence, repeatable.
void add_filter_options(CLI::App& app, Options& o) {
    app.add_option("--host", o.filter.hosts, "only this host (glob; repeatable: OR)")
        ->allow_extra_args(false);
    app.add_option("--domain", o.filter.domains, "only VMs matching this glob (repeatable: OR)")
        ->allow_extra_args(false);
    app.add_option("--kind", o.filter.kinds, "only this event kind, e.g. lifecycle (repeatable: OR)")
        ->allow_extra_args(false);
    app.add_option("--event", o.filter.events, "only this event, e.g. stopped (repeatable: OR)")
        ->allow_extra_args(false);
}

/// Everything else: prefix, -C, -W, --list, --exec (help only), -t, session, QoS, retries.
void add_run_options(CLI::App& app, Options& o, RawOptions& raw) {
    app.add_option("--prefix", o.prefix, "topic prefix (default libvirt)");
    app.add_option("-C,--count", o.count, "exit 0 after N matching events")
        ->check(CLI::Range(1L, 1000000000L));
    app.add_option("-W,--timeout", o.timeout_s, "give up after SECONDS (decimals allowed), exit 124")
        ->check(CLI::PositiveNumber);
    app.add_flag("--list", o.list, "print every VM's current state on every host, then exit");
    app.add_flag("--watch", o.watch, "a live full-screen view of every VM on every host (a terminal)");
    app.add_option("--list-wait", o.list_wait_ms, "--list: quiet period in ms (default 500)")
        ->check(CLI::Range(0, 60000));
    app.add_option("--exec", raw.exec_help, "run COMMAND [ARGS...] for each event (rest of the line)");
    app.add_option("-t,--topic", o.topics, "subscribe to this raw topic filter instead (repeatable)")
        ->allow_extra_args(false);
    app.add_option("--session", o.session, "persistent session: client id vm-sub-NAME, QoS 1");
    app.add_option("--share", o.share,
                   "shared subscription: vm-subs with the same GROUP split the events");
    app.add_option("--session-expiry", o.session_expiry, "MQTT 5 session expiry, seconds (default 86400)");
    app.add_option("-q,--qos", o.qos, "subscription QoS (default 1)")->check(CLI::Range(0, 2));
    app.add_option("--retries", o.retries, "give up (exit 69) after N failed connection attempts in a row")
        ->check(CLI::Range(1, 1000000));
    app.add_option("--connect-timeout", o.connect_timeout_s,
                   "exit 69 after SECONDS without a broker connection (default 5 for --list and "
                   "--since/--until, else none; 0: never)")
        ->check(CLI::Range(0.0, 1000000.0));
    app.add_flag("--no-gap-check", raw.no_gap_check, "do not report seq gaps and duplicates");
    app.add_option("--since", raw.since, "first print the history since WHEN (10m, 2h, 1d, RFC 3339), then follow");
    app.add_option("--until", raw.until, "with --since: stop at WHEN (in the past: history only, exit 0)");
    app.add_flag("--no-roll-call", raw.no_roll_call, "--list/--watch/--since: do not ask live vm-pubs to answer");
    app.add_option("--roll-call-spread", o.roll_call_spread_ms,
                   "vm-pubs answer within MS (default: 100 + 0.2 per host seen)")
        ->check(CLI::Range(0, kMaxRollCallSpreadMs));
    app.add_flag("-v,--verbose", o.verbose, "report connection and subscription progress on stderr");
}

/// A name that is safe as a client-id suffix and as an MQTT share name
/// (which must not contain '/', '+' or '#'): 1-64 letters, digits, '-', '_', '.'.
Status check_plain_name(std::string_view option, const std::string& name) {
    if (name.empty()) return Error{std::string(option) + ": empty name"};
    if (name.size() > 64) return Error{std::string(option) + ": name longer than 64 characters"};
    for (char c : name) {
        bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
        if (!ok) return Error{std::string(option) + ": use only letters, digits, '-', '_' and '.'"};
    }
    return Ok{};
}

/// --session NAME: a safe client-id suffix, no --client-id, QoS above 0.
Status check_session(const Options& o) {
    if (o.session.empty()) return Ok{};
    if (auto st = check_plain_name("--session", o.session); !st) return st;
    if (!o.client.client_id.empty()) return Error{"--session and --client-id exclude each other"};
    if (o.qos == 0) return Error{"--session needs --qos 1 or 2 (QoS 0 messages are not kept)"};
    return Ok{};
}

/// --share GROUP: a valid share name. Brokers deliver no retained message to
/// a shared subscription, so --list cannot use one.
Status check_share(const Options& o) {
    if (o.share.empty()) return Ok{};
    if (auto st = check_plain_name("--share", o.share); !st) return st;
    if (o.list) return Error{"--list and --share exclude each other (shared subscriptions get no retained states)"};
    return Ok{};
}

/// "lifecycle, reboot, ...", for the unknown-kind message.
std::string valid_kinds() {
    std::string all;
    for (auto name : all_kind_names()) {
        if (!all.empty()) all += ", ";
        all += name;
    }
    return all;
}

/// Every --kind must be a known kind name.
Status check_kinds(const Options& o) {
    for (const auto& kind : o.filter.kinds) {
        if (!kind_id(kind)) return Error{"--kind: unknown kind '" + kind + "' (valid: " + valid_kinds() + ")"};
    }
    return Ok{};
}

/// --list shows states, so the event-only options make no sense with it.
Status check_list(const Options& o) {
    if (!o.list) return Ok{};
    if (!o.filter.kinds.empty() || !o.filter.events.empty())
        return Error{"--list shows states: --kind and --event do not apply"};
    if (o.count != 0) return Error{"--list and -C exclude each other"};
    if (!o.exec.empty()) return Error{"--list and --exec exclude each other"};
    if (!o.topics.empty()) return Error{"--list and -t exclude each other"};
    if (o.output == OutputMode::Template || o.output == OutputMode::CloudEvents)
        return Error{"--list prints a table or JSON lines (-o human|json)"};
    return Ok{};
}

/// --watch is a screen of states: no option that prints or runs per event.
Status check_watch(const Options& o, const RawOptions& raw) {
    if (!o.watch) return Ok{};
    if (o.list) return Error{"--watch and --list exclude each other"};
    if (o.count != 0) return Error{"--watch and -C exclude each other"};
    if (!o.exec.empty()) return Error{"--watch and --exec exclude each other"};
    if (!o.topics.empty()) return Error{"--watch and -t exclude each other"};
    if (!o.share.empty()) return Error{"--watch and --share exclude each other (shared subscriptions get no retained states)"};
    if (!raw.since.empty()) return Error{"--watch and --since exclude each other"};
    if (o.output != OutputMode::Human) return Error{"--watch draws a screen: -o json, -o template and -F do not apply"};
    if (!o.filter.kinds.empty() || !o.filter.events.empty())
        return Error{"--watch shows states: --kind and --event do not apply"};
    return Ok{};
}

/// --since/--until: parsed against the current time; --since excludes
/// --list, -t and --share (no retained journal reaches a shared subscription).
Status resolve_history(Options& o, const RawOptions& raw) {
    o.roll_call = !raw.no_roll_call;
    if (raw.since.empty()) {
        if (!raw.until.empty()) return Error{"--until needs --since"};
        return Ok{};
    }
    if (o.list) return Error{"--since and --list exclude each other"};
    if (!o.topics.empty()) return Error{"--since and -t exclude each other"};
    if (!o.share.empty()) return Error{"--since and --share exclude each other (shared subscriptions get no retained journals)"};
    const long long now = now_ms();
    auto since = parse_when(raw.since, now);
    if (!since) return Error{"--since: " + since.error().message};
    std::optional<long long> until;
    if (!raw.until.empty()) {
        auto parsed = parse_when(raw.until, now);
        if (!parsed) return Error{"--until: " + parsed.error().message};
        until = *parsed;
    }
    if (auto st = check_window(*since, until, now); !st) return st;
    o.since_ms = *since;
    o.until_ms = until;
    return Ok{};
}

/// Output mode from -o/-F, colour choice, and whether events reach stdout.
Status resolve_output(Options& o, const RawOptions& raw) {
    o.output_given = !raw.output.empty() || !o.format.empty();
    if (!o.format.empty() && !raw.output.empty() && raw.output != "template")
        return Error{"-F/--format implies -o template, not -o " + raw.output};
    if (raw.output == "template" && o.format.empty()) return Error{"-o template needs -F/--format"};
    if (!o.format.empty() || raw.output == "template") o.output = OutputMode::Template;
    else if (raw.output == "json") o.output = OutputMode::Json;
    else if (raw.output == "cloudevents") o.output = OutputMode::CloudEvents;
    o.color = raw.color == "never" ? ColorMode::Never : raw.color == "always" ? ColorMode::Always : ColorMode::Auto;
    o.print_events = o.exec.empty() || o.output_given;
    // A member of a share group sees only part of each host's seqs: every
    // missing one would look like a gap.
    o.gap_check = !raw.no_gap_check && o.share.empty();
    return Ok{};
}

/// All cross-option checks, in an order where each may rely on the previous.
Status validate(Options& o, const RawOptions& raw) {
    if (auto st = check_prefix(o.prefix); !st) return Error{"--prefix: " + st.error().message};
    if (!raw.exec_help.empty()) return Error{"--exec is accepted only on the command line, as its last option"};
    if (auto st = resolve_output(o, raw); !st) return st;  // check_list() needs the mode
    if (auto st = check_kinds(o); !st) return st;
    if (auto st = check_session(o); !st) return st;
    if (auto st = check_share(o); !st) return st;
    if (auto st = check_watch(o, raw); !st) return st;
    if (auto st = resolve_history(o, raw); !st) return st;
    return check_list(o);
}

/// Exit 2 with the one line "vm-sub: <why>" (CLI11 messages may span lines).
ParseOutcome usage_error(const std::string& why) {
    ParseOutcome outcome;
    outcome.exit_code = kExitUsage;
    outcome.err = io::usage_error_line("vm-sub", why) + "\n";
    return outcome;
}

/// CLI11 wants argv-style input in reverse order for parse(vector).
std::vector<std::string> reversed_args(const SplitArgs& split) {
    std::vector<std::string> args(split.own.begin() + 1, split.own.end());
    return {args.rbegin(), args.rend()};
}

}  // namespace

bool is_one_shot(const Options& options) { return options.list || (options.since_ms && options.until_ms); }

std::chrono::milliseconds connect_deadline(const Options& options) {
    double seconds = options.connect_timeout_s >= 0 ? options.connect_timeout_s
                     : is_one_shot(options)        ? kDefaultConnectTimeoutS
                                                   : 0;
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0 + 0.5));
}

std::string user_config_path() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    if (xdg && *xdg) return std::string(xdg) + "/vm-events/vm-sub.conf";
    const char* home = std::getenv("HOME");
    if (home && *home) return std::string(home) + "/.config/vm-events/vm-sub.conf";
    return {};
}

ParseOutcome parse_options(int argc, char** argv) {
    SplitArgs split = split_at_exec(argc, argv);
    if (split.has_exec && split.command.empty()) return usage_error("--exec needs a COMMAND");
    Options o;
    RawOptions raw;
    CLI::App app{"Subscribe to libvirt VM events published by vm-pub over MQTT and print them.", "vm-sub"};
    app.footer(kExitHelp);
    app.set_version_flag("--version", std::string("vm-sub ") + VME_VERSION);
    app.set_config("--config", user_config_path(), "read options from FILE (default: the per-user file)");
    // A misspelt key in a config file must not be silently ignored.
    app.allow_config_extras(CLI::config_extras_mode::error);
    io::add_client_options(app, o.client);
    add_output_options(app, o, raw);
    add_filter_options(app, o);
    add_run_options(app, o, raw);
    try {
        app.parse(reversed_args(split));
    } catch (const CLI::CallForHelp&) {
        return ParseOutcome{std::nullopt, kExitOk, app.help(), ""};
    } catch (const CLI::CallForAllHelp&) {
        return ParseOutcome{std::nullopt, kExitOk, app.help("", CLI::AppFormatMode::All), ""};
    } catch (const CLI::CallForVersion& e) {
        return ParseOutcome{std::nullopt, kExitOk, std::string(e.what()) + "\n", ""};
    } catch (const CLI::ParseError& e) {
        return usage_error(e.what());
    }
    o.exec = split.command;
    if (auto st = validate(o, raw); !st) return usage_error(st.error().message);
    return ParseOutcome{std::move(o), kExitOk, "", ""};
}

}  // namespace vme::sub

// vm-sub's command line (subscriber/options): what a good command line
// parses to, and every usage error of vm-sub(1) as exit status 2 with one
// line on stderr naming the problem. Also the usage errors found after
// parsing (the template, the connection options).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cli_args.h"
#include "subscriber/options.h"
#include "subscriber/output.h"
#include "subscriber/subscriber.h"

using namespace vme::sub;
using vme::test::Argv;
using vme::test::ScopedEnv;
using vme::test::ScratchDir;

namespace {

/// Parses with no per-user config file in the way.
ParseOutcome parse(std::vector<std::string> args) {
    ScratchDir home;
    ScopedEnv xdg("XDG_CONFIG_HOME", home.path());
    Argv argv(args);
    return parse_options(argv.argc(), argv.argv());
}

/// Parses a good command line; fails the test when it is refused.
Options parsed(std::vector<std::string> args) {
    ParseOutcome outcome = parse(args);
    INFO(outcome.err);
    REQUIRE(outcome.options);
    CHECK(outcome.exit_code == kExitOk);
    CHECK(outcome.err.empty());
    CHECK(outcome.out.empty());
    return *outcome.options;
}

/// The outcome is a usage error: exit 2, no options, nothing on stdout and
/// one line "vm-sub: ..." on stderr that contains `part`.
void check_usage_error(const ParseOutcome& outcome, const std::string& part) {
    CAPTURE(outcome.err);
    CHECK_FALSE(outcome.options);
    CHECK(outcome.exit_code == kExitUsage);
    CHECK(outcome.out.empty());
    CHECK(outcome.err.starts_with("vm-sub: "));
    CHECK(outcome.err.ends_with("\n"));
    CHECK(outcome.err.find('\n') == outcome.err.size() - 1);
    CHECK(outcome.err.find(part) != std::string::npos);
}

}  // namespace

TEST_SUITE("sub.options") {

TEST_CASE("no options: the documented defaults") {
    const Options o = parsed({"vm-sub"});
    CHECK(o.client.broker == "mqtt://localhost:1883");
    CHECK(o.client.keepalive == 30);
    CHECK(o.client.mqtt_version == "3.1.1");
    CHECK(o.prefix == "libvirt");
    CHECK(o.output == OutputMode::Human);
    CHECK_FALSE(o.output_given);
    CHECK(o.print_events);
    CHECK(o.color == ColorMode::Auto);
    CHECK(o.count == 0);
    CHECK(o.timeout_s == 0);
    CHECK_FALSE(o.list);
    CHECK(o.list_wait_ms == 500);
    CHECK(o.exec.empty());
    CHECK(o.topics.empty());
    CHECK(o.session.empty());
    CHECK(o.share.empty());
    CHECK(o.session_expiry == 86400);
    CHECK(o.qos == 1);
    CHECK(o.retries == 0);
    CHECK(o.gap_check);
    CHECK(o.verbose == 0);
}

TEST_CASE("filters: each repeatable, one value per occurrence") {
    const Options o = parsed({"vm-sub", "--host", "hv*", "--host", "db1", "--domain", "web*", "--kind",
                              "lifecycle", "--kind", "reboot", "--event", "stopped"});
    CHECK(o.filter.hosts == std::vector<std::string>{"hv*", "db1"});
    CHECK(o.filter.domains == std::vector<std::string>{"web*"});
    CHECK(o.filter.kinds == std::vector<std::string>{"lifecycle", "reboot"});
    CHECK(o.filter.events == std::vector<std::string>{"stopped"});
}

TEST_CASE("output: -o json, -F implies template, -o template with -F, --color") {
    CHECK(parsed({"vm-sub", "-o", "json"}).output == OutputMode::Json);
    const Options f = parsed({"vm-sub", "-F", "{host} {event}"});
    CHECK(f.output == OutputMode::Template);
    CHECK(f.format == "{host} {event}");
    CHECK(f.output_given);
    CHECK(parsed({"vm-sub", "-o", "template", "-F", "{host}"}).output == OutputMode::Template);
    CHECK(parsed({"vm-sub", "--color", "never"}).color == ColorMode::Never);
    CHECK(parsed({"vm-sub", "--color", "always"}).color == ColorMode::Always);
    CHECK(parsed({"vm-sub", "-o", "human"}).output_given);
}

TEST_CASE("counting, waiting, session, QoS, retries, verbosity") {
    const Options o = parsed({"vm-sub", "-C", "3", "-W", "1.5", "--session", "ops-1.a_b", "--session-expiry", "60",
                              "-q", "2", "--retries", "4", "-v", "-v", "--prefix", "lab/vm"});
    CHECK(o.count == 3);
    CHECK(o.timeout_s == doctest::Approx(1.5));
    CHECK(o.session == "ops-1.a_b");
    CHECK(o.session_expiry == 60);
    CHECK(o.qos == 2);
    CHECK(o.retries == 4);
    CHECK(o.verbose == 2);
    CHECK(o.prefix == "lab/vm");
}

TEST_CASE("--exec takes the rest of the line, untouched; events are then not printed unless -o/-F") {
    const Options o = parsed({"vm-sub", "--domain", "web1", "--exec", "notify", "-C", "--exec", "--help"});
    CHECK(o.exec == std::vector<std::string>{"notify", "-C", "--exec", "--help"});
    CHECK(o.count == 0);
    CHECK(o.filter.domains == std::vector<std::string>{"web1"});
    CHECK_FALSE(o.print_events);
    const Options printed = parsed({"vm-sub", "-o", "json", "--exec", "true"});
    CHECK(printed.print_events);
    CHECK(printed.exec == std::vector<std::string>{"true"});
}

TEST_CASE("--share turns gap detection off, as --no-gap-check does") {
    const Options shared = parsed({"vm-sub", "--share", "workers"});
    CHECK(shared.share == "workers");
    CHECK_FALSE(shared.gap_check);
    CHECK_FALSE(parsed({"vm-sub", "--no-gap-check"}).gap_check);
}

TEST_CASE("--list with its options") {
    const Options o = parsed({"vm-sub", "--list", "--list-wait", "0", "--host", "hv1", "--domain", "web*", "-o", "json"});
    CHECK(o.list);
    CHECK(o.list_wait_ms == 0);
    CHECK(o.output == OutputMode::Json);
}

TEST_CASE("-t raw topic filters, repeatable") {
    const Options o = parsed({"vm-sub", "-t", "classic/#", "-t", "other/+/x"});
    CHECK(o.topics == std::vector<std::string>{"classic/#", "other/+/x"});
}

TEST_CASE("--help and --version exit 0 with their text on stdout") {
    const ParseOutcome help = parse({"vm-sub", "--help"});
    CHECK_FALSE(help.options);
    CHECK(help.exit_code == kExitOk);
    CHECK(help.err.empty());
    CHECK(help.out.find("--exec") != std::string::npos);
    CHECK(help.out.find("Exit status:") != std::string::npos);
    const ParseOutcome version = parse({"vm-sub", "--version"});
    CHECK_FALSE(version.options);
    CHECK(version.exit_code == kExitOk);
    CHECK(version.out.starts_with("vm-sub "));
    CHECK(version.out.ends_with("\n"));
}

TEST_CASE("usage errors CLI11 finds: unknown options and malformed values") {
    struct Case {
        std::vector<std::string> args;
        std::string part;
    };
    const std::vector<Case> cases = {
        {{"vm-sub", "--no-such-option"}, "--no-such-option"},
        {{"vm-sub", "stray"}, "stray"},
        {{"vm-sub", "-o", "xml"}, "--output"},
        {{"vm-sub", "--color", "sometimes"}, "--color"},
        {{"vm-sub", "-C", "0"}, "--count"},
        {{"vm-sub", "-C", "many"}, "--count"},
        {{"vm-sub", "-W", "0"}, "--timeout"},
        {{"vm-sub", "-W", "-1"}, "--timeout"},
        {{"vm-sub", "--list-wait", "60001"}, "--list-wait"},
        {{"vm-sub", "-q", "3"}, "--qos"},
        {{"vm-sub", "--retries", "0"}, "--retries"},
        {{"vm-sub", "--keepalive", "4"}, "--keepalive"},
        {{"vm-sub", "--keepalive", "65536"}, "--keepalive"},
        {{"vm-sub", "-V", "4"}, "--mqtt-version"},
        {{"vm-sub", "--session-expiry", "-5"}, "--session-expiry"},
        {{"vm-sub", "--config", "/nonexistent/vm-sub.conf"}, "/nonexistent/vm-sub.conf"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.args[1]);
        check_usage_error(parse(c.args), c.part);
    }
}

TEST_CASE("usage errors vm-sub finds after parsing, with their exact messages") {
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    const std::vector<Case> cases = {
        {{"vm-sub", "--exec"}, "--exec needs a COMMAND"},
        {{"vm-sub", "-o", "json", "-F", "{host}"}, "-F/--format implies -o template, not -o json"},
        {{"vm-sub", "-o", "template"}, "-o template needs -F/--format"},
        {{"vm-sub", "--prefix", "a/+/b"}, "--prefix: "},
        {{"vm-sub", "--prefix", ""}, "--prefix: "},
        {{"vm-sub", "--session", std::string(65, 'a')}, "--session: name longer than 64 characters"},
        {{"vm-sub", "--session", "a/b"}, "--session: use only letters, digits, '-', '_' and '.'"},
        {{"vm-sub", "--session", "s", "--client-id", "me"}, "--session and --client-id exclude each other"},
        {{"vm-sub", "--session", "s", "-q", "0"}, "--session needs --qos 1 or 2 (QoS 0 messages are not kept)"},
        {{"vm-sub", "--share", "a+b"}, "--share: use only letters, digits, '-', '_' and '.'"},
        {{"vm-sub", "--share", "g", "--list"},
         "--list and --share exclude each other (shared subscriptions get no retained states)"},
        {{"vm-sub", "--list", "--kind", "lifecycle"}, "--list shows states: --kind and --event do not apply"},
        {{"vm-sub", "--list", "--event", "stopped"}, "--list shows states: --kind and --event do not apply"},
        {{"vm-sub", "--list", "-C", "1"}, "--list and -C exclude each other"},
        {{"vm-sub", "--list", "--exec", "true"}, "--list and --exec exclude each other"},
        {{"vm-sub", "--list", "-t", "x/#"}, "--list and -t exclude each other"},
        {{"vm-sub", "--list", "-F", "{host}"}, "--list prints a table or JSON lines (-o human|json)"},
        {{"vm-sub", "--watch", "--since", "1h"}, "--watch and --since exclude each other"},
    };
    for (const Case& c : cases) {
        const ParseOutcome outcome = parse(c.args);
        check_usage_error(outcome, c.message);
        if (c.message.ends_with(": ")) continue;  // the reason comes from common/topic
        CHECK(outcome.err == "vm-sub: " + c.message + "\n");
    }
}

TEST_CASE("an unknown --kind is refused with the list of valid kinds") {
    const ParseOutcome outcome = parse({"vm-sub", "--kind", "lifecycle", "--kind", "nonsense"});
    check_usage_error(outcome, "--kind: unknown kind 'nonsense' (valid: lifecycle, reboot, ");
    CHECK(outcome.err.find("memory-device-size-change)") != std::string::npos);
}

TEST_CASE("config files: options as key = value, a misspelt key and --exec refused") {
    ScratchDir dir;
    const std::string good = dir.file("good.conf", "host = hv1\nkind = lifecycle\nqos = 2\noutput = json\n");
    const Options o = parsed({"vm-sub", "--config", good, "-q", "0"});
    CHECK(o.filter.hosts == std::vector<std::string>{"hv1"});
    CHECK(o.filter.kinds == std::vector<std::string>{"lifecycle"});
    CHECK(o.output == OutputMode::Json);
    CHECK(o.qos == 0);  // the command line wins
    const std::string typo = dir.file("typo.conf", "colour = never\n");
    check_usage_error(parse({"vm-sub", "--config", typo}), "colour");
    const std::string exec = dir.file("exec.conf", "exec = notify-send\n");
    const ParseOutcome refused = parse({"vm-sub", "--config", exec});
    check_usage_error(refused, "--exec is accepted only on the command line, as its last option");
}

TEST_CASE("the per-user file is read by default, from XDG_CONFIG_HOME or HOME") {
    ScratchDir dir;
    dir.file("vm-sub.conf", "");
    std::filesystem::create_directories(dir.path() + "/xdg/vm-events");
    dir.file("xdg/vm-events/vm-sub.conf", "prefix = from-xdg\n");
    {
        ScopedEnv xdg("XDG_CONFIG_HOME", dir.path() + "/xdg");
        CHECK(user_config_path() == dir.path() + "/xdg/vm-events/vm-sub.conf");
        Argv argv({"vm-sub"});
        const ParseOutcome outcome = parse_options(argv.argc(), argv.argv());
        REQUIRE(outcome.options);
        CHECK(outcome.options->prefix == "from-xdg");
    }
    ScopedEnv no_xdg("XDG_CONFIG_HOME", std::nullopt);
    ScopedEnv home("HOME", "/home/someone");
    CHECK(user_config_path() == "/home/someone/.config/vm-events/vm-sub.conf");
}

TEST_CASE("a template with an unknown field is a usage error when the printer is made") {
    const Options o = parsed({"vm-sub", "-F", "{host} {nope}"});
    auto printer = EventPrinter::create(o);
    REQUIRE_FALSE(printer);
    CHECK(printer.error().message.starts_with("-F/--format: unknown field \"{nope}\" in template (known: "));
}

TEST_CASE("connection options refused before connecting (exit 2 in vm-sub)") {
    ScratchDir dir;
    const std::string secret = dir.file("secret", "pw\n");
    struct Case {
        std::vector<std::string> args;
        std::string part;
    };
    const std::vector<Case> cases = {
        {{"vm-sub", "-b", "mqtt://user:pw@host"}, "password in broker URL refused"},
        {{"vm-sub", "-b", "http://host"}, "http"},
        {{"vm-sub", "--password-file", secret}, "--password-file needs a user name in the broker URL"},
        {{"vm-sub", "-b", "mqtt://u@host", "--password-file", dir.path() + "/missing"},
         "cannot read password file"},
        {{"vm-sub", "--cafile", secret}, "TLS options need an mqtts:// broker URL"},
        {{"vm-sub", "-b", "mqtts://host", "--cert", secret}, "--cert and --key must be given together"},
        {{"vm-sub", "-b", "mqtts://host", "--cafile", dir.path() + "/missing"}, "cannot read"},
    };
    for (const Case& c : cases) {
        const Options o = parsed(c.args);
        std::string warning;
        const auto config = connection_config(o, warning);
        REQUIRE_FALSE(config);
        CAPTURE(config.error().message);
        CHECK(config.error().message.find(c.part) != std::string::npos);
        CHECK(config.error().message.find('\n') == std::string::npos);
    }
}

TEST_CASE("--session sets the client id and keeps the session") {
    const Options o = parsed({"vm-sub", "--session", "ops", "--session-expiry", "120"});
    std::string warning;
    const auto config = connection_config(o, warning);
    REQUIRE(config);
    CHECK(config->client_id == "vm-sub-ops");
    CHECK_FALSE(config->clean_session);
    CHECK(config->session_expiry == 120);
}

}  // TEST_SUITE

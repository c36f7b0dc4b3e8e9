// vm-pub's command line (publisher/options): what a good command line
// parses to, and every usage error of vm-pub(1) as exit status 2 with one
// line naming the problem (main() prints it on stderr).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cli_args.h"
#include "common/names.h"
#include "io/host_name.h"
#include "publisher/options.h"

using namespace vme::pub;
using vme::test::Argv;
using vme::test::ScratchDir;

namespace {

ParseOutcome parse(std::vector<std::string> args) {
    Argv argv(std::move(args));
    return parse_options(argv.argc(), argv.argv());
}

/// Parses a good command line; fails the test when it is refused.
Options parsed(std::vector<std::string> args) {
    ParseOutcome outcome = parse(std::move(args));
    INFO(outcome.err);
    REQUIRE(outcome.options);
    CHECK(outcome.exit_code == 0);
    CHECK(outcome.out.empty());
    CHECK(outcome.err.empty());
    return *outcome.options;
}

/// A usage error: exit 2, no options, nothing on stdout, one line
/// "vm-pub: ...\n" containing `part` on stderr.
void check_usage_error(const ParseOutcome& outcome, const std::string& part) {
    CAPTURE(outcome.err);
    CHECK_FALSE(outcome.options);
    CHECK(outcome.exit_code == 2);
    CHECK(outcome.out.empty());
    CHECK(outcome.err.starts_with("vm-pub: "));
    CHECK(outcome.err.find('\n') == outcome.err.size() - 1);
    CHECK(outcome.err.find(part) != std::string::npos);
}

}  // namespace

TEST_SUITE("pub.options") {

TEST_CASE("no options: the documented defaults") {
    const Options o = parsed({"vm-pub"});
    CHECK(o.connect_uri.empty());
    CHECK(o.client.broker == "mqtt://localhost:1883");
    CHECK(o.prefix == "libvirt");
    CHECK(o.host_name == vme::io::machine_host_name());
    CHECK_FALSE(o.host_name.empty());
    CHECK(o.qos == 1);
    CHECK(o.kinds.empty());
    CHECK_FALSE(o.to_stdout);
    CHECK(o.fixed_topic.empty());
    CHECK_FALSE(o.text_payload);
    CHECK(o.queue_limit == 100000);
    CHECK(o.drain_timeout_s == 5);
    CHECK(o.verbose == 0);
    CHECK(o.config_file.empty());
    CHECK(o.argv == std::vector<std::string>{"vm-pub"});
}

TEST_CASE("every option lands in its field") {
    const Options o = parsed({"vm-pub", "-c", "test:///default", "-b", "mqtts://broker:8883", "--prefix", "lab",
                              "--host-name", "hv9", "-q", "2", "--events", "lifecycle,,reboot", "--stdout",
                              "--topic", "classic/events", "--payload", "text", "--queue-limit", "7",
                              "--drain-timeout", "0", "-v", "-v", "--keepalive", "5", "-V", "5"});
    CHECK(o.connect_uri == "test:///default");
    CHECK(o.client.broker == "mqtts://broker:8883");
    CHECK(o.client.keepalive == 5);
    CHECK(o.client.mqtt_version == "5");
    CHECK(o.prefix == "lab");
    CHECK(o.host_name == "hv9");
    CHECK(o.qos == 2);
    CHECK(o.kinds == std::vector<int>{*vme::kind_id("lifecycle"), *vme::kind_id("reboot")});
    CHECK(o.to_stdout);
    CHECK(o.fixed_topic == "classic/events");
    CHECK(o.text_payload);
    CHECK(o.queue_limit == 7);
    CHECK(o.drain_timeout_s == 0);
    CHECK(o.verbose == 2);
    CHECK(o.argv.size() == 28);
    CHECK(o.argv.back() == "5");
}

TEST_CASE("--config: read, remembered for SIGHUP, the command line wins") {
    ScratchDir dir;
    const std::string file = dir.file("vm-pub.conf", "prefix = from-file\nqos = 0\nevents = reboot\n");
    const Options o = parsed({"vm-pub", "--config", file, "-q", "2"});
    CHECK(o.prefix == "from-file");
    CHECK(o.qos == 2);
    CHECK(o.kinds == std::vector<int>{*vme::kind_id("reboot")});
    CHECK(o.config_file == file);
}

TEST_CASE("--help and --version exit 0 with their text") {
    const ParseOutcome help = parse({"vm-pub", "--help"});
    CHECK_FALSE(help.options);
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("--drain-timeout") != std::string::npos);
    CHECK(help.err.empty());
    const ParseOutcome version = parse({"vm-pub", "--version"});
    CHECK(version.exit_code == 0);
    CHECK(version.out.starts_with("vm-pub "));
    CHECK(version.err.empty());
}

TEST_CASE("usage errors: unknown options, malformed values, unreadable or misspelt config") {
    ScratchDir dir;
    const std::string typo = dir.file("typo.conf", "queue-limits = 5\n");
    struct Case {
        std::vector<std::string> args;
        std::string part;
    };
    const std::vector<Case> cases = {
        {{"vm-pub", "--no-such-option"}, "--no-such-option"},
        {{"vm-pub", "stray"}, "stray"},
        {{"vm-pub", "-q", "3"}, "--qos"},
        {{"vm-pub", "-q", "x"}, "--qos"},
        {{"vm-pub", "--payload", "xml"}, "--payload"},
        {{"vm-pub", "--queue-limit", "0"}, "--queue-limit"},
        {{"vm-pub", "--drain-timeout", "3601"}, "--drain-timeout"},
        {{"vm-pub", "--drain-timeout", "-1"}, "--drain-timeout"},
        {{"vm-pub", "--keepalive", "4"}, "--keepalive"},
        {{"vm-pub", "-V", "3"}, "--mqtt-version"},
        {{"vm-pub", "--config", dir.path() + "/missing.conf"}, "missing.conf"},
        {{"vm-pub", "--config", typo}, "queue-limits"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.args[1]);
        check_usage_error(parse(c.args), c.part);
    }
}

TEST_CASE("usage errors vm-pub finds after parsing, with their exact messages") {
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    const std::vector<Case> cases = {
        {{"vm-pub", "--events", "lifecycle,bogus"}, "--events: unknown event kind 'bogus'"},
        {{"vm-pub", "--events", ",,"}, "--events: no event kind given"},
        {{"vm-pub", "--topic", "a/+/b"}, "--topic: a topic to publish to cannot contain '+' or '#'"},
        {{"vm-pub", "--topic", "a/#"}, "--topic: a topic to publish to cannot contain '+' or '#'"},
    };
    for (const Case& c : cases) {
        const ParseOutcome outcome = parse(c.args);
        check_usage_error(outcome, c.message);
        CHECK(outcome.err == "vm-pub: " + c.message + "\n");
    }
    for (const char* prefix : {"", "a/+", "a/#/b", "/lead", "trail/"}) {
        CAPTURE(prefix);
        check_usage_error(parse({"vm-pub", "--prefix", prefix}), "vm-pub: --prefix: ");
    }
}

TEST_CASE("a password in the broker URL and an unreadable password file are refused (exit 2)") {
    // vm-pub resolves the connection options (io/client_options) before it
    // starts; a refusal there is a usage error too.
    ScratchDir dir;
    struct Case {
        std::vector<std::string> args;
        std::string part;
    };
    const std::vector<Case> cases = {
        {{"vm-pub", "-b", "mqtt://user:secret@broker"}, "password in broker URL refused"},
        {{"vm-pub", "-b", "mqtt://user@broker", "--password-file", dir.path() + "/none"}, "cannot read password file"},
    };
    for (const Case& c : cases) {
        const Options o = parsed(c.args);
        std::string warning;
        const auto config = vme::io::resolve_client_options(o.client, "vm-pub", warning);
        REQUIRE_FALSE(config);
        CAPTURE(config.error().message);
        CHECK(config.error().message.find(c.part) != std::string::npos);
        CHECK(config.error().message.find("secret") == std::string::npos);
    }
    const Options fine = parsed({"vm-pub", "-b", "mqtt://user@broker",
                                 "--password-file", dir.file("pw", "s3cret\n")});
    std::string warning;
    const auto config = vme::io::resolve_client_options(fine.client, "vm-pub", warning);
    REQUIRE(config);
    CHECK(config->password == std::optional<std::string>("s3cret"));
    CHECK(config->client_id.starts_with("vm-pub-"));
}

}  // TEST_SUITE

TEST_CASE("io::ParseOutcome: run, print and usage, the one shape of both tools") {
    using Outcome = vme::io::ParseOutcome<int>;
    const Outcome run = Outcome::run(7);
    CHECK(run.options == 7);
    CHECK(run.exit_code == 0);
    CHECK(run.out.empty());
    CHECK(run.err.empty());
    const Outcome print = Outcome::print("help\n");
    CHECK_FALSE(print.options);
    CHECK(print.exit_code == 0);
    CHECK(print.out == "help\n");
    CHECK(print.err.empty());
    const Outcome usage = Outcome::usage("tool", "bad\nthing  ");
    CHECK_FALSE(usage.options);
    CHECK(usage.exit_code == vme::io::kUsageExitCode);
    CHECK(usage.exit_code == 2);
    CHECK(usage.out.empty());
    CHECK(usage.err == "tool: bad thing\n");
}

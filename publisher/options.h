// vm-pub's command line: a plain options struct, parsed with CLI11.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "io/client_options.h"
#include "io/parse_outcome.h"

namespace vme::pub {

/// Everything vm-pub was asked to do, as given (validated for form).
struct Options {
    std::string connect_uri;            ///< empty: libvirt's default
    io::ClientOptions client;
    std::string prefix = "libvirt";
    std::string host_name;              ///< empty: this machine's host name
    int qos = 1;
    std::vector<int> kinds;             ///< VIR_DOMAIN_EVENT_ID_* to register; empty: all
    bool to_stdout = false;
    std::string fixed_topic;            ///< --topic: every event to this topic
    bool text_payload = false;          ///< --payload text: the classic line
    bool cloudevents_payload = false;   ///< --payload cloudevents: structured-mode CloudEvents
    std::string ha_discovery;           ///< --ha-discovery PREFIX; empty: no Home Assistant discovery
    std::size_t queue_limit = 100000;
    int drain_timeout_s = 5;
    std::size_t history = 1000;         ///< events kept in the retained journal; 0: none
    bool roll_call = true;              ///< answer roll-call requests
    int verbose = 0;
    std::string config_file;            ///< --config, for SIGHUP re-reads
    std::vector<std::string> argv;      ///< the original arguments, for SIGHUP re-reads
};

/// The outcome of parsing: options to run with, or an exit status with
/// help text for stdout (exit 0) or one error line for stderr.
using ParseOutcome = io::ParseOutcome<Options>;

/// Parses argv (and --config FILE). Usage errors give exit code 2 and one
/// line "vm-pub: <problem>"; --help and --version give exit code 0.
ParseOutcome parse_options(int argc, const char* const* argv);

}  // namespace vme::pub

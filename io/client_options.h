// The MQTT connection options both tools share, their CLI11 registration,
// and their validation (password file, URL, TLS files).
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "common/broker_url.h"
#include "common/result.h"

namespace vme::io {

/// Environment variable holding the broker password (read when no
/// --password-file is given). Never logged.
inline constexpr const char* kPasswordEnv = "VM_EVENTS_PASSWORD";

/// What the user gave on the command line or in a config file.
struct ClientOptions {
    std::string broker = "mqtt://localhost:1883";
    std::string password_file;
    std::string cafile;
    std::string capath;
    std::string cert;
    std::string key;
    bool insecure = false;
    std::string client_id;     ///< empty: "<tool>-<host>-<pid>"
    int keepalive = 30;        ///< seconds
    std::string mqtt_version = "3.1.1";  ///< "3.1.1" or "5"
};

/// Registers -b/--broker, --password-file, --cafile, --capath, --cert, --key,
/// --insecure, --client-id, --keepalive, -V/--mqtt-version on `app`.
void add_client_options(CLI::App& app, ClientOptions& options);

/// A message the broker publishes for us if we vanish.
struct Will {
    std::string topic;
    std::string payload;
    int qos = 1;
    bool retain = true;
};

/// Everything needed to open the connection, checked.
struct ConnectionConfig {
    BrokerUrl url;
    std::optional<std::string> password;  ///< from the file or the environment
    std::string cafile, capath, cert, key;
    bool insecure = false;
    std::string client_id;
    int keepalive = 30;
    int protocol = 4;          ///< MQTT_PROTOCOL_V311 (4) or V5 (5)
    bool clean_session = true;
    unsigned session_expiry = 0;  ///< MQTT 5 session-expiry interval, seconds
    std::optional<Will> will;
};

/// Validates and resolves `options`: parses the URL (password in it refused),
/// reads the password file (first line, trailing newline stripped; error if
/// unreadable; `warning` set when the file is readable by group/others) or
/// the environment variable, checks TLS files are readable, picks a default
/// client id from `tool`. Errors are one line naming the problem.
Result<ConnectionConfig> resolve_client_options(const ClientOptions& options,
                                                const std::string& tool,
                                                std::string& warning);

}  // namespace vme::io

// The MQTT options both tools share: registration and validation.
#include "io/client_options.h"

#include "io/host_name.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace vme::io {

void add_client_options(CLI::App& app, ClientOptions& o) {
    app.add_option("-b,--broker", o.broker, "Broker URL mqtt://[user@]host[:port] or mqtts://...")
        ->capture_default_str();
    app.add_option("--password-file", o.password_file,
                   std::string("File whose first line is the broker password (else $") + kPasswordEnv + ")");
    app.add_option("--cafile", o.cafile, "CA certificate file for mqtts://");
    app.add_option("--capath", o.capath, "Directory of CA certificates for mqtts://");
    app.add_option("--cert", o.cert, "Client certificate file (PEM)");
    app.add_option("--key", o.key, "Client private key file (PEM)");
    app.add_flag("--insecure", o.insecure, "Do not check the broker's host name against its certificate");
    app.add_option("--client-id", o.client_id, "MQTT client id (default <tool>-<host>-<pid>)");
    app.add_option("--keepalive", o.keepalive, "MQTT keepalive, seconds")
        ->check(CLI::Range(5, 65535))
        ->capture_default_str();
    app.add_option("-V,--mqtt-version", o.mqtt_version, "MQTT protocol version: 3.1.1 or 5")
        ->check(CLI::IsMember({"3.1.1", "5"}))
        ->capture_default_str();
}

namespace {


/// Reads the first line of the password file; warns when others can read it.
Result<std::string> read_password_file(const std::string& path, std::string& warning) {
    std::ifstream in(path);
    if (!in) return Error{"cannot read password file " + path + ": " + std::strerror(errno)};
    std::string line;
    std::getline(in, line);
    if (in.bad()) return Error{"cannot read password file " + path + ": " + std::strerror(errno)};
    if (!line.empty() && line.back() == '\r') line.pop_back();
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
        warning = "password file " + path + " is readable by group or others (chmod 600 it)";
    }
    return line;
}

/// Error when a TLS file given is not readable.
Status check_readable(const std::string& what, const std::string& path) {
    if (path.empty() || ::access(path.c_str(), R_OK) == 0) return Ok{};
    return Error{"cannot read " + what + " " + path + ": " + std::strerror(errno)};
}

Status check_tls_files(const ClientOptions& o, bool tls) {
    bool any = !o.cafile.empty() || !o.capath.empty() || !o.cert.empty() || !o.key.empty() || o.insecure;
    if (any && !tls) return Error{"TLS options need an mqtts:// broker URL"};
    if (o.cert.empty() != o.key.empty()) return Error{"--cert and --key must be given together"};
    for (auto [what, path] : {std::pair{"--cafile", &o.cafile}, {"--capath", &o.capath},
                              {"--cert", &o.cert}, {"--key", &o.key}}) {
        auto s = check_readable(what, *path);
        if (!s) return s;
    }
    return Ok{};
}

/// The password from the file, else the environment; none when neither.
Result<std::optional<std::string>> find_password(const ClientOptions& o, const BrokerUrl& url,
                                                 std::string& warning) {
    if (!o.password_file.empty()) {
        if (url.user.empty())
            return Error{"--password-file needs a user name in the broker URL (mqtt://user@host)"};
        auto p = read_password_file(o.password_file, warning);
        if (!p) return p.error();
        return std::optional<std::string>(std::move(*p));
    }
    const char* env = std::getenv(kPasswordEnv);
    // Without a user name there is nobody to authenticate as: ignore it.
    if (env == nullptr || url.user.empty()) return std::optional<std::string>();
    return std::optional<std::string>(env);
}

}  // namespace

Result<ConnectionConfig> resolve_client_options(const ClientOptions& o, const std::string& tool,
                                                std::string& warning) {
    auto url = parse_broker_url(o.broker);
    if (!url) return url.error();
    auto tls = check_tls_files(o, url->tls);
    if (!tls) return tls.error();
    auto password = find_password(o, *url, warning);
    if (!password) return password.error();
    ConnectionConfig c;
    c.url = *url;
    c.password = *password;
    c.cafile = o.cafile;
    c.capath = o.capath;
    c.cert = o.cert;
    c.key = o.key;
    c.insecure = o.insecure;
    c.client_id = o.client_id.empty()
                      ? tool + "-" + machine_host_name() + "-" + std::to_string(::getpid())
                      : o.client_id;
    c.keepalive = o.keepalive;
    c.protocol = o.mqtt_version == "5" ? 5 : 4;
    return c;
}

}  // namespace vme::io

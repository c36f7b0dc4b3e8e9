// Parsing of the broker URL shared by vm-pub and vm-sub (pure).
#pragma once

#include <string>
#include <string_view>

#include "result.h"

namespace vme {

/// A parsed "mqtt://[user@]host[:port]" or "mqtts://..." URL.
struct BrokerUrl {
    bool tls = false;
    std::string user;   ///< empty when absent (percent-decoded)
    std::string host;   ///< IPv6 literals without the brackets
    int port = 1883;    ///< default 1883, or 8883 for mqtts
};

/// Parses a broker URL. A bare "host[:port]" (or "user@host[:port]") is
/// accepted as mqtt://; the scheme is case-insensitive; one trailing '/' is
/// allowed; IPv6 literals need brackets ("[::1]:1883").
/// Errors: unknown scheme, empty host, bad port (1..65535), a path or query,
/// an empty or badly escaped user, and a password in the URL
/// ("user:secret@"), refused with a pointer to --password-file because a
/// command line is visible to every user via ps. Error messages never quote
/// the URL (it may hold a secret) and are safe to print.
Result<BrokerUrl> parse_broker_url(std::string_view url);

/// The URL again, for logs, always with the port: "mqtts://alice@[::1]:8883".
/// Never contains a password; the user is percent-encoded again.
std::string describe(const BrokerUrl& url);

}  // namespace vme

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

/// Parses a broker URL. A bare "host[:port]" is accepted as mqtt://.
/// Errors: unknown scheme, empty host, bad port (1..65535), a path or query,
/// and a password in the URL ("user:secret@"), refused with a pointer to
/// --password-file because a command line is visible to every user via ps.
Result<BrokerUrl> parse_broker_url(std::string_view url);

/// The URL again, for logs: never contains a password.
std::string describe(const BrokerUrl& url);

}  // namespace vme

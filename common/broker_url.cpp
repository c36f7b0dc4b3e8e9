// Parsing of the broker URL: "mqtt[s]://[user@]host[:port]" or bare "host[:port]".
//
// No error message quotes the URL itself: if a user typed a secret into it
// somewhere we failed to recognise, it must not be echoed into logs.
#include "broker_url.h"

#include <charconv>

#include "percent.h"
#include "sanitize.h"

namespace vme {

namespace {

constexpr std::string_view kPasswordRefused =
    "password in broker URL refused (visible to every user via ps); "
    "use --password-file or VM_EVENTS_PASSWORD";

constexpr std::string_view kNoPath =
    "broker URL must not have a path or query (only mqtt[s]://[user@]host[:port])";

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& ch : out)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    return out;
}

/// Strips and applies the scheme; a URL without "://" is plain mqtt.
Status take_scheme(std::string_view& rest, BrokerUrl& url) {
    const auto end = rest.find("://");
    if (end == std::string_view::npos) return Ok{};
    const std::string scheme = lower(rest.substr(0, end));
    if (scheme != "mqtt" && scheme != "mqtts")
        return Error{"unknown broker URL scheme \"" + sanitize(scheme) + "\" (use mqtt:// or mqtts://)"};
    url.tls = scheme == "mqtts";
    url.port = url.tls ? 8883 : 1883;
    rest.remove_prefix(end + 3);
    return Ok{};
}

/// Percent-decodes a user name; error on a bad escape.
Result<std::string> decode_user(std::string_view text) {
    auto out = percent_decode(text);
    if (!out) return Error{"bad percent escape in broker URL user name"};
    return std::move(*out);
}

bool has_control(std::string_view text) {
    for (const char ch : text) {
        const auto b = static_cast<unsigned char>(ch);
        if (b < 0x20 || b == 0x7F) return true;
    }
    return false;
}

/// Splits off "user@" (up to the last '@'). The password check comes
/// before anything else looks at the text, so a secret is never parsed
/// further or quoted.
Status take_user(std::string_view& rest, BrokerUrl& url) {
    const auto at = rest.rfind('@');
    if (at == std::string_view::npos) return Ok{};
    const std::string_view userinfo = rest.substr(0, at);
    if (userinfo.find(':') != std::string_view::npos) return Error{std::string(kPasswordRefused)};
    if (userinfo.find_first_of("/?#") != std::string_view::npos) return Error{std::string(kNoPath)};
    if (userinfo.empty()) return Error{"empty user name before '@' in broker URL"};
    auto user = decode_user(userinfo);
    if (!user) return user.error();
    if (user->empty() || has_control(*user) || !is_valid_utf8(*user))
        return Error{"broker URL user name must be valid UTF-8 without control characters"};
    url.user = std::move(*user);
    rest.remove_prefix(at + 1);
    return Ok{};
}

/// Drops one trailing '/'; anything else after the authority is refused.
Status drop_path(std::string_view& rest) {
    const auto end = rest.find_first_of("/?#");
    if (end == std::string_view::npos) return Ok{};
    if (rest.substr(end) != "/")
        return Error{std::string(kNoPath)};
    rest.remove_suffix(1);
    return Ok{};
}

Result<int> parse_port(std::string_view text) {
    if (text.empty()) return Error{"missing port number after ':' in broker URL"};
    int port = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (ec != std::errc() || end != text.data() + text.size() || port < 1 || port > 65535)
        return Error{"bad broker port \"" + sanitize(text) + "\" (expected 1..65535)"};
    return port;
}

/// Splits "host", "host:port", "[v6]" or "[v6]:port" (port text may be empty).
Status split_host(std::string_view text, std::string_view& host, std::string_view& port,
                  bool& has_port) {
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) return Error{"unclosed '[' in broker URL host"};
        host = text.substr(1, close - 1);
        const std::string_view after = text.substr(close + 1);
        if (!after.empty() && after.front() != ':')
            return Error{"unexpected text after ']' in broker URL host"};
        has_port = !after.empty();
        port = has_port ? after.substr(1) : std::string_view();
        return Ok{};
    }
    const auto colon = text.find(':');
    if (colon != text.rfind(':'))
        return Error{"an IPv6 broker address needs brackets, e.g. mqtt://[::1]:1883"};
    has_port = colon != std::string_view::npos;
    host = text.substr(0, colon);
    port = has_port ? text.substr(colon + 1) : std::string_view();
    return Ok{};
}

Status take_host_port(std::string_view text, BrokerUrl& url) {
    std::string_view host;
    std::string_view port;
    bool has_port = false;
    if (auto split = split_host(text, host, port, has_port); !split) return split;
    if (host.empty()) return Error{"missing host in broker URL"};
    if (has_control(host) || host.find_first_of(" []@") != std::string_view::npos)
        return Error{"bad broker host \"" + sanitize(host) + "\""};
    url.host = std::string(host);
    if (!has_port) return Ok{};
    auto number = parse_port(port);
    if (!number) return number.error();
    url.port = *number;
    return Ok{};
}

/// Re-encodes a user name for display: unreserved characters stay.
std::string percent_encode_user(std::string_view user) {
    return percent_encode(user, [](unsigned char b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '-' ||
               b == '.' || b == '_' || b == '~';
    });
}

}  // namespace

Result<BrokerUrl> parse_broker_url(std::string_view text) {
    BrokerUrl url;
    std::string_view rest = text;
    if (rest.empty()) return Error{"empty broker URL"};
    if (auto s = take_scheme(rest, url); !s) return s.error();
    if (auto s = take_user(rest, url); !s) return s.error();
    if (auto s = drop_path(rest); !s) return s.error();
    if (auto s = take_host_port(rest, url); !s) return s.error();
    return url;
}

std::string describe(const BrokerUrl& url) {
    std::string out = url.tls ? "mqtts://" : "mqtt://";
    if (!url.user.empty()) out += percent_encode_user(url.user) + "@";
    const bool v6 = url.host.find(':') != std::string::npos;
    out += v6 ? "[" + url.host + "]" : url.host;
    out += ":" + std::to_string(url.port);
    return out;
}

}  // namespace vme

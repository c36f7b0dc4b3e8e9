#include "common/connect_error.h"

#include "common/hex.h"
#include "common/sanitize.h"

namespace vme {
namespace {

// OpenSSL's X509_V_ERR_* values this module words specially (io/tls_peer.cpp
// checks them against <openssl/x509_vfy.h> at compile time).
constexpr int kCertNotYetValid = 9;
constexpr int kCertHasExpired = 10;
constexpr int kHostnameMismatch = 62;
constexpr int kIpAddressMismatch = 64;

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty()) out += separator;
        out += sanitize(p);
    }
    return out;
}

/// "Connection Refused: not authorised." -> "not authorised".
std::string_view trimmed_library_text(std::string_view text) {
    constexpr std::string_view kPrefix = "Connection Refused: ";
    if (text.substr(0, kPrefix.size()) == kPrefix) text.remove_prefix(kPrefix.size());
    while (!text.empty() && (text.back() == '.' || text.back() == ' ')) text.remove_suffix(1);
    return text;
}

std::string hex_byte(int code) {
    std::string s = "0x";
    hex::append_byte(s, static_cast<unsigned char>(code & 0xff));
    return s;
}

bool permanent_v311(int code) {
    // 1 unacceptable protocol version, 2 identifier rejected, 4 bad user
    // name or password, 5 not authorised; 3 (server unavailable) may pass.
    return code == 1 || code == 2 || code == 4 || code == 5;
}

bool permanent_v5(int code) {
    switch (code) {
    case 0x84:  // unsupported protocol version
    case 0x85:  // client identifier not valid
    case 0x86:  // bad user name or password
    case 0x87:  // not authorized
    case 0x8A:  // banned
    case 0x8C:  // bad authentication method
        return true;
    default:
        return false;
    }
}

}  // namespace

ConnectCause dns_cause(std::string_view host, std::string_view gai_text, bool no_such_name) {
    return {"cannot resolve host name " + sanitize(host) + ": " + std::string(gai_text), no_such_name};
}

ConnectCause unanswered_cause(AttemptStage stage, std::string_view where) {
    const std::string w = sanitize(where);
    switch (stage) {
    case AttemptStage::Resolving: return {"no answer yet from the name lookup of " + w, false};
    case AttemptStage::TcpConnecting: return {"TCP connection to " + w + ": no answer (SYN unanswered)", false};
    case AttemptStage::TlsHandshake: return {"TLS: " + w + " accepted TCP but did not answer the TLS handshake", false};
    case AttemptStage::AwaitingConnack:
        return {w + " accepted the connection but did not answer the MQTT CONNECT: not an MQTT broker, or an overloaded one",
                false};
    }
    return {"no answer from " + w, false};
}

ConnectCause socket_cause(std::string_view address, std::string_view errno_text) {
    return {"TCP connection to " + sanitize(address) + ": " + std::string(errno_text), false};
}

ConnectCause attempt_cause(const AttemptFacts& facts, std::string_view library_reason) {
    if (facts.definite) return *facts.definite;
    if (facts.peer_ended) {
        PeerSpeaks peer = facts.first_byte        ? peer_speaks(facts.first_byte)
                          : facts.server_answered ? PeerSpeaks::Unknown
                                                  : PeerSpeaks::Nothing;
        if (auto mismatch = protocol_mismatch_cause(facts.tls, peer)) return *mismatch;
    }
    if (!facts.tls_errors.empty()) return tls_error_cause(facts.tls_errors);
    return {library_reason.empty() ? "connection lost" : std::string(library_reason), false};
}

ConnectCause tls_verify_cause(const TlsVerifyFailure& f) {
    std::string text = "TLS: certificate verify failed: ";
    bool hostname = f.hostname_mismatch || f.x509_error == kHostnameMismatch || f.x509_error == kIpAddressMismatch;
    if (hostname) {
        text += "hostname mismatch: checked " + sanitize(f.checked_name) + ", the certificate is for ";
        text += f.cert_names.empty() ? std::string("no name") : joined(f.cert_names, ", ");
        return {text, true};
    }
    text += f.x509_text.empty() ? std::string("unknown reason") : f.x509_text;
    if (f.x509_error == kCertHasExpired && !f.not_after.empty()) {
        text += " (not valid after " + sanitize(f.not_after) + ")";
    } else if (f.x509_error == kCertNotYetValid && !f.not_before.empty()) {
        text += " (not valid before " + sanitize(f.not_before) + ")";
    } else if (!f.cert_names.empty()) {
        text += " (certificate for " + joined(f.cert_names, ", ") + ")";
    }
    return {text, true};
}

PeerSpeaks peer_speaks(std::optional<unsigned char> first_byte) {
    if (!first_byte) return PeerSpeaks::Nothing;
    // TLS record content types: change_cipher_spec, alert, handshake, application_data.
    if (*first_byte >= 0x14 && *first_byte <= 0x17) return PeerSpeaks::Tls;
    return PeerSpeaks::Other;
}

std::optional<ConnectCause> protocol_mismatch_cause(bool using_tls, PeerSpeaks peer) {
    if (using_tls) {
        if (peer == PeerSpeaks::Nothing)
            return ConnectCause{"TLS: the server does not speak TLS (it ended the connection without "
                                "answering the TLS handshake); is it a plain MQTT port? then use mqtt://",
                                false};
        if (peer == PeerSpeaks::Other)
            return ConnectCause{"TLS: the server does not speak TLS (its answer is not a TLS record); "
                                "is it a plain MQTT port? then use mqtt://",
                                false};
        return std::nullopt;
    }
    if (peer == PeerSpeaks::Tls)
        return ConnectCause{"the server speaks TLS (it answered with a TLS record); use mqtts://", false};
    if (peer == PeerSpeaks::Nothing)
        return ConnectCause{"the server ended the connection without answering the MQTT CONNECT; "
                            "is it a TLS port? then use mqtts://",
                            false};
    return std::nullopt;
}

std::string openssl_reason(std::string_view line) {
    // "OpenSSL Error[0]: error:0A000126:SSL routines::unexpected eof while reading"
    auto e = line.find("error:");
    if (e == std::string_view::npos) return std::string(line);
    auto rest = line.substr(e);
    auto last = rest.rfind(':');
    if (last == std::string_view::npos || last + 1 >= rest.size()) return std::string(line);
    return std::string(rest.substr(last + 1));
}

ConnectCause tls_error_cause(const std::vector<std::string>& openssl_errors) {
    std::vector<std::string> reasons;
    for (const auto& line : openssl_errors) {
        std::string r = openssl_reason(line);
        bool seen = false;
        for (const auto& x : reasons) seen = seen || x == r;
        if (!seen) reasons.push_back(std::move(r));
    }
    if (reasons.empty()) return {"TLS: handshake failed", false};
    return {"TLS: " + joined(reasons, "; "), false};
}

ConnectCause connack_cause(int protocol, int code, std::string_view library_text, std::string_view reason_string) {
    std::string text = "the broker refused the connection: " + sanitize(trimmed_library_text(library_text));
    if (protocol == 5) {
        text += " (reason code " + std::to_string(code) + ", " + hex_byte(code) + ")";
        if (!reason_string.empty()) text += ": " + sanitize(reason_string);
        return {text, permanent_v5(code)};
    }
    text += " (CONNACK return code " + std::to_string(code) + ")";
    return {text, permanent_v311(code)};
}

}  // namespace vme

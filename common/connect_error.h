// Why a connection to the broker failed, as one line with the library's
// own reason, and whether retrying can help (pure: io/mqtt_client gathers
// the facts from getaddrinfo, the socket, OpenSSL and the CONNACK; this
// module only words them and classifies them).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vme {

/// One failure to reach the broker.
struct ConnectCause {
    std::string text;        ///< one line, no URL prefix, untrusted parts sanitized
    bool permanent = false;  ///< retrying cannot change it: retry slowly, say it once
};

/// getaddrinfo() failed for `host`; `gai_text` is gai_strerror()'s text.
/// `no_such_name`: the resolver answered that the name does not exist
/// (EAI_NONAME, EAI_NODATA): permanent, retrying cannot make it appear soon;
/// otherwise (no answer, a resolver failure) transient.
ConnectCause dns_cause(std::string_view host, std::string_view gai_text, bool no_such_name = false);

/// The TCP connection to `address` ("host:port") failed before the broker
/// answered; `errno_text` is strerror()'s text (refused, timed out, reset,
/// unreachable). Transient.
ConnectCause socket_cause(std::string_view address, std::string_view errno_text);

/// How far an attempt that is still under way has got.
enum class AttemptStage {
    Resolving,      ///< the name lookup has not answered
    TcpConnecting,  ///< the TCP handshake has not finished
    TlsHandshake,   ///< TCP is up, the server has not answered the TLS ClientHello
    AwaitingConnack,  ///< the CONNECT is out, no CONNACK has come
};

/// Why an attempt still under way has not connected, for a deadline that
/// passed during it: `where` is the host name (Resolving) or "address:port".
/// Transient (a slow server may yet answer).
ConnectCause unanswered_cause(AttemptStage stage, std::string_view where);

/// What OpenSSL said about the broker's certificate when verification failed.
struct TlsVerifyFailure {
    int x509_error = 0;              ///< X509_V_ERR_* (0 when OpenSSL recorded none)
    std::string x509_text;           ///< X509_verify_cert_error_string(x509_error)
    bool hostname_mismatch = false;  ///< the host name check failed (also when x509_error says so)
    std::string checked_name;        ///< the name (or address) the certificate was checked against
    std::vector<std::string> cert_names;  ///< the server certificate's DNS/IP names (CN when none)
    std::string not_after;           ///< the certificate's notAfter, for expiry ("" if unknown)
    std::string not_before;          ///< its notBefore, for "not yet valid" ("" if unknown)
};

/// A certificate that failed verification: "TLS: certificate verify failed:
/// <OpenSSL's reason>" with the names or dates that explain it. Permanent.
ConnectCause tls_verify_cause(const TlsVerifyFailure& failure);

/// Where the bytes the server sent during an attempt point to.
enum class PeerSpeaks {
    Unknown,  ///< it sent something that settles nothing
    Nothing,  ///< it closed or reset the connection without sending a byte
    Tls,      ///< its first byte is a TLS record type (0x14..0x17)
    Other,    ///< its first byte is not a TLS record type
};

/// Classifies the first byte a server sent (none: `first_byte` empty).
PeerSpeaks peer_speaks(std::optional<unsigned char> first_byte);

/// The protocol mismatch an attempt shows, if any: a TLS server behind
/// mqtt:// or a plain one behind mqtts://. `using_tls`: the URL is mqtts://;
/// `peer`: what the server sent before it ended the connection (with TLS,
/// before the handshake finished; without, before the CONNACK). The text
/// does not depend on how it ended (close or reset vary from one attempt
/// to the next), so the same mismatch is the same cause. Transient (the
/// port may be reconfigured), worded with the likely fix.
std::optional<ConnectCause> protocol_mismatch_cause(bool using_tls, PeerSpeaks peer);

/// A TLS failure other than certificate verification, from OpenSSL's error
/// queue as libmosquitto logs it ("OpenSSL Error[0]: error:0A000126:SSL
/// routines::unexpected eof while reading"): "TLS: <the reasons>". Transient.
ConnectCause tls_error_cause(const std::vector<std::string>& openssl_errors);

/// The reason part of an OpenSSL error line: "unexpected eof while reading"
/// from "OpenSSL Error[0]: error:0A000126:SSL routines::unexpected eof while
/// reading"; a line of another shape is returned whole.
std::string openssl_reason(std::string_view line);

/// What one failed attempt showed (io/mqtt_client gathers it from the
/// resolver, the socket, OpenSSL and the CONNACK).
struct AttemptFacts {
    std::optional<ConnectCause> definite;      ///< DNS, TCP, certificate, CONNACK: the first found
    bool tls = false;                          ///< the URL is mqtts://
    bool peer_ended = false;                   ///< the server closed or reset the connection
    std::optional<unsigned char> first_byte;   ///< the first byte the server sent
    bool server_answered = false;              ///< the TLS handshake got past the ServerHello
    std::vector<std::string> tls_errors;       ///< OpenSSL's error lines, as libmosquitto logs them
};

/// Why the attempt of `facts` failed: a definite cause first, then a
/// protocol mismatch (the server ended it), then OpenSSL's errors, then
/// `library_reason` (libmosquitto's words; "connection lost" when empty).
ConnectCause attempt_cause(const AttemptFacts& facts, std::string_view library_reason);

/// The broker refused the CONNECT. `protocol` 4 (3.1.1, `code` the return
/// code) or 5 (`code` the reason code); `library_text` is libmosquitto's
/// text for it; `reason_string` the MQTT 5 reason-string property (untrusted,
/// may be empty). Permanent for bad credentials, not authorised, a refused
/// client id or protocol version, a ban; transient for "server unavailable",
/// "busy" and the like.
ConnectCause connack_cause(int protocol, int code, std::string_view library_text,
                           std::string_view reason_string);

}  // namespace vme

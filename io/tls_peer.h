// What OpenSSL knows about a TLS handshake libmosquitto is running: why the
// broker's certificate failed verification and whether the server has
// answered the handshake at all. Reads the SSL object libmosquitto exposes
// (mosquitto_ssl_get); never changes it.
#pragma once

#include <optional>
#include <string_view>

#include "common/connect_error.h"

namespace vme::io {

/// The verification failure of the handshake on `ssl` (an SSL*), if it
/// failed: OpenSSL's verify result and its text (a host name mismatch is
/// X509_V_ERR_HOSTNAME_MISMATCH, io/tls_context sets the name), the server
/// certificate's names and validity dates. `checked_name` is the broker
/// host the certificate had to match. Nothing when `ssl` is null or
/// verification passed.
std::optional<TlsVerifyFailure> tls_verify_failure(void* ssl, std::string_view checked_name);

/// True while the handshake on `ssl` (an SSL*) still waits for the
/// server's first answer (its ServerHello). False for a null `ssl`.
bool tls_awaiting_server_hello(void* ssl);

}  // namespace vme::io

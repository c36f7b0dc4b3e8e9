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
/// failed: OpenSSL's verify result and its text, the server certificate's
/// names and validity dates. `checked_name` is the broker host the
/// certificate had to match; `hostname_mismatch` is true when libmosquitto
/// said the host name check failed (OpenSSL then records no reason of its
/// own). Nothing when `ssl` is null or verification passed.
std::optional<TlsVerifyFailure> tls_verify_failure(void* ssl, std::string_view checked_name,
                                                   bool hostname_mismatch);

/// True while the handshake on `ssl` (an SSL*) still waits for the
/// server's first answer (its ServerHello). False for a null `ssl`.
bool tls_awaiting_server_hello(void* ssl);

}  // namespace vme::io

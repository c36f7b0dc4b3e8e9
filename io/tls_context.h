// The client TLS context both tools give libmosquitto (MOSQ_OPT_SSL_CTX).
// io::MqttClient looks the broker's name up itself and hands libmosquitto
// an address, so the name the certificate must match and the name sent as
// SNI live here, not in libmosquitto.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "io/client_options.h"

struct ssl_ctx_st;

namespace vme::io {

/// Deleter for an OpenSSL SSL_CTX (reference counted: libmosquitto keeps its own).
struct SslCtxDeleter { void operator()(ssl_ctx_st* ctx) const; };
using SslCtx = std::unique_ptr<ssl_ctx_st, SslCtxDeleter>;

/// A TLS client context for `config` (its url.tls is true): TLS 1.1 or
/// newer without compression (libmosquitto's own defaults), the CA from
/// --cafile/--capath or else the system's store, the client certificate
/// and key if given, the peer verified, and unless --insecure its
/// certificate checked against `config.url.host` (a name or an IP
/// literal). Every handshake sends that name as SNI (not an IP literal).
/// `config` must outlive the context. Error: OpenSSL's reason, naming the
/// file it could not use.
Result<SslCtx> make_tls_context(const ConnectionConfig& config);

}  // namespace vme::io

#include "io/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "io/resolver.h"

namespace vme::io {

void SslCtxDeleter::operator()(ssl_ctx_st* ctx) const { SSL_CTX_free(ctx); }

namespace {

/// OpenSSL's reason for the error just queued (the queue is emptied).
std::string openssl_error() {
    unsigned long e = ERR_peek_last_error();
    ERR_clear_error();
    if (e == 0) return "unknown OpenSSL error";
    const char* reason = ERR_reason_error_string(e);
    return reason ? reason : "unknown OpenSSL error";
}

/// At the start of every handshake, before the ClientHello is built: the
/// broker's name as SNI (libmosquitto sets the address it connects to).
/// The name is the context's app data (the config's host, a std::string).
void on_handshake_info(const SSL* ssl, int where, int) {
    if ((where & SSL_CB_HANDSHAKE_START) == 0) return;
    const auto* host = static_cast<const std::string*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
    if (!host || host->empty() || is_ip_literal(*host)) return;
    SSL_set_tlsext_host_name(const_cast<SSL*>(ssl), host->c_str());
}

}  // namespace

Result<SslCtx> make_tls_context(const ConnectionConfig& config) {
    SslCtx ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) return Error{"TLS context: " + openssl_error()};
    SSL_CTX* c = ctx.get();
    SSL_CTX_set_options(c, SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_mode(c, SSL_MODE_RELEASE_BUFFERS);
    if (config.cafile.empty() && config.capath.empty()) {
        // No CA given: trust the system's store, as a browser would.
        if (SSL_CTX_set_default_verify_paths(c) != 1) return Error{"system CA store: " + openssl_error()};
    } else {
        const char* file = config.cafile.empty() ? nullptr : config.cafile.c_str();
        const char* dir = config.capath.empty() ? nullptr : config.capath.c_str();
        if (SSL_CTX_load_verify_locations(c, file, dir) != 1)
            return Error{"CA " + std::string(file ? file : dir) + ": " + openssl_error()};
    }
    if (!config.cert.empty() && SSL_CTX_use_certificate_chain_file(c, config.cert.c_str()) != 1)
        return Error{"client certificate " + config.cert + ": " + openssl_error()};
    if (!config.key.empty()) {
        if (SSL_CTX_use_PrivateKey_file(c, config.key.c_str(), SSL_FILETYPE_PEM) != 1)
            return Error{"client key " + config.key + ": " + openssl_error()};
        if (SSL_CTX_check_private_key(c) != 1)
            return Error{"client key " + config.key + " does not match the certificate: " + openssl_error()};
    }
    SSL_CTX_set_verify(c, SSL_VERIFY_PEER, nullptr);
    if (!config.insecure) {
        X509_VERIFY_PARAM* param = SSL_CTX_get0_param(c);
        const std::string& host = config.url.host;
        int ok = is_ip_literal(host) ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                                     : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
        if (ok != 1) return Error{"TLS host name " + host + ": " + openssl_error()};
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    }
    SSL_CTX_set_app_data(c, const_cast<std::string*>(&config.url.host));
    SSL_CTX_set_info_callback(c, on_handshake_info);
    return ctx;
}

}  // namespace vme::io

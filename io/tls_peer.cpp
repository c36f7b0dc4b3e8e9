#include "io/tls_peer.h"

#include <arpa/inet.h>
#include <openssl/asn1.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <ctime>
#include <memory>
#include <string>

namespace vme::io {
namespace {

// common/connect_error.cpp words these codes without including OpenSSL.
static_assert(X509_V_ERR_CERT_NOT_YET_VALID == 9);
static_assert(X509_V_ERR_CERT_HAS_EXPIRED == 10);
static_assert(X509_V_ERR_HOSTNAME_MISMATCH == 62);
static_assert(X509_V_ERR_IP_ADDRESS_MISMATCH == 64);

struct GeneralNamesDeleter {
    void operator()(GENERAL_NAMES* names) const { GENERAL_NAMES_free(names); }
};

std::string asn1_text(const ASN1_STRING* s) {
    if (!s) return {};
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       static_cast<std::size_t>(ASN1_STRING_length(s)));
}

std::string ip_text(const ASN1_OCTET_STRING* ip) {
    char buf[INET6_ADDRSTRLEN] = {};
    int len = ASN1_STRING_length(ip);
    const unsigned char* data = ASN1_STRING_get0_data(ip);
    int family = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
    if (family == 0 || !inet_ntop(family, data, buf, sizeof buf)) return "(bad IP address)";
    return buf;
}

/// The DNS and IP subject alternative names; the subject's CN when there are none.
std::vector<std::string> certificate_names(X509* cert) {
    std::vector<std::string> names;
    std::unique_ptr<GENERAL_NAMES, GeneralNamesDeleter> sans(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans.get()); ++i) {
        const GENERAL_NAME* n = sk_GENERAL_NAME_value(sans.get(), i);
        if (n->type == GEN_DNS) names.push_back(asn1_text(n->d.dNSName));
        if (n->type == GEN_IPADD) names.push_back("IP " + ip_text(n->d.iPAddress));
    }
    if (!names.empty()) return names;
    X509_NAME* subject = X509_get_subject_name(cert);
    int at = subject ? X509_NAME_get_index_by_NID(subject, NID_commonName, -1) : -1;
    if (at >= 0) names.push_back("CN " + asn1_text(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at))));
    return names;
}

std::string time_text(const ASN1_TIME* t) {
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return {};
    char buf[32];
    if (std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0) return {};
    return buf;
}

}  // namespace

std::optional<TlsVerifyFailure> tls_verify_failure(void* ssl_handle, std::string_view checked_name) {
    auto* ssl = static_cast<SSL*>(ssl_handle);
    if (!ssl) return std::nullopt;
    long result = SSL_get_verify_result(ssl);
    if (result == X509_V_OK) return std::nullopt;
    TlsVerifyFailure f;
    f.x509_error = static_cast<int>(result);
    f.x509_text = X509_verify_cert_error_string(result);
    f.checked_name = std::string(checked_name);
    // The client keeps the chain the server sent even when verification
    // failed; its first certificate is the server's own.
    STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
    if (chain && sk_X509_num(chain) > 0) {
        X509* leaf = sk_X509_value(chain, 0);
        f.cert_names = certificate_names(leaf);
        f.not_after = time_text(X509_get0_notAfter(leaf));
        f.not_before = time_text(X509_get0_notBefore(leaf));
    }
    return f;
}

bool tls_awaiting_server_hello(void* ssl_handle) {
    auto* ssl = static_cast<SSL*>(ssl_handle);
    if (!ssl) return false;
    OSSL_HANDSHAKE_STATE state = SSL_get_state(ssl);
    return state == TLS_ST_BEFORE || state == TLS_ST_CW_CLNT_HELLO;
}

}  // namespace vme::io

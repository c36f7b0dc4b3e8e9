#include "publisher/libvirt_conn.h"

#include <cstdlib>

#include <libvirt/virterror.h>

#include "common/hex.h"

namespace vme::pub {

namespace {

/// libvirt's handler signature; doing nothing keeps stderr clean.
void ignore_libvirt_error(void*, virErrorPtr) {}

/// Why libvirt closed a connection, in words.
const char* describe_close_reason(int reason) {
    switch (reason) {
        case VIR_CONNECT_CLOSE_REASON_ERROR: return "I/O error";
        case VIR_CONNECT_CLOSE_REASON_EOF: return "end of file (libvirtd went away)";
        case VIR_CONNECT_CLOSE_REASON_KEEPALIVE: return "keepalive timeout";
        case VIR_CONNECT_CLOSE_REASON_CLIENT: return "closed by client";
        default: return "unknown reason";
    }
}

/// A string libvirt allocated, freed after copying.
std::string take_string(char* s) {
    std::string out = s ? s : "";
    std::free(s);
    return out;
}

/// One listed domain; nullopt when it vanished meanwhile.
std::optional<DomainSnapshot> snapshot(virDomainPtr dom) {
    DomainSnapshot s;
    s.domain = domain_ref(dom);
    int state = 0, reason = 0;
    if (virDomainGetState(dom, &state, &reason, 0) < 0) return std::nullopt;
    int persistent = virDomainIsPersistent(dom);
    if (persistent < 0) return std::nullopt;
    s.state_code = state;
    s.reason_code = reason;
    s.persistent = persistent == 1;
    return s;
}

}  // namespace

std::string libvirt_error() {
    const char* m = virGetLastErrorMessage();
    return m ? m : "unknown error";
}

void silence_libvirt_errors() { virSetErrorFunc(nullptr, ignore_libvirt_error); }

namespace {

/// The canonical 36-character form of a raw UUID.
std::string format_uuid(const unsigned char (&raw)[VIR_UUID_BUFLEN]) {
    std::string out;
    out.reserve(36);
    for (int i = 0; i < VIR_UUID_BUFLEN; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        hex::append_byte(out, raw[i]);
    }
    return out;
}

}  // namespace

DomainRef domain_ref(virDomainPtr dom) {
    DomainRef ref;
    const char* name = virDomainGetName(dom);
    ref.name = name ? name : "";
    // virDomainGetUUID and formatting here: virDomainGetUUIDString formats
    // with g_snprintf, about 6,400 instructions per event.
    unsigned char raw[VIR_UUID_BUFLEN];
    if (virDomainGetUUID(dom, raw) == 0) ref.uuid = format_uuid(raw);
    unsigned int id = virDomainGetID(dom);
    ref.id = id == static_cast<unsigned int>(-1) ? -1 : static_cast<int>(id);
    return ref;
}

Result<std::unique_ptr<LibvirtConnection>> LibvirtConnection::open(const std::string& uri, Keepalive keepalive) {
    // Read-only: vm-pub only listens, so nothing that reaches it can change a VM.
    ConnectHandle conn(virConnectOpenReadOnly(uri.empty() ? nullptr : uri.c_str()));
    if (!conn) return Error{libvirt_error()};
    std::unique_ptr<LibvirtConnection> c(new LibvirtConnection(std::move(conn)));
    c->uri_ = take_string(virConnectGetURI(c->get()));
    // In-process drivers (test:///default) have no keepalive and need none:
    // only a remote connection can die silently.
    if (virConnectSetKeepAlive(c->get(), keepalive.interval_s, keepalive.count) < 0 &&
        virGetLastErrorCode() != VIR_ERR_NO_SUPPORT)
        return Error{"keepalive: " + libvirt_error()};
    if (virConnectRegisterCloseCallback(c->get(), on_close, c.get(), nullptr) < 0)
        return Error{"close callback: " + libvirt_error()};
    c->close_registered_ = true;
    return c;
}

LibvirtConnection::~LibvirtConnection() {
    // Errors are expected here when the connection is already dead.
    for (int id : callback_ids_) virConnectDomainEventDeregisterAny(conn_.get(), id);
    if (close_registered_) virConnectUnregisterCloseCallback(conn_.get(), on_close);
}

void LibvirtConnection::on_close(virConnectPtr, int reason, void* opaque) noexcept {
    // Runs on the link's thread, inside virEventRunDefaultImpl: the link
    // looks at closed() after every round of libvirt's loop.
    auto* self = static_cast<LibvirtConnection*>(opaque);
    self->closed_ = true;
    self->close_reason_ = describe_close_reason(reason);
}

Result<std::vector<DomainSnapshot>> LibvirtConnection::list_domains() const {
    virDomainPtr* raw = nullptr;
    int n = virConnectListAllDomains(conn_.get(), &raw, 0);
    if (n < 0) return Error{"listing domains: " + libvirt_error()};
    // Own every handle at once, so none leaks whatever happens below.
    std::vector<DomainHandle> doms;
    for (int i = 0; i < n; ++i) doms.emplace_back(raw[i]);
    std::free(raw);
    std::vector<DomainSnapshot> out;
    for (const auto& d : doms) {
        if (auto s = snapshot(d.get())) out.push_back(std::move(*s));
    }
    return out;
}

}  // namespace vme::pub

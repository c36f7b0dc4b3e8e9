// One libvirt connection: RAII for its C handles, opening read-only with
// keepalive and a close callback, and the full listing used to (re)build
// the state view. Used only on the libvirt link's thread (libvirt_link.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <libvirt/libvirt.h>

#include "common/result.h"
#include "common/state_tracker.h"

namespace vme::pub {

/// Deleters for libvirt's handles.
struct ConnectCloser { void operator()(virConnectPtr c) const { virConnectClose(c); } };
struct DomainFreer { void operator()(virDomainPtr d) const { virDomainFree(d); } };
using ConnectHandle = std::unique_ptr<virConnect, ConnectCloser>;
using DomainHandle = std::unique_ptr<virDomain, DomainFreer>;

/// libvirt's message for the last error of this thread ("unknown error" if none).
std::string libvirt_error();

/// Stops libvirt printing its own multi-line errors on stderr; we report
/// them ourselves, one line each.
void silence_libvirt_errors();

/// The name, UUID and id of a domain (local lookups, no RPC).
DomainRef domain_ref(virDomainPtr dom);

/// libvirt's keepalive: a ping after `interval_s` seconds of silence, the
/// connection closed after `count` unanswered pings, so a hung libvirtd is
/// noticed within about interval_s * (count + 1) seconds.
struct Keepalive {
    int interval_s = 5;
    unsigned count = 3;
    /// The longest a healthy libvirtd leaves a call unanswered.
    int window_s() const { return interval_s * static_cast<int>(count + 1); }
};

/// One open connection and the event callbacks registered on it.
class LibvirtConnection {
public:
    /// Opens `uri` read-only (empty: libvirt's default), enables `keepalive`
    /// and registers a close callback (see closed()). Error with libvirt's
    /// reason. May block while libvirtd does not answer (no keepalive yet).
    static Result<std::unique_ptr<LibvirtConnection>> open(const std::string& uri, Keepalive keepalive);

    /// Deregisters the event and close callbacks, then closes.
    ~LibvirtConnection();
    LibvirtConnection(const LibvirtConnection&) = delete;
    LibvirtConnection& operator=(const LibvirtConnection&) = delete;

    /// The raw handle, borrowed.
    virConnectPtr get() const { return conn_.get(); }

    /// The URI libvirt says it is connected to.
    const std::string& uri() const { return uri_; }

    /// Remembers an event callback id so the destructor deregisters it.
    void add_callback_id(int id) { callback_ids_.push_back(id); }

    /// Every domain, active and inactive, with state and persistence.
    /// Domains vanishing during the listing are skipped.
    Result<std::vector<DomainSnapshot>> list_domains() const;

    /// True once libvirt reported the connection closed (EOF, I/O error,
    /// keepalive timeout); close_reason() says why.
    bool closed() const { return closed_; }
    std::string close_reason() const { return close_reason_; }

private:
    explicit LibvirtConnection(ConnectHandle conn) : conn_(std::move(conn)) {}
    static void on_close(virConnectPtr conn, int reason, void* opaque) noexcept;
    ConnectHandle conn_;
    bool closed_ = false;
    const char* close_reason_ = "";  ///< static text: nothing in on_close can throw
    std::string uri_;
    std::vector<int> callback_ids_;
    bool close_registered_ = false;
};

}  // namespace vme::pub

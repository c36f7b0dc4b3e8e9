// The libvirt connection: RAII for its C handles, opening with keepalive and
// a close callback, and the full listing used to (re)build the state view.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <libvirt/libvirt.h>

#include "common/result.h"
#include "common/state_tracker.h"
#include "publisher/inbox.h"

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

/// One open connection and the event callbacks registered on it.
class LibvirtConnection {
public:
    /// Opens `uri` read-only (empty: libvirt's default), enables keepalive (5 s, 3
    /// misses) and registers a close callback that pushes
    /// InboxItem::ConnectionClosed into `inbox`. Error with libvirt's reason.
    static Result<std::unique_ptr<LibvirtConnection>> open(const std::string& uri, Inbox& inbox);

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

private:
    LibvirtConnection(ConnectHandle conn, Inbox& inbox);
    static void on_close(virConnectPtr conn, int reason, void* opaque) noexcept;
    ConnectHandle conn_;
    Inbox& inbox_;
    std::string uri_;
    std::vector<int> callback_ids_;
    bool close_registered_ = false;
};

}  // namespace vme::pub

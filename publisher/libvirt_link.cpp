#include "publisher/libvirt_link.h"

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "publisher/event_callbacks.h"

namespace vme::pub {

/// What the thread and the owner share; the thread keeps it alive.
struct LibvirtLink::Shared {
    Config config;
    std::shared_ptr<Inbox> inbox;
    std::shared_ptr<io::CallbackErrors> errors;
    CallbackTarget target{*inbox, *errors};

    std::mutex mutex;
    std::condition_variable wake;
    bool stop = false;   ///< guarded by mutex
    bool ended = false;  ///< guarded by mutex

    Shared(Config c, std::shared_ptr<Inbox> i, std::shared_ptr<io::CallbackErrors> e)
        : config(std::move(c)), inbox(std::move(i)), errors(std::move(e)) {}

    bool stopping() {
        std::lock_guard lock(mutex);
        return stop;
    }

    void post(LinkItem::Type type, std::string reason = {}) {
        LinkItem item;
        item.type = type;
        item.reason = std::move(reason);
        inbox->push(std::move(item));
    }

    /// Waits for the backoff's next delay, or less when stopped.
    void pause() {
        std::unique_lock lock(mutex);
        wake.wait_for(lock, config.backoff.next(), [this] { return stop; });
    }

    /// The thread: connect, serve, and again, until stopped.
    void run() {
        while (!stopping()) {
            serve_one_connection();
            if (!stopping()) pause();
        }
        std::lock_guard lock(mutex);
        ended = true;
        wake.notify_all();
    }

    /// One connection from open to close; every libvirt call is made here.
    void serve_one_connection() {
        post(LinkItem::Type::Attempt);
        auto opened = LibvirtConnection::open(config.uri, config.keepalive);
        if (!opened) {
            post(LinkItem::Type::Failed, opened.error().message);
            return;
        }
        auto& conn = **opened;
        auto reg = register_event_callbacks(conn.get(), config.kinds, target);
        for (int id : reg.callback_ids) conn.add_callback_id(id);
        auto listing = conn.list_domains();
        if (!listing) {
            post(LinkItem::Type::Lost, listing.error().message);
            return;
        }
        LinkItem connected;
        connected.type = LinkItem::Type::Connected;
        connected.uri = conn.uri();
        connected.listing = std::move(*listing);
        connected.notices = std::move(reg.notices);
        inbox->push(std::move(connected));
        config.backoff.reset();
        // Events and the close callback arrive from inside libvirt's loop.
        while (!stopping() && !conn.closed()) {
            if (virEventRunDefaultImpl() < 0) {
                post(LinkItem::Type::Lost, "libvirt event loop: " + libvirt_error());
                return;
            }
        }
        if (conn.closed()) post(LinkItem::Type::Lost, conn.close_reason());
        // ~LibvirtConnection deregisters and closes, here on this thread.
    }
};

LibvirtLink::LibvirtLink(Config config, std::shared_ptr<Inbox> inbox, std::shared_ptr<io::CallbackErrors> errors)
    : shared_(std::make_shared<Shared>(std::move(config), std::move(inbox), std::move(errors))) {}

LibvirtLink::~LibvirtLink() { stop(std::chrono::milliseconds(500)); }

Status LibvirtLink::start() {
    silence_libvirt_errors();
    // libvirt's default event loop must exist before any connection is
    // opened, and can be registered only once per process.
    static const int registered = virEventRegisterDefaultImpl();
    if (registered < 0) return Error{"libvirt event loop: " + libvirt_error()};
    thread_ = std::thread([shared = shared_] { shared->run(); });
    return Ok{};
}

void LibvirtLink::request_stop() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard lock(shared_->mutex);
        if (shared_->stop) return;
        shared_->stop = true;
        shared_->wake.notify_all();
    }
    // A timeout wakes libvirt's loop so the thread sees the flag.
    wake_timer_ = virEventAddTimeout(0, [](int, void*) {}, nullptr, nullptr);
}

bool LibvirtLink::stop(std::chrono::milliseconds grace) {
    if (!thread_.joinable()) return true;
    request_stop();
    bool ended;
    {
        std::unique_lock lock(shared_->mutex);
        ended = shared_->wake.wait_for(lock, grace, [this] { return shared_->ended; });
    }
    if (ended)
        thread_.join();
    else
        thread_.detach();  // stuck in a libvirt call; it holds its own reference to shared_
    if (wake_timer_ >= 0) virEventRemoveTimeout(wake_timer_);
    wake_timer_ = -1;
    return ended;
}

}  // namespace vme::pub

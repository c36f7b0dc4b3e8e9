#include "publisher/libvirt_link.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "publisher/burst_gate.h"
#include "publisher/event_callbacks.h"

namespace vme::pub {

/// A libvirt timer that fires at once on every pass while enabled, so that
/// virEventRunDefaultImpl() then only takes what has already come (a pass
/// never blocks while a timer is due). Made and used on the link's thread.
class DrainTimer {
public:
    DrainTimer() : id_(virEventAddTimeout(-1, [](int, void*) {}, nullptr, nullptr)) {}
    ~DrainTimer() {
        if (id_ >= 0) virEventRemoveTimeout(id_);
    }
    DrainTimer(const DrainTimer&) = delete;
    DrainTimer& operator=(const DrainTimer&) = delete;
    void enable() { if (id_ >= 0) virEventUpdateTimeout(id_, 0); }
    void disable() { if (id_ >= 0) virEventUpdateTimeout(id_, -1); }

private:
    int id_;
};

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
    std::optional<DrainTimer> drain;  ///< the thread's own (run())

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
        drain.emplace();
        while (!stopping()) {
            serve_one_connection();
            if (!stopping()) pause();
        }
        std::lock_guard lock(mutex);
        ended = true;
        wake.notify_all();
    }

    /// One pass of libvirt's event loop with the inbox held (Inbox::hold):
    /// waits for something to happen, or, `nonblocking`, only takes what
    /// has already come. False when the loop failed (Lost is posted).
    bool pass(bool nonblocking) {
        inbox->hold();
        if (nonblocking) drain->enable();
        int rc = virEventRunDefaultImpl();
        if (nonblocking) drain->disable();
        if (rc < 0) {
            inbox->release();
            post(LinkItem::Type::Lost, "libvirt event loop: " + libvirt_error());
            return false;
        }
        return true;
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
        BurstGate gate(kBurstPause);
        while (!stopping() && !conn.closed()) {
            if (!pass(false)) return;
            std::size_t first = inbox->held();
            if (first == 0 || !gate.should_gather(BurstGate::Clock::now())) {
                inbox->release();
                continue;
            }
            // A burst: let the next events gather for the pause, then take
            // all that came, without blocking, as one batch with these.
            std::this_thread::sleep_for(kBurstPause);
            // libvirt reads one message a pass and dispatches its event in
            // the next, so the burst has been taken after two passes that
            // brought nothing.
            for (int empty = 0; empty < 2 && !stopping() && !conn.closed();) {
                std::size_t before = inbox->held();
                if (!pass(true)) return;
                empty = inbox->held() > before ? 0 : empty + 1;
            }
            gate.gathered(inbox->release() - first);
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

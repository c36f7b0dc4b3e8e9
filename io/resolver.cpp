#include "io/resolver.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

namespace vme::io {

/// Shared by the loop and the lookup thread; whichever lets go last frees it.
struct Resolver::Pending {
    int fd = -1;  ///< eventfd: the thread writes when `answer` is ready
    std::mutex mutex;
    Answer answer;
    ~Pending() {
        if (fd >= 0) ::close(fd);
    }
};

namespace {

Resolver::Answer lookup(const std::string& host) {
    Resolver::Answer answer;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &list);
    if (rc != 0) {
        answer.error = rc == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(rc);
        answer.no_such_name = rc == EAI_NONAME
#ifdef EAI_NODATA
                              || rc == EAI_NODATA
#endif
            ;
        return answer;
    }
    for (addrinfo* a = list; a; a = a->ai_next) {
        char text[INET6_ADDRSTRLEN] = {};
        const void* where = nullptr;
        if (a->ai_family == AF_INET) where = &reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr;
        if (a->ai_family == AF_INET6) where = &reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr;
        if (!where || !::inet_ntop(a->ai_family, where, text, sizeof text)) continue;
        bool seen = false;
        for (const auto& s : answer.addresses) seen = seen || s == text;
        if (!seen) answer.addresses.emplace_back(text);
    }
    ::freeaddrinfo(list);
    if (answer.addresses.empty()) answer.error = "no IPv4 or IPv6 address";
    return answer;
}

void signal_ready(int fd) {
    std::uint64_t one = 1;
    while (::write(fd, &one, sizeof one) < 0 && errno == EINTR) {
    }
}

}  // namespace

bool is_ip_literal(const std::string& host) {
    unsigned char buf[sizeof(in6_addr)];
    return ::inet_pton(AF_INET, host.c_str(), buf) == 1 || ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

Resolver::~Resolver() { cancel(); }

void Resolver::cancel() {
    if (pending_) loop_.unwatch(pending_->fd);
    pending_.reset();
    done_ = nullptr;
}

void Resolver::resolve(const std::string& host, std::function<void(Answer)> done) {
    cancel();
    auto pending = std::make_shared<Pending>();
    pending->fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (pending->fd < 0) {
        pending->answer.error = std::string("eventfd: ") + std::strerror(errno);
    } else if (is_ip_literal(host)) {
        pending->answer.addresses.push_back(host);
        signal_ready(pending->fd);
    } else {
        try {
            std::thread([pending, host] {
                Answer answer = lookup(host);
                std::lock_guard<std::mutex> lock(pending->mutex);
                pending->answer = std::move(answer);
                signal_ready(pending->fd);
            }).detach();
        } catch (const std::system_error& e) {
            pending->answer.error = std::string("cannot start the lookup thread: ") + e.what();
            signal_ready(pending->fd);
        }
    }
    pending_ = pending;
    done_ = std::move(done);
    if (pending->fd < 0) {
        // No eventfd: report the failure from the loop all the same.
        loop_.after(std::chrono::milliseconds(0), [this, pending] {
            if (pending_ == pending) deliver();
        });
        return;
    }
    loop_.watch(pending->fd, POLLIN, [this](short) { deliver(); });
}

void Resolver::deliver() {
    auto pending = std::move(pending_);
    auto done = std::move(done_);
    pending_.reset();
    done_ = nullptr;
    if (!pending) return;
    if (pending->fd >= 0) loop_.unwatch(pending->fd);
    Answer answer;
    {
        std::lock_guard<std::mutex> lock(pending->mutex);
        answer = std::move(pending->answer);
    }
    if (done) done(std::move(answer));
}

}  // namespace vme::io

// A file descriptor owned by one object and closed by its destructor.
#pragma once

#include <unistd.h>

#include <utility>

namespace vme::io {

/// Owns one descriptor (or none: -1); move-only.
class UniqueFd {
public:
    explicit UniqueFd(int fd = -1) : fd_(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) reset(std::exchange(other.fd_, -1));
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    /// The descriptor (still owned); -1 when empty.
    int get() const { return fd_; }

    /// True when a descriptor is owned.
    explicit operator bool() const { return fd_ >= 0; }

    /// Closes the owned descriptor (if any) and owns `fd` instead.
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_;
};

}  // namespace vme::io

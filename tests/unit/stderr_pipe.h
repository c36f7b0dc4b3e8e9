// A pipe standing in for stderr in tests of parts that report through
// io::Diagnostics: give write_fd() to the Diagnostics, read back text().
#pragma once

#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <string>

struct StderrPipe {
    int fds[2] = {-1, -1};
    StderrPipe() {
        REQUIRE(::pipe(fds) == 0);
        REQUIRE(::fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0);
    }
    ~StderrPipe() {
        ::close(fds[0]);
        ::close(fds[1]);
    }
    StderrPipe(const StderrPipe&) = delete;
    StderrPipe& operator=(const StderrPipe&) = delete;
    int write_fd() const { return fds[1]; }
    /// Everything written since the last call.
    std::string text() const {
        std::string out;
        char buf[4096];
        for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
        return out;
    }
};

// Helpers for the tests of the tools' parts: an argv built from strings, a
// scratch directory, an environment variable set for one test, and a file
// descriptor (stderr) captured for one test.
#pragma once

#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <optional>
#include <string>
#include <vector>

namespace vme::test {

/// argc/argv for a parse_options(), program name first; the strings live
/// as long as the Argv.
class Argv {
public:
    explicit Argv(std::vector<std::string> args) : strings_(std::move(args)) {
        for (auto& s : strings_) pointers_.push_back(s.data());
        pointers_.push_back(nullptr);
    }
    Argv(const Argv&) = delete;
    Argv& operator=(const Argv&) = delete;
    int argc() const { return static_cast<int>(strings_.size()); }
    char** argv() { return pointers_.data(); }

private:
    std::vector<std::string> strings_;
    std::vector<char*> pointers_;
};

/// A fresh directory under TMPDIR, removed with everything in it at the end.
class ScratchDir {
public:
    ScratchDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "vme-unit-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path_ = pattern;
    }
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    /// Writes `text` to `name` in the directory; returns its path.
    std::string file(const std::string& name, const std::string& text) const {
        const auto path = path_ / name;
        std::ofstream(path) << text;
        return path.string();
    }
    std::string path() const { return path_.string(); }

private:
    std::filesystem::path path_;
};

/// Sets (or, with nullopt, unsets) an environment variable and puts the old
/// value back at the end, so the order tests run in does not matter.
class ScopedEnv {
public:
    ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value)
            ::setenv(name, value->c_str(), 1);
        else
            ::unsetenv(name);
    }
    ~ScopedEnv() {
        if (old_)
            ::setenv(name_, old_->c_str(), 1);
        else
            ::unsetenv(name_);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
    std::optional<std::string> old_;
};

}  // namespace vme::test

namespace vme::test {

/// Captures what is written to file descriptor `fd` (stderr, for the
/// "vm-sub: ..." diagnostics) while it lives: `fd` is pointed at a pipe and
/// put back by text() or the destructor. Holds up to a pipe's 64 KiB.
class CapturedFd {
public:
    explicit CapturedFd(int fd) : fd_(fd), saved_(::dup(fd)) {
        REQUIRE(saved_ >= 0);
        REQUIRE(::pipe2(pipe_, O_CLOEXEC | O_NONBLOCK) == 0);
        REQUIRE(::dup2(pipe_[1], fd_) == fd_);
    }
    ~CapturedFd() { restore(); }
    CapturedFd(const CapturedFd&) = delete;
    CapturedFd& operator=(const CapturedFd&) = delete;

    /// Everything written so far; the descriptor is back to what it was.
    std::string text() {
        restore();
        return captured_;
    }

private:
    void restore() {
        if (saved_ < 0) return;
        ::dup2(saved_, fd_);
        ::close(saved_);
        saved_ = -1;
        ::close(pipe_[1]);
        char buf[4096];
        ssize_t n;
        while ((n = ::read(pipe_[0], buf, sizeof buf)) > 0) captured_.append(buf, static_cast<std::size_t>(n));
        ::close(pipe_[0]);
    }

    int fd_;
    int saved_;
    int pipe_[2] = {-1, -1};
    std::string captured_;
};

}  // namespace vme::test

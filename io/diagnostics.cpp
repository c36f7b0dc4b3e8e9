#include "io/diagnostics.h"

#include "common/sanitize.h"

#include <cerrno>
#include <unistd.h>

namespace vme::io {

bool LineWriter::write_line(std::string_view line) {
    if (broken_) return false;
    pending_.append(line).push_back('\n');
    if (batched_ && pending_.size() < kBatchBytes) return true;
    return flush();
}

bool LineWriter::flush() {
    if (broken_ || pending_.empty()) return !broken_;
    bool ok = write_all(pending_);
    pending_.clear();
    return ok;
}

bool LineWriter::write_all(std::string_view rest) {
    // The loop only continues a partial write (more than the pipe takes at
    // once) or retries EINTR.
    while (!rest.empty()) {
        ssize_t n = ::write(fd_, rest.data(), rest.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            broken_ = true;
            return false;
        }
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

void Diagnostics::say(std::string_view text) { err_.write_line(std::string(tool_).append(": ").append(text)); }

void Diagnostics::warn(std::string_view text) {
    auto now = std::chrono::steady_clock::now();
    if (now - window_start_ >= kWindow) {
        if (suppressed_ > 0) say("warning: " + std::to_string(suppressed_) + " more warnings suppressed");
        window_start_ = now;
        in_window_ = 0;
        suppressed_ = 0;
    }
    if (in_window_ >= kBurst) {
        ++suppressed_;
        return;
    }
    ++in_window_;
    say(std::string("warning: ").append(text));
}

void Diagnostics::verbose(std::string_view text) {
    if (verbosity_ > 0) say(text);
}

void CallbackErrors::record(std::string_view kind, std::string_view what) noexcept {
    std::uint64_t total = total_.fetch_add(1, std::memory_order_relaxed) + 1;
    try {
        std::lock_guard lock(mutex_);
        auto it = kinds_.find(kind);
        if (it == kinds_.end()) it = kinds_.emplace(std::string(kind), Kind{}).first;
        Kind& k = it->second;
        ++k.count;
        auto now = std::chrono::steady_clock::now();
        if (k.logged && now - k.last_logged < kWindow) return;
        k.logged = true;
        k.last_logged = now;
        std::string line = tool_ + ": error in the " + it->first + " callback: " +
                           (what.empty() ? std::string("unknown exception") : sanitize(what)) + " (" +
                           std::to_string(k.count) + " in this callback, " + std::to_string(total) +
                           " in all so far; the item was dropped)\n";
        ssize_t ignored = ::write(fd_, line.data(), line.size());
        (void)ignored;
    } catch (...) {
        // Out of memory while reporting: the count above still holds it.
    }
}

}  // namespace vme::io

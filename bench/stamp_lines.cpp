// stamp-lines: prefixes every line of stdin with the CLOCK_REALTIME time (ns)
// at which it was read, and writes it to stdout. A benchmark pipes a
// subscriber's output through it to learn when each line was printed.
// Lines are stamped as soon as read() returns them, so a subscriber that
// flushes each line gets each line's own time.

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>

namespace {

/// CLOCK_REALTIME now, in nanoseconds since the epoch.
std::int64_t realtime_ns() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

/// Appends the complete lines of `pending` to `out`, each prefixed with
/// `stamp`, and keeps the unfinished tail in `pending`.
void stamp_complete_lines(std::string& pending, std::int64_t stamp, std::string& out) {
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
        out += std::to_string(stamp);
        out += ' ';
        out.append(pending, start, nl + 1 - start);
    }
    pending.erase(0, start);
}

/// Writes all of `data` to stdout; false on an error.
bool write_all(std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = write(STDOUT_FILENO, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

int main() {
    std::array<char, 1 << 16> buf{};
    std::string pending, out;
    for (;;) {
        const ssize_t n = read(STDIN_FILENO, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            std::fprintf(stderr, "stamp-lines: cannot read stdin: %s\n", std::strerror(errno));
            return 1;
        }
        if (n == 0) break;
        pending.append(buf.data(), static_cast<std::size_t>(n));
        stamp_complete_lines(pending, realtime_ns(), out);
        if (!write_all(out)) return 1;
        out.clear();
    }
    if (!pending.empty()) pending += '\n';
    stamp_complete_lines(pending, realtime_ns(), out);
    return write_all(out) ? 0 : 1;
}

// io::EventLoop: timers in due order, cancel, before_sleep only when idle,
// fd readiness, and handlers that change the watches while they run.
// Real pipes and eventfds; the waits are short but nothing depends on speed.
#include <doctest/doctest.h>

#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "io/event_loop.h"

using namespace std::chrono_literals;
using vme::io::EventLoop;

namespace {

/// A pipe closed at the end of the test.
struct Pipe {
    int fds[2] = {-1, -1};
    Pipe() { REQUIRE(::pipe(fds) == 0); }
    ~Pipe() {
        for (int fd : fds)
            if (fd >= 0) ::close(fd);
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    int read_end() const { return fds[0]; }
    int write_end() const { return fds[1]; }
    void put(const std::string& bytes) const {
        REQUIRE(::write(fds[1], bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    }
};

/// Reads one byte of `fd`; '\0' when nothing could be read.
char take_byte(int fd) {
    char c = 0;
    return ::read(fd, &c, 1) == 1 ? c : '\0';
}

/// Runs rounds of `loop` until `done()` or about 5 s have passed (a
/// generous bound for a loaded machine; the tests never need it).
template <typename Done>
void run_until(EventLoop& loop, Done done) {
    const auto give_up = std::chrono::steady_clock::now() + 5s;
    while (!done() && std::chrono::steady_clock::now() < give_up) loop.run_once(50ms);
}

}  // namespace

TEST_SUITE("io.event_loop") {

TEST_CASE("timers fire in the order they are due, not the order they were set") {
    EventLoop loop;
    std::vector<int> fired;
    loop.after(30ms, [&] { fired.push_back(30); });
    loop.after(10ms, [&] { fired.push_back(10); });
    loop.after(20ms, [&] { fired.push_back(20); });
    loop.after(40ms, [&] {
        fired.push_back(40);
        loop.stop();
    });
    loop.run();
    CHECK(fired == std::vector<int>{10, 20, 30, 40});
}

TEST_CASE("a zero delay fires in the next round; a timer set by a timer waits for the round after") {
    EventLoop loop;
    std::vector<std::string> fired;
    loop.after(0ms, [&] {
        fired.push_back("first");
        loop.after(0ms, [&] { fired.push_back("second"); });
    });
    loop.run_once(0ms);
    CHECK(fired == std::vector<std::string>{"first"});
    loop.run_once(0ms);
    CHECK(fired == std::vector<std::string>{"first", "second"});
}

TEST_CASE("a cancelled timer never fires, also when cancelled by a timer due in the same round") {
    EventLoop loop;
    std::vector<int> fired;
    const auto never = loop.after(5ms, [&] { fired.push_back(-1); });
    loop.cancel(never);
    EventLoop::TimerId later = 0;
    loop.after(1ms, [&] {
        fired.push_back(1);
        loop.cancel(later);
    });
    later = loop.after(2ms, [&] { fired.push_back(-2); });
    loop.after(20ms, [&] {
        fired.push_back(20);
        loop.stop();
    });
    loop.run();
    CHECK(fired == std::vector<int>{1, 20});
    loop.cancel(never);  // cancelling again, or after it ran, is harmless
    loop.cancel(12345);
}

TEST_CASE("run_once returns after max_wait with nothing to do") {
    EventLoop loop;
    const auto start = std::chrono::steady_clock::now();
    loop.run_once(20ms);
    CHECK(std::chrono::steady_clock::now() - start >= 20ms);
}

TEST_CASE("a readable pipe calls its handler with POLLIN") {
    EventLoop loop;
    Pipe pipe;
    std::string got;
    short seen = 0;
    loop.watch(pipe.read_end(), POLLIN, [&](short revents) {
        seen = revents;
        got += take_byte(pipe.read_end());
    });
    loop.run_once(0ms);
    CHECK(got.empty());  // nothing written yet
    pipe.put("x");
    run_until(loop, [&] { return !got.empty(); });
    CHECK(got == "x");
    CHECK((seen & POLLIN) != 0);
}

TEST_CASE("an eventfd wakes the loop; set_events switches a watch off and on") {
    EventLoop loop;
    const int efd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    REQUIRE(efd >= 0);
    int calls = 0;
    loop.watch(efd, POLLIN, [&](short) {
        std::uint64_t value = 0;
        REQUIRE(::read(efd, &value, sizeof value) == sizeof value);
        calls += static_cast<int>(value);
    });
    const std::uint64_t three = 3;
    REQUIRE(::write(efd, &three, sizeof three) == sizeof three);
    run_until(loop, [&] { return calls > 0; });
    CHECK(calls == 3);
    loop.set_events(efd, 0);
    const std::uint64_t one = 1;
    REQUIRE(::write(efd, &one, sizeof one) == sizeof one);
    loop.run_once(20ms);
    CHECK(calls == 3);  // not watched for input now
    loop.set_events(efd, POLLIN);
    run_until(loop, [&] { return calls == 4; });
    CHECK(calls == 4);
    loop.set_events(9999, POLLIN);  // not watched: no effect
    ::close(efd);
}

TEST_CASE("a writable pipe calls a POLLOUT handler") {
    EventLoop loop;
    Pipe pipe;
    short seen = 0;
    loop.watch(pipe.write_end(), POLLOUT, [&](short revents) { seen = revents; });
    run_until(loop, [&] { return seen != 0; });
    CHECK((seen & POLLOUT) != 0);
}

TEST_CASE("before_sleep runs only when nothing is ready") {
    EventLoop loop;
    Pipe pipe;
    int handled = 0;
    std::vector<int> handled_at_sleep;  // how many bytes were handled each time the hook ran
    loop.watch(pipe.read_end(), POLLIN, [&](short) {
        if (take_byte(pipe.read_end()) != '\0') ++handled;
    });
    loop.before_sleep([&] { handled_at_sleep.push_back(handled); });
    pipe.put("abc");  // three rounds of input, one byte a round
    loop.run_once(0ms);
    loop.run_once(0ms);
    CHECK(handled == 2);
    // run_once(0) does not sleep, so the hook has not run.
    CHECK(handled_at_sleep.empty());
    run_until(loop, [&] { return !handled_at_sleep.empty(); });
    CHECK(handled == 3);
    REQUIRE(handled_at_sleep.size() == 1);
    CHECK(handled_at_sleep.front() == 3);  // only once the input was drained
}

TEST_CASE("before_sleep may stop the loop, and may add a timer that then bounds the wait") {
    EventLoop loop;
    int hooks = 0;
    bool timer_fired = false;
    loop.before_sleep([&] {
        if (++hooks == 1) loop.after(1ms, [&] { timer_fired = true; });
        if (timer_fired) loop.stop();
    });
    loop.run();  // without the timer bounding the wait this would sleep an hour
    CHECK(timer_fired);
    CHECK(hooks >= 2);
}

TEST_CASE("a handler may unwatch itself") {
    EventLoop loop;
    Pipe pipe;
    int calls = 0;
    loop.watch(pipe.read_end(), POLLIN, [&](short) {
        ++calls;
        loop.unwatch(pipe.read_end());  // leaves the byte unread: still readable
    });
    pipe.put("x");
    run_until(loop, [&] { return calls > 0; });
    loop.run_once(20ms);
    loop.run_once(20ms);
    CHECK(calls == 1);
}

TEST_CASE("a handler may unwatch another fd that is ready in the same round") {
    EventLoop loop;
    Pipe first;
    Pipe second;
    int first_calls = 0;
    int second_calls = 0;
    // Dispatch goes by fd number: the lower fd's handler runs first.
    const bool first_is_lower = first.read_end() < second.read_end();
    Pipe& low = first_is_lower ? first : second;
    Pipe& high = first_is_lower ? second : first;
    loop.watch(low.read_end(), POLLIN, [&](short) {
        ++first_calls;
        take_byte(low.read_end());
        loop.unwatch(high.read_end());
    });
    loop.watch(high.read_end(), POLLIN, [&](short) { ++second_calls; });
    low.put("a");
    high.put("b");
    run_until(loop, [&] { return first_calls > 0; });
    loop.run_once(20ms);
    CHECK(first_calls == 1);
    CHECK(second_calls == 0);
}

TEST_CASE("watch replaces an earlier handler of the same fd") {
    EventLoop loop;
    Pipe pipe;
    std::string calls;
    loop.watch(pipe.read_end(), POLLIN, [&](short) { calls += "old"; });
    loop.watch(pipe.read_end(), POLLIN, [&](short) {
        calls += "new";
        take_byte(pipe.read_end());
    });
    pipe.put("x");
    run_until(loop, [&] { return !calls.empty(); });
    CHECK(calls == "new");
}

TEST_CASE("stop() ends run(), and a later run() starts afresh") {
    EventLoop loop;
    int rounds = 0;
    loop.after(0ms, [&] {
        ++rounds;
        loop.stop();
    });
    loop.run();
    loop.after(0ms, [&] {
        ++rounds;
        loop.stop();
    });
    loop.run();
    CHECK(rounds == 2);
}

}  // TEST_SUITE

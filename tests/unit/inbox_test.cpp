// Tests of publisher/inbox: the hand-off from the libvirt thread, woken
// through a real eventfd.
#include <doctest/doctest.h>

#include <poll.h>

#include <thread>

#include "publisher/inbox.h"

using vme::pub::Inbox;
using vme::pub::LinkItem;

namespace {

/// Whether the inbox's fd becomes readable within `ms`.
bool readable(const Inbox& inbox, int ms = 0) {
    pollfd p{inbox.fd(), POLLIN, 0};
    return ::poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

LinkItem event_item(int seq) {
    LinkItem item;
    item.event.seq = static_cast<std::uint64_t>(seq);
    return item;
}

}  // namespace

TEST_SUITE("inbox") {
    TEST_CASE("a push wakes the reader; take_all takes everything in order and clears the wake-up") {
        Inbox inbox;
        REQUIRE(inbox.ok());
        CHECK_FALSE(readable(inbox));
        for (int i = 1; i <= 3; ++i) inbox.push(event_item(i));
        CHECK(readable(inbox));
        auto items = inbox.take_all();
        REQUIRE(items.size() == 3);
        for (int i = 0; i < 3; ++i) CHECK(items[static_cast<std::size_t>(i)].event.seq == static_cast<std::uint64_t>(i + 1));
        CHECK_FALSE(readable(inbox));
        CHECK(inbox.take_all().empty());
    }

    TEST_CASE("a push after take_all wakes the reader again") {
        Inbox inbox;
        inbox.push(event_item(1));
        CHECK(inbox.take_all().size() == 1);
        inbox.push(event_item(2));
        CHECK(readable(inbox));
        auto items = inbox.take_all();
        REQUIRE(items.size() == 1);
        CHECK(items[0].event.seq == 2);
    }

    TEST_CASE("no item is left behind without a wake-up, with a producer on another thread") {
        // The reader sleeps in poll() as vm-pub's loop does; a lost wake-up
        // shows as a poll that times out while items are still missing.
        constexpr int kItems = 200000;
        Inbox inbox;
        std::thread producer([&inbox] {
            for (int i = 1; i <= kItems; ++i) {
                inbox.push(event_item(i));
                if (i % 1000 == 0) std::this_thread::yield();
            }
        });
        int next = 1;
        bool stalled = false;
        while (next <= kItems) {
            if (!readable(inbox, 5000)) {
                stalled = true;
                break;
            }
            for (auto& item : inbox.take_all()) {
                if (item.event.seq != static_cast<std::uint64_t>(next)) break;
                ++next;
            }
        }
        producer.join();
        CHECK_FALSE(stalled);
        CHECK(next == kItems + 1);
    }

    TEST_CASE("items pushed while held wake nobody until release, which wakes once") {
        Inbox inbox;
        inbox.hold();
        for (int i = 1; i <= 3; ++i) inbox.push(event_item(i));
        CHECK(inbox.held() == 3);
        CHECK_FALSE(readable(inbox));
        CHECK(inbox.release() == 3);
        CHECK(inbox.held() == 0);
        CHECK(readable(inbox));
        auto items = inbox.take_all();
        REQUIRE(items.size() == 3);
        CHECK(items[2].event.seq == 3);
        CHECK_FALSE(readable(inbox));
    }

    TEST_CASE("a hold with nothing pushed wakes nobody; holding again keeps the count") {
        Inbox inbox;
        inbox.hold();
        CHECK(inbox.release() == 0);
        CHECK_FALSE(readable(inbox));
        inbox.hold();
        inbox.push(event_item(1));
        inbox.hold();
        inbox.push(event_item(2));
        CHECK(inbox.held() == 2);
        CHECK(inbox.release() == 2);
        CHECK(inbox.take_all().size() == 2);
    }

    TEST_CASE("a push while held onto a queue already woken needs no second wake-up") {
        Inbox inbox;
        inbox.push(event_item(1));  // unheld: wakes
        inbox.hold();
        inbox.push(event_item(2));
        CHECK(readable(inbox));
        inbox.release();
        auto items = inbox.take_all();
        CHECK(items.size() == 2);
        CHECK_FALSE(readable(inbox));
    }

    TEST_CASE("no held item is left behind without a wake-up, with a producer on another thread") {
        // As the libvirt link does: batches of pushes between hold() and
        // release(), while the reader takes whatever it finds at any time.
        constexpr int kItems = 200000;
        Inbox inbox;
        std::thread producer([&inbox] {
            for (int i = 1; i <= kItems;) {
                inbox.hold();
                for (int k = 0; k < 1 + i % 7 && i <= kItems; ++k) inbox.push(event_item(i++));
                inbox.release();
                if (i % 1000 < 7) std::this_thread::yield();
            }
        });
        int next = 1;
        bool stalled = false, disordered = false;
        while (next <= kItems) {
            if (!readable(inbox, 5000)) {
                stalled = true;
                break;
            }
            for (auto& item : inbox.take_all()) {
                if (item.event.seq != static_cast<std::uint64_t>(next)) disordered = true;
                ++next;
            }
        }
        producer.join();
        CHECK_FALSE(stalled);
        CHECK_FALSE(disordered);
        CHECK(next == kItems + 1);
    }
}

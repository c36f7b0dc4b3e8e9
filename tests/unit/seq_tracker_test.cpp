// Gap and duplicate detection (common/seq_tracker.h).
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "common/seq_tracker.h"

using Kind = vme::SeqVerdict::Kind;
using namespace std::string_literals;

TEST_SUITE("seq_tracker") {

TEST_CASE("first, in order, gap, duplicate, reordered") {
    vme::SeqTracker t;
    CHECK(t.observe("hv1", "b1", 5).kind == Kind::First);
    CHECK(t.observe("hv1", "b1", 6).kind == Kind::InOrder);
    const auto gap = t.observe("hv1", "b1", 10);
    CHECK(gap.kind == Kind::Gap);
    CHECK(gap.missing_from == 7);
    CHECK(gap.missing_to == 9);
    CHECK(t.observe("hv1", "b1", 10).kind == Kind::Duplicate);
    CHECK(t.observe("hv1", "b1", 8).kind == Kind::Reordered);
    // A late older message does not lower the mark.
    CHECK(t.observe("hv1", "b1", 11).kind == Kind::InOrder);
}

TEST_CASE("a redelivered older message is a duplicate, a late one is not") {
    vme::SeqTracker t;
    for (std::uint64_t s = 1; s <= 20; ++s) t.observe("hv1", "b1", s);
    CHECK(t.observe("hv1", "b1", 7).kind == Kind::Duplicate);   // seen, redelivered
    CHECK(t.observe("hv1", "b1", 25).kind == Kind::Gap);        // 21..24 missing
    CHECK(t.observe("hv1", "b1", 22).kind == Kind::Reordered);  // late, first time
    CHECK(t.observe("hv1", "b1", 22).kind == Kind::Duplicate);  // and again
    CHECK(t.observe("hv1", "b1", 20).kind == Kind::Duplicate);  // before the gap
}

TEST_CASE("seqs older than the window cannot be told apart") {
    vme::SeqTracker t;
    t.observe("h", "b", 1);
    t.observe("h", "b", 1 + vme::SeqTracker::kWindow + 10);  // jump clears the window
    CHECK(t.observe("h", "b", 1).kind == Kind::Reordered);
    CHECK(t.observe("h", "b", 12).kind == Kind::Reordered);  // inside the new window, unseen
}

TEST_CASE("a gap of exactly one message") {
    vme::SeqTracker t;
    t.observe("h", "b", 1);
    const auto gap = t.observe("h", "b", 3);
    CHECK(gap.kind == Kind::Gap);
    CHECK(gap.missing_from == 2);
    CHECK(gap.missing_to == 2);
}

TEST_CASE("each (host, boot) pair is tracked on its own") {
    vme::SeqTracker t;
    CHECK(t.observe("hv1", "b1", 1).kind == Kind::First);
    CHECK(t.observe("hv2", "b1", 1).kind == Kind::First);   // same boot id, other host
    CHECK(t.observe("hv1", "b2", 1).kind == Kind::First);   // publisher restarted
    CHECK(t.observe("hv1", "b1", 2).kind == Kind::InOrder);
    CHECK(t.observe("hv2", "b1", 2).kind == Kind::InOrder);
    CHECK(t.observe("hv1", "b2", 2).kind == Kind::InOrder);
    CHECK(t.tracked() == 3);
}

TEST_CASE("keys cannot collide through concatenation") {
    vme::SeqTracker t;
    CHECK(t.observe("ab", "c", 1).kind == Kind::First);
    CHECK(t.observe("a", "bc", 1).kind == Kind::First);
    CHECK(t.observe("a\0"s, "b", 1).kind == Kind::First);
    CHECK(t.observe("a", "\0b"s, 1).kind == Kind::First);
}

TEST_CASE("extreme sequence numbers") {
    vme::SeqTracker t;
    CHECK(t.observe("h", "b", 0).kind == Kind::First);
    CHECK(t.observe("h", "b", 1).kind == Kind::InOrder);
    const auto gap = t.observe("h", "b", UINT64_MAX);
    CHECK(gap.kind == Kind::Gap);
    CHECK(gap.missing_from == 2);
    CHECK(gap.missing_to == UINT64_MAX - 1);
    CHECK(t.observe("h", "b", UINT64_MAX).kind == Kind::Duplicate);
    CHECK(t.observe("h", "b", 0).kind == Kind::Reordered);
}

TEST_CASE("memory is bounded: the oldest pair is forgotten") {
    vme::SeqTracker t;
    t.observe("h", "oldest", 1);
    t.observe("h", "second", 1);
    for (std::size_t i = 0; i < vme::SeqTracker::kMaxTracked - 2; ++i)
        t.observe("h", "boot" + std::to_string(i), 1);
    CHECK(t.tracked() == vme::SeqTracker::kMaxTracked);
    CHECK(t.observe("h", "second", 2).kind == Kind::InOrder);  // still known
    t.observe("h", "one-more", 1);                             // evicts "oldest"
    CHECK(t.tracked() == vme::SeqTracker::kMaxTracked);
    CHECK(t.observe("h", "oldest", 2).kind == Kind::First);
}

}  // TEST_SUITE

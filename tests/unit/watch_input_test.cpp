// --watch's keys (subscriber/watch_input.h): the state machine over the
// list, filter-edit, detail and help views; the redraw pacer; and the
// column layout of the list (subscriber/watch_screen.h).
#include <doctest/doctest.h>

#include <string>

#include "common/sanitize.h"
#include "subscriber/watch_input.h"
#include "subscriber/watch_screen.h"

using vme::sub::Key;
using vme::sub::KeyAction;
using vme::sub::SortOrder;
using vme::sub::WatchInput;
using vme::sub::WatchView;

TEST_SUITE("watch_input") {

TEST_CASE("list: moving, paging, Home/End keep the selection inside and visible") {
    WatchInput in;
    CHECK(in.press(Key::of(Key::Kind::Up), 50, 10) == KeyAction::None);  // already at the top
    CHECK(in.press(Key::of(Key::Kind::Down), 50, 10) == KeyAction::Redraw);
    CHECK(in.selected() == 1);
    in.press(Key::of(Key::Kind::PageDown), 50, 10);
    CHECK(in.selected() == 11);
    CHECK(in.top() == 2);  // the selection is the last visible row
    in.press(Key::of(Key::Kind::End), 50, 10);
    CHECK(in.selected() == 49);
    CHECK(in.top() == 40);
    in.press(Key::of(Key::Kind::PageUp), 50, 10);
    CHECK(in.selected() == 39);
    in.press(Key::of(Key::Kind::Home), 50, 10);
    CHECK(in.selected() == 0);
    CHECK(in.top() == 0);
    CHECK(in.press(Key::of(Key::Kind::Down), 0, 10) == KeyAction::None);  // empty list
}

TEST_CASE("the list shrinking or the screen growing clamps the selection") {
    WatchInput in;
    in.press(Key::of(Key::Kind::End), 50, 10);
    in.clamp(5, 10);
    CHECK(in.selected() == 4);
    CHECK(in.top() == 0);
    in.clamp(0, 10);
    CHECK(in.selected() == 0);
}

TEST_CASE("s cycles the sort; q quits") {
    WatchInput in;
    CHECK(in.sort() == SortOrder::HostName);
    CHECK(in.press(Key::character('s'), 3, 10) == KeyAction::Redraw);
    CHECK(in.sort() == SortOrder::Name);
    in.press(Key::character('s'), 3, 10);
    in.press(Key::character('s'), 3, 10);
    CHECK(in.sort() == SortOrder::Age);
    in.press(Key::character('s'), 3, 10);
    CHECK(in.sort() == SortOrder::HostName);
    CHECK(in.press(Key::character('q'), 3, 10) == KeyAction::Quit);
}

TEST_CASE("/ edits the filter live; Enter keeps it, Esc clears it") {
    WatchInput in;
    in.press(Key::of(Key::Kind::Down), 5, 10);
    CHECK(in.press(Key::character('/'), 5, 10) == KeyAction::Redraw);
    CHECK(in.view() == WatchView::FilterEdit);
    for (char c : std::string("web*q")) in.press(Key::character(static_cast<char32_t>(c)), 5, 10);
    CHECK(in.filter() == "web*q");  // q is text here, not quit
    CHECK(in.view() == WatchView::FilterEdit);
    in.press(Key::of(Key::Kind::Backspace), 5, 10);
    CHECK(in.filter() == "web*");
    CHECK(in.selected() == 0);  // a new list starts at its top
    in.press(Key::character(U'é'), 5, 10);
    CHECK(in.filter() == "web*é");
    in.press(Key::of(Key::Kind::Backspace), 5, 10);  // a whole character goes
    CHECK(in.filter() == "web*");
    CHECK(in.press(Key::character(0x1b), 5, 10) == KeyAction::None);  // no control characters
    in.press(Key::of(Key::Kind::Enter), 5, 10);
    CHECK(in.view() == WatchView::List);
    CHECK(in.filter() == "web*");
    // Esc in the list clears a kept filter.
    CHECK(in.press(Key::of(Key::Kind::Escape), 5, 10) == KeyAction::Redraw);
    CHECK(in.filter().empty());
    CHECK(in.press(Key::of(Key::Kind::Escape), 5, 10) == KeyAction::None);
    // Esc while editing clears and leaves.
    in.press(Key::character('/'), 5, 10);
    in.press(Key::character('x'), 5, 10);
    in.press(Key::of(Key::Kind::Escape), 5, 10);
    CHECK(in.view() == WatchView::List);
    CHECK(in.filter().empty());
}

TEST_CASE("Enter opens the detail view, Esc goes back; ? shows the help") {
    WatchInput in;
    CHECK(in.press(Key::of(Key::Kind::Enter), 0, 10) == KeyAction::None);  // nothing to open
    CHECK(in.press(Key::of(Key::Kind::Enter), 3, 10) == KeyAction::OpenDetail);
    CHECK(in.view() == WatchView::Detail);
    CHECK(in.press(Key::character('s'), 3, 10) == KeyAction::None);
    CHECK(in.press(Key::of(Key::Kind::Down), 3, 10) == KeyAction::Redraw);
    CHECK(in.top() == 1);
    CHECK(in.press(Key::of(Key::Kind::Escape), 3, 10) == KeyAction::Redraw);
    CHECK(in.view() == WatchView::List);
    CHECK(in.top() == 0);
    CHECK(in.press(Key::character('?'), 3, 10) == KeyAction::Redraw);
    CHECK(in.view() == WatchView::Help);
    CHECK(in.press(Key::character('x'), 3, 10) == KeyAction::Redraw);
    CHECK(in.view() == WatchView::List);
    in.press(Key::character('?'), 3, 10);
    CHECK(in.press(Key::character('q'), 3, 10) == KeyAction::Quit);
}

TEST_CASE("the footer names the keys of the view") {
    WatchInput in;
    CHECK(in.footer().find("s sort:host") != std::string::npos);
    CHECK(in.footer().find("? help") != std::string::npos);
    CHECK(vme::display_width(in.footer()) <= 77);  // whole on an 80-column terminal
    in.press(Key::character('/'), 3, 10);
    CHECK(in.footer().find("Esc clear") != std::string::npos);
    in.press(Key::character('x'), 3, 10);
    in.press(Key::of(Key::Kind::Enter), 3, 10);
    CHECK(in.footer().find("/ Esc filter") != std::string::npos);  // a kept filter: Esc clears it
    for (int i = 0; i < 2; ++i) in.press(Key::character('s'), 3, 10);
    CHECK(in.sort() == SortOrder::State);
    CHECK(vme::display_width(in.footer()) <= 77);  // the longest: sort:state and a filter
    in.press(Key::of(Key::Kind::Enter), 3, 10);
    in.press(Key::of(Key::Kind::Enter), 3, 10);
    CHECK(in.footer().find("Esc back") != std::string::npos);
}

TEST_CASE("the redraw pacer allows one redraw per interval") {
    vme::sub::RedrawPacer pacer(100);
    CHECK(pacer.delay(1'000) == 0);  // never drawn
    pacer.drawn(1'000);
    CHECK(pacer.delay(1'000) == 100);
    CHECK(pacer.delay(1'040) == 60);
    CHECK(pacer.delay(1'100) == 0);
    CHECK(pacer.delay(5'000) == 0);
}

TEST_CASE("the columns fit 80 and 200 columns") {
    for (std::size_t width : {80u, 120u, 200u}) {
        const auto w = vme::sub::layout_columns(width, 60, 60);
        const std::size_t total = w.mark + w.host + w.vm + w.state + w.reason + w.age + w.last + 6 * 2;
        CHECK(total <= width);
        CHECK(w.last >= 10);
        CHECK(w.host >= 4);
        CHECK(w.vm >= 10);
    }
    // Narrow names leave the room to the last event.
    const auto w = vme::sub::layout_columns(80, 4, 6);
    CHECK(w.host == 4);
    CHECK(w.vm == 6);
    CHECK(w.mark + w.host + w.vm + w.state + w.reason + w.age + w.last + 12 == 80);
}

}  // TEST_SUITE

TEST_CASE("the header's connection note: nothing when connected, the words before the cause") {
    using vme::sub::WatchLink;
    CHECK(vme::sub::link_note(WatchLink{WatchLink::Phase::Connected, "ignored"}).empty());
    CHECK(vme::sub::link_note(WatchLink{WatchLink::Phase::Connecting, ""}) == "connecting...");
    CHECK(vme::sub::link_note(WatchLink{WatchLink::Phase::Connecting, "TCP connection to 127.0.0.1:1: Connection refused"}) ==
          "connecting... (TCP connection to 127.0.0.1:1: Connection refused)");
    CHECK(vme::sub::link_note(WatchLink{WatchLink::Phase::Lost, ""}) == "broker lost, reconnecting...");
    CHECK(vme::sub::link_note(WatchLink{WatchLink::Phase::Lost, "connection lost"}) ==
          "broker lost, reconnecting: connection lost");
}

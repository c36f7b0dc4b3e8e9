// Event filters for vm-sub (pure): the same option repeated means OR,
// different options mean AND, like `docker events --filter`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "message.h"

namespace vme {

/// True when `text` matches the shell glob `pattern` ('*', '?', '[...]';
/// no special meaning for '/'). Works on bytes. Classes: "[abc]", "[a-z]",
/// "[!x]" or "[^x]" (negation), a ']' right after "[" or "[!" is a member;
/// a '[' without its ']' is an ordinary byte. There is no escape character.
/// Linear backtracking (only over the last '*'), so no pattern blows up.
bool glob_match(std::string_view pattern, std::string_view text);

/// True when `pattern` contains a glob metacharacter ('*', '?', '[').
bool has_glob(std::string_view pattern);

/// What vm-sub's --host/--domain/--kind/--event options asked for.
/// An empty list accepts everything for that attribute.
struct Filter {
    std::vector<std::string> hosts;    ///< globs over the host name
    std::vector<std::string> domains;  ///< globs over the VM name
    std::vector<std::string> kinds;    ///< exact kind names
    std::vector<std::string> events;   ///< exact event tokens

    /// True when the event passes every non-empty list.
    bool matches(const Event& event) const;

    /// True when a host/VM pair passes the host and domain lists
    /// (used for state and status messages, which have no kind/event).
    /// An empty `vm` (a status message is about a host, and no VM has an
    /// empty name) is not checked against the domain list.
    bool matches_place(std::string_view host, std::string_view vm) const;

    /// True when `host` passes the host list.
    bool matches_host(std::string_view host) const;
};

/// The MQTT subscriptions that carry exactly the events `filter` can accept,
/// as narrow as possible: exact (non-glob) hosts, VMs and kinds become topic
/// levels (escaped), anything else '+'. At most `max_topics` filters; beyond
/// that the narrowing falls back to fewer, wider filters. Always non-empty.
/// A list holding a glob becomes '+' (the client-side Filter still applies);
/// `events` never narrows a topic. Widening turns the attribute with the most
/// values (the first of hosts, domains, kinds on a tie) into '+', then retries.
/// Order: hosts, then VMs, then kinds, as given, duplicates dropped.
std::vector<std::string> event_subscriptions(std::string_view prefix, const Filter& filter,
                                             std::size_t max_topics = 64);

/// Status subscriptions ("<prefix>/<host>/status") for the filter's hosts:
/// one per exact host, or the single "<prefix>/+/status" when the host list
/// is empty or holds a glob.
std::vector<std::string> status_subscriptions(std::string_view prefix, const Filter& filter);

/// status_subscriptions() for any host-level topic "<prefix>/<host>/<last>"
/// (journal: "<prefix>/<host>/journal").
std::vector<std::string> host_subscriptions(std::string_view prefix, const Filter& filter, std::string_view last);

/// State subscriptions ("<prefix>/<host>/<vm>/state") for the filter,
/// narrowed and widened like event_subscriptions() over hosts and VMs.
std::vector<std::string> state_subscriptions(std::string_view prefix, const Filter& filter,
                                             std::size_t max_topics = 64);

}  // namespace vme

// Event filters for vm-sub: shell globs, the OR/AND filter, and the narrowest
// MQTT subscriptions that still carry every event the filter accepts.
#include "filter.h"

#include <algorithm>
#include <optional>

#include "topic.h"

namespace vme {

namespace {

/// Where a "[...]" class starting at `open` ends (the index of its ']'), or
/// nullopt when it never closes; a ']' right after "[" or "[!" is a member.
std::optional<std::size_t> class_end(std::string_view pattern, std::size_t open) {
    std::size_t i = open + 1;
    if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) ++i;
    if (i < pattern.size() && pattern[i] == ']') ++i;
    const std::size_t close = pattern.find(']', i);
    if (close == std::string_view::npos) return std::nullopt;
    return close;
}

/// True when byte `c` is in the class body (between '[' and ']', negation
/// mark included). Bytes compare unsigned so ranges over UTF-8 bytes work.
bool class_contains(std::string_view body, unsigned char c) {
    bool negated = false;
    if (!body.empty() && (body[0] == '!' || body[0] == '^')) {
        negated = true;
        body.remove_prefix(1);
    }
    bool found = false;
    for (std::size_t i = 0; i < body.size() && !found; ++i) {
        const auto lo = static_cast<unsigned char>(body[i]);
        // "a-z" is a range; a '-' first or last is an ordinary member.
        if (i + 2 < body.size() && body[i + 1] == '-') {
            const auto hi = static_cast<unsigned char>(body[i + 2]);
            found = lo <= c && c <= hi;
            i += 2;
        } else {
            found = lo == c;
        }
    }
    return found != negated;
}

/// Matches one pattern element at `p` (not '*') against byte `c`; returns
/// the index after the element, or nullopt when it does not match.
std::optional<std::size_t> match_one(std::string_view pattern, std::size_t p, char c) {
    if (pattern[p] == '?') return p + 1;
    if (pattern[p] == '[') {
        if (const auto close = class_end(pattern, p)) {
            const auto body = pattern.substr(p + 1, *close - p - 1);
            if (class_contains(body, static_cast<unsigned char>(c))) return *close + 1;
            return std::nullopt;
        }
    }
    if (pattern[p] == c) return p + 1;
    return std::nullopt;
}

/// True when `value` matches any glob in `patterns`; an empty list matches all.
bool any_glob(const std::vector<std::string>& patterns, std::string_view value) {
    if (patterns.empty()) return true;
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& p) { return glob_match(p, value); });
}

/// True when `value` equals any entry of `list`; an empty list matches all.
bool any_exact(const std::vector<std::string>& list, std::string_view value) {
    if (list.empty()) return true;
    return std::find(list.begin(), list.end(), value) != list.end();
}

using Levels = std::vector<std::string>;

/// The topic levels that carry exactly `values`: each escaped, duplicates
/// dropped; the single wildcard "+" when the list is empty or has a glob.
Levels levels_for(const std::vector<std::string>& values) {
    const bool any = values.empty() || std::any_of(values.begin(), values.end(),
                                                   [](const std::string& v) { return has_glob(v); });
    if (any) return {"+"};
    Levels out;
    for (const auto& value : values) {
        auto level = escape_segment(value);
        if (std::find(out.begin(), out.end(), level) == out.end()) out.push_back(std::move(level));
    }
    return out;
}

/// The number of combinations of `dims`, saturating just above `limit`
/// (so a huge product never overflows).
std::size_t product_capped(const std::vector<Levels*>& dims, std::size_t limit) {
    std::size_t product = 1;
    for (const Levels* d : dims) {
        product *= d->size();
        if (product > limit) return limit + 1;
    }
    return product;
}

/// Widens the dimension with the most values (the first on a tie) to "+"
/// until the number of combinations is at most `max_topics` (at least 1).
void widen_to(const std::vector<Levels*>& dims, std::size_t max_topics) {
    const std::size_t limit = std::max<std::size_t>(max_topics, 1);
    while (product_capped(dims, limit) > limit) {
        auto widest = std::max_element(dims.begin(), dims.end(),
                                       [](const Levels* a, const Levels* b) { return a->size() < b->size(); });
        **widest = {"+"};
    }
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
    std::size_t p = 0;
    std::size_t t = 0;
    // Only the last '*' needs revisiting: an earlier one could only absorb
    // more of the text, which the last '*' can absorb just as well.
    std::optional<std::size_t> star;
    std::size_t star_t = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            star_t = t;
            continue;
        }
        if (p < pattern.size()) {
            if (const auto next = match_one(pattern, p, text[t])) {
                p = *next;
                ++t;
                continue;
            }
        }
        if (!star) return false;
        p = *star + 1;
        t = ++star_t;
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

bool has_glob(std::string_view pattern) {
    return pattern.find_first_of("*?[") != std::string_view::npos;
}

bool Filter::matches(const Event& event) const {
    return matches_place(event.host, event.domain.name) && any_exact(kinds, event.kind) &&
           any_exact(events, event.event);
}

bool Filter::matches_place(std::string_view host, std::string_view vm) const {
    return matches_host(host) && (vm.empty() || any_glob(domains, vm));
}

bool Filter::matches_host(std::string_view host) const {
    return any_glob(hosts, host);
}

std::vector<std::string> event_subscriptions(std::string_view prefix, const Filter& filter,
                                             std::size_t max_topics) {
    Levels hosts = levels_for(filter.hosts);
    Levels vms = levels_for(filter.domains);
    Levels kinds = levels_for(filter.kinds);
    widen_to({&hosts, &vms, &kinds}, max_topics);
    std::vector<std::string> out;
    for (const auto& h : hosts)
        for (const auto& v : vms)
            for (const auto& k : kinds)
                out.push_back(std::string(prefix) + "/" + h + "/" + v + "/event/" + k);
    return out;
}

std::vector<std::string> status_subscriptions(std::string_view prefix, const Filter& filter) {
    return host_subscriptions(prefix, filter, "status");
}

std::vector<std::string> host_subscriptions(std::string_view prefix, const Filter& filter, std::string_view last) {
    std::vector<std::string> out;
    for (const auto& h : levels_for(filter.hosts))
        out.push_back(std::string(prefix) + "/" + h + "/" + std::string(last));
    return out;
}

std::vector<std::string> state_subscriptions(std::string_view prefix, const Filter& filter,
                                             std::size_t max_topics) {
    Levels hosts = levels_for(filter.hosts);
    Levels vms = levels_for(filter.domains);
    widen_to({&hosts, &vms}, max_topics);
    std::vector<std::string> out;
    for (const auto& h : hosts)
        for (const auto& v : vms)
            out.push_back(std::string(prefix) + "/" + h + "/" + v + "/state");
    return out;
}

}  // namespace vme

// Hex digits: the one table of each case, and a digit's value.
#pragma once

#include <string>
#include <string_view>

namespace vme::hex {

/// The hex digits, lower case ("0123456789abcdef").
inline constexpr std::string_view kLower = "0123456789abcdef";
/// The hex digits, upper case ("0123456789ABCDEF").
inline constexpr std::string_view kUpper = "0123456789ABCDEF";

/// Which of the two tables to write with.
enum class Case { kLower, kUpper };

/// The table of `c`.
constexpr std::string_view digits(Case c) { return c == Case::kUpper ? kUpper : kLower; }

/// Appends the low `count` hex digits of `value` to `out`, the most
/// significant first ("00e9" for 0xE9 and 4).
inline void append(std::string& out, unsigned long value, int count, Case c = Case::kLower) {
    const std::string_view table = digits(c);
    for (int shift = 4 * (count - 1); shift >= 0; shift -= 4) out += table[(value >> shift) & 0xF];
}

/// Appends the two hex digits of `byte` to `out`.
inline void append_byte(std::string& out, unsigned char byte, Case c = Case::kLower) {
    append(out, byte, 2, c);
}

/// The value of a hex digit of either case, or -1 for any other character.
constexpr int value(char ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

}  // namespace vme::hex

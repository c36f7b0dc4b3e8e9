// Errors as values: a function that can fail returns Result<T>.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace vme {

/// A failure with a one-line, human-readable reason (no trailing newline).
struct Error {
    std::string message;
};

/// Either a value or an Error. Never throws on construction; value()
/// must only be called when ok() is true.
template <typename T>
class Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(std::move(error)) {}

    /// True when the result holds a value.
    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    /// The value; precondition: ok().
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }

    /// The error; precondition: !ok().
    const Error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

/// Result of an operation that yields nothing but may fail.
struct Ok {};
using Status = Result<Ok>;

}  // namespace vme

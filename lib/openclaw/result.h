// Value-or-error returns for the whole suite.
//
// `Expected<T, E>` holds either a value or an error; `Result<T>` is the form syscall
// wrappers use, with a `std::error_code` (errno in the system category).  g++ 12 has no
// std::expected under C++20, so this is the small subset the code needs: construction from
// a value or an `Unexpected`, `ok()`, `value()`, `error()` and `operator->`.
#pragma once

#include <cerrno>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace openclaw {

template <class E>
struct Unexpected {
  E error;
};

template <class E>
Unexpected(E) -> Unexpected<E>;

template <class T, class E>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Expected(Unexpected<E> err) : state_(std::in_place_index<1>, std::move(err.error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const E& error() const { return std::get<1>(state_); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, E> state_;
};

// Success without a value.
struct Ok {};

template <class T>
using Result = Expected<T, std::error_code>;

inline std::error_code errnoCode(int err) {
  return {err, std::system_category()};
}
inline Unexpected<std::error_code> fromErrno(int err = errno) {
  return {errnoCode(err)};
}

}  // namespace openclaw

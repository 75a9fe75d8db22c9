// Reading JSON5, the format of OpenClaw's own config, from files a bot container can write.
//
// Accepts what JavaScript's JSON5.parse accepts (OpenClaw's reader): `//` and `/* */`
// comments, trailing commas, unquoted identifier keys, single-quoted strings, the JSON5
// escapes (\x41, \v, \0, line continuations), hexadecimal numbers, a leading `+`, a leading or
// trailing decimal point, Infinity and NaN.  So a config OpenClaw's own validator accepts is
// never refused here for its syntax.
//
// Built for hostile input: it never throws (every failure is an error sentence, including
// running out of memory); input over `maxBytes` and nesting over `maxDepth` are refused
// before any work that grows with them; a number out of double's range becomes ±infinity, as
// in JavaScript, instead of an exception; bytes that are not UTF-8 inside strings become
// U+FFFD, so the result can always be dumped.  Errors name the line and column and quote no
// input beyond one printable character.  Duplicate keys: the last one wins, as in JavaScript.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "openclaw/result.h"

namespace openclaw {

struct Json5Limits {
  std::size_t maxBytes = 4u << 20;  // a bot config is a few KiB
  std::size_t maxDepth = 64;        // OpenClaw's schema nests a handful of levels
};

// "not valid JSON5 at line 3, column 7: unexpected '}'"
Expected<nlohmann::json, std::string> parseJson5(std::string_view text,
                                                 const Json5Limits& limits = {});

}  // namespace openclaw

// Reading JSON as people write it in config files.
//
// Operator configs allow `//` and `/* */` comments; bot configs (OpenClaw's JSON5) also
// have trailing commas.  `relaxedJsonToStrict` blanks both out with spaces, keeping every
// other byte (and so every line and column) where it was, and the result goes to a strict
// parser.  Errors carry "line L, column C" so an operator can find the spot.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "openclaw/result.h"

namespace openclaw {

struct TextPosition {
  std::size_t line = 1;
  std::size_t column = 1;
};

// Comments and trailing commas become spaces; strings are left untouched.  An unterminated
// block comment is blanked to the end (the parser then reports the missing value there).
std::string relaxedJsonToStrict(std::string_view text);

TextPosition positionOfByte(std::string_view text, std::size_t byteOffset);

// Parses relaxed JSON.  The error is a sentence with the position, e.g.
// "not valid JSON at line 3, column 7: unexpected '}'".
Expected<nlohmann::json, std::string> parseRelaxedJson(std::string_view text);

// The document as text, never throwing: strings that came from files or names in any
// encoding have their bytes that are not UTF-8 replaced by U+FFFD (a plain dump() throws
// type_error.316 on them).  `indent` as nlohmann's dump(): -1 for one line.
std::string toJsonText(const nlohmann::json& doc, int indent = -1);

// Length of the well-formed UTF-8 sequence starting at text[i] (i < text.size()), or 0 when
// none does (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF).
std::size_t utf8SequenceAt(std::string_view text, std::size_t i);

// `text` with every byte that does not start a well-formed UTF-8 sequence replaced by U+FFFD.
std::string validUtf8(std::string text);

// Appends `text` to `out` as a JSON string, quoted and escaped as toJsonText() writes it
// (bytes that are not UTF-8 become U+FFFD): for documents built as text on a hot path,
// without a DOM and its allocation per value.
void appendJsonString(std::string& out, std::string_view text);

}  // namespace openclaw

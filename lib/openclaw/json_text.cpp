#include "openclaw/json_text.h"

namespace openclaw {
namespace {

// Index of the next byte that is not white space, or text.size().
std::size_t skipSpace(const std::string& text, std::size_t i) {
  while (i < text.size() &&
         (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) {
    ++i;
  }
  return i;
}

// Index just past the string literal that starts at i (text[i] == '"').
std::size_t skipString(const std::string& text, std::size_t i) {
  ++i;
  while (i < text.size() && text[i] != '"') i += (text[i] == '\\') ? 2 : 1;
  return i + 1;
}

void blank(std::string& text, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to && i < text.size(); ++i) {
    // Keep newlines so positions after a block comment stay right.
    if (text[i] != '\n') text[i] = ' ';
  }
}

// Blanks comments; returns with strings intact.
void blankComments(std::string& out) {
  std::size_t i = 0;
  while (i < out.size()) {
    const char c = out[i];
    if (c == '"') {
      i = skipString(out, i);
    } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '/') {
      const std::size_t end = out.find('\n', i);
      const std::size_t stop = end == std::string::npos ? out.size() : end;
      blank(out, i, stop);
      i = stop;
    } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '*') {
      const std::size_t end = out.find("*/", i + 2);
      const std::size_t stop = end == std::string::npos ? out.size() : end + 2;
      blank(out, i, stop);
      i = stop;
    } else {
      ++i;
    }
  }
}

// With comments gone, a comma followed only by space and a closing bracket is trailing.
void blankTrailingCommas(std::string& out) {
  std::size_t i = 0;
  while (i < out.size()) {
    const char c = out[i];
    if (c == '"') {
      i = skipString(out, i);
    } else if (c == ',') {
      const std::size_t next = skipSpace(out, i + 1);
      if (next < out.size() && (out[next] == '}' || out[next] == ']')) out[i] = ' ';
      ++i;
    } else {
      ++i;
    }
  }
}

// Reads the text through nlohmann's parser with every value dropped, for the byte (counted
// from 1) where it gives up; text.size() when it does not.
class StopFinder final : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::json::exception&) override {
    stop = position;
    return false;
  }
  std::size_t stop = 0;
};

std::size_t whereParsingStops(const std::string& text) {
  StopFinder finder;
  finder.stop = text.size();
  try {
    nlohmann::json::sax_parse(text, &finder);
  } catch (const std::exception&) {
    // The finder throws nothing; whatever the parser does, the end of the text will do.
  }
  return finder.stop;
}

}  // namespace

std::string relaxedJsonToStrict(std::string_view text) {
  std::string out(text);
  blankComments(out);
  blankTrailingCommas(out);
  return out;
}

TextPosition positionOfByte(std::string_view text, std::size_t byteOffset) {
  TextPosition pos;
  const std::size_t end = std::min(byteOffset, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return pos;
}

Expected<nlohmann::json, std::string> parseRelaxedJson(std::string_view text) {
  const std::string strict = relaxedJsonToStrict(text);
  try {
    return nlohmann::json::parse(strict);
  } catch (const nlohmann::json::exception& e) {
    // A syntax error carries its byte; a number beyond double's range (out_of_range.406) does
    // not, so the text is walked again to find where the parser stopped.
    const auto* syntax = dynamic_cast<const nlohmann::json::parse_error*>(&e);
    const std::size_t stop = syntax != nullptr ? syntax->byte : whereParsingStops(strict);
    // nlohmann counts the byte it stopped at from 1.
    const TextPosition pos = positionOfByte(strict, stop > 0 ? stop - 1 : 0);
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: "
    // prefix (or "[json.exception.out_of_range.406] "); the position is given in our words.
    if (syntax != nullptr) {
      if (auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    } else if (auto bracket = what.find("] "); bracket != std::string::npos) {
      what = what.substr(bracket + 2);
    }
    return Unexpected<std::string>{"not valid JSON at line " + std::to_string(pos.line) +
                                   ", column " + std::to_string(pos.column) + ": " + what};
  } catch (const std::exception& e) {
    return Unexpected<std::string>{std::string("cannot read it: ") + e.what()};
  }
}

std::string toJsonText(const nlohmann::json& doc, int indent) {
  return doc.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::size_t utf8SequenceAt(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return len;
}

namespace {

// Appends the UTF-8 sequence at text[i], or U+FFFD for its first byte when there is none;
// returns the index after what was read.
std::size_t appendUtf8At(std::string& out, std::string_view text, std::size_t i) {
  const std::size_t n = utf8SequenceAt(text, i);
  if (n == 0) {
    out += "\xEF\xBF\xBD";
    return i + 1;
  }
  out.append(text, i, n);
  return i + n;
}

}  // namespace

std::string validUtf8(std::string text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t n = utf8SequenceAt(text, i);
    if (n == 0) break;
    i += n;
  }
  if (i == text.size()) return text;  // the common case: no copy
  std::string out = text.substr(0, i);
  while (i < text.size()) i = appendUtf8At(out, text, i);
  return out;
}

void appendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    // The run of bytes that need no escape, copied at once.
    std::size_t plain = i;
    while (plain < text.size()) {
      const auto c = static_cast<unsigned char>(text[plain]);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
      ++plain;
    }
    out.append(text, i, plain - i);
    i = plain;
    if (i == text.size()) break;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      i = appendUtf8At(out, text, i);
      continue;
    }
    out += '\\';
    switch (c) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '\b':
        out += 'b';
        break;
      case '\f':
        out += 'f';
        break;
      case '\n':
        out += 'n';
        break;
      case '\r':
        out += 'r';
        break;
      case '\t':
        out += 't';
        break;
      default:
        out += "u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
    ++i;
  }
  out += '"';
}

}  // namespace openclaw

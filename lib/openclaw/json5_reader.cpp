#include "openclaw/json5_reader.h"

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <new>

namespace openclaw {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

struct SyntaxError {
  std::size_t at;
  std::string what;
};

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

bool isHex(char c) {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int hexValue(char c) {
  if (isDigit(c)) return c - '0';
  return (c | 0x20) - 'a' + 10;
}

bool isIdentifierStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80;
}

bool isIdentifierPart(unsigned char c) {
  return isIdentifierStart(c) || isDigit(static_cast<char>(c));
}

// The length of the valid UTF-8 sequence at `p` (1 to 4), or 0 when it is not one:
// overlong forms, surrogates and values past U+10FFFF are not.
std::size_t utf8Length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t min = 0;
  std::uint32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, min = 0x80, cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, min = 0x800, cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, min = 0x10000, cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// White space JSON5 allows, as a byte length at `i` (0: none).  ECMAScript's set: ASCII
// spaces, NBSP, BOM, the line and paragraph separators, and the other space separators.
std::size_t spaceLength(std::string_view s, std::size_t i) {
  const char c = s[i];
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return 1;
  const std::string_view rest = s.substr(i, 3);
  if (rest.starts_with("\xC2\xA0")) return 2;
  if (rest == "\xEF\xBB\xBF" || rest == "\xE1\x9A\x80" || rest == "\xE2\x80\xAF" ||
      rest == "\xE2\x81\x9F" || rest == "\xE3\x80\x80") {
    return 3;
  }
  // U+2000..U+200A, U+2028, U+2029
  if (rest.size() == 3 && rest[0] == '\xE2' && rest[1] == '\x80') {
    const auto last = static_cast<unsigned char>(rest[2]);
    if ((last >= 0x80 && last <= 0x8A) || last == 0xA8 || last == 0xA9) return 3;
  }
  return 0;
}

bool isLineEnd(std::string_view s, std::size_t i) {
  return s[i] == '\n' || s[i] == '\r' || s.substr(i, 3) == "\xE2\x80\xA8" ||
         s.substr(i, 3) == "\xE2\x80\xA9";
}

class Reader {
 public:
  Reader(std::string_view text, const Json5Limits& limits) : s_(text), limits_(limits) {}

  nlohmann::json document() {
    skipSpace();
    if (atEnd()) fail("no value: the text is empty");
    nlohmann::json value = parseValue(0);
    skipSpace();
    if (!atEnd()) fail("unexpected " + describe(i_) + " after the value");
    return value;
  }

 private:
  bool atEnd() const { return i_ >= s_.size(); }
  char peek(std::size_t ahead = 0) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
  [[noreturn]] void fail(std::string what) const { throw SyntaxError{i_, std::move(what)}; }
  [[noreturn]] void failAt(std::size_t at, std::string what) const {
    throw SyntaxError{at, std::move(what)};
  }

  std::string describe(std::size_t at) const {
    if (at >= s_.size()) return "end of text";
    const auto c = static_cast<unsigned char>(s_[at]);
    if (c >= 0x21 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
    static constexpr char kHex[] = "0123456789abcdef";
    return std::string("byte 0x") + kHex[c >> 4] + kHex[c & 15];
  }

  void skipSpace() {
    while (!atEnd()) {
      if (const std::size_t n = spaceLength(s_, i_)) {
        i_ += n;
      } else if (peek() == '/' && peek(1) == '/') {
        while (!atEnd() && !isLineEnd(s_, i_)) ++i_;
      } else if (peek() == '/' && peek(1) == '*') {
        const std::size_t end = s_.find("*/", i_ + 2);
        if (end == std::string_view::npos) fail("unterminated comment");
        i_ = end + 2;
      } else {
        return;
      }
    }
  }

  nlohmann::json parseValue(std::size_t depth) {
    const char c = peek();
    if (c == '{' || c == '[') {
      if (depth >= limits_.maxDepth) {
        fail("nesting deeper than " + std::to_string(limits_.maxDepth));
      }
      return c == '{' ? parseObject(depth + 1) : parseArray(depth + 1);
    }
    if (c == '"' || c == '\'') return parseString();
    if (c == '+' || c == '-' || c == '.' || isDigit(c) || c == 'I' || c == 'N') {
      return parseNumber();
    }
    if (word("true")) return true;
    if (word("false")) return false;
    if (word("null")) return nullptr;
    fail("unexpected " + describe(i_));
  }

  bool word(std::string_view w) {
    if (s_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }

  nlohmann::json parseObject(std::size_t depth) {
    nlohmann::json object = nlohmann::json::object();
    ++i_;  // '{'
    for (;;) {
      skipSpace();
      if (peek() == '}') break;
      std::string key = parseKey();
      skipSpace();
      if (peek() != ':') fail("expected ':' after a key, found " + describe(i_));
      ++i_;
      skipSpace();
      object[std::move(key)] = parseValue(depth);
      skipSpace();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      if (peek() != '}') fail("expected ',' or '}', found " + describe(i_));
      break;
    }
    ++i_;  // '}'
    return object;
  }

  nlohmann::json parseArray(std::size_t depth) {
    nlohmann::json array = nlohmann::json::array();
    ++i_;  // '['
    for (;;) {
      skipSpace();
      if (peek() == ']') break;
      array.push_back(parseValue(depth));
      skipSpace();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      if (peek() != ']') fail("expected ',' or ']', found " + describe(i_));
      break;
    }
    ++i_;  // ']'
    return array;
  }

  std::string parseKey() {
    if (peek() == '"' || peek() == '\'') return parseString();
    const auto first = static_cast<unsigned char>(peek());
    if (atEnd() || !(isIdentifierStart(first) || peek() == '\\')) {
      fail("expected a key, found " + describe(i_));
    }
    std::string key;
    while (!atEnd()) {
      const auto c = static_cast<unsigned char>(peek());
      if (c == '\\') {
        // Identifiers may spell a character as \uXXXX.
        if (peek(1) != 'u') fail("invalid escape in a key");
        i_ += 2;
        keyEscape(key);
      } else if (c >= 0x80 && spaceLength(s_, i_) != 0) {
        break;  // Unicode white space ends the key, as ASCII space does
      } else if (c >= 0x80) {
        const std::size_t n = utf8Length(s_, i_);
        if (n == 0) fail("invalid UTF-8 in a key");
        key.append(s_.substr(i_, n));
        i_ += n;
      } else if (isIdentifierPart(c)) {
        key += static_cast<char>(c);
        ++i_;
      } else {
        break;
      }
    }
    return key;
  }

  // JavaScript takes only identifier characters here; a surrogate (no UTF-8 form), white
  // space or an ASCII character that is not a letter, digit, '_' or '$' is refused.
  void keyEscape(std::string& key) {
    const std::size_t at = i_ - 2;
    const std::uint32_t cp = readHex(4);
    std::string ch;
    appendUtf8(ch, cp);
    const bool ascii = cp < 0x80;
    const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    if ((ascii && !isIdentifierPart(static_cast<unsigned char>(cp))) ||
        (!ascii && (surrogate || spaceLength(ch, 0) != 0))) {
      failAt(at, "invalid escape in a key");
    }
    key += ch;
  }

  std::uint32_t readHex(std::size_t digits) {
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < digits; ++k) {
      if (!isHex(peek())) fail("invalid escape: expected a hexadecimal digit");
      v = (v << 4) | static_cast<std::uint32_t>(hexValue(peek()));
      ++i_;
    }
    return v;
  }

  std::string parseString() {
    const char quote = peek();
    const std::size_t start = i_;
    ++i_;
    std::string out;
    for (;;) {
      if (atEnd()) failAt(start, "unterminated string");
      const char c = peek();
      if (c == quote) {
        ++i_;
        return out;
      }
      if (c == '\n' || c == '\r') fail("unterminated string (a line break in a string)");
      if (c == '\\') {
        ++i_;
        escape(out);
      } else if (static_cast<unsigned char>(c) >= 0x80) {
        const std::size_t n = utf8Length(s_, i_);
        // Bytes that are not UTF-8 become U+FFFD, as a UTF-8 decoder reading the file would.
        out.append(n == 0 ? kReplacement : s_.substr(i_, n));
        i_ += n == 0 ? 1 : n;
      } else {
        out += c;
        ++i_;
      }
    }
  }

  void escape(std::string& out) {
    if (atEnd()) fail("unterminated string");
    const char c = peek();
    ++i_;
    switch (c) {
      case 'b':
        out += '\b';
        return;
      case 'f':
        out += '\f';
        return;
      case 'n':
        out += '\n';
        return;
      case 'r':
        out += '\r';
        return;
      case 't':
        out += '\t';
        return;
      case 'v':
        out += '\v';
        return;
      case '0':
        if (isDigit(peek())) fail("invalid escape: \\0 followed by a digit");
        out += '\0';
        return;
      case 'x':
        appendUtf8(out, readHex(2));
        return;
      case 'u':
        return unicodeEscape(out);
      case '\r':
        if (peek() == '\n') ++i_;
        return;  // a line continuation
      case '\n':
        return;
      default:
        break;
    }
    if (isDigit(c)) failAt(i_ - 1, "invalid escape: \\" + std::string(1, c));
    --i_;
    if (isLineEnd(s_, i_)) {
      i_ += 3;  // U+2028 or U+2029: a line continuation too
      return;
    }
    // Any other character stands for itself (\' \" \\ \/ and the rest).
    const std::size_t n = static_cast<unsigned char>(c) >= 0x80 ? utf8Length(s_, i_) : 1;
    out.append(n == 0 ? kReplacement : s_.substr(i_, n));
    i_ += n == 0 ? 1 : n;
  }

  void unicodeEscape(std::string& out) {
    std::uint32_t cp = readHex(4);
    if (cp >= 0xD800 && cp <= 0xDBFF && peek() == '\\' && peek(1) == 'u') {
      const std::size_t back = i_;
      i_ += 2;
      const std::uint32_t low = readHex(4);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        appendUtf8(out, 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00));
        return;
      }
      i_ = back;  // not a pair: the lone high surrogate stands alone
    }
    // A lone surrogate has no UTF-8 form.
    appendUtf8(out, cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp);
  }

  nlohmann::json parseNumber() {
    const std::size_t start = i_;
    bool negative = false;
    if (peek() == '+' || peek() == '-') {
      negative = peek() == '-';
      ++i_;
    }
    if (word("Infinity")) {
      return negative ? -std::numeric_limits<double>::infinity()
                      : std::numeric_limits<double>::infinity();
    }
    if (word("NaN")) return std::numeric_limits<double>::quiet_NaN();
    if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) return parseHex(negative);
    return parseDecimal(start, negative);
  }

  nlohmann::json parseHex(bool negative) {
    i_ += 2;
    if (!isHex(peek())) fail("expected a hexadecimal digit");
    std::uint64_t v = 0;
    double big = 0;
    bool overflow = false;
    while (isHex(peek())) {
      const int d = hexValue(peek());
      if (!overflow && v > (std::numeric_limits<std::uint64_t>::max() >> 4)) {
        overflow = true;
        big = static_cast<double>(v);
      }
      if (overflow) {
        big = big * 16 + d;
      } else {
        v = (v << 4) | static_cast<std::uint64_t>(d);
      }
      ++i_;
    }
    if (overflow) return negative ? -big : big;
    return integer(v, negative);
  }

  static nlohmann::json integer(std::uint64_t magnitude, bool negative) {
    if (!negative) return magnitude;
    constexpr auto kMin = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1;
    if (magnitude < kMin) return -static_cast<std::int64_t>(magnitude);
    if (magnitude == kMin) return std::numeric_limits<std::int64_t>::min();
    return -static_cast<double>(magnitude);
  }

  nlohmann::json parseDecimal(std::size_t start, bool negative) {
    const std::size_t digitsStart = i_;
    if (peek() == '0' && isDigit(peek(1))) fail("a number may not start with 0");
    while (isDigit(peek())) ++i_;
    bool fraction = false;
    const bool intDigits = i_ > digitsStart;
    if (peek() == '.') {
      fraction = true;
      ++i_;
      const std::size_t f = i_;
      while (isDigit(peek())) ++i_;
      if (!intDigits && i_ == f) failAt(start, "expected a digit");
    } else if (!intDigits) {
      failAt(start, "unexpected " + describe(start));
    }
    bool exponent = false;
    if (peek() == 'e' || peek() == 'E') {
      exponent = true;
      ++i_;
      if (peek() == '+' || peek() == '-') ++i_;
      if (!isDigit(peek())) fail("expected a digit in the exponent");
      while (isDigit(peek())) ++i_;
    }
    const std::string_view digits = s_.substr(digitsStart, i_ - digitsStart);
    if (!fraction && !exponent) {
      std::uint64_t v = 0;
      bool fits = digits.size() <= 20;
      for (char d : digits) {
        const auto digit = static_cast<std::uint64_t>(d - '0');
        if (!fits || v > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
          fits = false;
          break;
        }
        v = v * 10 + digit;
      }
      if (fits) return integer(v, negative);
    }
    // strtod needs a terminated copy; out of range it gives ±HUGE_VAL (infinity) or 0, as
    // JavaScript does, and never an exception.  The daemons never change the C locale.
    const std::string copy(digits);
    const double v = std::strtod(copy.c_str(), nullptr);
    return negative ? -v : v;
  }

  std::string_view s_;
  const Json5Limits& limits_;
  std::size_t i_ = 0;
};

std::string positionText(std::string_view text, std::size_t at) {
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < at && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

Expected<nlohmann::json, std::string> parseJson5(std::string_view text, const Json5Limits& limits) {
  if (text.size() > limits.maxBytes) {
    return Unexpected<std::string>{"larger than " + std::to_string(limits.maxBytes) + " bytes"};
  }
  try {
    return Reader(text, limits).document();
  } catch (const SyntaxError& e) {
    return Unexpected<std::string>{"not valid JSON5 at " + positionText(text, e.at) + ": " +
                                   e.what};
  } catch (const std::bad_alloc&) {
    return Unexpected<std::string>{"not enough memory to read it"};
  } catch (const std::exception& e) {
    // nlohmann's containers may throw only on misuse; nothing may escape to the loop.
    return Unexpected<std::string>{std::string("cannot read it: ") + e.what()};
  }
}

}  // namespace openclaw

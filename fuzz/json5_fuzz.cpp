// A bot's config as the supervisor reads it: parseJson5 on bytes a bot container can write,
// with the default limits.  Properties, from the reader's contract: it never throws; what it
// returns can always be dumped (invalid UTF-8 became U+FFFD); its errors are printable ASCII
// and name a line.  And, against nlohmann's own parser: the dump, which is plain JSON, reads
// back through parseJson5 as the same document as through nlohmann::json::parse.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "openclaw/json5_reader.h"

using openclaw::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto doc = openclaw::parseJson5(text);
  if (!doc) {
    for (const char c : doc.error()) require(c >= 0x20 && c < 0x7f, "errors are printable ASCII");
    require(doc.error().find("line ") != std::string::npos, "an error names its line");
    return 0;
  }
  const std::string dumped = doc->dump();
  const auto again = openclaw::parseJson5(dumped);
  require(again.ok(), "the dump of a document reads back");
  require(*again == nlohmann::json::parse(dumped), "JSON reads as nlohmann reads it");
  return 0;
}

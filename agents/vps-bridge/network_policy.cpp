#include "network_policy.h"

#include <curl/curl.h>

#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <memory>

namespace openclaw::bridge {
namespace {

using Bytes = std::array<unsigned char, 16>;

// IPv4 blocks are kept in their IPv4-mapped form, ::ffff:0:0/96, so one comparison serves both.
constexpr unsigned kMappedPrefix = 96;

struct Refused {
  const char* network;
  const char* why;
};

// Refused whatever allow_register says.  Metadata services first: their reason is the one an
// operator needs to read.
constexpr Refused kAlwaysRefused[] = {
    {"169.254.169.254/32", "is a cloud metadata address"},
    {"100.100.100.200/32", "is a cloud metadata address"},
    {"168.63.129.16/32", "is a cloud metadata address"},
    {"fd00:ec2::254/128", "is a cloud metadata address"},
    {"169.254.0.0/16", "is link-local"},
    {"fe80::/10", "is link-local"},
    {"0.0.0.0/8", "is unspecified"},
    {"::/128", "is unspecified"},
    {"224.0.0.0/4", "is multicast"},
    {"ff00::/8", "is multicast"},
    {"255.255.255.255/32", "is broadcast"},
};

Bytes mapped(const boost::asio::ip::address& a) {
  if (a.is_v6()) {
    const auto v6 = a.to_v6();
    if (v6.is_v4_mapped()) {
      return mapped(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6));
    }
    return v6.to_bytes();
  }
  Bytes b{};
  b[10] = 0xff;
  b[11] = 0xff;
  const auto v4 = a.to_v4().to_bytes();
  std::copy(v4.begin(), v4.end(), b.begin() + 12);
  return b;
}

}  // namespace

std::optional<Bytes> parseAddress(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return mapped(a);
}

Expected<Network, std::string> parseNetwork(std::string_view text) {
  const auto slash = text.find('/');
  const std::string_view host = text.substr(0, slash);
  const auto bytes = parseAddress(host);
  if (!bytes) return Unexpected<std::string>{"\"" + std::string(text) + "\" is not an address"};
  const bool v4 = host.find(':') == std::string_view::npos;
  Network n;
  n.bytes = *bytes;
  n.text = std::string(text);
  if (slash == std::string_view::npos) return n;
  const std::string_view bits = text.substr(slash + 1);
  unsigned prefix = 0;
  const auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
  const unsigned max = v4 ? 32 : 128;
  if (ec != std::errc() || end != bits.data() + bits.size() || bits.empty() || prefix > max) {
    return Unexpected<std::string>{"\"" + std::string(text) + "\" has no prefix length 0-" +
                                   std::to_string(max)};
  }
  n.prefix = v4 ? kMappedPrefix + prefix : prefix;
  return n;
}

bool contains(const Network& network, const Bytes& address) {
  unsigned left = network.prefix;
  for (std::size_t i = 0; i < address.size() && left > 0; ++i) {
    const unsigned take = left >= 8 ? 8 : left;
    const auto mask = static_cast<unsigned char>(0xff << (8 - take));
    if ((address[i] & mask) != (network.bytes[i] & mask)) return false;
    left -= take;
  }
  return true;
}

Expected<std::string, std::string> urlHost(const std::string& url) {
  // libcurl's own parser: the host judged is the host libcurl connects to.
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), curl_url_cleanup);
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return Unexpected<std::string>{"not a URL"};
  }
  char* scheme = nullptr;
  char* host = nullptr;
  const bool ok = curl_url_get(u.get(), CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
                  curl_url_get(u.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK;
  std::unique_ptr<char, decltype(&curl_free)> schemeText(scheme, curl_free),
      hostText(host, curl_free);
  if (!ok) return Unexpected<std::string>{"has no scheme or host"};
  const std::string s = scheme;
  if (s != "http" && s != "https") return Unexpected<std::string>{"is not http or https"};
  return std::string(host);
}

std::optional<std::string> refuseRegistration(std::string_view address,
                                              const std::vector<Network>& allowed) {
  const auto bytes = parseAddress(address);
  if (!bytes) {
    return std::string(address) +
           " is not an IP address: register by address (a name could resolve elsewhere later)";
  }
  for (const auto& r : kAlwaysRefused) {
    if (contains(*parseNetwork(r.network), *bytes)) return std::string(address) + " " + r.why;
  }
  if (allowed.empty()) {
    return std::string(
        "registration is off: list the networks agents may be registered from "
        "in allow_register");
  }
  for (const auto& n : allowed) {
    if (contains(n, *bytes)) return std::nullopt;
  }
  return std::string(address) + " is in no network allow_register lists";
}

}  // namespace openclaw::bridge

// Which remote addresses the bridge may be asked to call.
//
// Registering an agent over REST makes the host send requests to an address a client chose,
// so registration is off unless the config lists networks in `allow_register`, and some
// addresses are refused whatever the list says: unspecified, loopback-looking tricks aside
// (loopback is allowed only when listed), link-local (169.254.0.0/16, fe80::/10: the cloud
// metadata services live there), the other metadata addresses clouds use (100.100.100.200,
// 168.63.129.16, fd00:ec2::254), multicast and broadcast.  An IPv4-mapped IPv6 address is
// judged as the IPv4 address it carries.  Only literal addresses are judged: a name could
// resolve elsewhere tomorrow, so registration takes addresses, not names.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openclaw/result.h"

namespace openclaw::bridge {

// An address block, "10.0.0.0/8", "192.168.1.7" (one address) or "fd00::/8".
struct Network {
  std::array<unsigned char, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
  unsigned prefix = 128;                  // in IPv6 terms (IPv4 /8 is 104)
  std::string text;
};

Expected<Network, std::string> parseNetwork(std::string_view text);
// The address as bytes (IPv4 mapped), or nothing when `text` is not a literal address.
std::optional<std::array<unsigned char, 16>> parseAddress(std::string_view text);
bool contains(const Network& network, const std::array<unsigned char, 16>& address);

// The host part of an http(s) URL as libcurl will read it ("[::1]" for IPv6), or why not.
Expected<std::string, std::string> urlHost(const std::string& url);

// Why `address` may not be registered, or nothing when it may.
std::optional<std::string> refuseRegistration(std::string_view address,
                                              const std::vector<Network>& allowed);

}  // namespace openclaw::bridge

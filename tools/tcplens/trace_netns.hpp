// The network namespace `tcplens trace` runs its command in (as nsntrace does): a namespace
// of its own joined to this one by a veth pair, with a default route through it and the
// command's traffic masqueraded (nftables) to wherever this host can reach. Everything the
// command and its children send or receive crosses the veth, and nothing else does, so a
// capture on it holds exactly their traffic.
//
// Made with iproute2 and nft (run as root); removed by the destructor, and by the next trace
// if a killed one left it behind.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace tcplens::cli {

class TraceNamespace {
 public:
  // Makes the namespace; false (and `error`) when it cannot.
  bool create(std::string& error);
  ~TraceNamespace();

  const std::string& name() const { return name_; }
  const std::string& inner_interface() const { return inner_; }  // in the namespace
  const std::string& inner_address() const { return inner_address_; }
  // Runs `fn` with this thread inside the namespace (opening a capture there), then returns.
  bool run_inside(const std::function<bool()>& fn, std::string& error) const;
  // Starts `argv` inside the namespace as `user` ("" : as we are); returns its pid or -1.
  int spawn(const std::vector<std::string>& argv, const std::string& user, std::string& error) const;

 private:
  void destroy();
  std::string name_, outer_, inner_, table_;
  std::string outer_address_, inner_address_;
  bool made_ = false;
  bool forwarding_was_on_ = true;
};

}  // namespace tcplens::cli

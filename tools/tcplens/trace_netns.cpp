#include "trace_netns.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>

#include "cli_common.hpp"

namespace tcplens::cli {

namespace {

constexpr const char* kPrefix = "tcplens-trace-";
constexpr const char* kForwarding = "/proc/sys/net/ipv4/ip_forward";

// Runs a command, its output discarded (or `input` fed to it); its exit status, -1 if it
// could not run.
int run(const std::vector<std::string>& argv, const std::string& input = {}) {
  int in[2] = {-1, -1};
  if (!input.empty() && ::pipe2(in, O_CLOEXEC) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (in[0] >= 0) ::dup2(in[0], 0);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  if (in[0] >= 0) {
    ::close(in[0]);
    [[maybe_unused]] ssize_t n = ::write(in[1], input.data(), input.size());
    ::close(in[1]);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ipv4(unsigned a, unsigned b, unsigned c, unsigned d) {
  return std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c) + "." + std::to_string(d);
}

// Namespaces and nft tables of traces whose process is gone (killed before it cleaned up).
void remove_stale() {
  DIR* dir = ::opendir("/run/netns");
  if (dir == nullptr) return;
  while (const dirent* e = ::readdir(dir)) {
    const std::string name = e->d_name;
    if (name.rfind(kPrefix, 0) != 0) continue;
    const int pid = std::atoi(name.c_str() + std::strlen(kPrefix));
    if (pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM)) continue;
    run({"ip", "netns", "del", name});
    run({"nft", "delete", "table", "ip", "tcplens_trace_" + std::to_string(pid)});
  }
  ::closedir(dir);
}

}  // namespace

bool TraceNamespace::create(std::string& error) {
  remove_stale();
  const int pid = ::getpid();
  name_ = kPrefix + std::to_string(pid);
  outer_ = "tlh" + std::to_string(pid % 1000000);
  inner_ = "tli" + std::to_string(pid % 1000000);
  table_ = "tcplens_trace_" + std::to_string(pid);
  // A /30 of 10.254.0.0/16 chosen by the pid, so that traces side by side do not collide.
  const unsigned n = static_cast<unsigned>(pid) % 16384;
  outer_address_ = ipv4(10, 254, n / 64, (n % 64) * 4 + 1);
  inner_address_ = ipv4(10, 254, n / 64, (n % 64) * 4 + 2);
  const std::vector<std::vector<std::string>> steps = {
      {"ip", "netns", "add", name_},
      // No IPv6 (not routed out yet), so no router solicitations or MLD reports in the trace.
      {"ip", "netns", "exec", name_, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"},
      {"ip", "netns", "exec", name_, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1"},
      {"ip", "link", "add", outer_, "type", "veth", "peer", "name", inner_, "netns", name_},
      {"sysctl", "-qw", "net.ipv6.conf." + outer_ + ".disable_ipv6=1"},
      {"ip", "addr", "add", outer_address_ + "/30", "dev", outer_},
      {"ip", "link", "set", outer_, "up"},
      {"ip", "-n", name_, "link", "set", "lo", "up"},
      {"ip", "-n", name_, "addr", "add", inner_address_ + "/30", "dev", inner_},
      {"ip", "-n", name_, "link", "set", inner_, "up"},
      {"ip", "-n", name_, "route", "add", "default", "via", outer_address_},
  };
  made_ = true;
  for (const auto& step : steps) {
    if (run(step) != 0) {
      std::string line;
      for (const auto& w : step) line += (line.empty() ? "" : " ") + w;
      error = "trace: could not make its network namespace (`" + line + "` failed; root and iproute2 are needed)";
      destroy();
      return false;
    }
  }
  std::ifstream in(kForwarding);
  int forwarding = 1;
  in >> forwarding;
  forwarding_was_on_ = forwarding != 0;
  if (!forwarding_was_on_) {
    std::ofstream out(kForwarding);
    out << "1\n";
  }
  const std::string rules = "table ip " + table_ +
                            " {\n"
                            "  chain post { type nat hook postrouting priority 100; ip saddr " +
                            inner_address_ +
                            " masquerade; }\n"
                            "}\n";
  if (run({"nft", "-f", "-"}, rules) != 0) {
    error = "trace: could not set up NAT for its namespace (nft failed; the nftables package is needed)";
    destroy();
    return false;
  }
  return true;
}

TraceNamespace::~TraceNamespace() { destroy(); }

void TraceNamespace::destroy() {
  if (!made_) return;
  made_ = false;
  run({"nft", "delete", "table", "ip", table_});
  run({"ip", "netns", "del", name_});  // (takes the veth pair with it)
  run({"ip", "link", "del", outer_});
  if (!forwarding_was_on_) {
    std::ofstream out(kForwarding);
    out << "0\n";
  }
}

bool TraceNamespace::run_inside(const std::function<bool()>& fn, std::string& error) const {
  const int target = ::open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
  const int home = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (target < 0 || home < 0 || ::setns(target, CLONE_NEWNET) != 0) {
    error = std::string("trace: cannot enter its network namespace: ") + std::strerror(errno);
    if (target >= 0) ::close(target);
    if (home >= 0) ::close(home);
    return false;
  }
  const bool ok = fn();
  ::setns(home, CLONE_NEWNET);
  ::close(target);
  ::close(home);
  return ok;
}

int TraceNamespace::spawn(const std::vector<std::string>& argv, const std::string& user,
                          std::string& error) const {
  const int target = ::open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    error = std::string("trace: cannot open its network namespace: ") + std::strerror(errno);
    return -1;
  }
  int report[2];  // the child's exec failure, if any
  if (::pipe2(report, O_CLOEXEC) != 0) {
    error = std::string("trace: pipe: ") + std::strerror(errno);
    ::close(target);
    return -1;
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(report[0]);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXFSZ}) ::signal(sig, SIG_DFL);
    std::string why;
    if (::setns(target, CLONE_NEWNET) != 0) {
      why = std::string("cannot enter the namespace: ") + std::strerror(errno);
    } else if (!user.empty() && !drop_privileges(user, why)) {
    } else {
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      why = argv[0] + ": " + std::strerror(errno);
    }
    [[maybe_unused]] ssize_t n = ::write(report[1], why.data(), why.size());
    ::_exit(127);
  }
  ::close(target);
  ::close(report[1]);
  if (pid < 0) {
    error = std::string("trace: fork: ") + std::strerror(errno);
    ::close(report[0]);
    return -1;
  }
  char buf[512];
  const ssize_t n = ::read(report[0], buf, sizeof buf);
  ::close(report[0]);
  if (n > 0) {
    error = "trace: " + std::string(buf, static_cast<std::size_t>(n));
    ::waitpid(pid, nullptr, 0);
    return -1;
  }
  return pid;
}

}  // namespace tcplens::cli

// --proxy-route: the in-sandbox end of the network proxy (docs/platforms/linux.md "Proxied
// network"). The sandbox has a network namespace of its own, so the command's only reachable
// addresses are on lo; the host's proxy listens on unix sockets bound into the sandbox. The relay
// joins the two: it listens on 127.0.0.1:PORT (and [::1]:PORT where IPv6 exists) and copies the
// bytes of each accepted connection to and from a fresh connection to the route's unix socket.
// The proxy then decides per request; the relay knows nothing of hosts or rules.
//
// Order (helper-main.cc): after prepare_reaper, so the relay is a child of the reaper (killed with
// every other descendant when the command ends, and by PID 1's end of the PID namespace) and
// inherits PR_SET_DUMPABLE 0 (the command, same uid, cannot open /proc/<relay>/mem and borrow a
// process that may create unix sockets); before Landlock and seccomp, which the relay must not
// share: the command's filter denies AF_UNIX. The relay instead gives up its capabilities, sets
// no_new_privs and installs the base filter (no ptrace, io_uring, bpf, ...) of the enabled mode.
//
// Before anything listens, the namespace must hold nothing but loopback devices: proxied seccomp
// allows inet sockets, which in the host's namespace would be the open network. bubblewrap
// (--unshare-net) brings lo up itself; the helper's own namespaces bring it up here.
//
// The relay is one process and one poll loop. Its tables are mapped before the fork, so it never
// allocates; when every slot is taken it stops accepting until one frees (the kernel's backlog
// holds the rest).
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/netlink.h>
#include <linux/prctl.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/un.h>

#include "helper-config.h"
#include "helper-die.h"
#include "helper-sys.h"

namespace {

constexpr int kSockNonblock = 04000;
constexpr int kSockCloexec = 02000000;
constexpr int kMsgNoSignal = 0x4000;
constexpr int kShutWr = 1;
constexpr int kSolIpv6 = 41;
constexpr int kIpprotoTcp = 6;
constexpr int kTcpNodelay = 1;
constexpr int kIpv6V6only = 26;
constexpr short kPollIn = 0x1;
constexpr short kPollOut = 0x4;
constexpr short kPollErr = 0x8;
constexpr short kPollHup = 0x10;

// <linux/if.h> pulls in the C library's socket headers, which this freestanding helper has not:
// the two flags and the part of struct ifreq SIOC[GS]IFFLAGS use, in the kernel's layout.
constexpr unsigned kIffUp = 0x1;
constexpr unsigned kIffLoopback = 0x8;
struct InterfaceFlags {
  char name[16];
  short flags;
  char pad[22];  // the rest of struct ifreq's union
};

constexpr size_t kMaxListeners = 2 * kMaxProxyRoutes;
// Two descriptors each, within the usual soft limit of 1024 descriptors.
constexpr size_t kMaxConnections = 480;
constexpr size_t kBufferSize = 16384;

// One direction of a connection: bytes read from `from` and not yet written to `to`.
struct Flow {
  char* buf;
  uint32_t len;
  uint32_t off;
  bool eof;   // `from` reached end of file
  bool shut;  // and `to` was told (shutdown SHUT_WR) once everything was written
};

struct Connection {
  int client;    // accepted on a loopback listener
  int upstream;  // connected to the route's unix socket
  Flow up;       // client -> upstream
  Flow down;     // upstream -> client
  int client_slot;
  int upstream_slot;
};

struct Listener {
  int fd;
  const char* socket_path;
};

struct Relay {
  Listener listeners[kMaxListeners];
  size_t listener_count;
  Connection* connections;  // kMaxConnections, client < 0 when free
  size_t active;
  SysPollfd* polls;  // kMaxListeners + 2 * kMaxConnections
  SeccompProgram filter;
};

Relay g_relay;

// A loopback-only namespace: every link a RTM_GETLINK dump lists has IFF_LOOPBACK.
void check_loopback_only() {
  const int fd = sys_socket(kAfNetlink, kSockRaw | kSockCloexec, NETLINK_ROUTE);
  if (fd < 0) die_errno("socket", "AF_NETLINK NETLINK_ROUTE");
  struct {
    nlmsghdr header;
    ifinfomsg link;
  } request = {};
  request.header.nlmsg_len = sizeof(request);
  request.header.nlmsg_type = RTM_GETLINK;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.header.nlmsg_seq = 1;
  if (sys_send(fd, &request, sizeof(request), 0) != static_cast<long>(sizeof(request))) die_errno("sendto", "RTM_GETLINK");
  alignas(nlmsghdr) char buf[8192];
  for (;;) {
    const long n = sys_read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      die_errno("recv", "RTM_GETLINK");
    }
    if (n == 0) die("RTM_GETLINK: netlink closed before the end of the link dump");
    int left = static_cast<int>(n);
    for (nlmsghdr* msg = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(msg, left); msg = NLMSG_NEXT(msg, left)) {
      if (msg->nlmsg_type == NLMSG_DONE) {
        sys_close(fd);
        return;
      }
      if (msg->nlmsg_type == NLMSG_ERROR) {
        errno = -reinterpret_cast<nlmsgerr*>(NLMSG_DATA(msg))->error;
        die_errno("netlink", "RTM_GETLINK");
      }
      if (msg->nlmsg_type != RTM_NEWLINK) continue;
      const ifinfomsg* link = reinterpret_cast<const ifinfomsg*>(NLMSG_DATA(msg));
      if ((link->ifi_flags & kIffLoopback) == 0) {
        die("--network proxied found a network device besides loopback: the command would reach the network without the proxy; run it in a "
            "network namespace of its own");
      }
    }
  }
}

// lo starts down in a new network namespace; bringing it up also gives it 127.0.0.1 and ::1.
void bring_loopback_up() {
  const int fd = sys_socket(kAfInet, kSockDgram | kSockCloexec, 0);
  if (fd < 0) die_errno("socket", "AF_INET SOCK_DGRAM for SIOCGIFFLAGS");
  InterfaceFlags request = {};
  memcpy(request.name, "lo", 3);
  if (sys_ioctl(fd, SIOCGIFFLAGS, sys_arg(&request)) != 0) die_errno("ioctl", "SIOCGIFFLAGS lo");
  if ((request.flags & kIffUp) == 0) {
    request.flags = static_cast<short>(request.flags | kIffUp);
    if (sys_ioctl(fd, SIOCSIFFLAGS, sys_arg(&request)) != 0) die_errno("ioctl", "SIOCSIFFLAGS lo up");
  }
  sys_close(fd);
}

uint16_t network_order(uint16_t port) { return static_cast<uint16_t>((port >> 8) | (port << 8)); }

void add_listener(int fd, const char* socket_path) {
  if (sys_listen(fd, 128) != 0) die_errno("listen", socket_path);
  g_relay.listeners[g_relay.listener_count++] = Listener{fd, socket_path};
}

void listen_ipv4(const ProxyRoute* route) {
  const int fd = sys_socket(kAfInet, kSockStream | kSockNonblock | kSockCloexec, 0);
  if (fd < 0) die_errno("socket", "AF_INET for --proxy-route");
  sockaddr_in addr = {};
  addr.sin_family = kAfInet;
  addr.sin_port = network_order(route->port);
  unsigned char* ip = reinterpret_cast<unsigned char*>(&addr.sin_addr);
  ip[0] = 127;
  ip[3] = 1;
  if (sys_bind(fd, &addr, sizeof(addr)) != 0) die_errno("bind", "127.0.0.1 for --proxy-route");
  add_listener(fd, route->socket_path);
}

// [::1] too, so a client that resolves localhost to ::1 first reaches the relay. Skipped only
// where IPv6 is absent (EAFNOSUPPORT: no IPv6 in the kernel; EADDRNOTAVAIL: disabled on lo).
void listen_ipv6(const ProxyRoute* route) {
  const int fd = sys_socket(kAfInet6, kSockStream | kSockNonblock | kSockCloexec, 0);
  if (fd < 0) {
    if (errno == EAFNOSUPPORT) return;
    die_errno("socket", "AF_INET6 for --proxy-route");
  }
  const int on = 1;
  if (sys_setsockopt(fd, kSolIpv6, kIpv6V6only, &on, sizeof(on)) != 0) die_errno("setsockopt", "IPV6_V6ONLY");
  sockaddr_in6 addr = {};
  addr.sin6_family = kAfInet6;
  addr.sin6_port = network_order(route->port);
  addr.sin6_addr.s6_addr[15] = 1;  // ::1
  if (sys_bind(fd, &addr, sizeof(addr)) != 0) {
    if (errno == EADDRNOTAVAIL) {
      sys_close(fd);
      return;
    }
    die_errno("bind", "[::1] for --proxy-route");
  }
  add_listener(fd, route->socket_path);
}

void close_connection(Connection* c) {
  sys_close(c->client);
  sys_close(c->upstream);
  c->client = -1;
  c->upstream = -1;
  --g_relay.active;
}

// A blocking connect: a unix stream connect waits only while the proxy's backlog is full.
int connect_upstream(const char* path) {
  const int fd = sys_socket(kAfUnix, kSockStream | kSockCloexec, 0);
  if (fd < 0) {
    warn_errno("socket", "AF_UNIX for the proxy relay");
    return -1;
  }
  sockaddr_un addr = {};
  addr.sun_family = kAfUnix;
  memcpy(addr.sun_path, path, strlen(path) + 1);
  int rc;
  do {
    rc = sys_connect(fd, &addr, sizeof(addr));
  } while (rc != 0 && errno == EINTR);
  if (rc != 0 || sys_fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
    warn_errno("connect", path);
    sys_close(fd);
    return -1;
  }
  return fd;
}

// Returns false when every slot is taken or the process is out of descriptors.
bool accept_one(const Listener* listener) {
  Connection* slot = nullptr;
  for (size_t i = 0; i < kMaxConnections && slot == nullptr; ++i) {
    if (g_relay.connections[i].client < 0) slot = &g_relay.connections[i];
  }
  if (slot == nullptr) return false;
  const int client = sys_accept4(listener->fd, kSockNonblock | kSockCloexec);
  if (client < 0) {
    if (errno == EMFILE || errno == ENFILE) return false;
    // EAGAIN: another wake-up took it; ECONNABORTED: the client gave up first.
    if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) warn_errno("accept4", "proxy relay");
    return true;
  }
  // The relay forwards whatever arrives at once; Nagle's algorithm would hold back a small TLS
  // record until the client acknowledged the last one (a delayed ACK away).
  const int on = 1;
  if (sys_setsockopt(client, kIpprotoTcp, kTcpNodelay, &on, sizeof(on)) != 0) warn_errno("setsockopt", "TCP_NODELAY");
  const int upstream = connect_upstream(listener->socket_path);
  if (upstream < 0) {
    sys_close(client);
    return true;
  }
  slot->client = client;
  slot->upstream = upstream;
  slot->up.len = slot->up.off = 0;
  slot->down.len = slot->down.off = 0;
  slot->up.eof = slot->up.shut = slot->down.eof = slot->down.shut = false;
  ++g_relay.active;
  return true;
}

// One step of one direction. Returns false when the connection is broken.
bool pump(Flow* flow, int from, int to, short from_events, short to_events) {
  if (flow->len == 0 && !flow->eof && (from_events & (kPollIn | kPollHup | kPollErr)) != 0) {
    const long n = sys_read(from, flow->buf, kBufferSize);
    if (n > 0) {
      flow->len = static_cast<uint32_t>(n);
      flow->off = 0;
    } else if (n == 0) {
      flow->eof = true;
    } else if (errno != EAGAIN && errno != EINTR) {
      return false;
    }
  }
  if (flow->off < flow->len && (to_events & (kPollOut | kPollErr | kPollHup)) != 0) {
    const long n = sys_send(to, flow->buf + flow->off, flow->len - flow->off, kMsgNoSignal);
    if (n > 0) {
      flow->off += static_cast<uint32_t>(n);
      if (flow->off == flow->len) flow->len = flow->off = 0;
    } else if (errno != EAGAIN && errno != EINTR) {
      return false;
    }
  }
  if (flow->eof && flow->len == 0 && !flow->shut) {
    // ENOTCONN: the peer is already gone, which the other direction will find.
    if (sys_shutdown(to, kShutWr) != 0 && errno != ENOTCONN) return false;
    flow->shut = true;
  }
  return true;
}

short wanted(const Flow* reading, const Flow* writing) {
  short events = 0;
  if (reading->len == 0 && !reading->eof) events = static_cast<short>(events | kPollIn);
  if (writing->off < writing->len) events = static_cast<short>(events | kPollOut);
  return events;
}

// poll() ignores entries with a negative fd, so a side with nothing to wait for cannot wake the
// loop with a repeated POLLHUP.
int add_poll(size_t* count, int fd, short events) {
  SysPollfd* p = &g_relay.polls[*count];
  p->fd = events == 0 ? -1 : fd;
  p->events = events;
  p->revents = 0;
  return static_cast<int>((*count)++);
}

[[noreturn]] void run_relay() {
  bool accepting = true;
  for (;;) {
    size_t count = 0;
    for (size_t i = 0; i < g_relay.listener_count; ++i) add_poll(&count, g_relay.listeners[i].fd, accepting ? kPollIn : 0);
    for (size_t i = 0; i < kMaxConnections; ++i) {
      Connection* c = &g_relay.connections[i];
      if (c->client < 0) continue;
      c->client_slot = add_poll(&count, c->client, wanted(&c->up, &c->down));
      c->upstream_slot = add_poll(&count, c->upstream, wanted(&c->down, &c->up));
    }
    if (sys_ppoll(g_relay.polls, count) < 0) {
      if (errno == EINTR) continue;
      die_errno("ppoll", "proxy relay");
    }
    for (size_t i = 0; i < kMaxConnections; ++i) {
      Connection* c = &g_relay.connections[i];
      if (c->client < 0) continue;
      const short client_events = g_relay.polls[c->client_slot].revents;
      const short upstream_events = g_relay.polls[c->upstream_slot].revents;
      if (!pump(&c->up, c->client, c->upstream, client_events, upstream_events) ||
          !pump(&c->down, c->upstream, c->client, upstream_events, client_events) || (c->up.shut && c->down.shut)) {
        close_connection(c);
        accepting = true;
      }
    }
    for (size_t i = 0; i < g_relay.listener_count; ++i) {
      if ((g_relay.polls[i].revents & kPollIn) != 0 && !accept_one(&g_relay.listeners[i])) accepting = false;
    }
  }
}

[[noreturn]] void relay_child(int parent) {
  if (sys_prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) die_errno("prctl", "PR_SET_PDEATHSIG");
  if (sys_getppid() != parent) sys_exit_group(kExitSignalBase + SIGKILL);
  // The command's stdin and stdout are not the relay's; stderr stays for its one-line reports.
  sys_close(0);
  sys_close(1);
  if (sys_prctl(PR_SET_NO_NEW_PRIVS, 1) != 0) die_errno("prctl", "PR_SET_NO_NEW_PRIVS");
  drop_capabilities();
  apply_seccomp(&g_relay.filter);
  run_relay();
}

}  // namespace

void start_proxy_relay(const HelperConfig* config) {
  bring_loopback_up();
  check_loopback_only();
  for (size_t i = 0; i < config->route_count; ++i) {
    listen_ipv4(&config->routes[i]);
    listen_ipv6(&config->routes[i]);
  }
  const size_t poll_bytes = (kMaxListeners + 2 * kMaxConnections) * sizeof(SysPollfd);
  const size_t table_bytes = kMaxConnections * sizeof(Connection);
  char* block = static_cast<char*>(sys_alloc_zeroed(table_bytes + poll_bytes + 2 * kMaxConnections * kBufferSize, 1));
  if (block == nullptr) die_errno("mmap", "proxy relay tables");
  g_relay.connections = reinterpret_cast<Connection*>(block);
  g_relay.polls = reinterpret_cast<SysPollfd*>(block + table_bytes);
  char* buffers = block + table_bytes + poll_bytes;
  for (size_t i = 0; i < kMaxConnections; ++i) {
    Connection* c = &g_relay.connections[i];
    c->client = c->upstream = -1;
    c->up.buf = buffers + 2 * i * kBufferSize;
    c->down.buf = c->up.buf + kBufferSize;
  }
  build_seccomp_program(NetworkMode::kEnabled, false, &g_relay.filter);

  const int parent = sys_getpid();
  const int relay = sys_fork();
  if (relay < 0) die_errno("fork", "proxy relay");
  if (relay == 0) relay_child(parent);
  // The relay holds the listeners now; the command must not inherit them.
  for (size_t i = 0; i < g_relay.listener_count; ++i) sys_close(g_relay.listeners[i].fd);
}

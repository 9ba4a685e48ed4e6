// The host firmware simulator: the same portable core as the ESP32, polling a real daemon's
// GET /device over HTTP (POSIX sockets standing in for the ESP32's HTTPClient), then printing
// what the cluster would show. Used by the end-to-end test against a running daemon.
//   cluster_sim <host> <port> [settle_ms]
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/cluster.h"
#include "core/device_line.h"

namespace {

// One HTTP/1.0 GET; returns the body, or an empty string on any failure.
std::string get(const char* host, const char* port, const char* path) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host, port, &hints, &res) != 0 || !res) return "";
  const int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
    if (fd >= 0) close(fd);
    freeaddrinfo(res);
    return "";
  }
  freeaddrinfo(res);
  const std::string req = std::string("GET ") + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n";
  if (send(fd, req.data(), req.size(), 0) != static_cast<ssize_t>(req.size())) {
    close(fd);
    return "";
  }
  std::string all;
  char buf[512];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) all.append(buf, static_cast<size_t>(n));
  close(fd);
  const size_t body = all.find("\r\n\r\n");
  return body == std::string::npos ? "" : all.substr(body + 4);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: cluster_sim <host> <port> [settle_ms]\n");
    return 2;
  }
  const int64_t settle = argc > 3 ? std::atoll(argv[3]) : 3000;
  const std::string line = get(argv[1], argv[2], "/device");
  cg::Reading reading;
  const cg::ParseError err = cg::parseDeviceLine(line.data(), line.size(), reading);
  if (err != cg::ParseError::Ok) {
    std::fprintf(stderr, "bad device line (%s): %s\n", cg::parseErrorName(err), line.c_str());
    return 1;
  }
  cg::Cluster cluster;
  const cg::Payload payload = cg::payloadFrom(reading);
  cluster.feed(0, &payload);
  cluster.advance(settle);  // let the needles travel, as the motors would
  const cg::ClusterState s = cluster.state();
  std::printf("seq %u targets %d %d %d %d needles %d %d %d %d model %s hot %d warn %d stall %d idle %u\n", reading.seq,
              s.targets[0], s.targets[1], s.targets[2], s.targets[3], s.needles[0], s.needles[1], s.needles[2],
              s.needles[3], cg::lampModelName(s.model), s.hot ? 1 : 0, s.warn ? 1 : 0, s.stall ? 1 : 0,
              static_cast<unsigned>(s.idle));
  return 0;
}

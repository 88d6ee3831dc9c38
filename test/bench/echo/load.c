/*
 * Echo ping-pong load client for `npm run bench:echo` (built by scripts/bench-echo.mjs with gcc).
 * Opens CONNS connections to 127.0.0.1:PORT; each sends SIZE bytes, waits until all SIZE bytes
 * came back, records the round trip and sends again. One thread, one epoll instance, level-
 * triggered. After WARMUP seconds it measures for DURATION seconds, reading the server's CPU time
 * from /proc/SERVER_PID/stat at both ends of that window, and prints one JSON line.
 *
 *   load PORT CONNS SIZE DURATION WARMUP SERVER_PID
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_US 1000000 /* latency histogram: 1 µs buckets up to 1 s */
#define MAX_REQUESTS 20000000ULL /* a cell ends after its window or this many round trips, whichever comes first */

struct conn {
  int fd;
  size_t got;    /* bytes of the echo received so far */
  uint64_t sent_at;
};

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* utime and stime (clock ticks) of a process, fields 14 and 15 of /proc/PID/stat. */
static int proc_cpu(int pid, unsigned long long *ut, unsigned long long *st) {
  char path[64], buf[4096];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *p = strrchr(buf, ')'); /* the command name may hold spaces */
  if (!p) return -1;
  p += 2;
  int field = 3;
  char *save = NULL;
  for (char *tok = strtok_r(p, " ", &save); tok; tok = strtok_r(NULL, " ", &save), field++) {
    if (field == 14) *ut = strtoull(tok, NULL, 10);
    if (field == 15) { *st = strtoull(tok, NULL, 10); return 0; }
  }
  return -1;
}

static void die(const char *what) {
  fprintf(stderr, "load: %s: %s\n", what, strerror(errno));
  exit(1);
}

int main(int argc, char **argv) {
  if (argc < 7) {
    fprintf(stderr, "usage: load PORT CONNS SIZE DURATION WARMUP SERVER_PID\n");
    return 2;
  }
  int port = atoi(argv[1]), nconn = atoi(argv[2]);
  size_t size = (size_t)atoi(argv[3]);
  double duration = atof(argv[4]), warmup = atof(argv[5]);
  int server_pid = atoi(argv[6]);
  char *msg = malloc(size), *rbuf = malloc(65536);
  memset(msg, 'x', size);
  struct conn *conns = calloc((size_t)nconn, sizeof *conns);
  uint32_t *hist = calloc(MAX_US + 1, sizeof *hist);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) die("epoll_create1");

  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int i = 0; i < nconn; i++) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    /* A blocking connect, retried while the server's accept queue is full. */
    int tries = 0;
    while (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
      if (errno != EAGAIN && errno != ECONNREFUSED && errno != EINTR) die("connect");
      if (++tries > 200) die("connect (gave up)");
      usleep(10000);
      close(fd);
      fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    conns[i].fd = fd;
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
  }

  uint64_t t0 = now_ns();
  for (int i = 0; i < nconn; i++) {
    conns[i].sent_at = now_ns();
    if (send(conns[i].fd, msg, size, MSG_NOSIGNAL) != (ssize_t)size) die("send");
  }

  uint64_t measure_from = t0 + (uint64_t)(warmup * 1e9), measure_to = measure_from + (uint64_t)(duration * 1e9);
  int measuring = 0;
  unsigned long long ut0 = 0, st0 = 0, ut1 = 0, st1 = 0;
  uint64_t requests = 0, started_ns = 0, ended_ns = 0;
  struct epoll_event events[1024];
  for (;;) {
    int n = epoll_wait(ep, events, 1024, 1000);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    uint64_t t = now_ns();
    if (!measuring && t >= measure_from) {
      measuring = 1;
      started_ns = t;
      if (proc_cpu(server_pid, &ut0, &st0) < 0) die("reading the server's /proc stat");
    }
    if (measuring && (t >= measure_to || requests >= MAX_REQUESTS)) {
      ended_ns = t;
      proc_cpu(server_pid, &ut1, &st1);
      break;
    }
    if (n == 0) {
      fprintf(stderr, "load: no reply for 1 s\n");
      return 1;
    }
    for (int k = 0; k < n; k++) {
      struct conn *c = &conns[events[k].data.u32];
      ssize_t r = recv(c->fd, rbuf, 65536, 0);
      if (r <= 0) {
        if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        fprintf(stderr, "load: connection %u closed by the server (%s)\n", events[k].data.u32, r == 0 ? "EOF" : strerror(errno));
        return 1;
      }
      c->got += (size_t)r;
      if (c->got < size) continue;
      c->got -= size; /* an echo server never sends more than it got */
      if (measuring) {
        uint64_t us = (t - c->sent_at) / 1000;
        hist[us > MAX_US ? MAX_US : us]++;
        requests++;
      }
      c->sent_at = now_ns();
      if (send(c->fd, msg, size, MSG_NOSIGNAL) != (ssize_t)size) die("send");
    }
  }
  uint64_t p50 = 0, p99 = 0, seen = 0;
  for (uint64_t us = 0; us <= MAX_US; us++) {
    seen += hist[us];
    if (!p50 && seen * 2 >= requests) p50 = us ? us : 1;
    if (!p99 && seen * 100 >= requests * 99) { p99 = us ? us : 1; break; }
  }
  long hz = sysconf(_SC_CLK_TCK);
  double secs = (double)(ended_ns - started_ns) / 1e9;
  printf("{\"requests\":%llu,\"seconds\":%.4f,\"p50us\":%llu,\"p99us\":%llu,\"userSec\":%.4f,\"sysSec\":%.4f}\n",
         (unsigned long long)requests, secs, (unsigned long long)p50, (unsigned long long)p99,
         (double)(ut1 - ut0) / (double)hz, (double)(st1 - st0) / (double)hz);
  for (int i = 0; i < nconn; i++) close(conns[i].fd);
  return 0;
}

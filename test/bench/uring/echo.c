// What batching system calls through io_uring could save an echo server, measured in C (issue 12's
// open route; run by test/bench/uring/run.mjs). Mode "plain": epoll, then read() and write() per
// ready fd, as libuv does. Mode "uring": epoll for readiness, then the reads of every ready fd in
// one io_uring_enter and the writes in another: three system calls per iteration, not 2n + 1.
// Needs liburing (Debian: apt-get install liburing-dev). Prints `PORT n`, serves until killed.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fcntl.h>
#define MAXEV 4096
static char bufs[MAXEV][4096];
int main(int argc, char **argv) {
  int uring = argc > 1 && strcmp(argv[1], "uring") == 0;
  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  bind(lfd, (void *)&a, sizeof a); listen(lfd, 1024);
  socklen_t al = sizeof a; getsockname(lfd, (void *)&a, &al);
  printf("PORT %d\n", ntohs(a.sin_port)); fflush(stdout);
  int ep = epoll_create1(0);
  struct epoll_event ev = { .events = EPOLLIN, .data.fd = lfd }, evs[MAXEV];
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
  struct io_uring ring; if (uring && io_uring_queue_init(MAXEV, &ring, 0) < 0) { perror("uring"); return 1; }
  int fds[MAXEV];
  for (;;) {
    int n = epoll_wait(ep, evs, MAXEV, -1), k = 0;
    for (int i = 0; i < n; i++) {
      int fd = evs[i].data.fd;
      if (fd == lfd) {
        int c; while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) { setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); struct epoll_event e = { .events = EPOLLIN, .data.fd = c }; epoll_ctl(ep, EPOLL_CTL_ADD, c, &e); }
        continue;
      }
      if (!uring) {
        ssize_t r = read(fd, bufs[0], sizeof bufs[0]);
        if (r <= 0) { close(fd); continue; }
        write(fd, bufs[0], r);
      } else fds[k++] = fd;
    }
    if (!uring || k == 0) continue;
    for (int i = 0; i < k; i++) { struct io_uring_sqe *s = io_uring_get_sqe(&ring); io_uring_prep_recv(s, fds[i], bufs[i], sizeof bufs[i], 0); s->user_data = i; }
    io_uring_submit_and_wait(&ring, k);
    int lens[MAXEV], w = 0; struct io_uring_cqe *cqe; unsigned head, seen = 0;
    io_uring_for_each_cqe(&ring, head, cqe) { lens[cqe->user_data] = cqe->res; seen++; }
    io_uring_cq_advance(&ring, seen);
    for (int i = 0; i < k; i++) {
      if (lens[i] <= 0) { close(fds[i]); continue; }
      struct io_uring_sqe *s = io_uring_get_sqe(&ring); io_uring_prep_send(s, fds[i], bufs[i], lens[i], MSG_NOSIGNAL); s->user_data = i; w++;
    }
    if (w) { io_uring_submit_and_wait(&ring, w); seen = 0; io_uring_for_each_cqe(&ring, head, cqe) seen++; io_uring_cq_advance(&ring, seen); }
  }
}

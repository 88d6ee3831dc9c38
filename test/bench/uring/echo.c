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
#include <errno.h>
#define MAXEV 4096
static char bufs[MAXEV][4096];
// Mode "multishot": no epoll and no read per request. A multishot accept, and per connection one
// multishot recv into a ring of provided buffers; each received buffer is sent back with a send
// SQE and returned to the ring when the send completes. One io_uring_enter per iteration submits
// the sends and waits for the next completions.
#define NBUF 4096
#define BUFSZ 2048
static char pbufs[NBUF][BUFSZ];
enum { ACCEPT = 1, RECV = 2, SEND = 3 };
#define UD(kind, fd, bid) (((__u64)(kind) << 56) | ((__u64)(bid) << 32) | (__u32)(fd))
static int multishot(int lfd) {
  struct io_uring ring; struct io_uring_params p = { .flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN };
  if (io_uring_queue_init_params(8192, &ring, &p) < 0) { perror("uring"); return 1; }
  struct io_uring_buf_ring *br; if (posix_memalign((void **)&br, 4096, NBUF * sizeof(struct io_uring_buf))) return 1;
  io_uring_buf_ring_init(br);
  struct io_uring_buf_reg reg = { .ring_addr = (unsigned long)br, .ring_entries = NBUF, .bgid = 0 };
  if (io_uring_register_buf_ring(&ring, &reg, 0)) { perror("buf ring"); return 1; }
  for (int i = 0; i < NBUF; i++) io_uring_buf_ring_add(br, pbufs[i], BUFSZ, i, io_uring_buf_ring_mask(NBUF), i);
  io_uring_buf_ring_advance(br, NBUF);
  struct io_uring_sqe *s = io_uring_get_sqe(&ring); io_uring_prep_multishot_accept(s, lfd, NULL, NULL, SOCK_NONBLOCK); s->user_data = UD(ACCEPT, lfd, 0);
  int one = 1;
  for (;;) {
    io_uring_submit_and_wait(&ring, 1);
    struct io_uring_cqe *cqe; unsigned head, seen = 0, back = 0;
    io_uring_for_each_cqe(&ring, head, cqe) {
      seen++;
      int kind = cqe->user_data >> 56, fd = (__u32)cqe->user_data;
      if (kind == ACCEPT) {
        if (cqe->res < 0) continue;
        setsockopt(cqe->res, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        s = io_uring_get_sqe(&ring); io_uring_prep_recv_multishot(s, cqe->res, NULL, 0, 0); s->flags |= IOSQE_BUFFER_SELECT; s->buf_group = 0; s->user_data = UD(RECV, cqe->res, 0);
      } else if (kind == RECV) {
        if (cqe->res <= 0) { if (cqe->res == -ENOBUFS) { s = io_uring_get_sqe(&ring); io_uring_prep_recv_multishot(s, fd, NULL, 0, 0); s->flags |= IOSQE_BUFFER_SELECT; s->buf_group = 0; s->user_data = UD(RECV, fd, 0); } else close(fd); continue; }
        int bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
        s = io_uring_get_sqe(&ring); io_uring_prep_send(s, fd, pbufs[bid], cqe->res, MSG_NOSIGNAL); s->user_data = UD(SEND, fd, bid);
        if (!(cqe->flags & IORING_CQE_F_MORE)) { s = io_uring_get_sqe(&ring); io_uring_prep_recv_multishot(s, fd, NULL, 0, 0); s->flags |= IOSQE_BUFFER_SELECT; s->buf_group = 0; s->user_data = UD(RECV, fd, 0); }
      } else {
        int bid = (cqe->user_data >> 32) & 0xffffff;
        io_uring_buf_ring_add(br, pbufs[bid], BUFSZ, bid, io_uring_buf_ring_mask(NBUF), back++);
      }
    }
    io_uring_cq_advance(&ring, seen);
    if (back) io_uring_buf_ring_advance(br, back);
  }
}
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
  if (argc > 1 && strcmp(argv[1], "multishot") == 0) return multishot(lfd);
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

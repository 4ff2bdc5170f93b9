/* pvconsoled: the console backend. One process serves every domain's console
 * ring: each domain gets a pty (published as console/tty in the store), an
 * append-only log, and any number of attached clients (`pvx console`, over
 * pvconsoled.sock). Shared declarations of the daemon's files. */
#ifndef PVCONSOLED_H
#define PVCONSOLED_H

#include <stddef.h>
#include <stdint.h>

#include "conlog.h"
#include "pvisor/io/console.h"
#include "pvisor/xen.h"

struct pvctrl;
struct pvctrl_evtchn;
struct xs_handle;

#define CONS_MAX_CLIENTS     8
#define CONS_NAME_BUCKETS    1024         /* a power of two */
#define CONS_CLIENT_QMAX     (256 * 1024) /* stop taking output while a client holds this much */
#define CONS_CLIENT_STALL_NS (10ull * 1000000000) /* ... and drop it after this long */

/* One attached `pvx console`: a socket, and output not yet written to it. */
struct cclient {
	int fd;
	char *q; /* queued output */
	size_t qlen, qcap;
	uint64_t full_since; /* when q went over CONS_CLIENT_QMAX, 0 if not */
};

struct cdom {
	pv_domid_t domid;
	char name[64];
	void *mem; /* the whole foreign mapping */
	size_t mem_len;
	struct pv_xencons_interface *intf;
	uint32_t rport, lport; /* guest's port, our bound port */
	int pty, pty_slave;    /* master (ours), slave kept open so writes never EIO */
	char tty[64];
	uint64_t pty_dropped; /* output the pty could not take (nobody reading) */
	struct conlog log;
	struct cclient clients[CONS_MAX_CLIENTS];
	int nclients;
	int broken;       /* bad ring indices: served no more */
	int unintroduced; /* attached from the ring its creator gave, and the
				       * store has not introduced it yet: console/tty is
				       * written at the introduction; should its creator
				       * let go first, the create failed */
	int work;         /* the port fired or output is left: service it */
	int in_work;      /* on the consd's work list */
	struct cdom *work_next;
	struct cdom *name_next; /* consd's by_name chain */
	int in_blocked;         /* in[] was full: input fds are not read */
	uint64_t out_bytes, in_bytes;
	unsigned warn_n;
	long warn_w;
	struct cdom *next;
};

/* A connection that has not sent its request line yet. */
#define CONS_MAX_GREETS 16
#define CONS_GREET_NS   (2ull * 1000000000) /* time to send "attach DOMID\n" */
struct greet {
	int fd;
	char line[192]; /* attach DOMID ring=GFN port=PORT name=NAME */
	size_t len;
	uint64_t since;
};

struct consd {
	struct pvctrl *pc;
	struct pvctrl_evtchn *ev;
	struct xs_handle *xs;
	int epfd, lsock;
	struct cdom *doms;
	struct cdom *work_list; /* domains with work: a loop turn serves these only */
	struct cdom **by_domid; /* PV_DOMID_FIRST_RESERVED entries */
	struct cdom **by_lport; /* PV_EVTCHN_HANDLE_PORTS entries */
	struct cdom *by_name[CONS_NAME_BUCKETS]; /* log names in use (cdom.c) */
	struct conlog_limits lim;
	size_t budget; /* output bytes per domain per loop turn */
	uint64_t next_scan_ns;
	int scan_now;
	struct greet greets[CONS_MAX_GREETS];
	int ngreets;
};

/* Epoll tags: what a ready descriptor belongs to. */
enum cons_tag { TAG_EVTCHN = 1, TAG_XS, TAG_LISTEN, TAG_PTY, TAG_CLIENT, TAG_SIGNAL, TAG_GREET };
uint64_t cons_tag(enum cons_tag tag, pv_domid_t domid, int fd);
#define CONS_TAG_KIND(t)  ((unsigned)((t) >> 56))
#define CONS_TAG_DOMID(t) ((pv_domid_t)((t) >> 32))
#define CONS_TAG_FD(t)    ((int)(uint32_t)(t))

/* cdom.c */
/* Attach domid (ring-ref and port from the store): map, bind, pty, log. 0 or -errno. */
/* Serve a domain's console ring: name NULL reads the domain's name (its log's name)
 * from the store, else the creator gave it (pvx create -c's attach request). */
int cdom_attach(struct consd *s, pv_domid_t domid, uint64_t gfn, uint32_t port, const char *name);
/* Drain what the ring still holds into log and clients, then free everything. */
void cdom_detach(struct consd *s, struct cdom *d);
struct cdom *cdom_find(struct consd *s, pv_domid_t domid);
/* d has work (its port fired, output waits): the next loop turn serves it. */
void cdom_wake(struct consd *s, struct cdom *d);
struct cdom *cdom_by_lport(struct consd *s, uint32_t lport);
/* Move output (budget bytes at most) and re-open input; returns the ns until it
 * wants another turn (0: next turn at once, UINT64_MAX: only on an event). final
 * (the domain is going): ignore the rate limit and client queues. */
uint64_t cdom_service(struct consd *s, struct cdom *d, int final);
/* Input from the pty master or a client socket into in[] (as much as fits). */
void cdom_input(struct consd *s, struct cdom *d, int fd);
/* Client socket writable: flush its queue. */
void cdom_client_flush(struct consd *s, struct cdom *d, struct cclient *c);
struct cclient *cdom_client_find(struct cdom *d, int fd);
int cdom_client_add(struct consd *s, struct cdom *d, int fd);
void cdom_client_drop(struct consd *s, struct cdom *d, struct cclient *c);

/* scan.c: reconcile attached domains with the store and the hypervisor. */
/* Everything: one list of the hypervisor's domains, one directory of the store
 * (start-up, a safety net every CONS_SCAN_NS, an event without a domain id). */
void cons_scan(struct consd *s);
/* One domain the store or a client named: attach it if it has a console and
 * runs, detach it if it is gone. */
void cons_scan_one(struct consd *s, pv_domid_t domid);
/* A store event ("@introduceDomain/<id>", "@releaseDomain/<id>", or without id). */
void cons_scan_event(struct consd *s, const char *path);
/* Detach d if its domain no longer runs: 1 if it did. */
int cons_drop_if_dead(struct consd *s, struct cdom *d);
#define CONS_SCAN_NS        (5ull * 1000000000) /* safety net for events missed (xsd restart) */
#define CONS_STORE_RETRY_NS (100ull * 1000000)  /* store lost: reconnect this often */

/* greet.c: the client handshake, without blocking the loop. A client sends
 * "attach DOMID\n"; the answer is "ok NAME TTY\n" and then the raw console, or
 * "wait REASON\n" (no console for it yet: ask again) / "err REASON\n" and close. */
void greet_accept(struct consd *s);
void greet_input(struct consd *s, int fd);
/* Close connections that sent no request line within CONS_GREET_NS. */
void greet_expire(struct consd *s, uint64_t now);

#endif

/* xsd: persistence -- an append-only journal of committed changes plus a periodic
 * snapshot in the run directory, so the tree survives `kill -9` and a restart. The
 * journal is a shared file mapping: a record reaches the page cache as soon as the
 * change is applied (no fsync, no system call); snapshots are fsync'ed.
 * Format: see docs/NOTES-store.md. */
#ifndef XSD_JOURNAL_H
#define XSD_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "xsd/core.h"

struct xsd_journal;

/* Load dir/xsd.snap and replay dir/xsd.journal into core (a torn tail is cut off),
 * then record every later change. 0 or -errno (the core may hold a partial tree). */
int xsd_journal_open(struct xsd_journal **out, struct xsd_core *core, const char *dir);
/* The store's files in the run directory, never opened through a link: a new
 * temporary to rename into place ("w": created exclusively, a stale file or link
 * removed first), or an existing file to read. NULL with errno set on failure. */
FILE *xsd_journal_fopen_tmp(const char *path);
FILE *xsd_journal_fopen_read(const char *path);
/* Report (and clear) the first error since the last call: records that could not be
 * stored (no disk space). 0 or -errno. */
int xsd_journal_flush(struct xsd_journal *j);
/* Snapshot when the journal has grown past its threshold. 0 or -errno. */
int xsd_journal_maybe_compact(struct xsd_journal *j);
/* Write a full snapshot (fsync'ed) and empty the journal. 0 or -errno. */
int xsd_journal_snapshot(struct xsd_journal *j);
/* Bytes in the journal file (tests, compaction). */
size_t xsd_journal_size(const struct xsd_journal *j);
/* Free without flushing or snapshotting: what a crash leaves behind (tests). */
void xsd_journal_abandon(struct xsd_journal *j);
/* Snapshot, fsync and free. */
void xsd_journal_close(struct xsd_journal *j);

#endif

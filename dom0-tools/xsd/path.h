/* xsd: store path rules -- validation, canonical form (relative paths live under the
 * caller's home /local/domain/<domid>), parents, and "is below" tests. */
#ifndef XSD_PATH_H
#define XSD_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest canonical path plus its NUL. */
#define XSD_PATH_BUF 3200

/* Turn a client path into canonical absolute form in out[XSD_PATH_BUF]. Rules (as Xen
 * 4.17): characters A-Z a-z 0-9 - / _ @ only, no "//", no trailing "/" (except "/"
 * itself), at most 2048 bytes after any "/local/domain/<n>/" prefix. `special` allows
 * "@name" watch paths. 0 or -EINVAL. */
int xsd_path_canon(const char *in, uint32_t domid, bool special, char *out);
/* True if `path` is `base` or lies below it. */
bool xsd_path_is_under(const char *path, const char *base);
/* Number of components of `path` below `base` (path must be under base). */
unsigned xsd_path_depth_below(const char *path, const char *base);
/* Write the parent of canonical `path` (not "/") into out[XSD_PATH_BUF]. */
void xsd_path_parent(const char *path, char *out);
/* Last component of a canonical path ("" for "/"). */
const char *xsd_path_basename(const char *path);
/* "<dir>/<name>" in a fresh malloc'd string (caller frees), NULL on ENOMEM. */
char *xsd_path_join(const char *dir, const char *name);
/* The home of a domain: "/local/domain/<domid>" into out (>= 32 bytes). */
void xsd_path_home(uint32_t domid, char *out, size_t len);
/* `path` made relative to the domain's home if it lies below it, else `path`. */
const char *xsd_path_strip_home(const char *path, uint32_t domid);

#endif

/* libxs: one function per store message (read, write, directory, perms, watches,
 * transactions, domains, control). */
#include "libxs/xs_private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct iovec xs_str(const char *s)
{
	return (struct iovec){ (void *)s, strlen(s) + 1 };
}

/* Send `n` NUL-terminated strings. */
static int xs_strings(struct xs_handle *h, uint32_t type, uint32_t tx, const char *const *s,
		      int n, char **reply, size_t *rlen)
{
	struct iovec v[6];

	for (int i = 0; i < n; i++)
		v[i] = xs_str(s[i]);
	return xs_talk(h, type, tx, v, n, reply, rlen);
}

int xs_raw(struct xs_handle *h, uint32_t type, uint32_t tx, const void *payload, size_t len,
	   char **reply, size_t *rlen)
{
	struct iovec v = { (void *)payload, len };

	return xs_talk(h, type, tx, &v, len ? 1 : 0, reply, rlen);
}

int xs_read(struct xs_handle *h, uint32_t tx, const char *path, char **value, size_t *len)
{
	return xs_strings(h, PV_XS_READ, tx, &path, 1, value, len);
}

int xs_write(struct xs_handle *h, uint32_t tx, const char *path, const void *value, size_t len)
{
	struct iovec v[2] = { xs_str(path), { (void *)value, len } };

	return xs_talk(h, PV_XS_WRITE, tx, v, 2, NULL, NULL);
}

int xs_mkdir(struct xs_handle *h, uint32_t tx, const char *path)
{
	return xs_strings(h, PV_XS_MKDIR, tx, &path, 1, NULL, NULL);
}

int xs_rm(struct xs_handle *h, uint32_t tx, const char *path)
{
	return xs_strings(h, PV_XS_RM, tx, &path, 1, NULL, NULL);
}

/* Split n NUL-terminated strings of buf into one allocation of pointers + copy. */
static int xs_split(const char *buf, size_t len, char ***out, unsigned *count)
{
	unsigned n = 0, i = 0;
	char **v, *copy;

	for (size_t k = 0; k < len; k++)
		n += buf[k] == '\0';
	if (len && buf[len - 1] != '\0')
		n++;
	v = malloc(sizeof(*v) * (n + 1) + len + 1);
	if (!v)
		return -ENOMEM;
	copy = (char *)(v + n + 1);
	memcpy(copy, buf, len);
	copy[len] = '\0';
	for (size_t k = 0; k < len; k += strlen(copy + k) + 1)
		v[i++] = copy + k;
	v[i] = NULL;
	*out = v;
	*count = n;
	return 0;
}

/* Append one DIRECTORY_PART reply's names (after its generation) to *all. Returns 1
 * when the list is complete, 0 when more parts follow, -errno. */
static int xs_dir_part(struct xs_handle *h, uint32_t tx, const char *path, size_t off, char **all,
		       size_t *len, char *gen, size_t genlen)
{
	char num[24], *r, *grown;
	const char *s[2] = { path, num };
	size_t rlen, glen, names;
	int err;

	snprintf(num, sizeof(num), "%zu", off);
	err = xs_strings(h, PV_XS_DIRECTORY_PART, tx, s, 2, &r, &rlen);
	if (err)
		return err;
	glen = strnlen(r, rlen);
	if (glen >= rlen || glen >= genlen || (gen[0] && strcmp(gen, r) != 0)) {
		free(r);
		return gen[0] ? -EAGAIN : -EPROTO; /* changed meanwhile: start again */
	}
	memcpy(gen, r, glen + 1);
	names = rlen - glen - 1;
	/* the last part ends with an empty name: "...\0\0" */
	err = names == 0 || (names >= 2 && r[rlen - 2] == '\0');
	if (err && names)
		names--;
	grown = realloc(*all, *len + names + 1);
	if (!grown) {
		free(r);
		return -ENOMEM;
	}
	memcpy(grown + *len, r + glen + 1, names);
	*all = grown;
	*len += names;
	free(r);
	return err;
}

/* Children of a directory too big for one reply, in parts. */
static int xs_directory_parts(struct xs_handle *h, uint32_t tx, const char *path, char **all,
			      size_t *len)
{
	char gen[24];
	int err = -EAGAIN;

	for (int tries = 0; err == -EAGAIN && tries < 16; tries++) {
		gen[0] = '\0';
		free(*all);
		*all = NULL;
		*len = 0;
		do
			err = xs_dir_part(h, tx, path, *len, all, len, gen, sizeof(gen));
		while (err == 0);
	}
	return err < 0 ? err : 0;
}

int xs_directory(struct xs_handle *h, uint32_t tx, const char *path, char ***names,
		 unsigned *count)
{
	char *r = NULL;
	size_t len = 0;
	int err = xs_strings(h, PV_XS_DIRECTORY, tx, &path, 1, &r, &len);

	if (err == -E2BIG)
		err = xs_directory_parts(h, tx, path, &r, &len);
	if (err) {
		free(r);
		return err;
	}
	err = xs_split(r ? r : "", len, names, count);
	free(r);
	return err;
}

int xs_perm_parse(const char *s, struct xs_perm *out)
{
	static const char letters[] = "nrwb";
	const char *l = s[0] ? strchr(letters, s[0]) : NULL;
	unsigned long id = 0;
	size_t i;

	if (!l)
		return -EINVAL;
	for (i = 1; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i > 5)
			return -EINVAL;
		id = id * 10 + (unsigned long)(s[i] - '0');
	}
	if (i == 1 || id > 0xffff)
		return -EINVAL;
	out->domid = (uint16_t)id;
	out->access = (uint8_t)(l - letters);
	return 0;
}

int xs_perm_format(const struct xs_perm *p, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%c%u", "nrwb"[p->access & 3], p -> domid);

	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

int xs_get_perms(struct xs_handle *h, uint32_t tx, const char *path, struct xs_perm **perms,
		 unsigned *count)
{
	char *r = NULL, **v = NULL;
	struct xs_perm *p = NULL;
	size_t len;
	unsigned n = 0;
	int err = xs_strings(h, PV_XS_GET_PERMS, tx, &path, 1, &r, &len);

	if (!err)
		err = xs_split(r, len, &v, &n);
	if (!err && !(p = malloc(sizeof(*p) * (n ? n : 1))))
		err = -ENOMEM;
	for (unsigned i = 0; !err && i < n; i++)
		err = xs_perm_parse(v[i], &p[i]);
	free(r);
	free(v);
	if (err) {
		free(p);
		return err;
	}
	*perms = p;
	*count = n;
	return 0;
}

int xs_set_perms(struct xs_handle *h, uint32_t tx, const char *path, const struct xs_perm *perms,
		 unsigned count)
{
	char buf[PV_XENSTORE_PAYLOAD_MAX];
	size_t used = strlen(path) + 1;

	if (used > sizeof(buf) || count == 0)
		return -EINVAL;
	memcpy(buf, path, used);
	for (unsigned i = 0; i < count; i++) {
		if (used + 8 > sizeof(buf) || xs_perm_format(&perms[i], buf + used, 8) < 0)
			return -E2BIG;
		used += strlen(buf + used) + 1;
	}
	return xs_raw(h, PV_XS_SET_PERMS, tx, buf, used, NULL, NULL);
}

int xs_watch(struct xs_handle *h, const char *path, const char *token)
{
	const char *s[2] = { path, token };

	return xs_strings(h, PV_XS_WATCH, 0, s, 2, NULL, NULL);
}

int xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
	const char *s[2] = { path, token };

	return xs_strings(h, PV_XS_UNWATCH, 0, s, 2, NULL, NULL);
}

/* Strict decimal u32 from a reply. */
static int xs_parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > UINT32_MAX)
		return -EPROTO;
	*out = (uint32_t)v;
	return 0;
}

int xs_transaction_start(struct xs_handle *h, uint32_t *tx)
{
	char *r;
	int err = xs_raw(h, PV_XS_TRANSACTION_START, 0, "", 1, &r, NULL);

	if (err)
		return err;
	err = xs_parse_u32(r, tx);
	free(r);
	return err;
}

int xs_transaction_end(struct xs_handle *h, uint32_t tx, bool commit)
{
	return xs_raw(h, PV_XS_TRANSACTION_END, tx, commit ? "T" : "F", 2, NULL, NULL);
}

/* A message whose arguments are decimal numbers. */
static int xs_numbers(struct xs_handle *h, uint32_t type, const uint64_t *v, int n, char **reply)
{
	char buf[3][24];
	const char *s[3];

	for (int i = 0; i < n; i++) {
		snprintf(buf[i], sizeof(buf[i]), "%llu", (unsigned long long)v[i]);
		s[i] = buf[i];
	}
	return xs_strings(h, type, 0, s, n, reply, NULL);
}

int xs_introduce(struct xs_handle *h, uint32_t domid, uint64_t gfn, uint32_t evtchn)
{
	uint64_t v[3] = { domid, gfn, evtchn };

	return xs_numbers(h, PV_XS_INTRODUCE, v, 3, NULL);
}

int xs_release(struct xs_handle *h, uint32_t domid)
{
	uint64_t v = domid;

	return xs_numbers(h, PV_XS_RELEASE, &v, 1, NULL);
}

int xs_resume(struct xs_handle *h, uint32_t domid)
{
	uint64_t v = domid;

	return xs_numbers(h, PV_XS_RESUME, &v, 1, NULL);
}

int xs_get_domain_path(struct xs_handle *h, uint32_t domid, char **path)
{
	uint64_t v = domid;

	return xs_numbers(h, PV_XS_GET_DOMAIN_PATH, &v, 1, path);
}

int xs_is_domain_introduced(struct xs_handle *h, uint32_t domid, bool *yes)
{
	uint64_t v = domid;
	char *r;
	int err = xs_numbers(h, PV_XS_IS_DOMAIN_INTRODUCED, &v, 1, &r);

	if (err)
		return err;
	*yes = r[0] == 'T';
	free(r);
	return 0;
}

int xs_set_target(struct xs_handle *h, uint32_t domid, uint32_t target)
{
	uint64_t v[2] = { domid, target };

	return xs_numbers(h, PV_XS_SET_TARGET, v, 2, NULL);
}

int xs_reset_watches(struct xs_handle *h)
{
	return xs_raw(h, PV_XS_RESET_WATCHES, 0, NULL, 0, NULL, NULL);
}

int xs_control(struct xs_handle *h, const char *cmd, const char *arg, char **reply)
{
	const char *s[2] = { cmd, arg };

	return xs_strings(h, PV_XS_CONTROL, 0, s, arg ? 2 : 1, reply, NULL);
}

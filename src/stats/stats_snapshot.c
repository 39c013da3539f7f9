/*
 * stats_snapshot.c: the engine's columns kept in a file beside the store,
 * so that a restarted server or `guichet stats` answers in about a second
 * instead of reading every demand again.
 *
 * The file is a header and sections, each 8-byte aligned: the columns of
 * the main and delta segments, the sites' places, the identified visits'
 * tables, the dictionaries, the combined codes and the satisfaction
 * answers. Opening maps it (private, so marking a visit dead copies only
 * its page) and points the main segment's columns into the mapping; the
 * rest is copied, being small. Nothing in it is trusted before these
 * checks, and any failure means "rebuild from the store":
 *
 *  - the magic, the format version, the byte order and the file's size;
 *  - a checksum of every byte after the header (a torn or damaged file);
 *  - the vocabularies the packed keys were built with (a snapshot of
 *    another version of Guichet);
 *  - the store's identity (a snapshot of another store), and one visit of
 *    the snapshot, the last recorded, found in the store at the same site
 *    and day (a store restored from an older backup);
 *  - every section's length against the counts it must hold.
 *
 * The snapshot then catches up like a refresh: the store gives every row
 * changed since the snapshot's `since`, read through its updated_at index.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vocab/enums.h"
#include "stats/stats_impl.h"

#define SNAP_MAGIC "GUISTAT1"
#define SNAP_VERSION 3
#define SNAP_ENDIAN 0x01020304u

typedef struct snap_head {
	char magic[8];
	uint32_t version, endian;
	uint64_t size;  /* of the whole file */
	uint64_t sum;   /* checksum of the bytes after the header */
	uint64_t vocab; /* checksum of the vocabularies' codes */
	int64_t since, saved_at;
	char identity[80];
	/* The last visit recorded in the snapshot, looked for in the store. */
	uint32_t mark_vid;
	uint32_t pad;
	int64_t mark_site, mark_day;
} snap_head;

enum {
	S_MAIN,
	S_DELTA,
	S_SITE_OFF,
	S_ID_IDX,
	S_ID_VIS,
	S_ID_RANK,
	S_ID_POS,
	S_ID_AUT,
	S_DICT,
	S_DCS,
	S_DXS,
	S_ANSWERS,
	S_COUNT
};

typedef struct sect {
	uint32_t kind, dim; /* dim: the dictionary of an S_DICT */
	uint64_t bytes;     /* payload, before padding to 8 */
	uint64_t n, m;      /* counts: visits and demands, entries… */
} sect;

/* ---- the checksum: four lanes of multiply and rotate over 8-byte words ---- */

static uint64_t rotl(uint64_t x, int r)
{
	return x << r | x >> (64 - r);
}

static uint64_t checksum(const unsigned char *p, size_t n)
{
	uint64_t h[4] = {0x9e3779b97f4a7c15u, 0xc2b2ae3d27d4eb4fu, 0x165667b19e3779f9u, 0x27d4eb2f165667c5u};
	const uint64_t k = 0x9fb21c651e98df25u;
	size_t i = 0;
	for (; i + 32 <= n; i += 32)
		for (int l = 0; l < 4; l++) {
			uint64_t w;
			memcpy(&w, p + i + 8 * l, 8);
			h[l] = rotl((h[l] ^ w) * k, 29);
		}
	uint64_t tail = 0;
	for (size_t j = 0; i + j < n; j++)
		tail = tail << 8 | p[i + j];
	uint64_t x = h[0] ^ rotl(h[1], 13) ^ rotl(h[2], 29) ^ rotl(h[3], 43) ^ (tail * k) ^ n;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdu;
	x ^= x >> 33;
	return x;
}

/* The codes the packed keys are built from, in their order. */
static uint64_t vocab_sum(void)
{
	const enum_def *d[] = {&ENUM_CHANNEL, &ENUM_AGE,          &ENUM_GENDER,  &ENUM_STATUS,
	                       &ENUM_LEVEL,   &ENUM_INTERPRETING, &ENUM_OUTCOME, &ENUM_REFERRAL};
	buf b;
	buf_init(&b, 4096);
	for (size_t i = 0; i < COUNT(d); i++) {
		for (size_t j = 0; j < d[i]->n; j++) {
			buf_puts(&b, d[i]->items[j].code);
			buf_putc(&b, ',');
		}
		buf_putc(&b, ';');
	}
	buf_printf(&b, "%d %d %d %d %d %d", R_CHANNEL, R_AGE, R_CUTS, R_FLAGS, R_DUR, DBLK);
	uint64_t s = checksum((const unsigned char *)b.data, b.len);
	buf_free(&b);
	return s;
}

/* ---- writing ---- */

typedef struct writer {
	FILE *f;
	uint64_t sum_pos; /* bytes written after the header */
	unsigned char *acc;
	size_t acc_len, acc_cap;
	int err;
} writer;

/* The payload is gathered in memory, checksummed and written at once: a
 * national snapshot is about 150 MB. */
static void put(writer *w, const void *p, size_t n)
{
	if (w->acc_len + n > w->acc_cap) {
		size_t c = w->acc_cap ? w->acc_cap : (size_t)1 << 20;
		while (c < w->acc_len + n)
			c *= 2;
		w->acc = xrealloc(w->acc, c);
		w->acc_cap = c;
	}
	if (n && p)
		memcpy(w->acc + w->acc_len, p, n);
	else if (n) /* an empty segment's first block */
		memset(w->acc + w->acc_len, 0, n);
	w->acc_len += n;
}

static void put_sect(writer *w, uint32_t kind, uint32_t dim, const void *p, size_t bytes, uint64_t n,
                     uint64_t m)
{
	sect s = {kind, dim, bytes, n, m};
	put(w, &s, sizeof s);
	put(w, p, bytes);
	static const char zero[8];
	put(w, zero, (8 - bytes % 8) % 8);
}

static void put_seg(writer *w, uint32_t kind, const seg *g)
{
	sect s = {kind, (uint32_t)g->full, 0, g->nv, g->nd};
	size_t start = w->acc_len;
	put(w, &s, sizeof s);
	static const char zero[8];
#define COL(t, c, n)                                                                                         \
	do {                                                                                                 \
		put(w, g->c, (n) * sizeof(t));                                                               \
		put(w, zero, (8 - (n) * sizeof(t) % 8) % 8);                                                 \
	} while (0);
#define X(t, c) COL(t, c, g->nv)
	VISIT_COLS(X)
	if (g->full) {
		FULL_COLS(X)
	}
#undef X
#define X(t, c) COL(t, c, g->nd)
	DEMAND_COLS(X)
#undef X
	COL(uint64_t, dead, (g->nv + 63) / 64)
	COL(uint32_t, dblk, g->nv / DBLK + 1)
#undef COL
	sect *h = (sect *)(w->acc + start);
	h->bytes = w->acc_len - start - sizeof s;
}

static void put_dict(writer *w, int dim, const dict *d)
{
	size_t bytes = 16;
	for (uint32_t i = 0; i < d->n; i++)
		bytes += strlen(d->s[i]) + 1;
	buf b;
	buf_init(&b, bytes); /* a limit, not a size: the whole dictionary */
	for (uint32_t i = 0; i < d->n; i++) {
		buf_puts(&b, d->s[i]);
		buf_putc(&b, 0);
	}
	if (b.overflow)
		w->err = 1;
	put_sect(w, S_DICT, (uint32_t)dim, b.data, b.len, d->n, 0);
	buf_free(&b);
}

int stats_engine_save(stats_engine *e, const char *identity, const char *path)
{
	if (!path || !*path)
		return -1;
	pthread_rwlock_rdlock(&e->lock);
	snap_head h = {0};
	memcpy(h.magic, SNAP_MAGIC, 8);
	h.version = SNAP_VERSION;
	h.endian = SNAP_ENDIAN;
	h.vocab = vocab_sum();
	h.since = e->since;
	h.saved_at = now_s();
	snprintf(h.identity, sizeof h.identity, "%s", identity ? identity : "");
	/* The mark: the visit of main with the largest id. */
	size_t site = 0;
	for (size_t i = 0; i < e->main.nv; i++) {
		while (e->site_off[site + 1] <= i)
			site++;
		if (e->main.vid[i] > h.mark_vid) {
			h.mark_vid = e->main.vid[i];
			h.mark_site = e->site_id[site];
			h.mark_day = e->main.day[i];
		}
	}
	writer w = {0};
	put_seg(&w, S_MAIN, &e->main);
	put_seg(&w, S_DELTA, &e->delta);
	put_sect(&w, S_SITE_OFF, 0, e->site_off, (e->nsites_main + 1) * sizeof *e->site_off, e->nsites_main,
	         0);
	put_sect(&w, S_ID_IDX, 0, e->id_idx, e->nid * sizeof *e->id_idx, e->nid, 0);
	put_sect(&w, S_ID_VIS, 0, e->id_vis, e->nid * sizeof *e->id_vis, e->nid, 0);
	put_sect(&w, S_ID_RANK, 0, e->id_rank, e->nid * sizeof *e->id_rank, e->nid, 0);
	put_sect(&w, S_ID_POS, 0, e->id_pos, e->nid * sizeof *e->id_pos, e->nid, 0);
	put_sect(&w, S_ID_AUT, 0, e->id_aut, e->nid, e->nid, 0);
	for (int d = 0; d < D_COUNT; d++)
		put_dict(&w, d, &e->d[d]);
	put_sect(&w, S_DCS, 0, e->dcs, e->d[D_DC].n * sizeof *e->dcs, e->d[D_DC].n, 0);
	put_sect(&w, S_DXS, 0, e->dxs, e->d[D_DX].n * sizeof *e->dxs, e->d[D_DX].n, 0);
	put_sect(&w, S_ANSWERS, 0, e->sa, e->nsa * sizeof *e->sa, e->nsa, e->sa_dead);
	pthread_rwlock_unlock(&e->lock);

	h.size = sizeof h + w.acc_len;
	h.sum = checksum(w.acc, w.acc_len);
	/* A new file renamed over the old one once it is on disk: a crash
	 * leaves the old snapshot or the new one, never half of one. */
	size_t plen = strlen(path);
	char *tmp = xmalloc(plen + 32);
	snprintf(tmp, plen + 32, "%s.%ld.new", path, (long)getpid()); /* two processes may write at once */
	int fd = w.err ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int rc = fd < 0 ? -1 : 0;
	const unsigned char *parts[2] = {(const unsigned char *)&h, w.acc};
	size_t lens[2] = {sizeof h, w.acc_len};
	for (int k = 0; rc == 0 && k < 2; k++)
		for (size_t off = 0; rc == 0 && off < lens[k];) {
			ssize_t n = write(fd, parts[k] + off, lens[k] - off);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				rc = -1;
			else
				off += (size_t)n;
		}
	if (rc == 0 && fsync(fd) != 0)
		rc = -1;
	if (fd >= 0 && close(fd) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1;
	if (rc != 0) {
		fprintf(stderr, "level=warn msg=\"statistics snapshot not written\" path=\"%s\" error=\"%s\"\n",
		        path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	free(w.acc);
	return rc;
}

/* ---- reading ---- */

typedef struct reader {
	const unsigned char *p, *end;
	const char *why;
} reader;

static const sect *next_sect(reader *r, uint32_t kind)
{
	if (r->why)
		return NULL;
	if ((size_t)(r->end - r->p) < sizeof(sect)) {
		r->why = "truncated";
		return NULL;
	}
	const sect *s = (const sect *)r->p;
	size_t padded = (s->bytes + 7) / 8 * 8;
	if (s->kind != kind || s->bytes > (uint64_t)(r->end - r->p) - sizeof(sect) ||
	    padded > (size_t)(r->end - r->p) - sizeof(sect)) {
		r->why = "malformed";
		return NULL;
	}
	r->p += sizeof(sect) + padded;
	return s;
}

/* A section's payload of exactly n entries of size sz, or NULL. */
static const void *payload(reader *r, const sect *s, uint64_t n, size_t sz)
{
	if (!s)
		return NULL;
	if (s->bytes != n * sz) {
		r->why = "malformed";
		return NULL;
	}
	return s + 1;
}

static void *copy_of(const void *p, size_t bytes)
{
	void *c = xmalloc(bytes ? bytes : 1);
	if (bytes)
		memcpy(c, p, bytes);
	return c;
}

/* Reads a segment: its columns point into the mapping (main), or are
 * copied (the delta, which grows). */
static int get_seg(reader *r, uint32_t kind, seg *g, int copy)
{
	const sect *s = next_sect(r, kind);
	if (!s)
		return -1;
	const unsigned char *p = (const unsigned char *)(s + 1), *end = p + s->bytes;
	int full = s->dim != 0;
	if (s->n > UINT32_MAX || s->m > UINT32_MAX || full != (kind == S_DELTA)) {
		r->why = "malformed";
		return -1;
	}
	size_t nv = (size_t)s->n, nd = (size_t)s->m;
	memset(g, 0, sizeof *g);
	g->full = full;
	int bad = 0;
#define COL(t, c, n)                                                                                         \
	do {                                                                                                 \
		size_t b = (n) * sizeof(t), pb = (b + 7) / 8 * 8;                                            \
		if (bad || pb > (size_t)(end - p)) {                                                         \
			bad = 1;                                                                             \
			break;                                                                               \
		}                                                                                            \
		g->c = copy ? copy_of(p, b) : (t *)(const void *)p;                                          \
		p += pb;                                                                                     \
	} while (0);
#define X(t, c) COL(t, c, nv)
	VISIT_COLS(X)
	if (full) {
		FULL_COLS(X)
	}
#undef X
#define X(t, c) COL(t, c, nd)
	DEMAND_COLS(X)
#undef X
	COL(uint64_t, dead, (nv + 63) / 64)
	COL(uint32_t, dblk, nv / DBLK + 1)
#undef COL
	if (bad || p != end) {
		if (copy)
			seg_free(g);
		memset(g, 0, sizeof *g);
		r->why = "malformed";
		return -1;
	}
	g->nv = g->capv = nv;
	g->nd = g->capd = nd;
	g->mapped = !copy;
	/* The demands the visits say they have are the demands held. */
	size_t sum = 0;
	for (size_t i = 0; i < nv && !bad; i++) {
		if (i % DBLK == 0)
			bad = g->dblk[i / DBLK] != sum;
		sum += g->dn[i];
	}
	if (sum != nd || bad) {
		if (copy)
			seg_free(g);
		memset(g, 0, sizeof *g);
		r->why = "inconsistent";
		return -1;
	}
	return 0;
}

static int get_dict(reader *r, int dim, dict *d)
{
	const sect *s = next_sect(r, S_DICT);
	if (!s)
		return -1;
	if (s->dim != (uint32_t)dim || s->n > d->max) {
		r->why = "malformed";
		return -1;
	}
	const char *p = (const char *)(s + 1), *end = p + s->bytes;
	for (uint64_t i = 0; i < s->n; i++) {
		const char *z = memchr(p, 0, (size_t)(end - p));
		if (!z) {
			r->why = "malformed";
			return -1;
		}
		if (dict_id(d, p) != (int64_t)i) { /* a duplicate */
			r->why = "malformed";
			return -1;
		}
		p = z + 1;
	}
	if (p != end) {
		r->why = "malformed";
		return -1;
	}
	return 0;
}

/* Checks the tables that index into others: a damaged file that passes
 * the checksum by chance, or a writer's bug, must not make a query read
 * out of bounds. */
static const char *check_bounds(const stats_engine *e)
{
	const seg *m = &e->main;
	for (size_t s = 0; s < e->nsites_main; s++)
		if (e->site_off[s] > e->site_off[s + 1])
			return "inconsistent";
	if (e->site_off[e->nsites_main] != m->nv || e->nsites_main > e->d[D_SITE].n)
		return "inconsistent";
	const seg *g[2] = {&e->main, &e->delta};
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < g[k]->nv; i++)
			if (g[k]->vk1[i] >= N_VK1 || g[k]->vk2[i] >= N_VK2 ||
			    g[k]->commune[i] >= e->d[D_COMMUNE].n || g[k]->langs[i] >= e->d[D_LANGS].n ||
			    g[k]->agent[i] >= e->d[D_AGENT].n || g[k]->wh[i] / 24 != (g[k]->day[i] + 3) % 7 ||
			    (g[k]->full && g[k]->site[i] >= e->d[D_SITE].n))
				return "inconsistent";
		for (size_t j = 0; j < g[k]->nd; j++)
			if (g[k]->dc[j] >= e->d[D_DC].n || g[k]->dk[j] >= N_DK || g[k]->dx[j] >= e->d[D_DX].n)
				return "inconsistent";
	}
	for (size_t p = 0; p < e->nid; p++)
		if (e->id_idx[p] >= m->nv || (p && e->id_idx[p] <= e->id_idx[p - 1]) || e->id_rank[p] >= e->nid ||
		    e->id_pos[e->id_rank[p]] != p || e->id_aut[p] >= R_AUTONOMY)
			return "inconsistent";
	for (uint32_t c = 0; c < e->d[D_DC].n; c++)
		if (e->dcs[c].op >= e->d[D_OP].n || e->dcs[c].proc >= e->d[D_PROC].n ||
		    e->dcs[c].theme >= e->d[D_THEME].n)
			return "inconsistent";
	for (uint32_t c = 0; c < e->d[D_DX].n; c++)
		if (e->dxs[c].equip >= e->d[D_EQUIP].n || e->dxs[c].ilang >= e->d[D_ILANG].n)
			return "inconsistent";
	for (size_t i = 0; i < e->nsa; i++)
		if (e->sa[i].site >= e->d[D_SITE].n || (i && e->sa[i].id <= e->sa[i - 1].id))
			return "inconsistent";
	return NULL;
}

stats_engine *stats_engine_open(const stats_source *src, const char *identity, const char *path, int threads,
                                const char **why)
{
	*why = NULL;
	int fd = path && *path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0) {
		*why = "absent";
		return NULL;
	}
	struct stat st;
	void *map = MAP_FAILED;
	char magic[8];
	if (fstat(fd, &st) != 0)
		*why = "unreadable";
	else if ((size_t)st.st_size < sizeof(snap_head)) /* shorter than its header */
		*why = pread(fd, magic, 8, 0) == 8 && memcmp(magic, SNAP_MAGIC, 8) == 0 ? "truncated" : "not a snapshot";
	else if ((map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0)) == MAP_FAILED)
		*why = "unreadable";
	close(fd);
	if (*why)
		return NULL;
	size_t size = (size_t)st.st_size;
	const snap_head *h = map;
	const unsigned char *body = (const unsigned char *)map + sizeof *h;
	if (memcmp(h->magic, SNAP_MAGIC, 8) != 0 || h->endian != SNAP_ENDIAN)
		*why = "not a snapshot";
	else if (h->version != SNAP_VERSION || h->vocab != vocab_sum())
		*why = "another version";
	else if (h->size != size)
		*why = "truncated";
	else if (checksum(body, size - sizeof *h) != h->sum)
		*why = "damaged";
	else {
		char want[sizeof h->identity];
		snprintf(want, sizeof want, "%s", identity ? identity : "");
		if (strncmp(h->identity, want, sizeof want) != 0)
			*why = "another store";
	}
	if (*why) {
		munmap(map, size);
		return NULL;
	}
	if (h->mark_vid) {
		int64_t site = 0, started = 0;
		int found = src->visit(src->ctx, h->mark_vid, &site, &started);
		if (found < 0)
			*why = "store unreadable";
		else if (!found || site != h->mark_site || stats_day_of_time(started) != h->mark_day)
			*why = "stale";
		if (*why) {
			munmap(map, size);
			return NULL;
		}
	}

	int64_t t0 = mono_us();
	stats_engine *e = engine_new(src, threads);
	reader r = {body, (const unsigned char *)map + size, NULL};
	e->map = map;
	e->map_len = size;
	if (get_seg(&r, S_MAIN, &e->main, 0) == 0 && get_seg(&r, S_DELTA, &e->delta, 1) == 0) {
		const sect *s = next_sect(&r, S_SITE_OFF);
		e->nsites_main = s ? (size_t)s->n : 0;
		e->site_off = (uint32_t *)payload(&r, s, e->nsites_main + 1, sizeof *e->site_off);
		s = next_sect(&r, S_ID_IDX);
		e->nid = s ? (size_t)s->n : 0;
		e->id_idx = (uint32_t *)payload(&r, s, e->nid, sizeof(uint32_t));
		e->id_vis = (uint32_t *)payload(&r, next_sect(&r, S_ID_VIS), e->nid, sizeof(uint32_t));
		e->id_rank = (uint32_t *)payload(&r, next_sect(&r, S_ID_RANK), e->nid, sizeof(uint32_t));
		e->id_pos = (uint32_t *)payload(&r, next_sect(&r, S_ID_POS), e->nid, sizeof(uint32_t));
		e->id_aut = (uint8_t *)payload(&r, next_sect(&r, S_ID_AUT), e->nid, 1);
		e->main_mapped = 1;
	}
	for (int d = 0; d < D_COUNT && !r.why; d++)
		get_dict(&r, d, &e->d[d]);
	if (!r.why) {
		const sect *s = next_sect(&r, S_DCS);
		const void *p = payload(&r, s, e->d[D_DC].n, sizeof *e->dcs);
		if (p) {
			e->dcs_cap = e->d[D_DC].n;
			e->dcs = copy_of(p, e->dcs_cap * sizeof *e->dcs);
		}
		s = next_sect(&r, S_DXS);
		p = payload(&r, s, e->d[D_DX].n, sizeof *e->dxs);
		if (p) {
			e->dxs_cap = e->d[D_DX].n;
			e->dxs = copy_of(p, e->dxs_cap * sizeof *e->dxs);
		}
		s = next_sect(&r, S_ANSWERS);
		p = payload(&r, s, s ? s->n : 0, sizeof *e->sa);
		if (p) {
			e->nsa = e->capsa = (size_t)s->n;
			e->sa_dead = (size_t)s->m;
			e->sa = copy_of(p, e->nsa * sizeof *e->sa);
		}
	}
	if (!r.why && r.p != r.end)
		r.why = "malformed";
	if (!r.why && (!e->site_off || (e->nid && (!e->id_idx || !e->id_vis || !e->id_rank || !e->id_pos || !e->id_aut))))
		r.why = "malformed";
	if (!r.why)
		r.why = check_bounds(e);
	if (!r.why)
		engine_rank_visitors(e);
	if (r.why) {
		*why = r.why;
		stats_engine_free(e);
		return NULL;
	}
	/* The sites' ids, from their dictionary; their départements and
	 * regions come with the catch-up below, which reads every site. */
	for (uint32_t i = 0; i < e->d[D_SITE].n; i++)
		if (engine_site(e, strtoll(e->d[D_SITE].s[i], NULL, 10)) != (int64_t)i) {
			*why = "malformed";
			stats_engine_free(e);
			return NULL;
		}
	for (int d = 0; d < D_COUNT; d++)
		dict_sort(&e->d[d]);
	e->since = h->since;
	if (stats_engine_refresh(e) != 0) {
		*why = "store unreadable";
		stats_engine_free(e);
		return NULL;
	}
	e->load_us = mono_us() - t0;
	e->from_snapshot = 1;
	return e;
}

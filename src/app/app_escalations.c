/*
 * app_escalations.c: the documents of escalations on disk, the actor of an
 * account, a move and its notification hook (app_escalations.h).
 *
 * A document is written once under the hex SHA-256 of its bytes, first to
 * a temporary file of the same directory, synced, then renamed: a file of
 * that name is complete or absent. The name it was sent with never reaches
 * the file system, so "../../etc/passwd" or "x\0.pdf" are only text to
 * display. The directory is created readable by the server only.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app.h"
#include "app/app_escalations.h"
#include "app/app_mail.h"
#include "db/db.h"
#include "util/guichet_limits.h"
#include "util/i18n.h"

const char *app_escalation_dir(const config *cfg, char *out, size_t outlen)
{
	if (cfg->escalation_files_dir && *cfg->escalation_files_dir) {
		snprintf(out, outlen, "%s", cfg->escalation_files_dir);
		return out;
	}
	const char *file = cfg->db ? db_sqlite_file(cfg->db) : NULL;
	if (!file || !*file)
		return NULL;
	if ((size_t)snprintf(out, outlen, "%s-escalations", file) >= outlen)
		return NULL;
	return out;
}

/* 1 for 64 lower-case hexadecimal digits: the only names read or removed. */
static int hash_valid(const char *h)
{
	size_t n = 0;
	for (; h && h[n]; n++)
		if (!((h[n] >= '0' && h[n] <= '9') || (h[n] >= 'a' && h[n] <= 'f')))
			return 0;
	return n == 64;
}

int app_escalation_file_put(const config *cfg, arena *a, const void *data, size_t len, const char *name,
                            store_escalation_file *f, const char **why)
{
	memset(f, 0, sizeof *f);
	*why = N_("Le document n'a pas pu être enregistré. Réessayez dans un instant.");
	if (!data || len == 0) {
		*why = N_("Le document envoyé est vide.");
		return -1;
	}
	if (len > LIMIT_ESCALATION_FILE_BYTES) {
		*why = N_("Un document ne doit pas dépasser 4 Mo.");
		return -1;
	}
	const char *mime = escalation_file_type(data, len);
	if (!mime) {
		*why = N_("Seuls les documents PDF, JPEG et PNG sont acceptés.");
		return -1;
	}
	char dir[4096];
	if (!app_escalation_dir(cfg, dir, sizeof dir)) {
		*why = N_("Ce serveur n'accepte pas de documents : le réglage escalation-files-dir manque.");
		return -1;
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(f->sha256, sizeof f->sha256, h, sizeof h);
	char clean[ESCALATION_FILE_NAME_BYTES + 8];
	escalation_clean_name(name, clean, sizeof clean);
	f->name = arena_strdup(a, clean);
	f->mime = (char *)mime;
	f->size = (int64_t)len;
	if (!f->name)
		return -1;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "level=error msg=\"escalation files directory\" error=\"%s\"\n",
		        strerror(errno));
		return -1;
	}
	char path[4200], tmp[4220];
	snprintf(path, sizeof path, "%s/%s", dir, f->sha256);
	if (access(path, F_OK) == 0)
		return 0; /* the same bytes, sent before */
	snprintf(tmp, sizeof tmp, "%s/.tmp-XXXXXX", dir);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "level=error msg=\"escalation file\" error=\"%s\"\n", strerror(errno));
		return -1;
	}
	int ok = fd_write_all(fd, data, len) == 0 && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	ok = ok && rename(tmp, path) == 0;
	if (!ok) {
		fprintf(stderr, "level=error msg=\"escalation file\" error=\"%s\"\n", strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int app_escalation_file_read(const config *cfg, arena *a, const char *sha256, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	char dir[4096], path[4200];
	if (!hash_valid(sha256) || !app_escalation_dir(cfg, dir, sizeof dir))
		return -1;
	snprintf(path, sizeof path, "%s/%s", dir, sha256);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	struct stat st;
	int rc = -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (size_t)st.st_size <= LIMIT_ESCALATION_FILE_BYTES) {
		char *p = arena_alloc(a, (size_t)st.st_size);
		size_t got = 0;
		while (p && got < (size_t)st.st_size) {
			ssize_t n = read(fd, p + got, (size_t)st.st_size - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (p && got == (size_t)st.st_size) {
			*data = p;
			*len = got;
			rc = 0;
		}
	}
	close(fd);
	return rc;
}

void app_escalation_file_remove(const config *cfg, const char *sha256)
{
	char dir[4096], path[4200];
	if (!hash_valid(sha256) || !app_escalation_dir(cfg, dir, sizeof dir))
		return;
	snprintf(path, sizeof path, "%s/%s", dir, sha256);
	if (unlink(path) != 0 && errno != ENOENT)
		fprintf(stderr, "level=error msg=\"escalation file removal\" error=\"%s\"\n",
		        strerror(errno));
}

int app_escalation_actor(struct app *app, arena *a, const store_user *u, escalation_actor *out)
{
	memset(out, 0, sizeof *out);
	out->user = u;
	if (!u || !str_eq(u->role, "operator"))
		return 0;
	char **deps = NULL;
	size_t n = 0;
	if (store_referent_departements(app->store, a, u->id, &deps, &n) != STORE_OK)
		return -1;
	out->departements = deps;
	out->ndepartements = n;
	return 0;
}

int app_escalation_create(struct app *app, arena *a, const store_user *u, int64_t demand_id, char *question,
                          int consent, const store_escalation_file *files, size_t nfiles, int64_t now,
                          int64_t *id, field_errors *e)
{
	*id = 0;
	int64_t visit_id = 0;
	store_visit visit;
	int rc = store_escalation_demand_visit(app->store, demand_id, &visit_id);
	if (rc == STORE_OK)
		rc = store_visit_get(app->store, a, visit_id, &visit);
	if (rc == STORE_NOT_FOUND)
		return APP_ESC_NOT_FOUND;
	if (rc != STORE_OK)
		return APP_ESC_ERROR;
	const store_demand *d = NULL;
	for (size_t i = 0; i < visit.ndemands; i++)
		if (visit.demands[i].id == demand_id)
			d = &visit.demands[i];
	if (!d || !escalation_may_create(u, visit.site_id))
		return APP_ESC_NOT_FOUND;
	if (d->escalation_id)
		return APP_ESC_EXISTS;
	if (!str_eq(d->outcome, "escalade"))
		return APP_ESC_NOT_ESCALADE;
	if (escalation_validate_new(question, consent, e) != 0)
		return APP_ESC_INVALID;
	store_site site;
	store_operator op;
	int64_t referents = 0;
	if (store_site_get(app->store, a, visit.site_id, &site) != STORE_OK ||
	    store_operator_get(app->store, a, d->operator_code, &op) != STORE_OK ||
	    store_referent_count(app->store, d->operator_code, site.departement, &referents) != STORE_OK)
		return APP_ESC_ERROR;
	store_escalation esc = {.demand_id = demand_id,
	                        .status = referents ? "envoyee" : "nouvelle",
	                        .question = question,
	                        .consent_at = now,
	                        .created_by = u->id};
	int64_t days = op.deadline_days > 0 ? op.deadline_days : ESCALATION_DEFAULT_DEADLINE_DAYS;
	rc = store_escalation_insert(app->store, &esc, days, files, nfiles, now);
	if (rc == STORE_CONFLICT)
		return APP_ESC_EXISTS;
	if (rc == STORE_NOT_FOUND)
		return APP_ESC_NOT_FOUND;
	if (rc != STORE_OK)
		return APP_ESC_ERROR;
	*id = esc.id;
	store_escalation now_e;
	if (store_escalation_get(app->store, a, esc.id, &now_e) == STORE_OK)
		app_escalation_notify(app, &now_e, referents ? "envoi" : "creation", u->id);
	return APP_ESC_OK;
}

int app_escalation_move(struct app *app, const store_escalation *before, const store_escalation *after,
                        const char *event, int internal, const char *body, const char *detail,
                        int64_t user_id, const store_escalation_file *files, size_t nfiles, int64_t now)
{
	store_escalation_move m = {.id = before->id,
	                           .from = before->status,
	                           .from_info = before->info_requested,
	                           .after = after,
	                           .action = event,
	                           .body = body,
	                           .internal = internal,
	                           .detail = detail,
	                           .user_id = user_id,
	                           .files = files,
	                           .nfiles = nfiles};
	int rc = store_escalation_apply(app->store, &m, now);
	if (rc == STORE_OK)
		app_escalation_notify(app, after, event, user_id);
	return rc;
}

/* Tells the accounts of one side (0 the referents, 1 the adviser's side)
 * of event about e, but not the actor: only a link to the escalation. */
static void tell(struct app *app, arena *a, const store_escalation *e, int side, mail_event event,
                 int64_t actor_id)
{
	int64_t *ids = NULL;
	size_t n = 0;
	if (store_escalation_recipients(app->store, a, e, side, &ids, &n) != STORE_OK) {
		fprintf(stderr, "level=error msg=\"escalation notification\" escalation=%lld\n",
		        (long long)e->id);
		return;
	}
	char link[64];
	snprintf(link, sizeof link, "/escalations/%lld", (long long)e->id);
	for (size_t i = 0; i < n; i++)
		if (ids[i] != actor_id)
			app_notify(app, event, ids[i], link);
}

void app_escalation_notify(struct app *app, const store_escalation *e, const char *event, int64_t actor_id)
{
	if (!app || !e || !event || !app_mail_configured(app->cfg))
		return;
	int side;
	mail_event what;
	if (str_eq(event, "envoi") || (str_eq(event, "redirection") && str_eq(e->status, "envoyee"))) {
		side = 0;
		what = MAIL_ESCALATION_NEW;
	} else if (str_eq(event, "reponse") || str_eq(event, "mauvais_interlocuteur")) {
		side = 1;
		what = MAIL_ESCALATION_ANSWER;
	} else if (str_eq(event, "demande_info")) {
		side = 1;
		what = MAIL_ESCALATION_INFO;
	} else if (str_eq(event, "complement")) {
		side = 0;
		what = MAIL_ESCALATION_COMPLEMENT;
	} else {
		return; /* creation without a referent, notes, documents, closing */
	}
	arena *a = arena_new((size_t)64 * 1024);
	tell(app, a, e, side, what, actor_id);
	arena_free(a);
}

/* Escalations one sweep looks at, at most: the next pass takes the rest. */
#define OVERDUE_SWEEP_MAX 200

int64_t app_escalation_overdue_sweep(struct app *app, int64_t now)
{
	int64_t ids[OVERDUE_SWEEP_MAX], told = 0;
	size_t n = 0;
	if (store_escalation_overdue_list(app->store, now, ids, COUNT(ids), &n) != STORE_OK)
		return 0;
	for (size_t i = 0; i < n; i++) {
		store_escalation e;
		/* Marked first: a mark another server made, or a move meanwhile,
		 * leaves it alone. */
		if (store_escalation_overdue_mark(app->store, ids[i], now) != STORE_OK)
			continue;
		arena *a = arena_new((size_t)256 * 1024);
		if (store_escalation_get(app->store, a, ids[i], &e) == STORE_OK) {
			tell(app, a, &e, 0, MAIL_ESCALATION_OVERDUE, 0);
			tell(app, a, &e, 1, MAIL_ESCALATION_OVERDUE, 0);
			told++;
		}
		arena_free(a);
	}
	if (told)
		fprintf(stderr, "level=info msg=\"late escalations announced\" count=%lld\n",
		        (long long)told);
	return told;
}

int app_escalation_purge(store *s, const config *cfg, int64_t before, int64_t now, int dry_run, int64_t *n)
{
	arena *a = arena_new((size_t)4 * 1024 * 1024);
	char **hashes = NULL;
	size_t nh = 0;
	int rc = store_purge_escalations(s, a, before, now, dry_run, n, &hashes, &nh);
	if (rc == STORE_OK)
		for (size_t i = 0; i < nh; i++)
			app_escalation_file_remove(cfg, hashes[i]);
	arena_free(a);
	return rc;
}

/*
 * guichet_limits.h: every hard limit of Guichet in one place.
 *
 * A server that welcomes the public on weak links must not let a few slow or
 * hostile clients starve the advisers. Each limit below is enforced exactly
 * where input enters the program; exceeding it is an error the caller reports.
 */
#ifndef GUICHET_LIMITS_H
#define GUICHET_LIMITS_H

/* HTTP requests */
#define LIMIT_BODY_BYTES          (2UL * 1024UL * 1024UL) /* 413 beyond this */
#define LIMIT_UPLOAD_BYTES        (64UL * 1024UL * 1024UL) /* CSV import routes only */
#define LIMIT_HEADER_BYTES        (16UL * 1024UL)        /* all request headers together */
#define LIMIT_URL_BYTES           4096UL
#define LIMIT_FIELDS              256u                 /* form or query fields per request */
#define LIMIT_FIELD_NAME_BYTES    128UL
#define LIMIT_FIELD_VALUE_BYTES   (64UL * 1024UL)
#define LIMIT_COOKIES             32u

/* Connections */
#define LIMIT_CONNECTIONS         1024u
#define LIMIT_CONNECTIONS_PER_IP  64u
#define LIMIT_CONNECTION_TIMEOUT_S 30u                 /* idle or slow client */
#define LIMIT_SHUTDOWN_GRACE_S    20u                  /* finish in-flight requests */

/* Responses and memory */
#define LIMIT_RESPONSE_BYTES      (32UL * 1024UL * 1024UL)
#define LIMIT_ARENA_BYTES         (64UL * 1024UL * 1024UL) /* per request */
#define LIMIT_STATIC_FILE_BYTES   (4UL * 1024UL * 1024UL)

/* Texts stored by the domain (characters are counted as UTF-8 bytes) */
#define LIMIT_NAME_BYTES          200UL
#define LIMIT_EMAIL_BYTES         254UL
#define LIMIT_TEXT_BYTES          2000UL
#define LIMIT_PASSWORD_MIN        12u
#define LIMIT_PASSWORD_MAX        256u

/* Authentication */
#define LIMIT_LOGIN_FAILS_ACCOUNT 5u     /* failures per account per window */
#define LIMIT_LOGIN_FAILS_ADDRESS 20u    /* failures per client address per window */
#define LIMIT_LOGIN_WINDOW_S      900u
#define DEFAULT_SESSION_IDLE_S    (2 * 3600)
#define DEFAULT_SESSION_ABSOLUTE_S (12 * 3600)

/* Store */
#define LIMIT_DB_BUSY_MS          5000
/* PostgreSQL: a statement running longer is cancelled, so that a request
 * never holds a pooled connection for minutes; a transaction left idle by a
 * stuck caller is closed by the server so it cannot hold its locks. */
#define LIMIT_DB_STATEMENT_MS     30000
#define LIMIT_DB_IDLE_IN_TX_MS    60000
#define LIMIT_PAGE_ROWS           200u   /* rows in one listing page */

/* CSV import and export (csv.c, demand_csv.c) */
#define LIMIT_CSV_FIELD_BYTES     (8UL * 1024UL)  /* one cell */
#define LIMIT_CSV_RECORD_BYTES    (64UL * 1024UL) /* one row */
#define LIMIT_CSV_COLUMNS         100UL
#define LIMIT_IMPORT_ROWS         500000UL       /* demand rows in one import */
#define LIMIT_IMPORT_ERRORS       1000UL         /* errors listed; the rest are counted */

#endif

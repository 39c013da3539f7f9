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
#define LIMIT_CONNECTIONS         4096u
#define LIMIT_CONNECTIONS_PER_IP  64u
#define LIMIT_CONNECTION_TIMEOUT_S 30u                 /* idle or slow client */
/* Deadlines that trickled bytes cannot push back (src/http/http_guard.c):
 * the request head must be complete this long after the connection opened
 * (or after its request line, on a kept-alive connection); a body has as
 * long again plus its size at LIMIT_BODY_MIN_RATE, and an answer the idle
 * timeout plus its size at that rate. The defaults of the settings
 * head-timeout, max-connections and max-connections-per-address. */
#define LIMIT_HEAD_TIMEOUT_S      10u
#define LIMIT_BODY_MIN_RATE       4096u                /* bytes per second */
#define LIMIT_GUARD_TICK_MS       100u                 /* how often deadlines are checked */
#define LIMIT_CONNECTIONS_MAX     65536u               /* the highest max-connections */
#define LIMIT_SHUTDOWN_GRACE_S    20u                  /* finish in-flight requests */
/* Streamed answers (Server-Sent Events of the public screens, phone pages
 * and queue pages, src/http/http_stream.c): at most this many open at
 * once (503 beyond), each still counted in the connections above. A stream
 * silent for LIMIT_STREAM_KEEPALIVE_S sends a comment, so that proxies keep
 * it and a vanished peer is found; every LIMIT_STREAM_TICK_MS the sleeping
 * streams are looked at for a peer that left. */
#define LIMIT_EVENT_STREAMS       2048u
#define LIMIT_STREAM_KEEPALIVE_S  25u
#define LIMIT_STREAM_TICK_MS      1000u

/* Responses and memory */
#define LIMIT_RESPONSE_BYTES      (32UL * 1024UL * 1024UL)
#define LIMIT_ARENA_BYTES         (64UL * 1024UL * 1024UL) /* per request */
#define LIMIT_STATIC_FILE_BYTES   (4UL * 1024UL * 1024UL)

/* Pieces of pages kept between requests (src/web/fragment.c): how many,
 * the largest piece and the largest key (what the piece depends on). A
 * piece or key beyond these is rendered at each view instead. At most
 * 64 × (64 + 64) KiB = 8 MiB. */
#define LIMIT_FRAGMENTS           64u
#define LIMIT_FRAGMENT_BYTES      (64UL * 1024UL)
#define LIMIT_FRAGMENT_KEY_BYTES  (64UL * 1024UL)

/* Texts stored by the domain (characters are counted as UTF-8 bytes) */
#define LIMIT_NAME_BYTES          200UL
#define LIMIT_EMAIL_BYTES         254UL
#define LIMIT_TEXT_BYTES          2000UL
#define LIMIT_PASSWORD_MIN        12u
#define LIMIT_PASSWORD_MAX        256u

/* Authentication */
/* Login throttling (src/auth/throttle.c): after this many failures on one
 * key (an account, a client address, or an account on a known device),
 * each further attempt waits LIMIT_LOGIN_DELAY_BASE_S doubled for each
 * failure past the count, at most LIMIT_LOGIN_DELAY_MAX_S after the last
 * failure. A key without a failure for LIMIT_LOGIN_FORGET_S starts again
 * from zero. */
#define LIMIT_LOGIN_FAILS_ACCOUNT 5u
#define LIMIT_LOGIN_FAILS_ADDRESS 20u
#define LIMIT_LOGIN_FAILS_DEVICE  5u
#define LIMIT_LOGIN_DELAY_BASE_S  2
#define LIMIT_LOGIN_DELAY_MAX_S   900
#define LIMIT_LOGIN_FORGET_S      86400
#define LIMIT_LOGIN_THROTTLE_KEYS 65536u /* keys remembered in memory */
#define LIMIT_DEVICE_COOKIE_S     (400L * 86400L) /* a known device is remembered */
/* API tokens: the life of a new token when none is asked, and the longest. */
#define LIMIT_TOKEN_DEFAULT_DAYS  90
#define LIMIT_TOKEN_MAX_DAYS      365
/* Second factor: the time between a right password and its code, and the
 * recovery codes given at enrolment. */
#define LIMIT_TOTP_PENDING_S      300
#define LIMIT_TOTP_RECOVERY_CODES 10u
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

/* The public satisfaction page (page_avis.c): answers given by the public
 * (kiosk and QR code) to one site in the last hour. A busy desk welcomes a
 * few dozen people an hour; past the cap a script filling a site's figures
 * is refused whatever addresses it uses. Paper answers are not counted. */
#define LIMIT_SATISFACTION_SITE_PER_HOUR 120
#define LIMIT_SATISFACTION_SITE_WINDOW_S 3600

/* Retention of personal data (docs/privacy.md, src/app/app_retention.c):
 * the defaults of the settings retention-visitors, retention-comments and
 * retention-audit, in months, and the longest period they accept. The
 * server purges once every LIMIT_RETENTION_EVERY_S. An export of what is
 * held about one person lists at most LIMIT_PRIVACY_EXPORT_ROWS visits and
 * as many audit rows. */
#define DEFAULT_RETENTION_VISITORS_MONTHS 24
#define DEFAULT_RETENTION_COMMENTS_MONTHS 12
#define DEFAULT_RETENTION_AUDIT_MONTHS    12
#define LIMIT_RETENTION_MONTHS_MAX        120
#define LIMIT_RETENTION_EVERY_S           86400
/* A name noted on a queue's ticket (where the site allows names) serves to
 * greet the person that day: the purge empties it a day after the ticket
 * was issued; the ticket's facts stay for the statistics. */
#define LIMIT_TICKET_NAME_S               86400
/* The speech cache (src/util/speech_cache.c): the default of the setting
 * speech-cache-mb, the memory kept for made speech, and its largest value. */
#define DEFAULT_SPEECH_CACHE_MB           32
/* E-mail notifications (docs/mail.md): the time one SMTP exchange may
 * take, the first wait before a failed message is tried again (doubled at
 * each failure), the attempts before giving up, and how long the outbox
 * keeps messages once they are done. */
#define DEFAULT_SMTP_TIMEOUT_S            30
#define DEFAULT_SMTP_RETRY_S              60
#define LIMIT_MAIL_ATTEMPTS               8
#define LIMIT_MAIL_KEEP_DAYS              30
/* Offline sync of a laptop (docs/sync.md): the seconds between two syncs
 * of a running server, the time one exchange with the centre may take,
 * the time to open the connection, and the largest answer read. */
#define DEFAULT_SYNC_INTERVAL_S           60
#define DEFAULT_SYNC_TIMEOUT_S            60
#define LIMIT_SYNC_CONNECT_S              10
#define LIMIT_SYNC_ANSWER_BYTES           (64u << 20)
#define LIMIT_SPEECH_CACHE_MB_MAX         4096
/* A site's notices (docs/notices.md) are deleted by the daily purge this
 * many months after they ended: public information, kept a year for the
 * site's own review, then of no use. */
#define LIMIT_NOTICES_KEEP_MONTHS         12
#define LIMIT_PRIVACY_EXPORT_ROWS         1000u
/* Escalations to an operator's back office (docs/escalations.md): the
 * longest question, answer or note; a document's largest size and the
 * documents one form may bring (PDF, JPEG or PNG, recognised by their
 * content); the body of such a form; and the default of the setting
 * retention-escalations, in months after closing, before the texts and
 * documents of a closed escalation are wiped. */
#define LIMIT_ESCALATION_TEXT_BYTES       4000UL
#define LIMIT_ESCALATION_FILE_BYTES       (4UL * 1024UL * 1024UL)
#define LIMIT_ESCALATION_FILES            3u
#define LIMIT_ESCALATION_UPLOAD_BYTES     (LIMIT_ESCALATION_FILES * LIMIT_ESCALATION_FILE_BYTES + 64UL * 1024UL)
#define DEFAULT_RETENTION_ESCALATIONS_MONTHS 12
/* Appointments with the operators' experts are deleted this long after
 * they took place (docs/appointments.md). */
#define DEFAULT_RETENTION_APPOINTMENTS_MONTHS 24
/* The default of the setting retention-callbacks (docs/callbacks.md): the
 * days after a callback is closed before the name, number and reason the
 * person left are wiped. */
#define DEFAULT_RETENTION_CALLBACKS_DAYS 30
#define LIMIT_RETENTION_CALLBACKS_DAYS_MAX 3650

/* The public queue pages (page_kiosk.c, page_ticket.c): a kiosk or phone
 * form is accepted for LIMIT_KIOSK_FORM_S after it was shown; tickets
 * taken on a phone from the QR code at the door, per client address and
 * per site in a window; tickets taken at the kiosk per site in the same
 * window (a script cannot fill a queue, a busy morning can). The kiosk's
 * inactivity warning comes after DEFAULT_KIOSK_IDLE_S without input (an
 * address may ask between the MIN and MAX), and the return to the first
 * screen after KIOSK_IDLE_GRACE_S more unless the person asks for time. */
#define LIMIT_KIOSK_FORM_S              7200
#define LIMIT_DOOR_TICKETS_PER_ADDRESS  4
#define LIMIT_DOOR_TICKETS_SITE         60
#define LIMIT_KIOSK_TICKETS_SITE        600
#define LIMIT_PUBLIC_TICKETS_WINDOW_S   3600
#define LIMIT_PUBLIC_TICKETS_ADDRESSES  1024
#define LIMIT_PUBLIC_TICKETS_SITES      1024
#define DEFAULT_KIOSK_IDLE_S            90
#define LIMIT_KIOSK_IDLE_MIN_S          2
#define LIMIT_KIOSK_IDLE_MAX_S          600
#define KIOSK_IDLE_GRACE_S              30

/* Addresses (docs/addresses.md): the largest Base Adresse Locale file
 * loaded at once (a département's holds a few hundred thousand rows), and
 * the longest line of "guichet address format". */
#define LIMIT_BAL_FILE_BYTES            ((size_t)512 * 1024 * 1024)
#define LIMIT_ADDRESS_JSON_LINE         65536

#endif

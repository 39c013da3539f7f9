/*
 * demand_csv_impl.h: what the two halves of the accompaniment CSV file
 * (demand_csv.c: columns and import; demand_csv_export.c: export) share and
 * nobody else sees: the columns, in file order.
 */
#ifndef GUICHET_DEMAND_CSV_IMPL_H
#define GUICHET_DEMAND_CSV_IMPL_H

/* clang-format off */
enum col {
	C_REF, C_DATE, C_TIME, C_SITE, C_SITE_NAME, C_SITE_INSEE, C_SITE_COMMUNE, C_SITE_POSTCODE,
	C_AGENT, C_CHANNEL, C_PLACE, C_VISIT_DURATION, C_OPERATOR, C_THEME, C_PROCEDURE_ID, C_PROCEDURE,
	C_LEVEL, C_MANDATE, C_MANDATE_REF, C_AUTONOMY, C_EQUIPMENT, C_INTERPRETING, C_INTERPRETING_LANG,
	C_DURATION, C_OUTCOME, C_REFERRED, C_REFERRAL, C_NOTE, C_GENDER, C_AGE, C_BIRTH_YEAR, C_STATUS,
	C_RESIDENCE, C_BARRIERS, C_PUBLICS, C_LANGUAGES, C_DISABILITIES, NCOLS
};
/* clang-format on */

/* The codes of the two columns of yes/no flags, in the order of the
 * visitor's fields: no_phone, no_email, no_device, no_internet; allophone,
 * illiteracy, very_precarious. */
extern const char *const demand_csv_barrier_codes[4];
extern const char *const demand_csv_public_codes[3];

#endif

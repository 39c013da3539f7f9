/* satisfaction.c: the rules of a satisfaction answer (being written). */
#include "satisfaction.h"

const char *const SATISFACTION_CODES[3] = {"pas_bien", "moyen", "tres_bien"};

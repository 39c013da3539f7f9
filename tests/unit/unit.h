/* unit.h: what every cmocka test file includes. */
#ifndef GUICHET_UNIT_H
#define GUICHET_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#endif

/* A lib/ header that includes mm/: with mm/pages.h including it back, the
 * two layers form a cycle that check_layers.py must report. */
#ifndef FIXTURE_LIB_STRINGS_H
#define FIXTURE_LIB_STRINGS_H

#include "mm/pages.h"

#endif

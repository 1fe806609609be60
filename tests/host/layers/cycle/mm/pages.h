/* An mm/ header that includes lib/ (allowed by itself). */
#ifndef FIXTURE_MM_PAGES_H
#define FIXTURE_MM_PAGES_H

#include "lib/strings.h"

#endif

/* store.c - backend-independent parts of store.h. */
#include "store.h"

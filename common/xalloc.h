/* xalloc: allocation that never returns NULL.
 * Out of memory is not a condition parley can serve users through, so every
 * allocation failure aborts the process with a message (see STYLE.md, lesson 3). */
#ifndef PARLEY_XALLOC_H
#define PARLEY_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t len);

#endif

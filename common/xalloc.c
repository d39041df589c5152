/* xalloc: allocation that never returns NULL. */
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reports an allocation failure and stops: there is no sane way to go on. */
static void xalloc_die(size_t size)
{
	fprintf(stderr, "parley: out of memory allocating %zu bytes\n", size);
	abort();
}

/* malloc that aborts on failure; a zero size still yields a unique pointer. */
void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		xalloc_die(size);
	return p;
}

/* calloc that aborts on failure (calloc itself checks count * size overflow). */
void *xcalloc(size_t count, size_t size)
{
	void *p;

	if (count == 0 || size == 0)
		count = size = 1;
	p = calloc(count, size);
	if (!p)
		xalloc_die(count * size);
	return p;
}

/* realloc that aborts on failure; size 0 keeps a live block rather than freeing. */
void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		xalloc_die(size);
	return p;
}

/* strdup that aborts on failure. */
char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* Copies at most len bytes of s (stopping at a NUL) into a new string. */
char *xstrndup(const char *s, size_t len)
{
	size_t n = strnlen(s, len);
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

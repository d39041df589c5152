/* nickcolor: a stable colour per nick. */
#include "nickcolor.h"

#include <stdint.h>

#include "ircname.h"

/* FNV-1a (32 bits) over the folded bytes, so equal nicks hash alike. */
int nickcolor_index(const char *nick, int ncolors)
{
	uint32_t hash = 2166136261u;

	if (ncolors < 1)
		return 0;
	for (const char *p = nick; *p; p++) {
		hash ^= (uint8_t)ircname_fold_char(*p);
		hash *= 16777619u;
	}
	return (int)(hash % (uint32_t)ncolors);
}

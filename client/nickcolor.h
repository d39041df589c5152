/* nickcolor: a stable colour per nick.
 *
 * The colour is a hash (FNV-1a) of the rfc1459-folded nick, so it is the same
 * in every run and on every machine, and "Alice" and "alice" (the same nick)
 * get the same colour. */
#ifndef PARLEY_NICKCOLOR_H
#define PARLEY_NICKCOLOR_H

/* A colour index in 0..ncolors-1 for nick (0 when ncolors < 1). The UI maps
 * it to its own palette (e.g. a list of readable IRC colours). */
int nickcolor_index(const char *nick, int ncolors);

#endif

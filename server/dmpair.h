/* dmpair: the store target of a private conversation between two accounts
 * (no I/O). "@a,b" with a and b the case-folded account names, a sorting
 * before b, so both sides name the same target; '@' never starts a room's
 * name, so it cannot meet a room (store.h). */
#ifndef PARLEY_DMPAIR_H
#define PARLEY_DMPAIR_H

#include <stdbool.h>
#include <stddef.h>

#include "ircname.h"

/* "@" + two names + "," + NUL. */
#define DMPAIR_KEY_MAX (2 * NICK_LEN_MAX + 3)

/* Writes the pair's target for accounts a and b (any case) into key
 * (DMPAIR_KEY_MAX bytes). False if either name is empty or too long. */
bool dmpair_key(const char *a, const char *b, char key[DMPAIR_KEY_MAX]);
/* Is key a pair target? Writes its two (folded) names into first and
 * second when it is. */
bool dmpair_split(const char *key, char first[NICK_LEN_MAX + 1], char second[NICK_LEN_MAX + 1]);
/* The other side of key for the (folded or not) account, into other;
 * false if key is no pair target or account is not one of its sides. */
bool dmpair_other(const char *key, const char *account, char other[NICK_LEN_MAX + 1]);

#endif

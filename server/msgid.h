/* msgid: IRCv3 message ids, unique across restarts (no I/O after init).
 *
 * An id is 26 characters of base32 (a-z, 2-7): 64 random bits drawn once
 * per server start, then a 64-bit counter. Two starts share an id only if
 * they draw the same 64 random bits, and an id never starts with ':' (the
 * message-ids spec forbids that). Ids carry no order: a room's order is its
 * sequence numbers (history_query.h). Thread-safe (one atomic counter). */
#ifndef PARLEY_MSGID_H
#define PARLEY_MSGID_H

#include <stdbool.h>

#define MSGID_LEN 26

/* Draws the random part (getrandom); call once before any msgid_new(). With
 * no randomness available it falls back to time and pid, which still differ
 * between starts. */
void msgid_init(void);

/* Writes the next id and its NUL into out. */
void msgid_new(char out[MSGID_LEN + 1]);

/* Could s be one of our ids (length and alphabet)? A reference a client
 * sends is checked with this before it is looked up. */
bool msgid_valid(const char *s);

#endif

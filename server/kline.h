/* kline: the server bans in force (KLINE): who may not connect at all.
 *
 * Part of the chat core. The table is an immutable, reference-counted
 * snapshot: a check takes a reference under table_lock (a leaf inside
 * kline.c, held only to swap the pointer or take a reference), matches with
 * no lock held, and drops it, so a reader never waits for a writer. Writers
 * (operators' KLINE/UNKLINE) are serialised by write_lock, held across the
 * store write so the file and the table change in the same order; nothing
 * else is taken under it but store_direct's lock and table_lock (both
 * leaves). With --history-store sqlite each change is committed to the
 * store (store_klines.h) before the caller answers; with memory the bans
 * last until the server stops.
 *
 * Expiry: an entry past expires_ms stops matching at once (checked against
 * the clock at each match); expired entries are dropped from the table at
 * the next change and from the file at the next start. */
#ifndef PARLEY_KLINE_H
#define PARLEY_KLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "kline_mask.h"

/* Bytes of a ban's reason kept (cut at a character boundary). */
#define KLINE_REASON_MAX 300
/* Bytes of the setter's name kept (an operator's nick). */
#define KLINE_SETTER_MAX 64
/* The longest duration a ban may be given: one year. */
#define KLINE_DURATION_MAX_MS (366LL * 24 * 3600 * 1000)

struct kline {
	struct kline_mask mask;
	char reason[KLINE_REASON_MAX + 1];
	char setter[KLINE_SETTER_MAX + 1];
	long long set_ms;     /* Unix ms */
	long long expires_ms; /* Unix ms; 0 = never */
};

enum kline_result {
	KLINE_ADDED,
	KLINE_REPLACED,     /* the same mask was banned: reason and expiry replaced */
	KLINE_REMOVED,
	KLINE_BAD_MASK,     /* why says what */
	KLINE_EVERYONE,     /* the mask matches everyone */
	KLINE_FULL,         /* --max-klines entries in force */
	KLINE_NOT_FOUND,    /* unkline: no such ban */
	KLINE_STORE_FAILED, /* the store refused the write: nothing changed; why names the file */
};

/* Is k in force at now_ms (Unix ms): permanent, or not yet expired? */
bool kline_in_force(const struct kline *k, long long now_ms);

/* Loads the bans kept in the store (dropping expired ones) at start, or
 * says in the log that bans are kept in memory only. The store is open
 * (archive_open). 0, or -1 with err set (the server does not start). */
int kline_start(char *err, size_t errcap);

/* Drops the table (at exit). */
void kline_free(void);

/* Adds (or replaces) a ban on mask_text for duration_ms (0: permanent),
 * reason (cut to KLINE_REASON_MAX), set by setter. The entry as kept goes
 * to *out. On failure why (whycap bytes) says what stopped it. */
enum kline_result kline_add(const char *mask_text, long long duration_ms, const char *reason,
			    const char *setter, struct kline *out, char *why, size_t whycap);

/* Removes the ban on mask_text (normalised first); its canonical text goes
 * to canon (KLINE_MASK_MAX + 1 bytes). */
enum kline_result kline_remove(const char *mask_text, char *canon, char *why, size_t whycap);

/* Is a connection from host banned by an address-only entry? Then its
 * reason goes to reason (KLINE_REASON_MAX + 1 bytes). */
bool kline_check_host(const char *host, char *reason);

/* Is the user nick!user@host banned? Then its reason goes to reason. */
bool kline_check_user(const char *nick, const char *user, const char *host, char *reason);

/* Calls fn for each ban in force (not expired), in the order they were set,
 * with no lock held. Returns how many. */
size_t kline_each(void (*fn)(const struct kline *k, void *arg), void *arg);

#endif

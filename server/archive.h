/* archive: what a room keeps beyond the moment — its messages and its state —
 * in memory (history.h) and, with --history-store sqlite, in the store
 * (store.h). Part of the chat core: the core calls it where a message is
 * fanned out or a room changes; it never renders anything.
 *
 * Kept: PRIVMSG and NOTICE to rooms (ACTION is a PRIVMSG) and TOPIC changes,
 * each numbered from one server-wide sequence under the room's lock (the
 * room's order, history_query.h); and a room's topic, modes, key, limit and
 * bans, saved when they change and restored when the room is made again
 * (after it emptied, or after a restart), with the accounts it remembers
 * as ops (opaccts.h). Private messages are kept only between two
 * logged-in accounts, under their pair's target (dmpair.h), and only with a
 * store: a nick alone is not an identity (docs/history.md).
 *
 * The store is opened by archive_open() before any connection is accepted
 * and closed by archive_close() after the last one ended. Nothing here waits
 * for the disk under a lock: appends and saves are queued (store.h); the
 * reads (restoring a room, answering a query) run on the caller's thread
 * with no lock held. */
#ifndef PARLEY_ARCHIVE_H
#define PARLEY_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "history_query.h"

struct channel;
struct outmsg;

/* Opens the store when the configuration asks for one. Returns 0, or -1
 * with a message in err (the server does not start). */
int archive_open(char *err, size_t errcap);
/* The store's connection for small tables written at once (store_direct.h:
 * accounts, server bans), or NULL without a store. */
struct store_direct *archive_direct(void);
/* Writes what is queued and closes the store (no-op without one). */
void archive_close(void);

/* Should workers read their clients more slowly because the store's queue
 * is long (store_backlogged)? Lock-free; false without a store. */
bool archive_backlogged(void);

/* Keeps a room message (m: PRIVMSG, NOTICE or TOPIC to ch, text its text
 * or the new topic, tags its client-only tags or NULL). ch->lock held. */
void archive_message_locked(struct channel *ch, const struct outmsg *m, const char *text,
			    const char *tags);

/* Saves ch's state (topic, modes, key, limit, bans). ch->lock held. */
void archive_room_changed_locked(struct channel *ch);

/* What a room had when it was last alive, read before it is made again. */
struct archive_room;
/* Reads the remembered state and recent messages of the room whose folded
 * name is key; NULL when there is none (or no store). No lock held. */
struct archive_room *archive_room_load(const char *key);
/* Gives a channel not yet visible to anyone (no lock needed) what r holds,
 * then frees r. r may be NULL. */
void archive_room_apply(struct channel *ch, struct archive_room *r);
void archive_room_free(struct archive_room *r);

/* Answers a history query on room ch (the caller holds a reference): from
 * the store if there is one, else from the room's memory. Returns 0, 1 for
 * an unknown msgid, -1 on a read error. No lock held. */
int archive_query(struct channel *ch, const struct history_query *q, struct history_page *page);

/* CHATHISTORY TARGETS over the given rooms (references held) and private
 * conversations (pair targets from archive_dm_targets): see store_targets();
 * a which[] from n up names pairs[which - n]. Without a store, from the
 * rooms' memory (and no pairs). */
int archive_targets(struct channel *const *rooms, size_t n, const char *const *pairs,
		    size_t npairs, long long from_ms, long long to_ms, size_t limit, size_t *which,
		    long long *latest_ms);

/* Keeps a private message m (PRIVMSG or NOTICE with text) from account
 * `from` to account `to` — both logged in; nothing when either is "" or
 * there is no store. Registry read lock held by the caller (so neither
 * account changes meanwhile); no channel lock needed. */
void archive_dm(const struct outmsg *m, const char *text, const char *tags, const char *from,
		const char *to);
/* Answers q on the private conversation of accounts `account` and `other`
 * (an empty page with no store or no account): as archive_query. */
int archive_dm_query(const char *account, const char *other, const struct history_query *q,
		     struct history_page *page);
/* The pair targets of account's conversations, most recent first, at most
 * max, copies in out[] (free each): how many, or -1 on a read error. */
int archive_dm_targets(const char *account, char **out, size_t max);

#endif

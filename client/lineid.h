/* lineid: what identifies a message a window shows, for "never a line twice"
 * (pure: no I/O, no clock, no time zone).
 *
 * A message can come twice: live and again in a history replay (parleyd's
 * replay on join, or a CHATHISTORY page that overlaps what is shown). Three
 * keys, keyed hashes (siphash.h) kept in the window's seenset:
 *
 *   msgid  the IRCv3 msgid tag: the same message has the same id, always.
 *   exact  server-time (to the millisecond) + nick + text, for servers that
 *          tag the time but not the msgid (parleyd before msgids).
 *   loose  nick + text + the minute of the hour, for replays that carry no
 *          time tag: parleyd marks them "[history HH:MM] text" (the server's
 *          local time; the minute is the same in every zone a whole number
 *          of hours from UTC, which is why only the minute is compared).
 *
 * Which key decides (lineid_is_dup): a line with a msgid is a repeat only of
 * that msgid (so a hundred equal lines with their own ids all show); a line
 * with a server-time and no msgid, of its exact key; a "[history HH:MM]"
 * replay, and our own line coming back when the server does not echo, of
 * the loose key. A live line with no tags is never a repeat: people do say
 * "ok" twice. */
#ifndef PARLEY_LINEID_H
#define PARLEY_LINEID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seenset.h"

/* Longest msgid kept (longer ones count as none: no real server uses them,
 * and we send the id back in CHATHISTORY). */
#define LINEID_MSGID_MAX 64

enum lineid_match {
	LINEID_MATCH_NONE,  /* never a repeat */
	LINEID_MATCH_MSGID, /* compare the msgid key */
	LINEID_MATCH_EXACT, /* compare the exact key */
	LINEID_MATCH_LOOSE, /* compare the loose key */
};

struct lineid {
	enum lineid_match match;
	bool has_msgid, has_exact;
	uint64_t msgid, exact, loose;
	char msgid_text[LINEID_MSGID_MAX + 1]; /* the msgid itself ("" if none) */
	long long time_ms;                     /* the server-time (has_exact) */
};

/* What a said line is known by. msgid: the tag's value or NULL (an invalid
 * one, see lineid_msgid_ok, counts as none); has_time/unix_ms: its
 * server-time tag; nick and text as shown (text without a replay prefix);
 * replay_minute: the minute of a "[history HH:MM]" prefix, or -1; own_loose:
 * our own line that the server does not echo (it may come back replayed). */
void lineid_make(struct lineid *id, const char *msgid, bool has_time, long long unix_ms,
                 const char *nick, const char *text, int replay_minute, bool own_loose);

/* An id that never matches (lines of our own making: notes, events). */
void lineid_none(struct lineid *id);

/* True when the set says the line was shown already. */
bool lineid_is_dup(const struct lineid *id, const struct seenset *seen);

/* Remembers the line's keys in the set. */
void lineid_remember(const struct lineid *id, struct seenset *seen);

/* True when msgid may be kept and sent back: 1..LINEID_MSGID_MAX printable
 * ASCII characters, no space, not starting with ':'. */
bool lineid_msgid_ok(const char *msgid);

/* Recognises parleyd's "[history HH:MM] " replay prefix at the start of
 * text: returns the minute (0..59) and sets *rest after the prefix, or
 * returns -1. */
int lineid_replay_prefix(const char *text, const char **rest);

#endif

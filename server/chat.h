/* chat: the chat core — what people do in rooms, whatever protocol they
 * speak: join, part, kick, invite, topics, messages, nick changes, away,
 * leaving.
 *
 * Every operation is called by the acting session's worker thread, takes the
 * locks it needs itself (none may be held by the caller), and returns
 * CHAT_OK or what stopped it. Nothing here writes to a socket or renders a
 * reply: what others must learn goes onto their queues as events (struct
 * outmsg, deliver.h) under the lock that orders it (the room's), and the
 * worker writes after the command; what the actor is told about a refusal
 * is the front-end's business (irc.c: numerics; plain.c: sentences). The
 * one thing a front-end adds inside an operation is what a joiner gets after
 * its JOIN (chat_joined_fn, passed to chat_join), because that must take the
 * JOIN's place in the room's order. The core includes nothing of the
 * front-ends.
 *
 * So the core can be driven without sockets: tests/unit/test_chat.c makes
 * sessions with no connection and reads their queues. */
#ifndef PARLEY_CHAT_H
#define PARLEY_CHAT_H

#include <stddef.h>

#include <stdbool.h>

#include "ircname.h"
#include "kline.h"
#include "oper.h"

struct session;
struct channel;
struct outmsg;

enum chat_result {
	CHAT_OK = 0,
	CHAT_ALREADY_MEMBER,       /* join: already in the room (not an error) */
	CHAT_NO_SUCH_NICK,
	CHAT_NO_SUCH_CHANNEL,
	CHAT_BAD_CHANNEL_NAME,
	CHAT_BAD_NICK,
	CHAT_NICK_IN_USE,
	CHAT_TOO_MANY_CHANNELS,    /* the user's limit (--max-channels-per-user) */
	CHAT_SERVER_CHANNELS_FULL, /* the server's limit (--max-channels) */
	CHAT_NOT_ON_CHANNEL,       /* the actor is not in the room */
	CHAT_THEY_NOT_ON_CHANNEL,  /* the person acted on is not in the room */
	CHAT_ALREADY_ON_CHANNEL,   /* invite: the invited person is there */
	CHAT_NOT_OP,
	CHAT_CANNOT_SEND_EXTERNAL, /* +n and not a member */
	CHAT_CANNOT_SEND_BANNED,   /* banned, neither op nor voiced */
	CHAT_CANNOT_SEND_MODERATED, /* +m, neither op nor voiced */
	CHAT_BANNED,               /* join: +b */
	CHAT_INVITE_ONLY,          /* join: +i */
	CHAT_BAD_KEY,              /* join: +k */
	CHAT_CHANNEL_FULL,         /* join: +l */
	CHAT_UNKNOWN_MODE,         /* mode: not a letter this server knows */
	CHAT_BAD_MODE_ARG,         /* mode: a key, limit or mask that is not well-formed */
	CHAT_BAN_LIST_FULL,        /* mode: +b past BANS_MAX */
	CHAT_TOO_MANY_MODES,       /* mode: past CHAT_MODE_ARGS_MAX changes with an argument */
	CHAT_HISTORY_UNKNOWN_MSGID, /* history: the reference is not a kept message of the room */
	CHAT_HISTORY_ERROR,        /* history: the store could not be read */
};

/* A short English reason for r, as IRC numerics carry it ("You're not on
 * that channel"). */
const char *chat_result_text(enum chat_result r);

/* What a joiner gets right after its JOIN (topic and names, or a plain
 * welcome; then the history), queued by the front-end that serves it. Called
 * with ch->lock held, so it takes the JOIN's place in the room's order: it
 * may only queue, or add reply jobs (reply.h) that the caller pumps later. */
typedef void chat_joined_fn(struct session *s, struct channel *ch);

/* Joins the room name (made if new; the first member gets op), announces
 * it and calls joined (the front-end's) for what the joiner gets. A refusal
 * names the limit or mode that stopped it. */
enum chat_result chat_join(struct session *s, const char *name, const char *key,
			   chat_joined_fn *joined);

/* Leaves the room name with an optional reason. */
enum chat_result chat_part(struct session *s, const char *name, const char *reason);

/* Kicks the member known in room name as nick. */
enum chat_result chat_kick(struct session *s, const char *name, const char *nick,
			   const char *reason);

/* Invites nick to room name (the invite belongs to that connection; see
 * channel.h). On CHAT_OK, their nick as written in the table goes to
 * nick_out, and their away text (or "") to away_out (AWAY_LEN_MAX + 1). */
enum chat_result chat_invite(struct session *s, const char *nick, const char *name,
			     char nick_out[NICK_LEN_MAX + 1], char *away_out);

/* The rooms s holds a pending invite to (INVITE with no arguments), their
 * names into names[], at most cap (the rest are not counted). */
#define CHAT_INVITES_LIST_MAX 50
size_t chat_invites_of(struct session *s, char (*names)[CHANNEL_LEN_MAX + 1], size_t cap);

/* Sets (text non-empty) or clears the topic of room name. */
enum chat_result chat_topic_set(struct session *s, const char *name, const char *text);

/* A PRIVMSG or NOTICE (command) from s to a room or a nick, or a TAGMSG
 * (text NULL: delivered to message-tags clients only, never kept in
 * history). tags: client-only tags relayed to message-tags clients
 * ("+a=b;+c", escaped; struct outmsg's client_tags), or NULL. For a PRIVMSG to
 * a person who is away, away_out (AWAY_LEN_MAX + 1) gets their away text,
 * and their nick as written in the table goes to nick_out; both are "" otherwise.
 * A target "@#room" or "+#room" (STATUSMSG) reaches only the room's ops, or
 * its voiced members and ops, and is not kept in its history. */
enum chat_result chat_message(struct session *s, const char *command, const char *target,
			      const char *text, const char *tags,
			      char nick_out[NICK_LEN_MAX + 1], char *away_out);

struct multiline;

/* Delivers a finished draft/multiline batch from s (multiline.h) to its
 * target, a room or a nick, in one place of the room's order: recipients
 * with draft/multiline and batch get one BATCH (msgid and time on its
 * start), the others each line as a PRIVMSG/NOTICE of its own; the sender
 * gets it back likewise with echo-message. A room keeps each line in its
 * history. Refusals as chat_message. */
enum chat_result chat_multiline(struct session *s, const struct multiline *ml,
				char nick_out[NICK_LEN_MAX + 1], char *away_out);

/* At the end of registration (either front-end): is s's user@host or nick
 * under a server ban (K-line)? If so, s is ending (QUIT "K-lined: reason"),
 * the refusal is logged (rate-limited), reason (KLINE_REASON_MAX + 1) holds
 * the ban's text for the front-end to tell the user in its own words, and
 * true is returned. */
bool chat_registration_banned(struct session *s, char *reason);

/* Marks s registered (its nick was set) and tells those who MONITOR its
 * nick that it is online. Worker only; takes the locks itself. */
void chat_registered(struct session *s);

/* Changes s's nick (after registration), telling s and everyone who shares
 * a room with it. CHAT_ALREADY_MEMBER when it is already s's nick. */
enum chat_result chat_nick(struct session *s, const char *nick);

/* Marks s away with text (NULL or "": back), telling everyone sharing a
 * room with s who negotiated away-notify when that changes anything. */
void chat_away(struct session *s, const char *text);

/* Changes s's real name (SETNAME), telling everyone sharing a room with s
 * who negotiated setname, and s itself if it did. False (nothing changed)
 * for an empty name or one longer than REALNAME_LEN_MAX bytes. Worker only. */
bool chat_setname(struct session *s, const char *realname);

/* Logs s in to account (its registered spelling), or out with "". The one
 * place s's account (session_account) changes (account-notify will hang here). Worker only;
 * takes the registry write lock. */
void chat_account_set(struct session *s, const char *account);

/* Tells everyone sharing a room with s who negotiated account-notify that
 * s is now logged in to session_account(s) (ACCOUNT). Called by chat_account_set. */
void chat_account_notify(struct session *s);

/* May s send an account password? True over TLS, from a loopback peer
 * (127.0.0.0/8, ::1; not when the test knob PARLEYD_TEST_NO_LOOPBACK_AUTH=1
 * is set), or with --allow-plaintext-auth. */
bool chat_auth_allowed(const struct session *s);

/* s leaves the server: its rooms hear the QUIT (unless the server is
 * stopping), and its nick is free again. */
void chat_leave(struct session *s, const char *reason);

/* --- operators (chat_oper.c) --- */

/* OPER name password for s: throttled per connection (OPER_TRIES_PER_MINUTE
 * failures a minute; past them no password is hashed), logged
 * (rate-limited, never the password), and on success s gets +o. *was_oper
 * says whether s had it already. */
enum oper_result chat_oper(struct session *s, const char *name, const char *password,
			   bool *was_oper);

/* Parses a ban duration: N (minutes) or Ns (seconds), at most
 * KLINE_DURATION_MAX_MS. Returns 0 with *ms set (0: permanent), or -1 when
 * word is not a duration. */
int chat_kline_duration(const char *word, long long *ms);

/* KLINE: bans mask for duration_ms (0: permanent) with reason, set by s
 * (an operator: the caller checks), written to the store first; then
 * disconnects every registered user it matches (*disconnected: how many)
 * and logs one line naming s. The entry as kept goes to *out; why says what
 * stopped a refusal. */
enum kline_result chat_kline(struct session *s, const char *mask, long long duration_ms,
			     const char *reason, struct kline *out, size_t *disconnected,
			     char *why, size_t whycap);

/* UNKLINE: removes the ban on mask (canonical text into canon,
 * KLINE_MASK_MAX + 1 bytes) and logs it. */
enum kline_result chat_unkline(struct session *s, const char *mask, char *canon, char *why,
			       size_t whycap);

/* Bytes of a KILL reason kept: with the killer's nick and "Killed ( ())"
 * it stays within a QUIT reason (QUIT_REASON_MAX). */
#define KILL_REASON_MAX 200

/* Ends the connection of the user called nick for a KILL by s: an IRC
 * victim first gets ":killer KILL nick :reason" (Modern IRC); "killer
 * (reason)" is in their goodbye and in the QUIT their rooms hear. reason
 * (at most KILL_REASON_MAX bytes, cut by the caller at a character
 * boundary) is not empty. Their nick as written goes to nick_out
 * (NICK_LEN_MAX + 1 bytes). CHAT_OK or CHAT_NO_SUCH_NICK. Checking that s
 * may do it is the caller's. */
enum chat_result chat_kill(struct session *s, const char *nick, const char *reason,
			   char *nick_out);

/* Queues line[0..len) (a whole IRC line with CR LF) for every registered
 * IRC user with +w, and s: WALLOPS. Returns how many got it. */
size_t chat_wallops(struct session *s, const char *line, size_t len);

/* Logs (rate-limited) that s, an IRC operator without @ in room, did what
 * only the room's operators may (KICK, TOPIC, MODE); about: whom, or "".
 * Call with no lock held. */
void chat_override_log(const struct session *s, const char *command, const char *room,
		       const char *about);

/* --- channel modes (chat_mode.c) --- */

/* One change asked for: +/-, a letter (b k l o v i n t), and its argument
 * (NULL when it takes none, or none was given for -k / -l). */
struct chat_mode_change {
	char sign;
	char mode;
	const char *arg;
};

/* Tells the front-end about one change that was refused (r), as it
 * happens; ctx is the caller's. */
typedef void chat_mode_refused_fn(void *ctx, enum chat_result r,
				  const struct chat_mode_change *c);

/* Applies changes to room name in order, if s is an operator of it. Each
 * change that cannot apply is refused through `refused` and the others go
 * on (so is each change with an argument past the first
 * CHAT_MODE_ARGS_MAX: CHAT_TOO_MANY_MODES); everything applied is announced to the room in as few MODE lines as
 * fit (at most CHAT_MODE_ARGS_MAX changes with an argument each), always
 * matching the room's real state. Returns CHAT_OK, or what stopped all of
 * it (no such room, not an operator). */
enum chat_result chat_mode_apply(struct session *s, const char *name,
				 const struct chat_mode_change *changes, size_t n,
				 chat_mode_refused_fn *refused, void *ctx);

#define CHAT_MODE_ARGS_MAX 3 /* MODES= in ISUPPORT */
#define CHAT_MODE_ARG_MAX 128 /* longest argument (a ban mask) */

/* Queues m to every member of ch; ch->lock held. */
void chat_room_tell_locked(struct session *s, struct channel *ch, struct outmsg *m);

/* --- rooms remember their operators by account (chat_ops.c, opaccts.h) ---
 *
 * No I/O, no rendering: it edits a room's
 * list and members under the room's lock and saves the room's state through
 * archive.h (queued, never waiting for the disk).
 *
 * - A logged-in member made op (+o, or making a room whose list is empty)
 *   has their account added; -o on them removes it. So does an op who
 *   logs in (or registers) while in the room: the room is theirs already.
 * - A logged-in member whose account is listed gets +o when they join and
 *   when they log in while in the room, told to the room as a MODE from the
 *   server.
 * - A room made again (emptied, or after a restart) with a non-empty list
 *   gives its first joiner op only if their account is listed; with an
 *   empty list the first joiner is op, as in any new room. */

/* Should the next joiner of ch be op at once, as a room's maker (ch empty
 * and its list empty)? A listed account gets op just after its JOIN
 * instead (chat_ops_joined_locked), so the room hears of it. ch->lock
 * held. */
bool chat_ops_join_as_op_locked(const struct channel *ch);

/* After s joined ch (its JOIN told): gives a listed account op if it has
 * none yet (a server MODE), and adds a logged-in op's account. ch->lock
 * held. */
void chat_ops_joined_locked(struct session *s, struct channel *ch);

/* Member i of ch had its op set (adding) or taken: adds or removes their
 * account. True if the list changed (the caller saves the room). ch->lock
 * held. */
bool chat_ops_flag_locked(struct channel *ch, int i, bool adding);

/* s's account changed (a login): its rooms learn it, and those that list
 * the account make s op. No lock held; called by s's own thread. */
void chat_ops_account_changed(struct session *s);

#endif

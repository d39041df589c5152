/* state: the IRC client model (pure: no I/O, no curses, no clock).
 *
 * It knows the own nick, the windows (the server window, one per channel, one
 * per private conversation, numbered 1..n in order of opening), each channel's
 * topic and nick list with prefixes, the negotiated capabilities and the lag.
 * Every received IRC line is applied with state_apply(); what the user should
 * see comes out as display lines (state_pop_line), and what must be sent as a
 * consequence as IRC lines: JOINs after a (re)connect (state_pop_send) and
 * automatic CTCP replies (state_pop_reply), which the sender may drop. Texts
 * in display lines are raw network text: the UI sanitises them (textstyle)
 * before they reach the terminal.
 *
 * The server may be hostile, so everything it can make the model hold is
 * bounded (the limits below), and nick lists are hashed and sorted once per
 * NAMES reply (nicklist.h), so no line costs time linear in a room's size.
 *
 * After every JOIN of ours a room catches up on what it missed when the
 * server offers draft/chathistory (state_history.h): its lines wait until
 * then, and no message is shown twice in a window, with or without it.
 *
 * When the server offers MONITOR (005), the nick of every private window is
 * monitored and the window knows whether its peer is online (state_monitor.h).
 *
 * This is the contract of ten modules (state.c, state_queue, state_member,
 * state_handle, state_message, state_numeric, state_history, state_away,
 * state_monitor, state_multiline; state_priv.h says which does what). */
#ifndef PARLEY_STATE_H
#define PARLEY_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "multiline.h"

/* (The limits may be set smaller at build time; the fuzz harness does, so
 * that small inputs reach them.) */
/* Windows in all, the server window included: past it, a JOIN or query gets
 * no window (it is shown in the server window, with a note). */
#ifndef STATE_WINDOWS_MAX
#define STATE_WINDOWS_MAX 100
#endif
/* Query windows that messages from others may open: past it, messages from
 * nicks without a window land in the server window (one note says so). The
 * user can still open queries up to STATE_WINDOWS_MAX. */
#ifndef STATE_QUERIES_MAX
#define STATE_QUERIES_MAX 50
#endif
/* Nicks listed per channel (a NAMES that never ends stops growing here), and
 * over all channels together. Nicks past either are not listed; a note says
 * so once per list, and the end of NAMES counts them. */
#ifndef STATE_MEMBERS_MAX
#define STATE_MEMBERS_MAX 20000
#endif
#ifndef STATE_MEMBERS_TOTAL_MAX
#define STATE_MEMBERS_TOTAL_MAX 100000
#endif

enum state_win_kind {
	WIN_SERVER,
	WIN_CHANNEL,
	WIN_QUERY,
};

/* Activity in a window the user is not looking at, in increasing order. */
enum state_activity {
	ACT_NONE,
	ACT_EVENT,   /* joins, parts, information */
	ACT_MESSAGE, /* someone said something */
	ACT_MENTION, /* our nick was mentioned, or a private message */
};

enum state_line_kind {
	LINE_MESSAGE,   /* <nick> text */
	LINE_ACTION,    /* * nick text */
	LINE_NOTICE,    /* -nick- text */
	LINE_EVENT,     /* join/part/quit/nick/kick/topic/mode (shown dimmed) */
	LINE_INFO,      /* server and client information */
	LINE_ERROR,     /* something went wrong */
	LINE_SEPARATOR, /* "── 37 messages while you were away ──" above caught-up lines */
};

/* What MONITOR says of a private window's peer (state_monitor.c). */
enum state_peer {
	PEER_UNMONITORED, /* the server has no MONITOR, or we are not connected */
	PEER_UNKNOWN,     /* monitored, no answer yet */
	PEER_ONLINE,
	PEER_OFFLINE,
	PEER_FULL, /* not monitored: the server's MONITOR list is full */
};

struct state_line {
	unsigned window;   /* window id (state_window_id), not its number */
	long long unix_ms; /* when it was said: server-time when given */
	enum state_line_kind kind;
	bool own;     /* we said it */
	bool mention; /* it mentions our nick (or is a private message to us) */
	bool cont;    /* continues the message above (a multiline message's later
	                 lines): drawn without time and nick */
	char *nick;   /* speaker for MESSAGE/ACTION/NOTICE, else "" (owned) */
	char *text;   /* owned */
};

struct state;

/* A fresh model: our nick, a label for the server window (the host), and no
 * channels. */
struct state *state_new(const char *nick, const char *server_label);
void state_free(struct state *st);

/* --- input --------------------------------------------------------------- */

/* Applies one received IRC line (without CR LF; modified in place). now_ms
 * (Unix ms) stamps lines without a server-time tag. Malformed lines are
 * ignored. */
void state_apply(struct state *st, char *line, long long now_ms);

/* The connection is up (registration starts): capabilities are reset. */
void state_connected(struct state *st, const char *text, long long now_ms);

/* The connection is gone: every channel is marked not joined, nick lists are
 * emptied, and reason is shown in every window as an error. */
void state_disconnected(struct state *st, const char *reason, long long now_ms);

/* Adds a line of our own making (information, error) to window idx. */
void state_note(struct state *st, size_t idx, enum state_line_kind kind, const char *text,
                long long now_ms);

/* We sent PRIVMSG (or an ACTION, or a NOTICE) to target: opens a query window
 * for a nick target (the current window when no more can be opened), and
 * shows the line now unless echo-message is on (then the server's echo shows
 * it). Returns the window index. */
size_t state_own_message(struct state *st, const char *target, enum state_line_kind kind,
                         const char *text, long long now_ms);

/* We sent a multi-line message (a draft/multiline batch) to target: shown
 * now as one block unless echo-message is on (then the server's echo shows
 * it), like state_own_message. */
void state_own_block(struct state *st, const char *target, const char *const *lines, size_t n,
                     long long now_ms);

/* True when pastes may go as draft/multiline batches (the capability and
 * batch acked, its value usable): *out gets the limits. */
bool state_multiline_limits(const struct state *st, struct multiline_limits *out);

/* --- output -------------------------------------------------------------- */

/* Takes the next display line into *out (the caller frees it with
 * state_line_free). False when there is none. */
bool state_pop_line(struct state *st, struct state_line *out);
void state_line_free(struct state_line *line);

/* Takes the next IRC line to send (malloc'd, no CR LF), or NULL. */
char *state_pop_send(struct state *st);

/* Takes the next automatic reply (a CTCP answer; malloc'd, no CR LF), or
 * NULL. Only CTCPs sent to our nick are answered, at most 3 a minute; the
 * rest are counted and noted in the server window once a minute. */
char *state_pop_reply(struct state *st);

/* --- windows ------------------------------------------------------------- */

size_t state_window_count(const struct state *st);

/* Index of the window with this id, or -1. */
int state_window_index(const struct state *st, unsigned id);

/* Index of the window named name (rfc1459 case-insensitive), or -1. */
int state_window_find(const struct state *st, const char *name);

/* Opens (or finds) a channel or query window; returns its index, or -1 when
 * STATE_WINDOWS_MAX windows are open already. */
int state_window_open(struct state *st, enum state_win_kind kind, const char *name);

/* Closes window idx (not the server window, index 0). The current window
 * moves to the previous one when it was idx. Returns false if not allowed. */
bool state_window_close(struct state *st, size_t idx);

unsigned state_window_id(const struct state *st, size_t idx);
enum state_win_kind state_window_kind(const struct state *st, size_t idx);
const char *state_window_name(const struct state *st, size_t idx);
const char *state_window_topic(const struct state *st, size_t idx); /* "" if none */
bool state_window_joined(const struct state *st, size_t idx);
enum state_activity state_window_activity(const struct state *st, size_t idx);
/* Whether a query window's peer is online (MONITOR); PEER_UNMONITORED for
 * other windows, and while the connection does not monitor. */
enum state_peer state_window_peer(const struct state *st, size_t idx);

/* The window shown; switching clears its activity. */
size_t state_current(const struct state *st);
void state_set_current(struct state *st, size_t idx);

/* Nick list of window idx, sorted (operators, voiced, others; by name). */
size_t state_member_count(const struct state *st, size_t idx);
const char *state_member_nick(const struct state *st, size_t idx, size_t i);
char state_member_prefix(const struct state *st, size_t idx, size_t i); /* '@', '+' or ' ' */
/* True when the i-th member is known to be away (away-notify, 301, WHO). */
bool state_member_away(const struct state *st, size_t idx, size_t i);

/* A query window's peer's away text ("" when away without one), or NULL when
 * it is not known to be away (and for other windows). Raw server text, at
 * most 300 bytes: the UI sanitises it. */
const char *state_window_away(const struct state *st, size_t idx);

/* --- connection ---------------------------------------------------------- */

const char *state_nick(const struct state *st);
bool state_registered(const struct state *st);
bool state_echo_message(const struct state *st);
bool state_has_setname(const struct state *st); /* the server ACKed setname */
long long state_lag_ms(const struct state *st); /* -1 until measured */

/* True when target names a channel (by the server's CHANTYPES). */
bool state_is_channel(const struct state *st, const char *target);

/* True when text mentions nick as a word (rfc1459 case-insensitive). */
bool state_mentions(const char *text, const char *nick);

/* Checks the model's invariants (limits, window list, nick lists); NULL, or
 * what is wrong. For tests and fuzzing. */
const char *state_check(const struct state *st);

/* Parses an IRCv3 server-time value ("2026-11-22T05:03:24.123Z") into Unix
 * ms. Returns 0 or -1. */
int state_parse_time(const char *value, long long *unix_ms);

#endif

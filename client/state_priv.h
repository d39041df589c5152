/* state_priv: what the state modules share and nothing else may include:
 * the model's structs and the window lookups state.c provides to the rest.
 *
 *   state.c          the model: windows, accessors, the invariants (check)
 *   state_queue.c    display lines out, IRC lines to send, CTCP replies
 *   state_member.c   nick lists within their limits
 *   state_handle.c   applying a received line: parse, dispatch, membership
 *   state_message.c  PRIVMSG and NOTICE, CTCP, private conversations
 *   state_numeric.c  numeric replies
 *   state_away.c     who is away (away-notify, 301, 305/306, WHO), SETNAME
 *   state_multiline.c draft/multiline: its limits, received batches as one message
 *   state_history.c  catching up after a (re)connect: CHATHISTORY, batches,
 *                    held lines, "never a line twice"
 *   state_monitor.c  MONITOR of the private windows' peers (online/offline)
 *
 * The model is used by one thread (the UI thread) and does no I/O. */
#ifndef PARLEY_STATE_PRIV_H
#define PARLEY_STATE_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "batches.h"
#include "catchup.h"
#include "ircname.h"
#include "lineid.h"
#include "multiline.h"
#include "nicklist.h"
#include "seenset.h"
#include "state.h"
#include "tokenbucket.h"

#define STATE_TEXT_MAX 1024
#define STATE_CHANNEL_MAX 200 /* bytes in a channel name we open a window for */
#define STATE_PREFIX_MAX 8 /* prefix modes we track (PREFIX=(ov)@+ has 2) */

struct window {
	unsigned id;
	enum state_win_kind kind;
	char *name;
	char *topic;
	bool joined;
	bool names_pending; /* inside a 353 burst: the list is being rebuilt (bulk) */
	enum state_activity activity;
	/* Members' modes: bit i is prefix mode i of PREFIX (0 = highest). */
	struct nicklist *members;
	size_t members_dropped; /* nicks not listed (limits) since the last clear */
	/* History (state_history.c). */
	bool ever_joined;     /* joined once: a catch-up is "while you were away" */
	struct seenset *seen; /* keys of the messages shown (lineid.h); NULL until one */
	char last_msgid[LINEID_MSGID_MAX + 1]; /* of the newest message shown, "" if none */
	long long last_time; /* newest server-time seen here (messages, our JOIN) */
	bool has_last_time;
	char *away; /* query windows: the peer's away text (state_away.c), NULL if not away */
	bool who_after_names; /* joined: the end of NAMES sends our away WHO */
	bool who_quiet; /* our WHO after joining (away-notify): its replies are not shown */
	long long join_time; /* our JOIN's server-time: last_time once the catch-up */
	bool has_join_time;  /* it starts is over (it is not that one's reference) */
	/* A query window's peer as MONITOR last said (state_monitor.c); kept
	 * over a reconnect so an unchanged state is not announced again. */
	enum state_peer peer;
};

/* A received draft/multiline batch being collected (state_multiline.c). */
#define STATE_MULTILINE_OPEN_MAX 4
struct state_ml_recv {
	bool used;
	unsigned long long seq; /* order of opening: the oldest makes room */
	char ref[BATCHES_REF_MAX + 1];
	char target[BATCHES_TARGET_MAX + 1];
	char nick[NICK_LEN_MAX + 1];
	bool from_server;
	long long ms; /* the BATCH + line's time and msgid: the message's */
	bool has_time;
	char msgid[LINEID_MSGID_MAX + 1];
	bool notice; /* its first line was a NOTICE */
	struct multiline_msg msg;
};

struct pending_line; /* state_queue.c */
struct pending_send;

struct state {
	char *nick;
	bool registered;
	bool cap_echo, cap_time;
	bool cap_tags, cap_batch, cap_history; /* message-tags, batch, draft/chathistory */
	bool cap_setname, cap_away; /* setname, away-notify */
	bool whois_open; /* between a 311 and its 318: a 301 there is the WHOIS's (state_away) */
	bool isupport_whox; /* 005 WHOX: our away WHO asks %tnf with a token */
	bool cap_multiline;                    /* draft/multiline acked */
	bool ml_value_ok;                      /* ... and its CAP LS value usable: */
	struct multiline_limits ml_limits;     /* ... these limits */
	struct state_ml_recv ml_open[STATE_MULTILINE_OPEN_MAX];
	unsigned long long ml_seq;
	char account[NICK_LEN_MAX + 1]; /* the account 900 named on this connection ("": none) */
	bool regain_sent;               /* NICK <account> was sent once (nick regain) */
	long long lag_ms;
	long long now_ms; /* the clock as of the last input (for catch-up timeouts) */
	char prefix_modes[STATE_PREFIX_MAX + 1]; /* "ov" */
	char prefix_chars[STATE_PREFIX_MAX + 1]; /* "@+" */
	char chantypes[16];
	char chanmodes[4][32]; /* CHANMODES types A, B, C, D */

	struct window **windows;
	size_t nwindows, capwindows;
	size_t nqueries;      /* query windows among them */
	size_t members_total; /* nicks listed over all windows */
	bool query_cap_noted; /* the STATE_QUERIES_MAX note was shown */
	size_t current;
	unsigned next_id;

	struct pending_line *lines_head, *lines_tail;
	struct pending_send *send_head, *send_tail;
	struct pending_send *reply_head, *reply_tail; /* automatic CTCP replies */

	/* History (state_history.c): the server's limits, the open batches,
	 * the windows catching up, and the once-per-connection notes. */
	size_t history_limit;   /* lines per CHATHISTORY page */
	bool history_ref_msgid; /* MSGREFTYPES allows msgid= (or says nothing) */
	bool history_ref_time;  /* ... and timestamp= */
	bool history_off;       /* refused for this connection: not asked again */
	struct batches batches;
	struct catchup *catchup;
	char page_ref[BATCHES_REF_MAX + 1]; /* the batch of the page being received */
	unsigned page_win;                  /* ... and its window */
	char cut_ref[BATCHES_REF_MAX + 1];  /* a page whose turn ended early: dropped */
	bool request_by_msgid;              /* the request out refers to a msgid */
	unsigned retried_win;               /* the window whose request was retried by time */
	bool history_fail_noted;
	unsigned long long history_fails;
	bool history_foreign_noted;
	unsigned long long history_foreign_lines;

	/* MONITOR (state_monitor.c): the server's limit (0: none offered on
	 * this connection), and whether the windows' list was sent. */
	size_t monitor_limit;
	bool monitor_synced;

	/* CTCP answers: a budget, and what went unanswered (Unix ms clock). */
	struct tokenbucket ctcp_budget;
	bool ctcp_started;
	unsigned long long ctcp_ignored;
	bool ctcp_noted;
	long long ctcp_noted_ms;
};

/* True when a and b are the same name under rfc1459. */
static inline bool state_same(const char *a, const char *b)
{
	return ircname_cmp(a, b) == 0;
}

/* Finds or opens the window for name; NULL when no more can be opened. The
 * index is taken first, in its own statement: opening may grow (realloc)
 * st->windows, so st->windows must be read after the call, never in the same
 * expression. */
struct window *state_window_for(struct state *st, enum state_win_kind kind, const char *name);

/* The window a target-less reply goes to: the current one. */
struct window *state_current_window(struct state *st);

/* The channel window named name, or NULL. */
struct window *state_channel(struct state *st, const char *name);

#endif

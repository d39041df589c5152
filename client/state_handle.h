/* state_handle: applying one received IRC line to the model (state_priv.h):
 * parsing, server-time, the dispatch by command, and the handlers of
 * membership and channel events (JOIN, PART, QUIT, NICK, KICK, TOPIC, MODE,
 * CAP, PONG). Messages go to state_message, numerics to state_numeric; both
 * get the handler context below. A malformed line changes nothing. */
#ifndef PARLEY_STATE_HANDLE_H
#define PARLEY_STATE_HANDLE_H

#include "ircmsg.h"
#include "state_priv.h"

/* What a handler gets: the message, its source nick and its time. */
struct state_ctx {
	struct ircmsg *m;
	const char *nick; /* source nick, "" for none */
	bool from_server; /* no user prefix */
	long long ms;     /* server-time when tagged, else now */
	long long now;
	bool has_time;     /* ms is from a server-time tag */
	const char *msgid; /* the msgid tag when valid (lineid_msgid_ok), else NULL */
	const char *batch; /* the batch tag, or NULL */
	bool history;      /* a line of the catch-up page being received */
};

/* The last parameter or "". */
const char *state_last(const struct ircmsg *m);

/* Parameters from first on, joined by spaces (for numerics shown as text). */
void state_join_params(const struct ircmsg *m, int first, char *buf, size_t cap);

#endif

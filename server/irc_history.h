/* irc_history: the IRC commands that read history and read markers —
 * CHATHISTORY (IRCv3 draft/chathistory) and MARKREAD (draft/read-marker) —
 * and the parsing of CHATHISTORY's parameters (pure, unit-tested).
 *
 * Answers: a `chathistory` batch (reply.h: reply_add_page) or, for
 * TARGETS, a `draft/chathistory-targets` batch; refusals are the spec's
 * standard replies: FAIL CHATHISTORY NEED_MORE_PARAMS, UNKNOWN_COMMAND,
 * INVALID_PARAMS (a reference, a time or a limit that does not parse, or a
 * msgid that is not one of the room's kept messages), INVALID_TARGET (a room
 * that does not exist or that the user is not in), MESSAGE_ERROR (the
 * store could not be read). A nick as target gets an empty batch: private
 * messages are not kept (docs/history.md). */
#ifndef PARLEY_IRC_HISTORY_H
#define PARLEY_IRC_HISTORY_H

#include <stdbool.h>

#include "history_query.h"

struct session;
struct ircmsg;

enum chathistory_sub { CH_LATEST, CH_BEFORE, CH_AFTER, CH_AROUND, CH_BETWEEN, CH_TARGETS };

struct chathistory_request {
	enum chathistory_sub sub;
	const char *target;        /* a room or a nick; NULL for TARGETS */
	struct history_query q;    /* TARGETS: a and b are the two times */
};

/* Parses CHATHISTORY's parameters (params[0] is the subcommand). Returns
 * NULL, or the FAIL code to answer with ("NEED_MORE_PARAMS", ...). */
const char *chathistory_parse(int nparams, char *const *params, struct chathistory_request *out);

void cmd_chathistory(struct session *s, struct ircmsg *m);
void cmd_markread(struct session *s, struct ircmsg *m);

/* After a JOIN, for a client with draft/read-marker: its marker for the
 * room ("MARKREAD #room timestamp=..." or "*"). */
void irc_markread_joined(struct session *s, const char *room);

#endif

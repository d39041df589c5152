/* irc_multiline: the client side of IRCv3 draft/multiline for IRC
 * clients: "BATCH +ref draft/multiline target" opens a batch, PRIVMSG or
 * NOTICE lines tagged batch=ref (and draft/multiline-concat) fill it
 * (multiline.h gathers and bounds them), "BATCH -ref" sends it through
 * chat_multiline. Errors are FAIL BATCH <code> lines (the spec's codes);
 * a refused batch is dropped whole, its remaining lines ignored until its
 * BATCH -ref. Worker of the session only. */
#ifndef PARLEY_IRC_MULTILINE_H
#define PARLEY_IRC_MULTILINE_H

#include <stdbool.h>

struct session;
struct ircmsg;

/* BATCH +ref type target / BATCH -ref. */
void cmd_batch(struct session *s, struct ircmsg *m);

/* Takes a line tagged batch=... (a line of an open batch, or one for a
 * batch that does not exist); true if it was taken and must not be
 * dispatched. */
bool irc_multiline_take(struct session *s, struct ircmsg *m);

#endif

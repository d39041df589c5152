/* state_numeric: numeric replies (state_priv.h): the welcome (which rejoins
 * the rooms), ISUPPORT, NAMES, topics, WHOIS and WHO as sentences
 * (whotext), and the rest shown as text: errors in the current window,
 * replies to queries there too, everything else in the server window. */
#ifndef PARLEY_STATE_NUMERIC_H
#define PARLEY_STATE_NUMERIC_H

#include "state_handle.h"

/* Applies numeric reply num (c->m's command). */
void state_on_numeric(struct state *st, struct state_ctx *c, int num);

#endif

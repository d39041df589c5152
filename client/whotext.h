/* whotext: WHOIS and WHO replies as sentences a person reads (pure: no I/O,
 * no state; the local time zone is the only thing it reads).
 *
 *   311  benny is ~benny@127.0.0.1 (Real Name)
 *   319  benny is in #a @#b
 *   312  benny is on parley (parley chat server)
 *   313  benny is an IRC operator
 *   301  benny is away: getting coffee
 *   317  benny has been idle 20s, signed on 2026-12-01 10:03
 *   330  benny is logged in as ben
 *   338  benny is actually using host 10.0.0.7
 *   378  benny is connecting from *@example.net 10.0.0.7
 *   671  benny is using a secure connection
 *   318  End of WHOIS for benny
 *   352  #a: @benny is ~benny@127.0.0.1 (Real Name), away
 *   315  End of WHO for #a
 *
 * The parameters come from the server and are hostile: they are copied into
 * the sentence, never used as formats; the sentence is cut to the buffer at a
 * UTF-8 boundary. Control characters are left for the UI's sanitiser. */
#ifndef PARLEY_WHOTEXT_H
#define PARLEY_WHOTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "ircmsg.h"

/* A sign-on time past this (9999-12-31 23:59:59 UTC) is not a time. */
#define WHOTEXT_SIGNON_MAX 253402300799LL
/* Digits read in a count of seconds: more than this is not believed. */
#define WHOTEXT_DIGITS_MAX 18

/* Writes the sentence for the numeric reply m (its command the three digits,
 * params[0] our own nick) into out (cap > 0). Returns false, with out empty,
 * when the numeric is not one listed above or its parameters are not what it
 * promises (one missing or empty, an idle time that is no number): the caller
 * then shows the reply as it shows any other. */
bool whotext_format(const struct ircmsg *m, char *out, size_t cap);

#endif

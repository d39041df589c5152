/* ircname: nickname and channel-name rules, rfc1459 case mapping, masks.
 *
 * Case mapping is rfc1459: A-Z map to a-z and []\~ to {}|^ (the names that
 * are equal under it are the same nick or channel). */
#ifndef PARLEY_IRCNAME_H
#define PARLEY_IRCNAME_H

#include <stdbool.h>
#include <stddef.h>

#define NICK_LEN_MAX 30
#define CHANNEL_LEN_MAX 50

/* Lowercases one byte under rfc1459. */
char ircname_fold_char(char c);

/* Writes the folded form of src into dst (cap bytes, NUL-terminated).
 * Returns the length, or -1 if it does not fit. */
int ircname_fold(char *dst, size_t cap, const char *src);

/* Compares two names under rfc1459 (like strcmp's sign). */
int ircname_cmp(const char *a, const char *b);

/* Valid nickname: 1..NICK_LEN_MAX bytes; first a letter or one of []\`_^{|};
 * then letters, digits, those specials or '-'. */
bool ircname_nick_valid(const char *nick);

/* Valid channel name: '#' then 1..CHANNEL_LEN_MAX-1 bytes, none of which is
 * space, comma or ':'; whole name valid UTF-8 that textsafe_name_ok accepts
 * (no C0/C1 controls, DEL, bidi controls or marks, invisible characters). */
bool ircname_channel_valid(const char *name);

/* Matches a mask with '*' and '?' wildcards against text, case-insensitively
 * under rfc1459 (used for bans, WHO masks and LIST). */
bool ircname_mask_match(const char *mask, const char *text);

/* A channel ban/exception mask in the full form nick!user@host, into out
 * (cap bytes): a missing or empty part is '*'; a bare word is a nick, or a
 * host when it has '.' or ':' (no nick can). "bob" -> "bob!*@*",
 * "u@h" -> "*!u@h", "n!u" -> "n!u@*". Returns 0, or -1 if mask is empty
 * or the result does not fit. */
int ircname_mask_canonical(const char *mask, char *out, size_t cap);

#endif

/* complete: Tab completion of nicks and /commands in the input line.
 *
 * The word before the cursor (back to the previous space) is completed:
 *  - a word starting with '/' that begins the line completes command names
 *    (given without the '/'), adding a space: "/jo" -> "/join ";
 *  - any other word completes nicks, adding ": " when the word begins the
 *    line and " " elsewhere: "al" -> "alice: ".
 * Matching is case-insensitive under rfc1459 (ircname); candidates are tried
 * in case-insensitive order. Pressing Tab again with the same state replaces
 * the previous candidate with the next one, wrapping around. Any other key
 * ends the cycle: the UI calls complete_reset(). (A call whose text is not
 * what the previous call produced also starts a new completion.) */
#ifndef PARLEY_COMPLETE_H
#define PARLEY_COMPLETE_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

struct completion;

/* A completion state with no cycle in progress. */
struct completion *complete_new(void);

void complete_free(struct completion *c);

/* Ends any cycle in progress (the next Tab starts afresh). */
void complete_reset(struct completion *c);

/* True while a cycle is in progress. */
bool complete_active(const struct completion *c);

/* Completes (or cycles) the word before cursor in text[0..len). On success
 * writes the new line into out (out_cap wide chars, not NUL-terminated), its
 * length into *out_len and the new cursor (just after the added suffix) into
 * *out_cursor, and returns true. Returns false (state reset; out may have
 * been written to) when there is no candidate, the word is empty, or the
 * result does not fit in out_cap. When the text after the cursor already
 * starts with a space, the suffix's own trailing space is left out. nicks and commands are UTF-8;
 * the lists must stay the same during a cycle (the candidates are copied at the first Tab anyway).
 */
bool complete_word(struct completion *c, const wchar_t *text, size_t len, size_t cursor,
                   const char *const *nicks, size_t nnicks, const char *const *commands,
                   size_t ncommands, wchar_t *out, size_t out_cap, size_t *out_len,
                   size_t *out_cursor);

#endif

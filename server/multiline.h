/* multiline: one IRCv3 draft/multiline batch a client is sending, gathered
 * until its BATCH -ref. Pure logic (no I/O, no locks): the IRC front-end
 * (irc_multiline.c) feeds it lines and the chat core (chat_multiline)
 * delivers what it gathered.
 *
 * Limits (advertised in the cap value): MULTILINE_MAX_BYTES bytes of text
 * (each line's text, plus one for each line break between lines that are
 * not concatenated) and MULTILINE_MAX_LINES lines. An open batch also ends
 * after MULTILINE_TIMEOUT_MS (checked when its next line arrives) and when
 * the connection closes, so what a client can make us hold is bounded by
 * MULTILINE_MAX_BYTES plus the line table. */
#ifndef PARLEY_MULTILINE_H
#define PARLEY_MULTILINE_H

#include <stdbool.h>
#include <stddef.h>

#include "ircname.h"

#define MULTILINE_MAX_BYTES 4096
#define MULTILINE_MAX_LINES 24
#define MULTILINE_TIMEOUT_MS 30000
#define MULTILINE_REF_MAX 64 /* longest reference tag accepted */
#define MULTILINE_CAP_VALUE "max-bytes=4096,max-lines=24"
#define MULTILINE_TARGET_MAX 64 /* a nick or a room name (CHANNELLEN=50) */

/* One line of the batch: text[off .. off+len) of the gathered buffer. */
struct multiline_line {
	size_t off, len;
	bool concat; /* draft/multiline-concat: joins the previous line */
};

struct multiline {
	char ref[MULTILINE_REF_MAX + 1];
	char target[MULTILINE_TARGET_MAX + 1];
	char command[8];           /* "PRIVMSG" or "NOTICE", from the first line */
	char text[MULTILINE_MAX_BYTES];
	size_t used;               /* bytes of text[] in use */
	size_t bytes;              /* as max-bytes counts them */
	struct multiline_line lines[MULTILINE_MAX_LINES];
	size_t nlines;
	long long opened_mono_ms;
	bool failed;               /* refused: its lines are dropped until BATCH -ref */
};

enum multiline_result {
	MULTILINE_OK,
	MULTILINE_ERR_MAX_BYTES,
	MULTILINE_ERR_MAX_LINES,
	MULTILINE_ERR_INVALID_TARGET, /* a line for another target */
	MULTILINE_ERR_INVALID,        /* another command, a blank concat line, nothing but blanks */
};

/* Starts ml for ref and target at now_ms. -1 when ref or target is empty
 * or too long. */
int multiline_open(struct multiline *ml, const char *ref, const char *target, long long now_ms);

/* Adds one line (command PRIVMSG or NOTICE to target, text, concat). */
enum multiline_result multiline_add(struct multiline *ml, const char *command,
				    const char *target, const char *text, bool concat);

/* Checks the finished batch (BATCH -ref): at least one line, not every
 * line blank. */
enum multiline_result multiline_close_check(const struct multiline *ml);

/* Has ml been open longer than MULTILINE_TIMEOUT_MS at now_ms? */
bool multiline_expired(const struct multiline *ml, long long now_ms);

/* The FAIL code of r ("MULTILINE_MAX_BYTES" ...). */
const char *multiline_result_code(enum multiline_result r);

#endif

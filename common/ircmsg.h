/* ircmsg: parsing and formatting of IRC protocol lines (RFC 1459/2812 with
 * IRCv3 message tags).
 *
 * Parsing is done in place on a NUL-terminated line without its CR LF: the
 * fields point into the caller's buffer. Formatting writes a whole line,
 * including CR LF, into a caller-owned buffer and never truncates silently. */
#ifndef PARLEY_IRCMSG_H
#define PARLEY_IRCMSG_H

#include <stddef.h>

#define IRC_LINE_MAX 512        /* RFC 1459 line, including CR LF */
#define IRC_TAGS_MAX 8191       /* IRCv3 tag section, including '@' and space */
#define IRC_PARAMS_MAX 15

struct ircmsg {
	char *tags;    /* raw tag section without '@', or NULL */
	char *prefix;  /* source without ':', or NULL */
	char *command; /* never NULL after a successful parse */
	int nparams;
	char *params[IRC_PARAMS_MAX];
};

/* Parses line in place. Returns 0, or -1 with *reason set to a static string
 * (empty line, missing command, too many parameters, ...). */
int ircmsg_parse(char *line, struct ircmsg *msg, const char **reason);

/* Formats "[@tags ][:prefix ]command params...\r\n" into buf. The last
 * parameter is written as a trailing one (with ':') when it is empty, contains
 * a space or starts with ':'; earlier parameters must not. tags and prefix may
 * be NULL. Returns the length written (without the terminating NUL), or -1 if
 * it does not fit in cap or a middle parameter is malformed. Nothing but the
 * returned length is meaningful in buf after -1. */
int ircmsg_format(char *buf, size_t cap, const char *tags, const char *prefix,
		  const char *command, int nparams, const char *const *params);

/* Like ircmsg_format, but the last parameter is always written as a
 * trailing one (":text"), the convention for parameters that are free text. */
int ircmsg_format_text(char *buf, size_t cap, const char *tags, const char *prefix,
		       const char *command, int nparams, const char *const *params);

/* Uppercases an ASCII command name in place (commands are case-insensitive). */
void ircmsg_upcase(char *command);

/* Writes the IRCv3 server-time value for a time given in milliseconds since
 * the Unix epoch: "2026-11-22T05:03:24.123Z". Returns length or -1. */
int ircmsg_time_tag(char *buf, size_t cap, long long unix_ms);

/* Parses a server-time value "YYYY-MM-DDTHH:MM:SS[.fff]Z" (UTC, each field
 * in range) into Unix milliseconds. Returns 0 or -1. */
int ircmsg_time_parse(const char *value, long long *unix_ms);

/* Finds a tag by key in a raw tag section (without '@'); copies its unescaped
 * value into buf. Returns the value length, or -1 if absent or too long. */
int ircmsg_tag_get(const char *tags, const char *key, char *buf, size_t cap);

#endif

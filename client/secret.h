/* secret: the account password for --login, read once at start, before the
 * screen is taken: typed at the terminal without echo, or the first line of
 * a file that only its owner may read (as ssh insists for its keys). The
 * password never appears on the command line, where `ps` would show it. */
#ifndef PARLEY_SECRET_H
#define PARLEY_SECRET_H

#include <stddef.h>

#define SECRET_MAX 256 /* bytes of a password */

/* Asks on the terminal (/dev/tty) with prompt, echo off. Returns 0, or -1
 * with a sentence in err (no terminal, empty, too long). */
int secret_from_terminal(const char *prompt, char *out, size_t cap, char *err, size_t errcap);

/* Reads the first line of path. Returns 0, or -1 with a sentence in err
 * (unreadable, readable by group or others, empty, too long). */
int secret_from_file(const char *path, char *out, size_t cap, char *err, size_t errcap);

#endif

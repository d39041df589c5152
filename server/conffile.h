/* conffile: the text of a parleyd configuration file, cut into entries.
 *
 * Pure: no I/O and no knowledge of which options exist (config.c checks
 * names and values, so a file and the command line share one validation).
 * Format, one entry a line:
 *
 *     # a comment (only as a whole line: '#' inside a value is kept, so a
 *     #            password may contain it)
 *     name value          the value is the rest of the line, trimmed, so it
 *     name = value        may hold spaces ("oper NAME HASH" keeps "NAME HASH")
 *     name                a bare word: a flag ("step"), value NULL
 *
 * Names are [a-z0-9-]. Lines may end in CR LF. The text must be valid UTF-8
 * without NUL or control characters other than tab; it is bounded in size,
 * line length and number of lines, and the problems found are bounded too
 * (each names its line). */
#ifndef PARLEY_CONFFILE_H
#define PARLEY_CONFFILE_H

#include <stddef.h>

#define CONFFILE_SIZE_MAX (64 * 1024)  /* bytes in a file */
#define CONFFILE_LINE_MAX 1024         /* bytes in a line, without its end */
#define CONFFILE_LINES_MAX 2000        /* lines in a file */
#define CONFFILE_NAME_MAX 64           /* bytes in an option name */
#define CONFFILE_PROBLEMS_MAX 50       /* problems kept; more are counted */

struct conffile_entry {
	int line;      /* 1-based */
	char *name;
	char *value;   /* NULL for a bare word */
};

struct conffile_problem {
	int line;      /* 1-based; 0: the file as a whole */
	char *message;
};

struct conffile {
	struct conffile_entry *entries;
	size_t nentries;
	struct conffile_problem *problems;
	size_t nproblems;       /* kept, at most CONFFILE_PROBLEMS_MAX */
	size_t problems_dropped; /* found beyond the limit */
};

/* Cuts text[0..len) into entries, noting every problem with its line.
 * Entries on lines with problems are left out. Free with conffile_free. */
void conffile_parse(const char *text, size_t len, struct conffile *out);

/* Notes a problem at line (used by config.c for bad names and values, so all
 * of a file's problems are in one bounded list). */
void conffile_problem_add(struct conffile *cf, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The name among names[0..n) closest to name (edit distance at most 3, or a
 * prefix either way), or NULL: for "did you mean". */
const char *conffile_closest(const char *name, const char *const *names, size_t n);

void conffile_free(struct conffile *cf);

#endif

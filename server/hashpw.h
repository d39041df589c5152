/* hashpw: parleyd --hash-password, the admin's way to make an "oper" line's
 * hash: reads one password line on stdin (without echo on a terminal) and
 * prints its yescrypt hash (operpass.h) on stdout. */
#ifndef PARLEY_HASHPW_H
#define PARLEY_HASHPW_H

/* Runs the action; returns the exit status (0, or 1 with a message on stderr). */
int hashpw_run(void);

#endif

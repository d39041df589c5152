/* hashpw: see hashpw.h. */
#include "hashpw.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "operpass.h"

/* Reads one line (at most OPERPASS_PASSWORD_MAX bytes) into buf without its
 * end. Returns its length, or -1 if none, too long or containing NUL. */
static long read_line(char *buf, size_t cap)
{
	if (!fgets(buf, (int)cap, stdin))
		return -1;
	size_t len = strcspn(buf, "\n");
	bool ended = buf[len] == '\n';
	if (!ended && !feof(stdin))
		return -1; /* longer than the buffer */
	buf[len] = '\0';
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return (long)len;
}

/* Reads the password, turning echo off while a terminal is typed into. */
static long read_password(char *buf, size_t cap)
{
	struct termios old;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		struct termios quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		fputs("Password: ", stderr);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	long len = read_line(buf, cap);
	if (tty)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	return len;
}

int hashpw_run(void)
{
	char buf[OPERPASS_PASSWORD_MAX + 2];
	char hash[OPERPASS_HASH_MAX + 1];
	long len = read_password(buf, sizeof buf);
	int rc = 1;
	if (len <= 0 || len > OPERPASS_PASSWORD_MAX || memchr(buf, ' ', (size_t)len))
		fprintf(stderr, "parleyd: --hash-password reads one line on stdin: the "
				"password, 1 to %d bytes, no spaces\n", OPERPASS_PASSWORD_MAX);
	else if (operpass_hash(buf, hash, sizeof hash) < 0)
		fputs("parleyd: --hash-password: libcrypt could not make a hash\n", stderr);
	else {
		printf("%s\n", hash);
		rc = 0;
	}
	explicit_bzero(buf, sizeof buf);
	return rc;
}

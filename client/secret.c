/* secret: see secret.h. */
#include "secret.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

/* Cuts the line end off line[0..len) and checks the length. */
static int secret_finish(char *out, size_t cap, size_t len, char *err, size_t errcap)
{
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	if (len == 0) {
		snprintf(err, errcap, "the password is empty");
		return -1;
	}
	if (len > SECRET_MAX || len >= cap) {
		OPENSSL_cleanse(out, cap);
		snprintf(err, errcap, "the password is longer than %d bytes", SECRET_MAX);
		return -1;
	}
	return 0;
}

/* Reads one line from fd into out (at most cap - 1 bytes, NUL-terminated);
 * returns its length, or -1. A longer line is read to its end. */
static ssize_t secret_read_line(int fd, char *out, size_t cap)
{
	size_t len = 0;
	char c;
	ssize_t r;
	while ((r = read(fd, &c, 1)) == 1 && c != '\n')
		if (len + 1 < cap)
			out[len++] = c;
		else
			len = cap; /* too long: remember, keep reading to the line's end */
	if (r < 0)
		return -1;
	if (len >= cap)
		len = cap - 1;
	out[len] = '\0';
	return (ssize_t)len;
}

int secret_from_terminal(const char *prompt, char *out, size_t cap, char *err, size_t errcap)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errcap, "--login needs a terminal to ask for the password "
		                      "(or use --login-file FILE)");
		return -1;
	}
	struct termios old, quiet;
	bool restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		/* no prompt shown: the read still works */
	}
	ssize_t len = secret_read_line(fd, out, cap);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	close(fd);
	if (len < 0) {
		snprintf(err, errcap, "cannot read the password: %s", strerror(errno));
		return -1;
	}
	return secret_finish(out, cap, (size_t)len, err, errcap);
}

int secret_from_file(const char *path, char *out, size_t cap, char *err, size_t errcap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errcap, "cannot read %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & (S_IRWXG | S_IRWXO))) {
		close(fd);
		snprintf(err, errcap, "%s must be a file only you can read (chmod 600 %s)", path,
		         path);
		return -1;
	}
	ssize_t len = secret_read_line(fd, out, cap);
	close(fd);
	if (len < 0) {
		snprintf(err, errcap, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	return secret_finish(out, cap, (size_t)len, err, errcap);
}

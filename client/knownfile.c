/* knownfile: reading and rewriting the known_servers file. */
#include "knownfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xalloc.h"

/* The path: $XDG_DATA_HOME (when absolute, as the spec says) or ~/.local/share. */
int knownfile_path(char *out, size_t cap, char *err, size_t ecap)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int n;
	if (xdg && xdg[0] == '/')
		n = snprintf(out, cap, "%s/parley/known_servers", xdg);
	else if (home && *home)
		n = snprintf(out, cap, "%s/.local/share/parley/known_servers", home);
	else {
		snprintf(err, ecap,
		         "Neither XDG_DATA_HOME nor HOME is set: no place for known_servers");
		return -1;
	}
	if (n < 0 || (size_t)n >= cap) {
		snprintf(err, ecap, "The known_servers path is too long");
		return -1;
	}
	return 0;
}

/* Reads the whole file (at most KNOWN_FILE_MAX bytes); a missing one is empty. */
static int knownfile_read(const char *path, char **text, size_t *len, char *err, size_t ecap)
{
	*text = xmalloc(KNOWN_FILE_MAX + 1);
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0) {
		snprintf(err, ecap, "Cannot read %s: %s", path, strerror(errno));
		goto fail;
	}
	for (;;) {
		ssize_t r = read(fd, *text + *len, KNOWN_FILE_MAX + 1 - *len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, ecap, "Cannot read %s: %s", path, strerror(errno));
			close(fd);
			goto fail;
		}
		if (r == 0)
			break;
		*len += (size_t)r;
		if (*len > KNOWN_FILE_MAX) {
			snprintf(err, ecap, "%s is larger than %d bytes: not reading it", path,
			         KNOWN_FILE_MAX);
			close(fd);
			goto fail;
		}
	}
	close(fd);
	return 0;
fail:
	free(*text);
	*text = NULL;
	return -1;
}

/* Makes dir and its parents (0700 for those it creates). */
static int knownfile_mkdirs(char *dir)
{
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int r = mkdir(dir, 0700);
		*p = '/';
		if (r < 0 && errno != EEXIST)
			return -1;
	}
	return mkdir(dir, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

/* Replaces the file with text: a 0600 temporary file beside it, then rename. */
static int knownfile_write(const char *path, const char *text, size_t len, char *err, size_t ecap)
{
	char dir[KNOWNFILE_PATH_MAX], tmp[KNOWNFILE_PATH_MAX + 32];
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	if (knownfile_mkdirs(dir) < 0) {
		snprintf(err, ecap, "Cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(err, ecap, "Cannot write %s: %s", tmp, strerror(errno));
		return -1;
	}
	size_t done = 0;
	while (done < len) {
		ssize_t w = write(fd, text + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			break;
		done += (size_t)w;
	}
	int bad = done < len || fsync(fd) < 0;
	if (close(fd) < 0 || bad || rename(tmp, path) < 0) {
		snprintf(err, ecap, "Cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Looks key up in the file. */
int knownfile_lookup(const char *key, bool *found, struct known_entry *e, size_t *malformed,
                     char *err, size_t ecap)
{
	char path[KNOWNFILE_PATH_MAX], *text;
	size_t len;
	if (knownfile_path(path, sizeof(path), err, ecap) < 0 ||
	    knownfile_read(path, &text, &len, err, ecap) < 0)
		return -1;
	*found = known_lookup(text, len, key, e, malformed);
	free(text);
	return 0;
}

/* Stores key with today's date. */
int knownfile_store(const char *key, const char *hex, char *err, size_t ecap)
{
	char path[KNOWNFILE_PATH_MAX], date[KNOWN_DATE_LEN + 8], *text;
	size_t len, outlen;
	time_t now = time(NULL);
	struct tm tm;
	if (!localtime_r(&now, &tm) ||
	    strftime(date, sizeof(date), "%Y-%m-%d", &tm) != KNOWN_DATE_LEN)
		snprintf(date, sizeof(date), "1970-01-01");
	if (knownfile_path(path, sizeof(path), err, ecap) < 0 ||
	    knownfile_read(path, &text, &len, err, ecap) < 0)
		return -1;
	char *out = known_add(text, len, key, hex, date, &outlen);
	free(text);
	if (!out) {
		snprintf(err, ecap, "Cannot add %s to %s: the file would pass %d bytes", key, path,
		         KNOWN_FILE_MAX);
		return -1;
	}
	int rc = knownfile_write(path, out, outlen, err, ecap);
	free(out);
	return rc;
}

/* Removes key from the file. */
int knownfile_forget(const char *key, size_t *removed, char *err, size_t ecap)
{
	char path[KNOWNFILE_PATH_MAX], *text;
	size_t len, outlen;
	*removed = 0;
	if (knownfile_path(path, sizeof(path), err, ecap) < 0 ||
	    knownfile_read(path, &text, &len, err, ecap) < 0)
		return -1;
	char *out = known_remove(text, len, key, &outlen, removed);
	free(text);
	int rc = *removed ? knownfile_write(path, out, outlen, err, ecap) : 0;
	free(out);
	return rc;
}

/* driver: a standalone main for the fuzz harnesses, used by the normal test suite.
 *
 *   fuzz_NAME [-n COUNT] [-s SEED] PATH...
 *
 * Runs the harness over every file given (a directory stands for the files in
 * it, in name order), then over COUNT (default 20000) inputs made from them by
 * a deterministic xorshift generator: random bytes, bytes from an alphabet of
 * protocol-significant characters, and mutations and splices of the seeds.
 * The same arguments always give the same inputs, so a failure here is
 * reproducible; on a crash the input is written to ./crash-NAME and dumped in
 * hex on stderr. A fuzzing engine it is not: for that, build with clang and
 * -DPARLEY_FUZZ=ON (fuzz/README.md). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "xalloc.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define DRIVER_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define DRIVER_SANITIZER 1
#endif
#ifdef DRIVER_SANITIZER
#include <sanitizer/common_interface_defs.h>
#endif

#define DRIVER_INPUT_MAX 4096      /* longest generated input */
#define DRIVER_SEED_FILE_MAX 65536 /* longest seed file read */
#define DRIVER_DEFAULT_COUNT 20000

/* Bytes that mean something to at least one of our parsers. */
static const uint8_t driver_interesting[] = {
    0x00, '\r', '\n', ' ',  ':',  '@',  '!',  ';',  '=',  '\\', '*',  '?',  '#',  ',',  '[',  ']',
    '{',  '}',  '|',  '^',  '~',  '.',  '0',  '9',  'a',  'Z',  '-',  0x02, 0x03, 0x0f, 0x16, 0x1b,
    0x7f, 0x80, 0x9b, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
};

/* Multi-byte pieces worth splicing in whole. */
static const char *const driver_tokens[] = {
    "\r\n",
    "::",
    "@a=b;c ",
    ":nick!user@host ",
    "PRIVMSG",
    "#chan",
    " :",
    "\\s",
    "\\:",
    "\xe2\x80\xae",
    "\xef\xbf\xbd",
    "\xf0\x9f\x98\x80",
    "\xed\xa0\x80",
    "\xc0\xaf",
    "\xf4\x90\x80\x80",
    "\xc2\x9b",
    "\x1b[2J",
    "\x03"
    "12,4",
    "[::1]:",
    "127.0.0.1",
    "::ffff:",
    ":65535",
    ":99999",
    "*?*",
    "0000",
    "%",
};

static const char *driver_name = "fuzz";
static const uint8_t *driver_current; /* the input being run, for the crash dump */
static size_t driver_current_size;

/* One step of xorshift64: a fixed seed gives a fixed sequence. */
static uint64_t driver_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

/* A number in [0, n) (n > 0). */
static size_t driver_below(uint64_t *state, size_t n)
{
	return (size_t)(driver_rand(state) % n);
}

/* write() all of buf, ignoring errors: used from the crash path. */
static void driver_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

/* Saves the current input to ./crash-NAME and dumps it in hex (async-signal-safe). */
static void driver_dump_current(void)
{
	static const char hex[] = "0123456789abcdef";
	char path[256];
	char line[3 * 32 + 1];
	size_t plen = 0;
	int fd;

	if (!driver_current)
		return;
	for (const char *s = "crash-"; *s && plen < sizeof(path) - 1; s++)
		path[plen++] = *s;
	for (const char *s = driver_name; *s && plen < sizeof(path) - 1; s++)
		path[plen++] = *s;
	path[plen] = '\0';
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		driver_write_all(fd, driver_current, driver_current_size);
		close(fd);
	}
	driver_write_all(2, "driver: failing input saved as ./", 33);
	driver_write_all(2, path, plen);
	driver_write_all(2, "; its bytes:\n", 13);
	for (size_t i = 0; i < driver_current_size && i < 1024; i += 32) {
		size_t n = 0;

		for (size_t k = i; k < driver_current_size && k < i + 32; k++) {
			line[n++] = hex[driver_current[k] >> 4];
			line[n++] = hex[driver_current[k] & 15];
			line[n++] = ' ';
		}
		line[n++] = '\n';
		driver_write_all(2, line, n);
	}
	driver_current = NULL;
}

/* Fatal signal: dump the input, then die of the signal as before. */
static void driver_on_signal(int sig)
{
	driver_dump_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Runs the harness on exactly size bytes of their own allocation, so a read past
 * the end is caught by ASan. */
static void driver_run(const uint8_t *data, size_t size)
{
	uint8_t *copy = xmalloc(size ? size : 1);

	if (size)
		memcpy(copy, data, size);
	driver_current = copy;
	driver_current_size = size;
	LLVMFuzzerTestOneInput(copy, size);
	driver_current = NULL;
	free(copy);
}

/* The seed inputs, owned. */
struct driver_seeds {
	uint8_t **data;
	size_t *size;
	size_t n;
	size_t cap;
};

/* Reads one file (up to DRIVER_SEED_FILE_MAX bytes) as a seed. */
static int driver_add_file(struct driver_seeds *seeds, const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", driver_name, path, strerror(errno));
		return -1;
	}
	buf = xmalloc(DRIVER_SEED_FILE_MAX);
	n = fread(buf, 1, DRIVER_SEED_FILE_MAX, f);
	fclose(f);
	if (seeds->n == seeds->cap) {
		seeds->cap = seeds->cap ? seeds->cap * 2 : 16;
		seeds->data = xrealloc(seeds->data, seeds->cap * sizeof(*seeds->data));
		seeds->size = xrealloc(seeds->size, seeds->cap * sizeof(*seeds->size));
	}
	seeds->data[seeds->n] = buf;
	seeds->size[seeds->n] = n;
	seeds->n++;
	return 0;
}

/* qsort order for directory entries. */
static int driver_cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds a file, or every regular file of a directory in name order. */
static int driver_add_path(struct driver_seeds *seeds, const char *path)
{
	struct stat st;
	DIR *dir;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "%s: %s: %s\n", driver_name, path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return driver_add_file(seeds, path);
	dir = opendir(path);
	if (!dir) {
		fprintf(stderr, "%s: %s: %s\n", driver_name, path, strerror(errno));
		return -1;
	}
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof(*names), driver_cmp_names);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(path) + strlen(names[i]) + 2;
		char *full = xmalloc(len);

		snprintf(full, len, "%s/%s", path, names[i]);
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && driver_add_file(seeds, full) < 0)
			rc = -1;
		free(full);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* Inserts n bytes at pos in buf[0..*len), as many as fit under DRIVER_INPUT_MAX. */
static void driver_insert(uint8_t *buf, size_t *len, size_t pos, const uint8_t *src, size_t n)
{
	if (n > DRIVER_INPUT_MAX - *len)
		n = DRIVER_INPUT_MAX - *len;
	memmove(buf + pos + n, buf + pos, *len - pos);
	memcpy(buf + pos, src, n);
	*len += n;
}

/* Applies one random edit to buf[0..*len). */
static void driver_mutate(uint64_t *rng, uint8_t *buf, size_t *len,
                          const struct driver_seeds *seeds)
{
	size_t pos = driver_below(rng, *len + 1);
	uint8_t tmp[DRIVER_INPUT_MAX];
	size_t n;

	switch (driver_below(rng, 10)) {
	case 0: /* flip a bit */
		if (*len)
			buf[pos % *len] ^= (uint8_t)(1u << driver_below(rng, 8));
		break;
	case 1: /* overwrite a byte */
		if (*len)
			buf[pos % *len] = (uint8_t)driver_rand(rng);
		break;
	case 2: /* overwrite with an interesting byte */
		if (*len)
			buf[pos % *len] =
			    driver_interesting[driver_below(rng, sizeof(driver_interesting))];
		break;
	case 3: /* insert an interesting byte */
		tmp[0] = driver_interesting[driver_below(rng, sizeof(driver_interesting))];
		driver_insert(buf, len, pos, tmp, 1);
		break;
	case 4: { /* insert a token */
		const char *tok = driver_tokens[driver_below(rng, sizeof(driver_tokens) /
		                                                      sizeof(driver_tokens[0]))];
		driver_insert(buf, len, pos, (const uint8_t *)tok, strlen(tok));
		break;
	}
	case 5: /* delete a run */
		n = driver_below(rng, *len - pos + 1);
		memmove(buf + pos, buf + pos + n, *len - pos - n);
		*len -= n;
		break;
	case 6: /* duplicate a run somewhere else */
		if (*len) {
			size_t from = driver_below(rng, *len);

			n = driver_below(rng, *len - from) + 1;
			memcpy(tmp, buf + from, n);
			driver_insert(buf, len, pos, tmp, n);
		}
		break;
	case 7: /* a long run of one byte: length limits */
		n = driver_below(rng, 700) + 1;
		memset(tmp,
		       driver_below(rng, 2)
		           ? 'A'
		           : driver_interesting[driver_below(rng, sizeof(driver_interesting))],
		       n);
		driver_insert(buf, len, pos, tmp, n);
		break;
	case 8: /* splice in part of another seed */
		if (seeds->n) {
			size_t k = driver_below(rng, seeds->n);
			size_t sz =
			    seeds->size[k] < DRIVER_INPUT_MAX ? seeds->size[k] : DRIVER_INPUT_MAX;

			if (sz) {
				size_t from = driver_below(rng, sz);

				n = driver_below(rng, sz - from) + 1;
				driver_insert(buf, len, pos, seeds->data[k] + from, n);
			}
		}
		break;
	default: /* truncate */
		*len = pos;
		break;
	}
}

/* Makes the i-th generated input into buf; returns its length. */
static size_t driver_generate(uint64_t *rng, uint8_t *buf, const struct driver_seeds *seeds)
{
	size_t len = 0;
	size_t kind = driver_below(rng, 8);

	if (kind == 0 || seeds->n == 0) { /* random bytes */
		len = driver_below(rng, 65);
		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)driver_rand(rng);
		if (seeds->n == 0)
			return len;
	} else if (kind == 1) { /* protocol-flavoured noise */
		len = driver_below(rng, 300);
		for (size_t i = 0; i < len; i++)
			buf[i] = driver_interesting[driver_below(rng, sizeof(driver_interesting))];
	} else { /* a mutated seed */
		size_t k = driver_below(rng, seeds->n);

		len = seeds->size[k] < DRIVER_INPUT_MAX ? seeds->size[k] : DRIVER_INPUT_MAX;
		memcpy(buf, seeds->data[k], len);
	}
	for (size_t m = driver_below(rng, 6) + (kind >= 2); m > 0; m--)
		driver_mutate(rng, buf, &len, seeds);
	return len;
}

/* Prints usage and exits 2. */
static void driver_usage(void)
{
	fprintf(stderr, "usage: %s [-n COUNT] [-s SEED] [PATH...]\n", driver_name);
	exit(2);
}

/* Parses a whole decimal number argument or exits via usage. */
static unsigned long long driver_number(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end != '\0')
		driver_usage();
	return v;
}

int main(int argc, char **argv)
{
	struct driver_seeds seeds = {0};
	unsigned long long count = DRIVER_DEFAULT_COUNT;
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	static uint8_t buf[DRIVER_INPUT_MAX];
	const char *slash;
	int opt;

	if (argc > 0 && argv[0]) {
		slash = strrchr(argv[0], '/');
		driver_name = slash ? slash + 1 : argv[0];
	}
	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		switch (opt) {
		case 'n':
			count = driver_number(optarg);
			break;
		case 's':
			rng = driver_number(optarg) * 0x9e3779b97f4a7c15ull + 1; /* never 0 */
			break;
		default:
			driver_usage();
		}
	}
	for (int i = optind; i < argc; i++) {
		if (driver_add_path(&seeds, argv[i]) < 0)
			return 2;
	}

	signal(SIGABRT, driver_on_signal);
	signal(SIGSEGV, driver_on_signal);
	signal(SIGBUS, driver_on_signal);
	signal(SIGFPE, driver_on_signal);
#ifdef DRIVER_SANITIZER
	__sanitizer_set_death_callback(driver_dump_current);
#endif

	for (size_t i = 0; i < seeds.n; i++)
		driver_run(seeds.data[i], seeds.size[i]);
	for (unsigned long long i = 0; i < count; i++) {
		size_t len = driver_generate(&rng, buf, &seeds);

		driver_run(buf, len);
	}
	printf("%s: %zu seed inputs and %llu generated inputs passed\n", driver_name, seeds.n,
	       count);
	for (size_t i = 0; i < seeds.n; i++)
		free(seeds.data[i]);
	free(seeds.data);
	free(seeds.size);
	return 0;
}

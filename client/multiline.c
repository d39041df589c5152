/* multiline: draft/multiline limits, paste splitting, batch assembly. */
#include "multiline.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xalloc.h"

/* Reads a decimal number of up to 9 digits from [s, s+len); -1 if not one. */
static long multiline_number(const char *s, size_t len)
{
	if (len == 0 || len > 9)
		return -1;
	long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

bool multiline_parse_cap(const char *value, struct multiline_limits *out)
{
	long bytes = -1, lines = -1;
	if (!value)
		return false;
	/* Bounded: every turn moves p past one comma-separated key=value. */
	for (const char *p = value; *p;) {
		size_t len = strcspn(p, ",");
		const char *eq = memchr(p, '=', len);
		if (eq) {
			size_t klen = (size_t)(eq - p);
			long v = multiline_number(eq + 1, len - klen - 1);
			if (klen == 9 && strncmp(p, "max-bytes", 9) == 0)
				bytes = v;
			else if (klen == 9 && strncmp(p, "max-lines", 9) == 0)
				lines = v;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if (bytes < MULTILINE_SEND_BYTES_MIN)
		return false;
	size_t max_lines = lines < 0                          ? MULTILINE_LINES_DEFAULT
	                   : lines > MULTILINE_SEND_LINES_MAX ? MULTILINE_SEND_LINES_MAX
	                                                      : (size_t)lines;
	if (max_lines < 2)
		return false; /* one line a batch is no batch */
	out->max_lines = max_lines;
	out->max_bytes =
	    bytes > MULTILINE_SEND_BYTES_MAX ? MULTILINE_SEND_BYTES_MAX : (size_t)bytes;
	return true;
}

/* Appends a piece to the growing array. */
static void multiline_push(struct multiline_piece **v, size_t *n, size_t *cap,
                           struct multiline_piece p)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = p;
}

/* Cuts every line into pieces of at most chunk bytes, no batches yet. */
static struct multiline_piece *multiline_cut(const char *const *lines, size_t nlines, size_t chunk,
                                             size_t *n)
{
	struct multiline_piece *v = NULL;
	size_t cap = 0;
	*n = 0;
	for (size_t i = 0; i < nlines; i++) {
		const char *s = lines[i];
		size_t len = strlen(s);
		bool first = true;
		do {
			size_t k = len > chunk ? utf8_cut(s, len, chunk) : len;
			if (k == 0 && len > 0)
				k = len > chunk ? chunk : len; /* never stuck on a bad byte */
			multiline_push(
			    &v, n, &cap,
			    (struct multiline_piece){.text = s, .len = k, .concat = !first});
			s += k;
			len -= k;
			first = false;
		} while (len > 0);
	}
	return v;
}

/* Drops the blank pieces at the end of the batch that ends at *n. */
static void multiline_trim_end(struct multiline_piece *v, size_t *n, size_t opened)
{
	while (*n > opened && v[*n - 1].len == 0)
		(*n)--;
}

struct multiline_piece *multiline_split(const char *const *lines, size_t nlines,
                                        const struct multiline_limits *lim, size_t chunk, size_t *n)
{
	if (chunk > lim->max_bytes)
		chunk = lim->max_bytes;
	size_t ncut;
	struct multiline_piece *cut = multiline_cut(lines, nlines, chunk, &ncut);
	struct multiline_piece *out = ncut ? xcalloc(ncut, sizeof(*out)) : NULL;
	size_t k = 0, opened = 0, used_lines = 0, used_bytes = 0;
	bool open = false;
	for (size_t i = 0; i < ncut; i++) {
		struct multiline_piece p = cut[i];
		size_t cost = p.len + (open && !p.concat ? 1 : 0);
		if (open &&
		    (used_lines + 1 > lim->max_lines || used_bytes + cost > lim->max_bytes)) {
			multiline_trim_end(out, &k, opened);
			open = false;
		}
		if (!open) {
			if (p.len == 0)
				continue; /* a batch does not start with a blank line */
			p.concat = false; /* the first line of a batch continues nothing */
			p.opens = true;
			opened = k;
			open = true;
			used_lines = used_bytes = 0;
			cost = p.len;
		}
		out[k++] = p;
		used_lines++;
		used_bytes += cost;
	}
	if (open)
		multiline_trim_end(out, &k, opened);
	free(cut);
	*n = k;
	if (k == 0) {
		free(out);
		return NULL;
	}
	return out;
}

bool multiline_msg_add(struct multiline_msg *m, const char *text, bool concat)
{
	size_t len = strlen(text);
	bool join = concat && m->n > 0;
	if ((!join && m->n >= MULTILINE_RECV_LINES_MAX) ||
	    m->bytes + len > MULTILINE_RECV_BYTES_MAX) {
		m->cut = true;
		return false;
	}
	if (join) {
		char *prev = m->lines[m->n - 1];
		size_t plen = strlen(prev);
		prev = xrealloc(prev, plen + len + 1);
		memcpy(prev + plen, text, len + 1);
		m->lines[m->n - 1] = prev;
	} else {
		m->lines = xrealloc(m->lines, (m->n + 1) * sizeof(*m->lines));
		m->lines[m->n++] = xstrdup(text);
	}
	m->bytes += len;
	return true;
}

void multiline_msg_free(struct multiline_msg *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->lines[i]);
	free(m->lines);
	memset(m, 0, sizeof(*m));
}

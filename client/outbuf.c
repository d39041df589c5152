/* outbuf: the outbound queue of whole lines, written by the network thread. */
#include "outbuf.h"

#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "tokenbucket.h"
#include "xalloc.h"

struct outline {
	STAILQ_ENTRY(outline) next;
	size_t len; /* bytes in data, CR LF included */
	char data[];
};

STAILQ_HEAD(outlist, outline);

struct outbuf {
	size_t lines_max, bytes_max;
	struct outlist normal, autos; /* waiting, not started */
	size_t nnormal, nauto;
	struct outline *cur; /* being written: finished before anything else */
	bool cur_auto;       /* cur is an automatic line */
	size_t off;          /* bytes of cur already written */
	size_t bytes;        /* bytes waiting, cur's written part excluded */
	long long progress_ms;
	unsigned long long dropped;
	struct tokenbucket flood; /* estimate of the server's budget for us */
};

struct outbuf *outbuf_new(size_t lines_max, size_t bytes_max, long long now_ms)
{
	struct outbuf *ob = xcalloc(1, sizeof(*ob));
	ob->lines_max = lines_max;
	ob->bytes_max = bytes_max;
	STAILQ_INIT(&ob->normal);
	STAILQ_INIT(&ob->autos);
	tokenbucket_init(&ob->flood, OUTBUF_FLOOD_RATE, OUTBUF_FLOOD_BURST, now_ms);
	return ob;
}

/* Frees every line of a list. */
static void outbuf_free_list(struct outlist *list)
{
	struct outline *l;
	while ((l = STAILQ_FIRST(list)) != NULL) {
		STAILQ_REMOVE_HEAD(list, next);
		free(l);
	}
}

void outbuf_free(struct outbuf *ob)
{
	if (!ob)
		return;
	outbuf_free_list(&ob->normal);
	outbuf_free_list(&ob->autos);
	free(ob->cur);
	free(ob);
}

size_t outbuf_lines(const struct outbuf *ob)
{
	return ob->nnormal + ob->nauto + (ob->cur ? 1 : 0);
}

size_t outbuf_bytes(const struct outbuf *ob)
{
	return ob->bytes;
}

/* Queues lines as one unit: all, or none when one is invalid or they do not fit. */
enum outbuf_result outbuf_push_all(struct outbuf *ob, const char *const *lines, size_t n,
                                   long long now_ms)
{
	size_t bytes = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(lines[i]);
		if (len == 0 || len + 2 > OUTBUF_LINE_MAX || strpbrk(lines[i], "\r\n"))
			return OUTBUF_INVALID;
		bytes += len + 2;
	}
	if (outbuf_lines(ob) + n > ob->lines_max || ob->bytes + bytes > ob->bytes_max)
		return OUTBUF_FULL;
	for (size_t i = 0; i < n; i++)
		outbuf_push(ob, OUTBUF_NORMAL, lines[i], now_ms); /* fits: checked above */
	return OUTBUF_OK;
}

/* Queues a line; automatic ones are dropped when user lines wait, when
 * too many automatic lines wait, or when the queue is full. */
enum outbuf_result outbuf_push(struct outbuf *ob, enum outbuf_class cls, const char *line,
                               long long now_ms)
{
	size_t len = strlen(line);
	if (len == 0 || len + 2 > OUTBUF_LINE_MAX || strpbrk(line, "\r\n"))
		return OUTBUF_INVALID;
	bool full = outbuf_lines(ob) + 1 > ob->lines_max || ob->bytes + len + 2 > ob->bytes_max;
	if (cls == OUTBUF_AUTO && (full || ob->nnormal > 0 || ob->nauto >= OUTBUF_AUTO_MAX)) {
		ob->dropped++;
		return OUTBUF_DROPPED;
	}
	if (full)
		return OUTBUF_FULL;
	if (outbuf_lines(ob) == 0)
		ob->progress_ms = now_ms; /* the stall clock starts now */
	struct outline *l = xmalloc(sizeof(*l) + len + 2);
	memcpy(l->data, line, len);
	l->data[len] = '\r';
	l->data[len + 1] = '\n';
	l->len = len + 2;
	if (cls == OUTBUF_AUTO) {
		STAILQ_INSERT_TAIL(&ob->autos, l, next);
		ob->nauto++;
	} else {
		STAILQ_INSERT_TAIL(&ob->normal, l, next);
		ob->nnormal++;
	}
	ob->bytes += l->len;
	return OUTBUF_OK;
}

/* Picks the line to write next: the oldest normal line (it takes a flood
 * token when there is one, but never waits for one: the server paces it),
 * else an automatic line that leaves the reserve; automatic lines that
 * would not are dropped here. */
static struct outline *outbuf_pick(struct outbuf *ob, long long now_ms)
{
	struct outline *l = STAILQ_FIRST(&ob->normal);
	if (l) {
		STAILQ_REMOVE_HEAD(&ob->normal, next);
		ob->nnormal--;
		tokenbucket_take(&ob->flood, now_ms);
		return l;
	}
	while ((l = STAILQ_FIRST(&ob->autos)) != NULL) {
		STAILQ_REMOVE_HEAD(&ob->autos, next);
		ob->nauto--;
		if (tokenbucket_tokens(&ob->flood, now_ms) >= OUTBUF_FLOOD_RESERVE + 1.0) {
			tokenbucket_take(&ob->flood, now_ms);
			return l;
		}
		ob->bytes -= l->len;
		ob->dropped++;
		free(l);
	}
	return NULL;
}

const char *outbuf_next(struct outbuf *ob, long long now_ms, size_t *len)
{
	if (!ob->cur) {
		ob->cur_auto = STAILQ_EMPTY(&ob->normal);
		ob->cur = outbuf_pick(ob, now_ms);
		ob->off = 0;
		if (!ob->cur) {
			*len = 0;
			return NULL;
		}
	}
	*len = ob->cur->len - ob->off;
	return ob->cur->data + ob->off;
}

void outbuf_wrote(struct outbuf *ob, size_t n, long long now_ms)
{
	if (!ob->cur || n == 0)
		return;
	if (n > ob->cur->len - ob->off)
		n = ob->cur->len - ob->off; /* a caller bug; never run past the line */
	ob->off += n;
	ob->bytes -= n;
	ob->progress_ms = now_ms;
	if (ob->off == ob->cur->len) {
		free(ob->cur);
		ob->cur = NULL;
		ob->off = 0;
	}
}

long long outbuf_stalled_ms(const struct outbuf *ob, long long now_ms)
{
	if (outbuf_lines(ob) == 0 || now_ms <= ob->progress_ms)
		return 0;
	return now_ms - ob->progress_ms;
}

unsigned long long outbuf_dropped(const struct outbuf *ob)
{
	return ob->dropped;
}

size_t outbuf_reset(struct outbuf *ob, long long now_ms)
{
	size_t lost = ob->nnormal + (ob->cur && !ob->cur_auto ? 1 : 0);
	outbuf_free_list(&ob->normal);
	outbuf_free_list(&ob->autos);
	free(ob->cur);
	ob->cur = NULL;
	ob->off = 0;
	ob->nnormal = ob->nauto = 0;
	ob->bytes = 0;
	tokenbucket_init(&ob->flood, OUTBUF_FLOOD_RATE, OUTBUF_FLOOD_BURST, now_ms);
	return lost;
}

/* catchup: windows taking turns to catch up, and their held lines. */
#include "catchup.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/queue.h>

#include "xalloc.h"

/* A FIFO of items with its length. */
struct cu_list {
	struct catchup_item *head, *tail;
	size_t n;
};

/* A window waiting for, or having, its turn. */
struct cu_win {
	unsigned win;
	bool fresh;
	struct cu_list caught, held;
	unsigned long long dropped;
	bool requested; /* the current page is asked for */
	bool in_page;   /* its reply page has begun */
	size_t limit;   /* lines asked for per page */
	size_t page_lines;
	size_t pages;
	long long started_ms; /* the first request */
	TAILQ_ENTRY(cu_win) link;
};

/* An ended turn waiting to be taken. */
struct cu_done {
	struct catchup_result r;
	STAILQ_ENTRY(cu_done) link;
};

struct catchup {
	TAILQ_HEAD(, cu_win) wins; /* the first one is the active one */
	STAILQ_HEAD(, cu_done) done;
	size_t held_total;
};

/* Appends item to l. */
static void cu_push(struct cu_list *l, struct catchup_item *item)
{
	item->next = NULL;
	if (l->tail)
		l->tail->next = item;
	else
		l->head = item;
	l->tail = item;
	l->n++;
}

/* Frees every item of a chain. */
static void cu_free_chain(struct catchup_item *item)
{
	while (item) {
		struct catchup_item *next = item->next;
		catchup_item_free(item);
		item = next;
	}
}

void catchup_item_free(struct catchup_item *item)
{
	if (!item)
		return;
	state_line_free(&item->line);
	free(item);
}

struct catchup *catchup_new(void)
{
	struct catchup *cu = xcalloc(1, sizeof(*cu));
	TAILQ_INIT(&cu->wins);
	STAILQ_INIT(&cu->done);
	return cu;
}

/* Frees a window record and its lines. */
static void cu_win_free(struct cu_win *w)
{
	cu_free_chain(w->caught.head);
	cu_free_chain(w->held.head);
	free(w);
}

void catchup_free(struct catchup *cu)
{
	struct catchup_result r;
	if (!cu)
		return;
	while (catchup_take(cu, &r))
		catchup_result_free(&r);
	struct cu_win *w;
	while ((w = TAILQ_FIRST(&cu->wins)) != NULL) {
		TAILQ_REMOVE(&cu->wins, w, link);
		cu_win_free(w);
	}
	free(cu);
}

/* The record of window win, or NULL. */
static struct cu_win *cu_find(const struct catchup *cu, unsigned win)
{
	struct cu_win *w;
	TAILQ_FOREACH(w, &cu->wins, link)
	if (w->win == win)
		return w;
	return NULL;
}

void catchup_want(struct catchup *cu, unsigned win, bool fresh)
{
	if (win == 0 || cu_find(cu, win))
		return;
	struct cu_win *w = xcalloc(1, sizeof(*w));
	w->win = win;
	w->fresh = fresh;
	TAILQ_INSERT_TAIL(&cu->wins, w, link);
}

unsigned catchup_to_request(const struct catchup *cu)
{
	const struct cu_win *w = TAILQ_FIRST(&cu->wins);
	return w && !w->requested ? w->win : 0;
}

void catchup_requested(struct catchup *cu, size_t limit, long long now_ms)
{
	struct cu_win *w = TAILQ_FIRST(&cu->wins);
	if (!w)
		return;
	if (w->pages == 0 && !w->requested)
		w->started_ms = now_ms;
	w->requested = true;
	w->in_page = false;
	w->limit = limit ? limit : 1;
	w->page_lines = 0;
}

unsigned catchup_active(const struct catchup *cu)
{
	const struct cu_win *w = TAILQ_FIRST(&cu->wins);
	return w ? w->win : 0;
}

bool catchup_awaiting(const struct catchup *cu)
{
	const struct cu_win *w = TAILQ_FIRST(&cu->wins);
	return w && w->requested && !w->in_page;
}

bool catchup_pending(const struct catchup *cu, unsigned win)
{
	return cu_find(cu, win) != NULL;
}

/* Moves window w's turn to the ended ones. */
static void cu_end(struct catchup *cu, struct cu_win *w, enum catchup_end why)
{
	struct cu_done *d = xcalloc(1, sizeof(*d));
	d->r.win = w->win;
	d->r.fresh = w->fresh;
	d->r.why = why;
	d->r.dropped = w->dropped;
	d->r.caught = w->caught.head;
	d->r.held = w->held.head;
	cu->held_total -= w->held.n;
	TAILQ_REMOVE(&cu->wins, w, link);
	free(w);
	STAILQ_INSERT_TAIL(&cu->done, d, link);
}

bool catchup_hold(struct catchup *cu, unsigned win, struct catchup_item *item)
{
	struct cu_win *w = cu_find(cu, win);
	if (!w)
		return false;
	cu_push(&w->held, item);
	cu->held_total++;
	if (w->held.n >= CATCHUP_HELD_MAX || cu->held_total >= CATCHUP_HELD_TOTAL_MAX)
		cu_end(cu, w, CATCHUP_END_HELD);
	return true;
}

void catchup_page_begin(struct catchup *cu)
{
	struct cu_win *w = TAILQ_FIRST(&cu->wins);
	if (w && w->requested)
		w->in_page = true;
}

void catchup_page_line(struct catchup *cu, struct catchup_item *item)
{
	struct cu_win *w = TAILQ_FIRST(&cu->wins);
	if (!w || !w->in_page) {
		catchup_item_free(item);
		return;
	}
	if (++w->page_lines > w->limit) {
		catchup_item_free(item);
		cu_end(cu, w, CATCHUP_END_LONG_PAGE);
		return;
	}
	cu_push(&w->caught, item);
	if (w->caught.n > CATCHUP_KEEP_MAX) {
		struct catchup_item *old = w->caught.head;
		w->caught.head = old->next;
		w->caught.n--;
		w->dropped++;
		catchup_item_free(old);
	}
}

bool catchup_page_end(struct catchup *cu)
{
	struct cu_win *w = TAILQ_FIRST(&cu->wins);
	if (!w || !w->in_page)
		return false;
	w->pages++;
	bool full = w->page_lines >= w->limit;
	if (!full) {
		cu_end(cu, w, CATCHUP_END_DONE);
		return false;
	}
	if (w->pages >= CATCHUP_PAGES_MAX) {
		cu_end(cu, w, CATCHUP_END_PAGES);
		return false;
	}
	w->requested = false; /* the next page is to be asked for */
	w->in_page = false;
	return true;
}

const struct catchup_item *catchup_last_caught(const struct catchup *cu)
{
	const struct cu_win *w = TAILQ_FIRST(&cu->wins);
	return w ? w->caught.tail : NULL;
}

void catchup_finish(struct catchup *cu, enum catchup_end why)
{
	struct cu_win *w = TAILQ_FIRST(&cu->wins);
	if (w)
		cu_end(cu, w, why);
}

void catchup_tick(struct catchup *cu, long long now_ms)
{
	struct cu_win *w = TAILQ_FIRST(&cu->wins);
	if (w && (w->requested || w->pages > 0) && now_ms - w->started_ms >= CATCHUP_TIMEOUT_MS)
		cu_end(cu, w, CATCHUP_END_TIMEOUT);
}

void catchup_finish_all(struct catchup *cu, enum catchup_end why)
{
	struct cu_win *w;
	while ((w = TAILQ_FIRST(&cu->wins)) != NULL)
		cu_end(cu, w, why);
}

void catchup_forget(struct catchup *cu, unsigned win)
{
	struct cu_win *w = cu_find(cu, win);
	if (w) {
		cu->held_total -= w->held.n;
		TAILQ_REMOVE(&cu->wins, w, link);
		cu_win_free(w);
	}
	/* Ended turns of the window not taken yet go too. */
	struct cu_done *d = STAILQ_FIRST(&cu->done);
	while (d) {
		struct cu_done *next = STAILQ_NEXT(d, link);
		if (d->r.win == win) {
			STAILQ_REMOVE(&cu->done, d, cu_done, link);
			catchup_result_free(&d->r);
			free(d);
		}
		d = next;
	}
}

bool catchup_take(struct catchup *cu, struct catchup_result *out)
{
	struct cu_done *d = STAILQ_FIRST(&cu->done);
	if (!d)
		return false;
	STAILQ_REMOVE_HEAD(&cu->done, link);
	*out = d->r;
	free(d);
	return true;
}

void catchup_result_free(struct catchup_result *r)
{
	cu_free_chain(r->caught);
	cu_free_chain(r->held);
	r->caught = r->held = NULL;
}

size_t catchup_held_total(const struct catchup *cu)
{
	return cu->held_total;
}

bool catchup_separator(unsigned long long count, unsigned long long dropped, bool fresh, char *buf,
                       size_t cap)
{
	if (count == 0)
		return false;
	const char *noun = count == 1 ? "message" : "messages";
	const char *when = fresh ? "from before you joined" : "while you were away";
	if (dropped)
		snprintf(buf, cap, "── %llu %s %s (the oldest %llu not shown) ──", count, noun,
		         when, dropped);
	else
		snprintf(buf, cap, "── %llu %s %s ──", count, noun, when);
	return true;
}

const char *catchup_end_note(enum catchup_end why)
{
	switch (why) {
	case CATCHUP_END_DONE:
	case CATCHUP_END_DISCONNECT:
		return NULL;
	case CATCHUP_END_FAILED:
		return "History: the server could not send what was missed (see the server window)";
	case CATCHUP_END_HELD:
		return "History: catching up stopped early, too many new lines arrived meanwhile; "
		       "some missed lines may not be shown";
	case CATCHUP_END_LONG_PAGE:
		return "History: the server sent more than was asked for; catching up stopped";
	case CATCHUP_END_PAGES:
		return "History: more was missed than parley fetches; the newest missed lines "
		       "may not be shown";
	case CATCHUP_END_TIMEOUT:
		return "History: the server did not finish sending what was missed; "
		       "catching up stopped";
	case CATCHUP_END_NO_REF:
		return "History: the server's history cannot be paged (no msgid or time); "
		       "catching up stopped";
	}
	return NULL;
}

/* Checks one list: its count and its tail. */
static bool cu_list_ok(const struct cu_list *l)
{
	size_t n = 0;
	const struct catchup_item *last = NULL;
	for (const struct catchup_item *i = l->head; i; i = i->next, n++)
		last = i;
	return n == l->n && last == l->tail;
}

const char *catchup_check(const struct catchup *cu)
{
	size_t held = 0;
	const struct cu_win *w;
	bool first = true;
	TAILQ_FOREACH(w, &cu->wins, link)
	{
		if (!cu_list_ok(&w->caught) || !cu_list_ok(&w->held))
			return "a line list's count or tail is wrong";
		if (w->caught.n > CATCHUP_KEEP_MAX)
			return "more caught lines kept than allowed";
		if (w->held.n >= CATCHUP_HELD_MAX)
			return "more lines held for a window than allowed";
		if (!first && (w->requested || w->caught.n || w->pages))
			return "a waiting window has a turn";
		if (w->in_page && !w->requested)
			return "a page began without a request";
		held += w->held.n;
		first = false;
	}
	if (held != cu->held_total || held >= CATCHUP_HELD_TOTAL_MAX)
		return "the total of held lines is wrong or past its limit";
	return NULL;
}

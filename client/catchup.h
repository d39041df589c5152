/* catchup: which windows are catching up on missed history, and the lines
 * held for them meanwhile (pure: no I/O, no clock of its own).
 *
 * After a (re)connect each joined room asks the server for what it missed
 * (draft/chathistory). The windows take turns: one is active (its
 * CHATHISTORY request out, its reply pages arriving), the others wait in
 * the order they were joined. Until its turn is over a window shows
 * nothing new: its live lines (joins, the nick list, messages said just
 * now) are *held*, so they can never land above the history they follow.
 * When the turn ends the window's result comes out in one piece: the
 * caught lines (oldest first) and then the held ones, for the caller to
 * dedupe and show under a separator (catchup_separator).
 *
 * A page that comes back full means there may be more (the caller asks for
 * the next one); a short page means there is no more.
 *
 * Everything a server can make it hold is bounded:
 *   CATCHUP_KEEP_MAX     caught lines kept per window: past it the oldest
 *                        go (counted in `dropped`, not shown), so a window
 *                        never gets more than its scrollback keeps;
 *   CATCHUP_HELD_MAX     live lines held per waiting window, and
 *   CATCHUP_HELD_TOTAL_MAX over all windows: one more ends that window's
 *                        turn at once (CATCHUP_END_HELD) with what it has;
 *   CATCHUP_PAGES_MAX    pages per window (CATCHUP_END_PAGES);
 *   a page longer than the limit asked for ends the turn (a batch that
 *   never ends: CATCHUP_END_LONG_PAGE);
 *   CATCHUP_TIMEOUT_MS   a turn that has not ended this long after it
 *                        began ends at the next catchup_tick.
 * So the memory is at most one window's kept lines plus the held ones. */
#ifndef PARLEY_CATCHUP_H
#define PARLEY_CATCHUP_H

#include <stdbool.h>
#include <stddef.h>

#include "lineid.h"
#include "state.h"

#define CATCHUP_KEEP_MAX 4096 /* as many as a window's scrollback keeps */
#define CATCHUP_HELD_MAX 512
#define CATCHUP_HELD_TOTAL_MAX 4096
#define CATCHUP_PAGES_MAX 100
#define CATCHUP_TIMEOUT_MS 60000

/* One line held or caught: the display line (strings owned) and its id. */
struct catchup_item {
	struct state_line line;
	struct lineid id;
	struct catchup_item *next;
};

/* Why a window's turn ended. */
enum catchup_end {
	CATCHUP_END_DONE,       /* a short page: all caught up */
	CATCHUP_END_FAILED,     /* the server refused (FAIL, 421) */
	CATCHUP_END_HELD,       /* too many live lines held meanwhile */
	CATCHUP_END_LONG_PAGE,  /* a page longer than asked for */
	CATCHUP_END_PAGES,      /* CATCHUP_PAGES_MAX pages and still more */
	CATCHUP_END_TIMEOUT,    /* no end after CATCHUP_TIMEOUT_MS */
	CATCHUP_END_DISCONNECT, /* the connection went */
	CATCHUP_END_NO_REF,     /* a full page whose last line cannot be referred to */
};

/* A window whose turn is over. */
struct catchup_result {
	unsigned win;
	bool fresh; /* the window's first join: "before you joined" */
	enum catchup_end why;
	unsigned long long dropped;  /* caught lines not kept (the oldest) */
	struct catchup_item *caught; /* oldest first */
	struct catchup_item *held;   /* in arrival order */
};

struct catchup;

struct catchup *catchup_new(void);
void catchup_free(struct catchup *cu);

/* Window win (a room just joined) wants to catch up; fresh when it was
 * never joined before. Nothing when it is waiting already. */
void catchup_want(struct catchup *cu, unsigned win, bool fresh);

/* The window whose request should be sent now (active, not yet asked), or
 * 0. After sending, call catchup_requested; when it cannot be asked (no
 * such room any more), catchup_finish it. */
unsigned catchup_to_request(const struct catchup *cu);

/* The request for the active window (its first page or the next) went out,
 * asking for limit lines, at now_ms. */
void catchup_requested(struct catchup *cu, size_t limit, long long now_ms);

/* The active window (0 for none), and whether its request is out and no
 * reply page has begun. */
unsigned catchup_active(const struct catchup *cu);
bool catchup_awaiting(const struct catchup *cu);

/* True when win's lines must be held (it waits or is active). */
bool catchup_pending(const struct catchup *cu, unsigned win);

/* Holds item (taken over) for pending window win. Past the limits the
 * window's turn ends at once with item as its last held line. False (item
 * not taken) when win is not pending. */
bool catchup_hold(struct catchup *cu, unsigned win, struct catchup_item *item);

/* The active window's reply page begins (its chathistory batch opened). */
void catchup_page_begin(struct catchup *cu);

/* A line of the active window's page (taken over). A page longer than
 * asked for ends the turn (the line is dropped). */
void catchup_page_line(struct catchup *cu, struct catchup_item *item);

/* The active window's page ended. True when it was full, so the next page
 * should be asked for (after catchup_last_caught); otherwise the turn is
 * over (done, or CATCHUP_PAGES_MAX pages). */
bool catchup_page_end(struct catchup *cu);

/* The newest line caught so far for the active window, or NULL. */
const struct catchup_item *catchup_last_caught(const struct catchup *cu);

/* Ends the active window's turn (nothing when none is active). */
void catchup_finish(struct catchup *cu, enum catchup_end why);

/* Ends the active turn when it began CATCHUP_TIMEOUT_MS before now_ms. */
void catchup_tick(struct catchup *cu, long long now_ms);

/* Ends every turn (the connection went): waiting windows too. */
void catchup_finish_all(struct catchup *cu, enum catchup_end why);

/* Window win is gone (closed): its lines are dropped and it leaves the
 * line; if it was active, the next window's turn begins. */
void catchup_forget(struct catchup *cu, unsigned win);

/* Takes the next ended turn into *out (in the order they ended); the
 * caller frees it with catchup_result_free. False when there is none. */
bool catchup_take(struct catchup *cu, struct catchup_result *out);
void catchup_result_free(struct catchup_result *r);

/* Frees one item (and its strings). */
void catchup_item_free(struct catchup_item *item);

/* Lines held over all windows now. */
size_t catchup_held_total(const struct catchup *cu);

/* The separator above a window's caught lines, e.g. "── 37 messages while
 * you were away ──"; count includes the dropped ones. Nothing (false) when
 * count is 0. */
bool catchup_separator(unsigned long long count, unsigned long long dropped, bool fresh, char *buf,
                       size_t cap);

/* A note on why a turn ended early, for the window (NULL when it ended
 * well: done, or the connection went, which the window is told anyway). */
const char *catchup_end_note(enum catchup_end why);

/* Checks the invariants (bounds, one active window at the head); NULL, or
 * what is wrong. For tests and fuzzing. */
const char *catchup_check(const struct catchup *cu);

#endif

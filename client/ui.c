/* ui: curses layout, drawing, keys, bracketed paste and user commands. */
#include "ui.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "complete.h"
#include "editor.h"
#include "endpoint.h"
#include "ircmsg.h"
#include "ircname.h"
#include "nickcolor.h"
#include "scrollback.h"
#include "textstyle.h"
#include "utf8.h"
#include "xalloc.h"

#define UI_PROMPT "> "
#define UI_PROMPT_COLS 2
#define UI_TIME_COLS 6      /* "12:04 ": continuation rows are indented by it */
#define UI_NICKLIST_COLS 18 /* including the separator */
#define UI_MIN_COLS_NICKLIST 50
#define UI_PASTE_MAX 65536       /* characters in one bracketed paste */
#define UI_MSG_CHUNK 400         /* bytes of text per PRIVMSG (room for prefix) */
#define UI_BELL_MAX_AGE_MS 60000 /* replayed history does not ring */
#define UI_HISTORY 200
#define UI_TICK_MS 1000 /* redraw interval while lines wait to be sent */
/* Network events applied per turn of the loop: then keys are read and the
 * screen drawn before more, so a flood never makes the client deaf. */
#define UI_EVENTS_PER_WAKE 256

/* Our own key codes, beyond curses' (define_key). */
enum {
	UI_KEY_PASTE_BEGIN = KEY_MAX + 1,
	UI_KEY_PASTE_END,
	UI_KEY_CTRL_LEFT,
	UI_KEY_CTRL_RIGHT,
	UI_KEY_ALT0, /* UI_KEY_ALT0 + d for Alt-d */
};

/* The ui's view of one window: its lines and where it is scrolled to. */
struct uiwin {
	unsigned id;
	struct scrollback *sb;
	size_t scroll;                      /* rows up from the bottom; 0 follows */
	unsigned long long added_at_scroll; /* scrollback_added() when scrolling began */
};

struct ui {
	struct state *st;
	struct net *net;
	struct evqueue *q;
	int sigfd;
	enum bell_mode bell;
	bool nicklist;
	bool colors;

	struct uiwin *wins;
	size_t nwins, capwins;
	struct scrollback_budget *sb_budget; /* bytes of all the windows' lines */

	struct editor *ed;
	struct completion *comp;

	bool in_paste;
	wchar_t *paste; /* collected bracketed paste */
	size_t paste_len;
	char **pending; /* lines waiting for the paste confirmation */
	size_t npending;

	unsigned long long auto_dropped; /* net's count when last told to the user */
	bool send_full;                  /* a line was refused: the queue is full */
	char want_window[IRC_LINE_MAX];  /* switch to this window when it opens */
	bool started;                    /* curses is on */
	bool quit;
	char quit_reason[IRC_LINE_MAX];
};

/* ---- colours --------------------------------------------------------------- */

/* Curses colour number for an IRC colour (0..15) on this terminal. */
static short ui_color(int irc)
{
	static const short c16[16] = {15, 0, 4, 2, 9, 1, 5, 3, 11, 10, 6, 14, 12, 13, 8, 7};
	static const short c8[16] = {7, 0, 4, 2, 1, 1, 5, 3, 3, 2, 6, 6, 4, 5, 7, 7};
	if (irc < 0 || irc > 15)
		return -1;
	return COLORS >= 16 ? c16[irc] : c8[irc];
}

/* The colour pair for (fg, bg) IRC colours, made on first use. Without
 * enough pairs backgrounds are dropped. */
static short ui_pair(int fg, int bg)
{
	if (fg < -1 || fg > 15)
		fg = -1;
	if (bg < -1 || bg > 15 || COLOR_PAIRS < 1 + 17 * 17)
		bg = -1;
	if (fg == -1 && bg == -1)
		return 0;
	short pair = (short)(1 + (fg + 1) * 17 + (bg + 1));
	if (pair >= COLOR_PAIRS)
		return 0;
	init_pair(pair, ui_color(fg), ui_color(bg));
	return pair;
}

/* Nick colours that read well on dark and light backgrounds. */
static int ui_nick_color(const char *nick)
{
	static const int palette[] = {2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13};
	return palette[nickcolor_index(nick, (int)(sizeof(palette) / sizeof(palette[0])))];
}

/* Curses attributes for a styled cell. */
static attr_t ui_attrs(uint8_t a)
{
	attr_t r = A_NORMAL;
	if (a & STYLE_BOLD)
		r |= A_BOLD;
	if (a & STYLE_ITALIC)
		r |= A_ITALIC;
	if (a & STYLE_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & STYLE_REVERSE)
		r |= A_REVERSE;
	if (a & STYLE_DIM)
		r |= A_DIM;
	return r;
}

/* ---- drawing primitives ------------------------------------------------------ */

/* Draws cells [start, end) at (y, x), never past column xmax. Combining marks
 * join their base character. Returns the column after the last drawn cell. */
static int ui_draw_cells(struct ui *ui, const struct styled_text *t, size_t start, size_t end,
                         int y, int x, int xmax, attr_t extra)
{
	size_t i = start;
	while (i < end) {
		const struct styled_char *c = &t->cells[i];
		int w = text_width(c->ch);
		wchar_t wc[CCHARW_MAX + 1];
		int n = 0;
		wc[n++] = w == 0 ? L' ' : c->ch;
		if (w == 0)
			w = 1; /* a lone combining mark: drawn on a space */
		i++;
		while (i < end && text_width(t->cells[i].ch) == 0 && n < CCHARW_MAX)
			wc[n++] = t->cells[i++].ch;
		wc[n] = L'\0';
		if (x + w > xmax)
			break;
		cchar_t cc;
		short pair = ui->colors ? ui_pair(c->fg, c->bg) : 0;
		setcchar(&cc, wc, ui_attrs(c->attrs) | extra, pair, NULL);
		mvadd_wch(y, x, &cc);
		x += w;
	}
	return x;
}

/* Draws our own text (sanitised all the same) and returns the next column. */
static int ui_draw_text(struct ui *ui, int y, int x, int xmax, const char *text, uint8_t attrs,
                        int fg, attr_t extra)
{
	struct styled_text t;
	styled_init(&t);
	styled_append_text(&t, text, attrs, (int8_t)fg);
	x = ui_draw_cells(ui, &t, 0, t.len, y, x, xmax, extra);
	styled_free(&t);
	return x;
}

/* Fills row y from column x to xmax with spaces in the given attributes. */
static void ui_fill(int y, int x, int xmax, attr_t attrs)
{
	attrset(attrs);
	for (; x < xmax; x++)
		mvaddch(y, x, ' ');
	attrset(A_NORMAL);
}

/* ---- windows --------------------------------------------------------------- */

/* The ui window for a state window id, made on first use. */
static struct uiwin *ui_win(struct ui *ui, unsigned id)
{
	for (size_t i = 0; i < ui->nwins; i++)
		if (ui->wins[i].id == id)
			return &ui->wins[i];
	if (ui->nwins == ui->capwins) {
		ui->capwins = ui->capwins ? ui->capwins * 2 : 8;
		ui->wins = xrealloc(ui->wins, ui->capwins * sizeof(*ui->wins));
	}
	struct uiwin *w = &ui->wins[ui->nwins++];
	memset(w, 0, sizeof(*w));
	w->id = id;
	w->sb = scrollback_new(ui->sb_budget, 0, 0);
	return w;
}

/* Frees the ui windows whose state window is gone. */
static void ui_prune_windows(struct ui *ui)
{
	for (size_t i = 0; i < ui->nwins;) {
		if (state_window_index(ui->st, ui->wins[i].id) >= 0) {
			i++;
			continue;
		}
		scrollback_free(ui->wins[i].sb);
		ui->wins[i] = ui->wins[--ui->nwins];
	}
}

/* The current window's ui data. */
static struct uiwin *ui_current(struct ui *ui)
{
	return ui_win(ui, state_window_id(ui->st, state_current(ui->st)));
}

/* Whether the nick list is drawn for the current window at this size. */
static bool ui_nicklist_shown(struct ui *ui)
{
	return ui->nicklist && COLS >= UI_MIN_COLS_NICKLIST &&
	       state_window_kind(ui->st, state_current(ui->st)) == WIN_CHANNEL;
}

/* Width of the message area. */
static int ui_msg_width(struct ui *ui)
{
	int w = COLS - (ui_nicklist_shown(ui) ? UI_NICKLIST_COLS : 0);
	return w < 1 ? 1 : w;
}

/* Height of the message area (title, status and input take three rows). */
static int ui_msg_height(void)
{
	return LINES - 3 < 1 ? 1 : LINES - 3;
}

/* ---- display lines --------------------------------------------------------- */

/* "HH:MM " for a time in Unix ms, local time. */
static void ui_format_time(long long unix_ms, char *buf, size_t cap)
{
	time_t t = (time_t)(unix_ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, cap, "%H:%M ", &tm);
}

/* Builds the styled text of a display line. */
static int ui_compose(const struct state_line *l, struct styled_text *t)
{
	char ts[16];
	int fg = ui_nick_color(l->nick);
	uint8_t nick_attrs = l->own ? STYLE_BOLD : 0;
	int8_t text_fg = STYLE_COLOR_DEFAULT;
	uint8_t text_attrs = 0;
	int kind = l->own ? SB_OWN : SB_NORMAL;

	if (l->mention && !l->own) {
		kind = SB_MENTION;
		nick_attrs = STYLE_BOLD | STYLE_REVERSE;
		text_fg = 8; /* yellow */
		text_attrs = STYLE_BOLD;
	}
	if (l->own)
		fg = STYLE_COLOR_DEFAULT;
	ui_format_time(l->unix_ms, ts, sizeof(ts));
	styled_append_text(t, ts, STYLE_DIM, STYLE_COLOR_DEFAULT);
	size_t textlen = strlen(l->text);
	switch (l->kind) {
	case LINE_MESSAGE:
		styled_append_text(t, "<", 0, STYLE_COLOR_DEFAULT);
		styled_append_text(t, l->nick, nick_attrs, (int8_t)fg);
		styled_append_text(t, "> ", 0, STYLE_COLOR_DEFAULT);
		styled_append_irc(t, l->text, textlen, text_attrs, text_fg);
		break;
	case LINE_ACTION:
		styled_append_text(t, "* ", STYLE_BOLD, STYLE_COLOR_DEFAULT);
		styled_append_text(t, l->nick, nick_attrs, (int8_t)fg);
		styled_append_text(t, " ", 0, STYLE_COLOR_DEFAULT);
		styled_append_irc(t, l->text, textlen, text_attrs, text_fg);
		break;
	case LINE_NOTICE:
		styled_append_text(t, "-", 0, STYLE_COLOR_DEFAULT);
		styled_append_text(t, l->nick, nick_attrs, (int8_t)fg);
		styled_append_text(t, "- ", 0, STYLE_COLOR_DEFAULT);
		styled_append_irc(t, l->text, textlen, text_attrs, text_fg);
		break;
	case LINE_EVENT:
		styled_append_text(t, "-!- ", STYLE_DIM, STYLE_COLOR_DEFAULT);
		styled_append_irc(t, l->text, textlen, STYLE_DIM, STYLE_COLOR_DEFAULT);
		kind = SB_EVENT;
		break;
	case LINE_INFO:
		styled_append_text(t, "-!- ", 0, 10);
		styled_append_irc(t, l->text, textlen, 0, STYLE_COLOR_DEFAULT);
		kind = SB_INFO;
		break;
	case LINE_ERROR:
		styled_append_text(t, "-!- ", STYLE_BOLD, 4);
		styled_append_irc(t, l->text, textlen, STYLE_BOLD, 4);
		kind = l->mention ? SB_MENTION : SB_ERROR;
		break;
	}
	return kind;
}

/* Rings the bell for a new line when /bell says so. */
static void ui_maybe_bell(struct ui *ui, const struct state_line *l, long long now)
{
	if (l->own || ui->bell == BELL_OFF || now - l->unix_ms > UI_BELL_MAX_AGE_MS)
		return;
	bool message = l->kind == LINE_MESSAGE || l->kind == LINE_ACTION || l->kind == LINE_NOTICE;
	if (l->mention || (ui->bell == BELL_ALL && message))
		beep();
}

/* Moves the state's new display lines into the windows' scrollbacks. */
static void ui_take_lines(struct ui *ui)
{
	struct state_line l;
	long long now = clock_unix_ms();
	while (state_pop_line(ui->st, &l)) {
		if (state_window_index(ui->st, l.window) < 0) {
			state_line_free(&l);
			continue;
		}
		struct uiwin *w = ui_win(ui, l.window);
		struct styled_text t;
		styled_init(&t);
		int kind = ui_compose(&l, &t);
		/* Keep the view still while the user reads. The add may drop the
		 * oldest lines of this or another window (line or byte caps); scroll
		 * counts rows from the bottom, so it still points at the same text,
		 * and drawing clamps it when the text it pointed at is gone. */
		if (w->scroll > 0)
			w->scroll += wrap_line(&t, ui_msg_width(ui), UI_TIME_COLS, NULL, 0);
		scrollback_add(w->sb, l.unix_ms, kind, &t);
		styled_free(&t);
		ui_maybe_bell(ui, &l, now);
		state_line_free(&l);
	}
}

/* Shows a line of our own in the current window. */
static void ui_note(struct ui *ui, enum state_line_kind kind, const char *text)
{
	state_note(ui->st, state_current(ui->st), kind, text, clock_unix_ms());
}

/* printf-style ui_note. */
__attribute__((format(printf, 3, 4))) static void ui_notef(struct ui *ui, enum state_line_kind kind,
                                                           const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ui_note(ui, kind, text);
}

/* Queues one line for the network thread (never waits on the network);
 * tells the user when it could not go. */
static bool ui_send(struct ui *ui, const char *line)
{
	struct net_status ns;
	switch (net_send(ui->net, line)) {
	case NET_SEND_OK:
		return true;
	case NET_SEND_NOT_CONNECTED:
		ui_note(ui, LINE_ERROR, "Not connected: nothing was sent");
		break;
	case NET_SEND_FULL:
		ui->send_full = true;
		net_status(ui->net, &ns);
		ui_notef(ui, LINE_ERROR,
		         "Not sent: %zu lines are already waiting for the server, which is not "
		         "reading them",
		         ns.waiting);
		break;
	case NET_SEND_INVALID:
	case NET_SEND_DROPPED:
		ui_note(ui, LINE_ERROR, "Not sent: too long, or it has a line break");
		break;
	}
	return false;
}

/* printf-style ui_send. */
__attribute__((format(printf, 2, 3))) static bool ui_sendf(struct ui *ui, const char *fmt, ...)
{
	char line[IRC_LINE_MAX * 2];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		ui_note(ui, LINE_ERROR, "Too long: nothing was sent");
		return false;
	}
	return ui_send(ui, line);
}

/* Sends what the state wants sent: JOINs after a connect like the user's
 * lines, CTCP replies as automatic lines that give way to them. */
static void ui_flush_state_sends(struct ui *ui)
{
	char *line;
	while ((line = state_pop_send(ui->st)) != NULL) {
		net_send(ui->net, line);
		free(line);
	}
	while ((line = state_pop_reply(ui->st)) != NULL) {
		net_send_auto(ui->net, line); /* a drop is counted by net */
		free(line);
	}
}

/* Tells the server window about automatic replies the network thread
 * dropped since last time (few: the state answers 3 CTCPs a minute). */
static void ui_note_dropped(struct ui *ui, const struct net_status *ns)
{
	if (ns->auto_dropped <= ui->auto_dropped)
		return;
	unsigned long long fresh = ns->auto_dropped - ui->auto_dropped;
	char text[160];
	snprintf(text, sizeof(text),
	         "Did not send %llu automatic CTCP repl%s: %s would have delayed your own lines",
	         fresh, fresh == 1 ? "y" : "ies", fresh == 1 ? "it" : "they");
	state_note(ui->st, 0, LINE_INFO, text, clock_unix_ms());
	ui->auto_dropped = ns->auto_dropped;
}

/* ---- drawing ---------------------------------------------------------------- */

/* Title line: the room and its topic. */
static void ui_draw_title(struct ui *ui)
{
	size_t cur = state_current(ui->st);
	const char *name = state_window_name(ui->st, cur);
	char head[IRC_LINE_MAX];
	attr_t bar = A_REVERSE;

	ui_fill(0, 0, COLS, bar);
	switch (state_window_kind(ui->st, cur)) {
	case WIN_SERVER:
		snprintf(head, sizeof(head), " parley %s - server %s", PARLEY_VERSION, name);
		ui_draw_text(ui, 0, 0, COLS, head, 0, STYLE_COLOR_DEFAULT, bar);
		return;
	case WIN_QUERY:
		snprintf(head, sizeof(head), " Private conversation with %s", name);
		ui_draw_text(ui, 0, 0, COLS, head, 0, STYLE_COLOR_DEFAULT, bar);
		return;
	case WIN_CHANNEL:
		break;
	}
	int x = ui_draw_text(ui, 0, 0, COLS, " ", 0, STYLE_COLOR_DEFAULT, bar);
	x = ui_draw_text(ui, 0, x, COLS, name, STYLE_BOLD, STYLE_COLOR_DEFAULT, bar);
	const char *topic = state_window_topic(ui->st, cur);
	if (*topic) {
		x = ui_draw_text(ui, 0, x, COLS, ": ", 0, STYLE_COLOR_DEFAULT, bar);
		struct styled_text t;
		styled_init(&t);
		styled_append_irc(&t, topic, strlen(topic), 0, STYLE_COLOR_DEFAULT);
		ui_draw_cells(ui, &t, 0, t.len, 0, x, COLS, bar);
		styled_free(&t);
	}
}

/* Message area: the visible rows of the current window, bottom-aligned. */
static void ui_draw_messages(struct ui *ui)
{
	struct uiwin *w = ui_current(ui);
	int width = ui_msg_width(ui), height = ui_msg_height();
	int rows_h = w->scroll > 0 && height > 1 ? height - 1 : height;
	struct sb_row *rows = xcalloc((size_t)rows_h, sizeof(*rows));
	size_t used = 0;
	size_t n = scrollback_visible(w->sb, width, UI_TIME_COLS, rows_h, w->scroll, rows, &used);
	w->scroll = used;
	if (used == 0)
		rows_h = height;
	int top = 1 + (rows_h - (int)n);
	for (size_t i = 0; i < n; i++) {
		const struct sb_line *l = scrollback_get(w->sb, rows[i].line);
		int x = rows[i].continuation ? UI_TIME_COLS : 0;
		ui_draw_cells(ui, &l->text, rows[i].start, rows[i].end, top + (int)i, x, width,
		              A_NORMAL);
	}
	free(rows);
	if (w->scroll > 0 && height > 1) {
		char marker[96];
		unsigned long long fresh = scrollback_added(w->sb) - w->added_at_scroll;
		if (fresh)
			snprintf(marker, sizeof(marker), "-- more below: %llu new (PgDn) --",
			         fresh);
		else
			snprintf(marker, sizeof(marker), "-- more below (PgDn) --");
		ui_fill(height, 0, width, A_REVERSE);
		ui_draw_text(ui, height, 0, width, marker, STYLE_BOLD, STYLE_COLOR_DEFAULT,
		             A_REVERSE);
	}
}

/* Nick list on the right of the message area. */
static void ui_draw_nicklist(struct ui *ui)
{
	size_t cur = state_current(ui->st);
	int x0 = COLS - UI_NICKLIST_COLS, height = ui_msg_height();
	size_t count = state_member_count(ui->st, cur);
	for (int y = 1; y <= height; y++)
		ui_draw_text(ui, y, x0, COLS, "\xe2\x94\x82", STYLE_DIM, STYLE_COLOR_DEFAULT,
		             0); /* │ */
	for (size_t i = 0; i < count && (int)i < height; i++) {
		int y = 1 + (int)i;
		if ((int)i == height - 1 && count > (size_t)height) {
			char more[32];
			snprintf(more, sizeof(more), " (+%zu more)", count - i);
			ui_draw_text(ui, y, x0 + 1, COLS, more, STYLE_DIM, STYLE_COLOR_DEFAULT, 0);
			break;
		}
		char pfx[2] = {state_member_prefix(ui->st, cur, i), '\0'};
		const char *nick = state_member_nick(ui->st, cur, i);
		int x = ui_draw_text(ui, y, x0 + 1, COLS, pfx, STYLE_BOLD, STYLE_COLOR_DEFAULT, 0);
		ui_draw_text(ui, y, x, COLS, nick, 0, ui_nick_color(nick), 0);
	}
}

/* Status line: nick, window, users, lag, a server that is not reading,
 * activity elsewhere. */
static void ui_draw_status(struct ui *ui)
{
	struct net_status ns;
	int y = LINES - 2;
	size_t cur = state_current(ui->st);
	char text[IRC_LINE_MAX], part[64];
	size_t used = 0;
	attr_t bar = A_REVERSE;

	used += (size_t)snprintf(text + used, sizeof(text) - used, " [%s] %zu:%s",
	                         state_nick(ui->st), cur + 1, state_window_name(ui->st, cur));
	if (state_window_kind(ui->st, cur) == WIN_CHANNEL && used < sizeof(text)) {
		size_t users = state_member_count(ui->st, cur);
		if (state_window_joined(ui->st, cur))
			used += (size_t)snprintf(text + used, sizeof(text) - used, " (%zu user%s)",
			                         users, users == 1 ? "" : "s");
		else
			used += (size_t)snprintf(text + used, sizeof(text) - used, " (not joined)");
	}
	if (used < sizeof(text)) {
		long long lag = state_lag_ms(ui->st);
		if (!state_registered(ui->st))
			snprintf(part, sizeof(part), "  [not connected]");
		else if (lag >= 0)
			snprintf(part, sizeof(part), "  lag %lldms", lag);
		else
			part[0] = '\0';
		used += (size_t)snprintf(text + used, sizeof(text) - used, "%s", part);
	}
	ui_fill(y, 0, COLS, bar);
	int x = ui_draw_text(ui, y, 0, COLS, text, 0, STYLE_COLOR_DEFAULT, bar);
	net_status(ui->net, &ns);
	if (ns.stalled) {
		char stall[128];
		snprintf(stall, sizeof(stall),
		         "  server is not reading: %zu line%s waiting (disconnect in %lld s)",
		         ns.waiting, ns.waiting == 1 ? "" : "s", (ns.stall_left_ms + 999) / 1000);
		x = ui_draw_text(ui, y, x, COLS, stall, STYLE_BOLD, 4, bar);
	}
	bool first = true;
	for (size_t i = 0; i < state_window_count(ui->st); i++) {
		enum state_activity act = state_window_activity(ui->st, i);
		if (i == cur || act == ACT_NONE)
			continue;
		if (first)
			x = ui_draw_text(ui, y, x, COLS, "  act: ", 0, STYLE_COLOR_DEFAULT, bar);
		snprintf(part, sizeof(part), "%s%zu%s", first ? "" : ",", i + 1,
		         act == ACT_MENTION ? "!" : "");
		uint8_t a = act == ACT_MENTION ? STYLE_BOLD : act == ACT_EVENT ? STYLE_DIM : 0;
		x = ui_draw_text(ui, y, x, COLS, part, a,
		                 act == ACT_MENTION ? 4 : STYLE_COLOR_DEFAULT, bar);
		first = false;
	}
}

/* Input line: the prompt and the editor's visible part; places the cursor. */
static void ui_draw_input(struct ui *ui)
{
	int y = LINES - 1;
	if (ui->npending) {
		char ask[128];
		snprintf(ask, sizeof(ask), "Paste %zu lines? (Enter to send, Esc to cancel)",
		         ui->npending);
		ui_draw_text(ui, y, 0, COLS, ask, STYLE_BOLD, STYLE_COLOR_DEFAULT, 0);
		curs_set(0);
		return;
	}
	int width = COLS - UI_PROMPT_COLS;
	if (width < 1)
		width = 1;
	size_t len, first;
	int col;
	const wchar_t *text = editor_text(ui->ed, &len);
	editor_view(ui->ed, width, &first, &col);
	ui_draw_text(ui, y, 0, COLS, UI_PROMPT, STYLE_BOLD, STYLE_COLOR_DEFAULT, 0);
	struct styled_text t;
	styled_init(&t);
	for (size_t i = first; i < len; i++)
		styled_append_char(&t, text[i], 0, STYLE_COLOR_DEFAULT);
	ui_draw_cells(ui, &t, 0, t.len, y, UI_PROMPT_COLS, COLS, A_NORMAL);
	styled_free(&t);
	curs_set(1);
	move(y, UI_PROMPT_COLS + col);
}

/* Redraws the whole screen; curses sends only what changed. */
static void ui_draw(struct ui *ui)
{
	ui_prune_windows(ui);
	erase();
	if (LINES >= 4 && COLS >= 4) {
		ui_draw_title(ui);
		ui_draw_messages(ui);
		if (ui_nicklist_shown(ui))
			ui_draw_nicklist(ui);
		ui_draw_status(ui);
	}
	ui_draw_input(ui);
	refresh();
}

/* ---- windows and scrolling -------------------------------------------------- */

/* Makes window idx current. */
static void ui_switch(struct ui *ui, size_t idx)
{
	if (idx < state_window_count(ui->st))
		state_set_current(ui->st, idx);
}

/* PgUp/PgDn: scrolls the current window by about a screen. */
static void ui_scroll(struct ui *ui, int direction)
{
	struct uiwin *w = ui_current(ui);
	int width = ui_msg_width(ui), height = ui_msg_height();
	size_t page = height > 3 ? (size_t)height - 2 : 1;
	size_t max = scrollback_max_scroll(w->sb, width, UI_TIME_COLS, height - 1);
	if (direction < 0) {
		if (w->scroll == 0)
			w->added_at_scroll = scrollback_added(w->sb);
		w->scroll = w->scroll + page > max ? max : w->scroll + page;
	} else {
		w->scroll = w->scroll > page ? w->scroll - page : 0;
	}
}

/* ---- commands ---------------------------------------------------------------- */

/* The current window's target (channel or nick), or NULL for the server window. */
static const char *ui_target(struct ui *ui)
{
	size_t cur = state_current(ui->st);
	if (state_window_kind(ui->st, cur) == WIN_SERVER)
		return NULL;
	return state_window_name(ui->st, cur);
}

/* Sends text to target in pieces that fit an IRC line, cutting at UTF-8
 * boundaries, and shows each piece. */
static void ui_say(struct ui *ui, const char *target, const char *text, enum state_line_kind kind)
{
	size_t len = strlen(text);
	if (!utf8_valid(text, len))
		return;
	do {
		size_t n = len > UI_MSG_CHUNK ? utf8_cut(text, len, UI_MSG_CHUNK) : len;
		char piece[UI_MSG_CHUNK + 1];
		memcpy(piece, text, n);
		piece[n] = '\0';
		bool ok = kind == LINE_ACTION
		              ? ui_sendf(ui, "PRIVMSG %s :\001ACTION %s\001", target, piece)
		              : ui_sendf(ui, "PRIVMSG %s :%s", target, piece);
		if (!ok)
			return;
		state_own_message(ui->st, target, kind, piece, clock_unix_ms());
		text += n;
		len -= n;
	} while (len > 0);
}

/* /help [command]: the table, one line each. */
static void ui_help(struct ui *ui, const char *name)
{
	if (*name) {
		const struct command_info *ci = command_find(name);
		if (!ci)
			ui_notef(ui, LINE_ERROR, "No such command: /%s", name);
		else
			ui_notef(ui, LINE_INFO, "%s - %s", ci->usage, ci->help);
		return;
	}
	ui_note(ui, LINE_INFO, "Commands (Tab completes them; text without / is a message):");
	for (size_t i = 0; i < command_count; i++)
		ui_notef(ui, LINE_INFO, "  %-28s %s", command_table[i].usage,
		         command_table[i].help);
	ui_note(ui, LINE_INFO,
	        "Keys: Alt-1..9 / Ctrl-N / Ctrl-P windows, PgUp/PgDn scroll, F2 nick list, "
	        "Tab complete, Ctrl-C quit");
}

/* /close: parts a room and closes its window, or closes a query. */
static void ui_close(struct ui *ui)
{
	size_t cur = state_current(ui->st);
	switch (state_window_kind(ui->st, cur)) {
	case WIN_SERVER:
		ui_note(ui, LINE_ERROR, "The server window cannot be closed (/quit leaves)");
		return;
	case WIN_CHANNEL:
		if (state_window_joined(ui->st, cur))
			ui_sendf(ui, "PART %s", state_window_name(ui->st, cur));
		break;
	case WIN_QUERY:
		break;
	}
	state_window_close(ui->st, cur);
}

/* /conn: both endpoints of our own TCP connection. */
static void ui_conn(struct ui *ui)
{
	char local[ENDPOINT_STR_MAX], remote[ENDPOINT_STR_MAX];
	if (net_endpoints(ui->net, local, remote, sizeof(local)) < 0)
		ui_note(ui, LINE_ERROR, "Not connected");
	else
		ui_notef(ui, LINE_INFO, "Your connection: you are %s, the server is %s.", local,
		         remote);
}

/* The current room for commands that default to it, or NULL (and a note). */
static const char *ui_room_or_arg(struct ui *ui, const char *arg)
{
	if (*arg)
		return arg;
	size_t cur = state_current(ui->st);
	if (state_window_kind(ui->st, cur) == WIN_CHANNEL)
		return state_window_name(ui->st, cur);
	ui_note(ui, LINE_ERROR, "Not in a room: name one");
	return NULL;
}

/* /join: sends JOIN, unless it names one room we are in already, and makes
 * the first room named current: at once when its window is open (the server
 * says nothing to a JOIN of a room we are in), else when the window opens. */
static void ui_join(struct ui *ui, const struct user_command *c)
{
	char first[IRC_LINE_MAX];
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(c->arg, ","), c->arg);
	int idx = state_window_find(ui->st, first);
	if (idx >= 0 && state_window_kind(ui->st, (size_t)idx) != WIN_CHANNEL)
		idx = -1;
	bool in_it = idx >= 0 && state_window_joined(ui->st, (size_t)idx);
	if (!in_it || strchr(c->arg, ',')) {
		bool sent = *c->rest ? ui_sendf(ui, "JOIN %s %s", c->arg, c->rest)
		                     : ui_sendf(ui, "JOIN %s", c->arg);
		if (!sent)
			return;
	}
	if (idx >= 0) {
		ui_switch(ui, (size_t)idx);
		ui->want_window[0] = '\0';
	} else {
		snprintf(ui->want_window, sizeof(ui->want_window), "%s", first);
	}
}

/* Runs the commands that only need a line sent. */
static void ui_command_simple(struct ui *ui, const struct user_command *c)
{
	const char *room;
	switch (c->kind) {
	case CMD_NAMES:
		if ((room = ui_room_or_arg(ui, c->arg)) != NULL)
			ui_sendf(ui, "NAMES %s", room);
		break;
	case CMD_WHO:
		if ((room = ui_room_or_arg(ui, c->arg)) != NULL)
			ui_sendf(ui, "WHO %s", room);
		break;
	case CMD_WHOIS:
		ui_sendf(ui, "WHOIS %s", c->arg);
		break;
	case CMD_AWAY:
		if (*c->rest)
			ui_sendf(ui, "AWAY :%s", c->rest);
		else
			ui_sendf(ui, "AWAY");
		break;
	case CMD_NICK:
		ui_sendf(ui, "NICK %s", c->arg);
		if (!state_registered(ui->st))
			net_set_nick(ui->net, c->arg);
		break;
	case CMD_TOPIC:
		if ((room = ui_room_or_arg(ui, "")) == NULL)
			break;
		if (*c->rest)
			ui_sendf(ui, "TOPIC %s :%s", room, c->rest);
		else
			ui_sendf(ui, "TOPIC %s", room);
		break;
	case CMD_QUOTE:
		ui_send(ui, c->rest);
		break;
	default:
		break;
	}
}

/* Runs one parsed command. */
static void ui_command(struct ui *ui, const struct user_command *c)
{
	const char *target = ui_target(ui);
	switch (c->kind) {
	case CMD_NONE:
		break;
	case CMD_SAY:
	case CMD_ME:
		if (!target)
			ui_note(ui, LINE_ERROR,
			        "This is the server window: /join a room or /msg someone first");
		else
			ui_say(ui, target, c->rest, c->kind == CMD_ME ? LINE_ACTION : LINE_MESSAGE);
		break;
	case CMD_JOIN:
		ui_join(ui, c);
		break;
	case CMD_PART: {
		const char *room = ui_room_or_arg(ui, c->arg);
		if (room && *c->rest)
			ui_sendf(ui, "PART %s :%s", room, c->rest);
		else if (room)
			ui_sendf(ui, "PART %s", room);
		break;
	}
	case CMD_MSG:
		ui_say(ui, c->arg, c->rest, LINE_MESSAGE);
		break;
	case CMD_QUERY: {
		int idx = -1;
		if (state_is_channel(ui->st, c->arg))
			ui_note(ui, LINE_ERROR, "/query takes a nick; /join a room");
		else if ((idx = state_window_open(ui->st, WIN_QUERY, c->arg)) < 0)
			ui_notef(ui, LINE_ERROR, "Too many windows (%d): /close some first",
			         STATE_WINDOWS_MAX);
		if (idx < 0)
			break;
		ui_switch(ui, (size_t)idx);
		if (*c->rest)
			ui_say(ui, c->arg, c->rest, LINE_MESSAGE);
		break;
	}
	case CMD_QUIT:
		ui->quit = true;
		snprintf(ui->quit_reason, sizeof(ui->quit_reason), "%s",
		         *c->rest ? c->rest : "Leaving");
		break;
	case CMD_CLEAR:
		scrollback_clear(ui_current(ui)->sb);
		ui_current(ui)->scroll = 0;
		break;
	case CMD_WIN:
		if ((size_t)c->number > state_window_count(ui->st))
			ui_notef(ui, LINE_ERROR, "No window %d (there are %zu)", c->number,
			         state_window_count(ui->st));
		else
			ui_switch(ui, (size_t)c->number - 1);
		break;
	case CMD_CLOSE:
		ui_close(ui);
		break;
	case CMD_BELL:
		ui->bell = c->bell;
		ui_notef(ui, LINE_INFO, "Bell: %s",
		         c->bell == BELL_OFF   ? "off"
		         : c->bell == BELL_ALL ? "all messages"
		                               : "mentions");
		break;
	case CMD_CONN:
		ui_conn(ui);
		break;
	case CMD_HELP:
		ui_help(ui, c->arg);
		break;
	case CMD_NICKLIST:
		ui->nicklist = !ui->nicklist;
		break;
	case CMD_UNKNOWN:
		ui_notef(ui, LINE_ERROR,
		         "Unknown command /%s (/help lists them; /quote sends raw IRC)", c->name);
		break;
	case CMD_USAGE:
		ui_notef(ui, LINE_ERROR, "Usage: %s", c->usage);
		break;
	default:
		ui_command_simple(ui, c);
		break;
	}
}

/* Parses and runs one line of input. */
static void ui_run_line(struct ui *ui, const char *line)
{
	struct user_command *c = xmalloc(sizeof(*c));
	command_parse(line, c);
	ui_command(ui, c);
	free(c);
}

/* ---- events ------------------------------------------------------------------- */

/* Applies one network event. */
static void ui_on_event(struct ui *ui, struct event *ev)
{
	long long now = clock_unix_ms();
	size_t cur = state_current(ui->st);
	switch (ev->kind) {
	case EVENT_LINE: {
		char before[IRC_LINE_MAX];
		snprintf(before, sizeof(before), "%s", state_nick(ui->st));
		state_apply(ui->st, ev->text, now);
		if (strcmp(before, state_nick(ui->st)) != 0)
			net_set_nick(ui->net, state_nick(ui->st));
		break;
	}
	case EVENT_CONNECTED:
		state_connected(ui->st, ev->text, now);
		break;
	case EVENT_DISCONNECTED:
		state_disconnected(ui->st, ev->text, now);
		break;
	case EVENT_INFO:
	case EVENT_ERROR:
	case EVENT_STOPPED: {
		enum state_line_kind kind = ev->kind == EVENT_INFO ? LINE_INFO : LINE_ERROR;
		state_note(ui->st, 0, kind, ev->text, now);
		if (cur != 0)
			state_note(ui->st, cur, kind, ev->text, now);
		if (ev->kind == EVENT_STOPPED)
			state_note(
			    ui->st, cur, LINE_ERROR,
			    "Not reconnecting; /quit to leave and try again with other settings",
			    now);
		break;
	}
	}
	if (*ui->want_window) {
		int idx = state_window_find(ui->st, ui->want_window);
		if (idx >= 0) {
			ui_switch(ui, (size_t)idx);
			ui->want_window[0] = '\0';
		}
	}
}

/* Applies up to UI_EVENTS_PER_WAKE queued events; true when it stopped at
 * that bound (more may be waiting, and the wake-up byte is already used). */
static bool ui_drain_events(struct ui *ui)
{
	struct event *ev;
	for (int n = 0; n < UI_EVENTS_PER_WAKE; n++) {
		if ((ev = evqueue_pop(ui->q)) == NULL)
			return false;
		ui_on_event(ui, ev);
		event_free(ev);
		ui_flush_state_sends(ui);
		ui_take_lines(ui);
	}
	return true;
}

/* ---- input -------------------------------------------------------------------- */

/* Enter: runs the line. */
static void ui_enter(struct ui *ui)
{
	char *line = editor_take_line(ui->ed);
	if (!line)
		return;
	ui_run_line(ui, line);
	free(line);
}

/* Tab: completes a nick of the current window or a command name. */
static void ui_complete(struct ui *ui)
{
	size_t cur = state_current(ui->st);
	size_t n = state_member_count(ui->st, cur);
	const char **nicks = xcalloc(n + 2, sizeof(*nicks));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *nick = state_member_nick(ui->st, cur, i);
		if (ircname_cmp(nick, state_nick(ui->st)) != 0)
			nicks[k++] = nick;
	}
	if (state_window_kind(ui->st, cur) == WIN_QUERY)
		nicks[k++] = state_window_name(ui->st, cur);
	size_t len, out_len, out_cursor;
	const wchar_t *text = editor_text(ui->ed, &len);
	wchar_t *out = xcalloc(EDITOR_MAX_CHARS, sizeof(*out));
	if (complete_word(ui->comp, text, len, editor_cursor(ui->ed), nicks, k, command_names,
	                  command_count, out, EDITOR_MAX_CHARS, &out_len, &out_cursor))
		editor_set(ui->ed, out, out_len, out_cursor);
	free(out);
	free(nicks);
}

/* Splits the finished paste into lines; several lines wait for confirmation,
 * one line goes into the editor. */
static void ui_paste_done(struct ui *ui)
{
	char *utf8 = text_to_utf8(ui->paste, ui->paste_len);
	ui->paste_len = 0;
	char *save = NULL;
	size_t n = 0;
	char **lines = NULL;
	for (char *tok = strtok_r(utf8, "\r\n", &save); tok; tok = strtok_r(NULL, "\r\n", &save)) {
		lines = xrealloc(lines, (n + 1) * sizeof(*lines));
		lines[n++] = xstrdup(tok);
	}
	free(utf8);
	if (n == 1) {
		editor_insert_utf8(ui->ed, lines[0]);
		free(lines[0]);
		free(lines);
	} else {
		ui->pending = lines;
		ui->npending = n;
	}
}

/* Frees the lines of a paste waiting for confirmation. */
static void ui_paste_drop(struct ui *ui)
{
	for (size_t i = 0; i < ui->npending; i++)
		free(ui->pending[i]);
	free(ui->pending);
	ui->pending = NULL;
	ui->npending = 0;
}

/* A key while a paste waits for Enter or Esc. */
static void ui_paste_answer(struct ui *ui, wint_t ch, bool is_key)
{
	if (!is_key && (ch == L'\r' || ch == L'\n')) {
		char **lines = ui->pending;
		size_t n = ui->npending, skipped = 0;
		ui->pending = NULL;
		ui->npending = 0;
		ui->send_full = false;
		for (size_t i = 0; i < n; i++) {
			if (ui->send_full)
				skipped++; /* the queue is full: one note, not one per line */
			else
				ui_run_line(ui, lines[i]);
			free(lines[i]);
		}
		free(lines);
		if (skipped)
			ui_notef(ui, LINE_ERROR, "The other %zu pasted lines were not sent either",
			         skipped);
	} else if (!is_key && (ch == 27 || ch == 3 || ch == 7)) {
		ui_paste_drop(ui);
		ui_note(ui, LINE_INFO, "Paste cancelled");
	}
}

/* Handles a function key (KEY_* or ours). */
static void ui_key(struct ui *ui, wint_t key)
{
	if (key >= UI_KEY_ALT0 && key <= UI_KEY_ALT0 + 9) {
		size_t d = key - UI_KEY_ALT0;
		ui_switch(ui, d == 0 ? 9 : d - 1);
		return;
	}
	switch (key) {
	case KEY_RESIZE:
		break; /* ui_draw reflows */
	case KEY_LEFT:
		editor_left(ui->ed);
		break;
	case KEY_RIGHT:
		editor_right(ui->ed);
		break;
	case UI_KEY_CTRL_LEFT:
		editor_word_left(ui->ed);
		break;
	case UI_KEY_CTRL_RIGHT:
		editor_word_right(ui->ed);
		break;
	case KEY_HOME:
		editor_home(ui->ed);
		break;
	case KEY_END:
		editor_end(ui->ed);
		break;
	case KEY_BACKSPACE:
		editor_backspace(ui->ed);
		break;
	case KEY_DC:
		editor_delete(ui->ed);
		break;
	case KEY_UP:
		editor_history_prev(ui->ed);
		break;
	case KEY_DOWN:
		editor_history_next(ui->ed);
		break;
	case KEY_PPAGE:
	case KEY_SPREVIOUS:
		ui_scroll(ui, -1);
		break;
	case KEY_NPAGE:
	case KEY_SNEXT:
		ui_scroll(ui, 1);
		break;
	case KEY_ENTER:
		ui_enter(ui);
		break;
	case KEY_F(2):
		ui->nicklist = !ui->nicklist;
		break;
	case KEY_F(1):
		ui_help(ui, "");
		break;
	case UI_KEY_PASTE_BEGIN:
		ui->in_paste = true;
		ui->paste_len = 0;
		break;
	case UI_KEY_PASTE_END:
		ui->in_paste = false;
		ui_paste_done(ui);
		break;
	default:
		break;
	}
}

/* Handles a control character or a printable one. */
static void ui_char(struct ui *ui, wint_t ch)
{
	size_t cur = state_current(ui->st), nwin = state_window_count(ui->st);
	switch (ch) {
	case 1: /* Ctrl-A */
		editor_home(ui->ed);
		break;
	case 5: /* Ctrl-E */
		editor_end(ui->ed);
		break;
	case 21: /* Ctrl-U */
		editor_kill_to_start(ui->ed);
		break;
	case 11: /* Ctrl-K */
		editor_kill_to_end(ui->ed);
		break;
	case 23: /* Ctrl-W */
		editor_kill_word_back(ui->ed);
		break;
	case 25: /* Ctrl-Y */
		editor_yank(ui->ed);
		break;
	case 4: /* Ctrl-D */
		editor_delete(ui->ed);
		break;
	case 2: /* Ctrl-B */
		editor_left(ui->ed);
		break;
	case 6: /* Ctrl-F */
		editor_right(ui->ed);
		break;
	case 14: /* Ctrl-N */
		ui_switch(ui, (cur + 1) % nwin);
		break;
	case 16: /* Ctrl-P */
		ui_switch(ui, (cur + nwin - 1) % nwin);
		break;
	case 12: /* Ctrl-L */
		clearok(curscr, TRUE);
		break;
	case 3: /* Ctrl-C */
		ui->quit = true;
		break;
	case 8:
	case 127:
		editor_backspace(ui->ed);
		break;
	case '\r':
	case '\n':
		ui_enter(ui);
		break;
	case '\t':
		ui_complete(ui);
		return; /* keeps the completion cycle */
	default:
		if (ch >= 0x20)
			editor_insert(ui->ed, (wchar_t)ch);
		break;
	}
}

/* Reads every key available on stdin. */
static void ui_read_keys(struct ui *ui)
{
	wint_t ch;
	int rc;
	while ((rc = get_wch(&ch)) != ERR) {
		bool is_key = rc == KEY_CODE_YES;
		if (ui->in_paste && !(is_key && ch == UI_KEY_PASTE_END)) {
			if (!is_key && ui->paste_len < UI_PASTE_MAX)
				ui->paste[ui->paste_len++] = (wchar_t)ch;
			continue;
		}
		if (ui->npending) {
			ui_paste_answer(ui, ch, is_key);
			continue;
		}
		if (!(is_key || ch == '\t'))
			complete_reset(ui->comp);
		if (is_key) {
			complete_reset(ui->comp);
			ui_key(ui, ch);
		} else {
			ui_char(ui, ch);
		}
		if (ui->quit)
			return;
	}
}

/* ---- loop --------------------------------------------------------------------- */

/* Reads the pending signal: any of them means "quit". */
static void ui_on_signal(struct ui *ui)
{
	struct signalfd_siginfo si;
	if (read(ui->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		ui->quit = true;
		snprintf(ui->quit_reason, sizeof(ui->quit_reason), "Leaving (%s)",
		         strsignal((int)si.ssi_signo));
	}
}

const char *ui_run(struct ui *ui)
{
	struct net_status ns = {0};
	bool more = ui_drain_events(ui);
	ui_draw(ui);
	while (!ui->quit) {
		/* While lines wait, wake up now and then to keep the status (and its
		 * countdown) current; otherwise sleep until something happens. */
		int timeout = ns.waiting > 0 ? UI_TICK_MS : -1;
		/* Events left over from the last turn: look at keys and signals
		 * without waiting, then take the next batch. */
		if (more)
			timeout = 0;
		struct pollfd p[3] = {
		    {.fd = STDIN_FILENO, .events = POLLIN},
		    {.fd = evqueue_fd(ui->q), .events = POLLIN},
		    {.fd = ui->sigfd, .events = POLLIN},
		};
		int r = poll(p, ui->sigfd >= 0 ? 3 : 2, timeout);
		if (r < 0 && errno != EINTR)
			break;
		if (r > 0 && (p[0].revents & (POLLHUP | POLLERR)) && !(p[0].revents & POLLIN)) {
			snprintf(ui->quit_reason, sizeof(ui->quit_reason), "Terminal closed");
			break;
		}
		if (r > 0 && ui->sigfd >= 0 && p[2].revents)
			ui_on_signal(ui);
		/* EINTR is usually SIGWINCH: get_wch then returns KEY_RESIZE. */
		ui_read_keys(ui);
		more = !ui->quit && ui_drain_events(ui);
		ui_flush_state_sends(ui);
		net_status(ui->net, &ns);
		ui_note_dropped(ui, &ns);
		ui_take_lines(ui);
		if (!ui->quit)
			ui_draw(ui);
	}
	if (!*ui->quit_reason)
		snprintf(ui->quit_reason, sizeof(ui->quit_reason), "Leaving");
	return ui->quit_reason;
}

/* Teaches curses the sequences it does not know from terminfo. */
static void ui_define_keys(void)
{
	char seq[8];
	define_key("\033[200~", UI_KEY_PASTE_BEGIN);
	define_key("\033[201~", UI_KEY_PASTE_END);
	/* Home/End as vt220, rxvt, xterm (normal and application mode) send them;
	 * tmux and screen send the vt220 ones whatever TERM says. */
	static const char *const home[] = {"\033[1~", "\033[7~", "\033[H", "\033OH"};
	static const char *const end[] = {"\033[4~", "\033[8~", "\033[F", "\033OF"};
	for (size_t i = 0; i < sizeof(home) / sizeof(home[0]); i++) {
		define_key(home[i], KEY_HOME);
		define_key(end[i], KEY_END);
	}
	define_key("\033[1;5D", UI_KEY_CTRL_LEFT);
	define_key("\033[1;5C", UI_KEY_CTRL_RIGHT);
	for (int d = 0; d <= 9; d++) {
		snprintf(seq, sizeof(seq), "\033%d", d);
		define_key(seq, UI_KEY_ALT0 + d);
	}
}

struct ui *ui_new(struct state *st, struct net *net, struct evqueue *q, int sigfd,
                  const struct ui_options *opt)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return NULL;
	struct ui *ui = xcalloc(1, sizeof(*ui));
	ui->st = st;
	ui->net = net;
	ui->q = q;
	ui->sigfd = sigfd;
	ui->bell = opt->bell;
	ui->nicklist = opt->nicklist;
	ui->ed = editor_new(UI_HISTORY);
	ui->comp = complete_new();
	ui->sb_budget = scrollback_budget_new(0);
	ui->paste = xcalloc(UI_PASTE_MAX, sizeof(*ui->paste));

	set_escdelay(50);
	if (!initscr()) {
		ui_free(ui);
		return NULL;
	}
	ui->started = true;
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	ui->colors = has_colors();
	if (ui->colors) {
		start_color();
		use_default_colors();
	}
	ui_define_keys();
	/* Bracketed paste: the terminal marks pasted text. */
	fputs("\033[?2004h", stdout);
	fflush(stdout);
	return ui;
}

void ui_free(struct ui *ui)
{
	if (!ui)
		return;
	if (ui->started) {
		endwin();
		fputs("\033[?2004l", stdout);
		fflush(stdout);
	}
	for (size_t i = 0; i < ui->nwins; i++)
		scrollback_free(ui->wins[i].sb);
	free(ui->wins);
	scrollback_budget_free(ui->sb_budget);
	ui_paste_drop(ui);
	free(ui->paste);
	editor_free(ui->ed);
	complete_free(ui->comp);
	free(ui);
}

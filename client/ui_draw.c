/* ui_draw: colours and drawing of the whole screen. */
#include "ui_draw.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nickcolor.h"
#include "textstyle.h"
#include "ui_window.h"
#include "xalloc.h"

#define UI_PROMPT "> "
#define UI_PROMPT_COLS 2

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
int ui_nick_color(const char *nick)
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

/* The title's end for a query whose peer is away: " - alice is away: text"
 * (the text sanitised like a topic); nothing when away is NULL. */
static void ui_draw_away(struct ui *ui, int x, const char *nick, const char *away, attr_t bar)
{
	if (!away)
		return;
	char head[IRC_LINE_MAX];
	snprintf(head, sizeof(head), " - %s is away%s", nick, *away ? ": " : "");
	x = ui_draw_text(ui, 0, x, COLS, head, STYLE_DIM, STYLE_COLOR_DEFAULT, bar);
	struct styled_text t;
	styled_init(&t);
	styled_append_irc(&t, away, strlen(away), STYLE_DIM, STYLE_COLOR_DEFAULT);
	ui_draw_cells(ui, &t, 0, t.len, 0, x, COLS, bar);
	styled_free(&t);
}

/* What MONITOR says of a private window's peer, for the title and status
 * lines ("" when nothing is known). */
static const char *ui_peer_text(enum state_peer peer, bool long_form)
{
	switch (peer) {
	case PEER_ONLINE:
		return " (online)";
	case PEER_OFFLINE:
		return " (offline)";
	case PEER_FULL:
		return long_form ? " (not monitored: the server's MONITOR list is full)"
		                 : " (not monitored)";
	default:
		return "";
	}
}

/* Title line: the room and its topic, or a private window's peer and
 * whether it is online. */
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
		snprintf(head, sizeof(head), " Private conversation with %s%s", name,
		         ui_peer_text(state_window_peer(ui->st, cur), true));
		ui_draw_away(ui, ui_draw_text(ui, 0, 0, COLS, head, 0, STYLE_COLOR_DEFAULT, bar),
		             name, state_window_away(ui->st, cur), bar);
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
		/* away members dimmed, their colour kept */
		uint8_t away = state_member_away(ui->st, cur, i) ? STYLE_DIM : 0;
		int x = ui_draw_text(ui, y, x0 + 1, COLS, pfx, STYLE_BOLD | away,
		                     STYLE_COLOR_DEFAULT, 0);
		ui_draw_text(ui, y, x, COLS, nick, away, ui_nick_color(nick), 0);
	}
}

/* The status line's end from column x on row y: the other windows where
 * something happened ("act: 2,3!"). */
static void ui_draw_activity(struct ui *ui, int y, int x)
{
	size_t cur = state_current(ui->st);
	char part[64];
	bool first = true;
	for (size_t i = 0; i < state_window_count(ui->st); i++) {
		enum state_activity act = state_window_activity(ui->st, i);
		if (i == cur || act == ACT_NONE)
			continue;
		if (first)
			x = ui_draw_text(ui, y, x, COLS, "  act: ", 0, STYLE_COLOR_DEFAULT,
			                 A_REVERSE);
		snprintf(part, sizeof(part), "%s%zu%s", first ? "" : ",", i + 1,
		         act == ACT_MENTION ? "!" : "");
		uint8_t a = act == ACT_MENTION ? STYLE_BOLD : act == ACT_EVENT ? STYLE_DIM : 0;
		x = ui_draw_text(ui, y, x, COLS, part, a,
		                 act == ACT_MENTION ? 4 : STYLE_COLOR_DEFAULT, A_REVERSE);
		first = false;
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
	} else if (state_window_kind(ui->st, cur) == WIN_QUERY && used < sizeof(text)) {
		used += (size_t)snprintf(text + used, sizeof(text) - used, "%s",
		                         ui_peer_text(state_window_peer(ui->st, cur), false));
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
	ui_draw_activity(ui, y, x);
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
void ui_draw(struct ui *ui)
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

/* ui_window: scrollbacks per window, composing display lines, layout and
 * scrolling. */
#include "ui_window.h"

#include <curses.h>
#include <string.h>

#include "clock.h"
#include "textstyle.h"
#include "timestamp.h"
#include "ui_draw.h"
#include "xalloc.h"

#define UI_MIN_COLS_NICKLIST 50
#define UI_BELL_MAX_AGE_MS 60000 /* replayed history does not ring */

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
void ui_prune_windows(struct ui *ui)
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
struct uiwin *ui_current(struct ui *ui)
{
	return ui_win(ui, state_window_id(ui->st, state_current(ui->st)));
}

/* Whether the nick list is drawn for the current window at this size. */
bool ui_nicklist_shown(struct ui *ui)
{
	return ui->nicklist && COLS >= UI_MIN_COLS_NICKLIST &&
	       state_window_kind(ui->st, state_current(ui->st)) == WIN_CHANNEL;
}

/* Width of the message area. */
int ui_msg_width(struct ui *ui)
{
	int w = COLS - (ui_nicklist_shown(ui) ? UI_NICKLIST_COLS : 0);
	return w < 1 ? 1 : w;
}

/* Height of the message area (title, status and input take three rows). */
int ui_msg_height(void)
{
	return LINES - 3 < 1 ? 1 : LINES - 3;
}

/* How a said line (message, action, notice) is styled: our own lines in
 * bold without a nick colour, mentions highlighted, the rest plain. */
struct ui_said_style {
	int nick_fg;
	uint8_t nick_attrs;
	int8_t text_fg;
	uint8_t text_attrs;
};

/* Appends "<nick> text", "* nick text" or "-nick- text" for a said line. */
static void ui_compose_said(const struct state_line *l, const struct ui_said_style *s,
                            struct styled_text *t)
{
	static const char *const marks[][2] = {
	    [LINE_MESSAGE] = {"<", "> "},
	    [LINE_ACTION] = {"* ", " "},
	    [LINE_NOTICE] = {"-", "- "},
	};
	styled_append_text(t, marks[l->kind][0], l->kind == LINE_ACTION ? STYLE_BOLD : 0,
	                   STYLE_COLOR_DEFAULT);
	styled_append_text(t, l->nick, s->nick_attrs, (int8_t)s->nick_fg);
	styled_append_text(t, marks[l->kind][1], 0, STYLE_COLOR_DEFAULT);
	styled_append_irc(t, l->text, strlen(l->text), s->text_attrs, s->text_fg);
}

/* Columns of a said line's time and nick ("2026-01-02 10:00 <nick> "), as
 * its first line shows them: a multi-line message's later lines start
 * there, whatever the date shown or the nick's characters' widths. */
static size_t ui_said_head_width(const struct state_line *l, const struct ui_said_style *s,
                                 long long now)
{
	char ts[TIMESTAMP_MAX];
	char empty[1] = "";
	struct state_line head = *l;
	head.text = empty;
	struct styled_text t;
	styled_init(&t);
	timestamp_format(l->unix_ms, now, ts, sizeof(ts));
	styled_append_text(&t, ts, 0, STYLE_COLOR_DEFAULT);
	ui_compose_said(&head, s, &t);
	size_t width = styled_width(&t);
	styled_free(&t);
	return width;
}

/* Builds the styled text of a display line seen at now (Unix ms); returns
 * its scrollback kind. */
static int ui_compose(const struct state_line *l, long long now, struct styled_text *t)
{
	char ts[TIMESTAMP_MAX];
	struct ui_said_style s = {
	    .nick_fg = l->own ? STYLE_COLOR_DEFAULT : ui_nick_color(l->nick),
	    .nick_attrs = l->own ? STYLE_BOLD : 0,
	    .text_fg = STYLE_COLOR_DEFAULT,
	};
	int kind = l->own ? SB_OWN : SB_NORMAL;
	if (l->mention && !l->own) {
		kind = SB_MENTION;
		s.nick_attrs = STYLE_BOLD | STYLE_REVERSE;
		s.text_fg = 8; /* yellow */
		s.text_attrs = STYLE_BOLD;
	}
	if (l->kind == LINE_SEPARATOR) {
		/* No time: it stands between the lines before and the missed ones. */
		styled_append_text(t, "      ", 0, STYLE_COLOR_DEFAULT);
		styled_append_irc(t, l->text, strlen(l->text), STYLE_BOLD, 10);
		return SB_INFO;
	}
	if (l->cont && (l->kind == LINE_MESSAGE || l->kind == LINE_NOTICE)) {
		/* A multi-line message's later line: under the first one's text,
		 * with neither time nor nick. */
		for (size_t i = ui_said_head_width(l, &s, now); i > 0; i--)
			styled_append_text(t, " ", 0, STYLE_COLOR_DEFAULT);
		styled_append_irc(t, l->text, strlen(l->text), s.text_attrs, s.text_fg);
		return kind;
	}
	/* The time it was said (server-time), with its date when not today. */
	timestamp_format(l->unix_ms, now, ts, sizeof(ts));
	styled_append_text(t, ts, STYLE_DIM, STYLE_COLOR_DEFAULT);
	size_t textlen = strlen(l->text);
	switch (l->kind) {
	case LINE_MESSAGE:
	case LINE_ACTION:
	case LINE_NOTICE:
		ui_compose_said(l, &s, t);
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
	case LINE_SEPARATOR:
		break; /* above */
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
void ui_take_lines(struct ui *ui)
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
		int kind = ui_compose(&l, now, &t);
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

/* Makes window idx current. */
void ui_switch(struct ui *ui, size_t idx)
{
	if (idx < state_window_count(ui->st))
		state_set_current(ui->st, idx);
}

/* PgUp/PgDn: scrolls the current window by about a screen. */
void ui_scroll(struct ui *ui, int direction)
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

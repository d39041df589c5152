/* ui_input: keys, completion and bracketed paste. */
#include "ui_input.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ircname.h"
#include "textstyle.h"
#include "ui_command.h"
#include "ui_window.h"
#include "xalloc.h"

/* Our own key codes, beyond curses' (define_key). */
enum {
	UI_KEY_PASTE_BEGIN = KEY_MAX + 1,
	UI_KEY_PASTE_END,
	UI_KEY_CTRL_LEFT,
	UI_KEY_CTRL_RIGHT,
	UI_KEY_ALT0, /* UI_KEY_ALT0 + d for Alt-d */
};

/* Enter: runs the line. */
static void ui_enter(struct ui *ui)
{
	char *line = editor_take_line(ui->ed);
	if (!line)
		return;
	ui_run_line(ui, line);
	if (command_holds_secret(line)) {
		editor_forget_newest(ui->ed);
		explicit_bzero(line, strlen(line));
	}
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

/* Splits UTF-8 text at line breaks (CR LF, CR or LF: one break each) into
 * malloc'd lines, blank ones kept but not at the start or end. */
static char **ui_paste_lines(char *text, size_t *n)
{
	char **lines = NULL;
	*n = 0;
	for (char *p = text; *p;) {
		size_t len = strcspn(p, "\r\n");
		if (len > 0 || *n > 0) {
			lines = xrealloc(lines, (*n + 1) * sizeof(*lines));
			lines[(*n)++] = xstrndup(p, len);
		}
		p += len;
		if (p[0] == '\r' && p[1] == '\n')
			p++;
		if (*p)
			p++;
	}
	while (*n > 0 && !*lines[*n - 1])
		free(lines[--*n]);
	return lines;
}

/* Splits the finished paste into lines; several lines wait for confirmation,
 * one line goes into the editor. */
static void ui_paste_done(struct ui *ui)
{
	/* as typed characters are: controls dropped (a tab is a space), line
	 * breaks kept to split at */
	size_t kept = 0;
	for (size_t i = 0; i < ui->paste_len; i++) {
		wchar_t c = ui->paste[i];
		c = c == L'\r' || c == L'\n' ? c : c == L'\t' ? L' ' : editor_filter(c);
		if (c)
			ui->paste[kept++] = c;
	}
	ui->paste_len = kept;
	char *utf8 = text_to_utf8(ui->paste, ui->paste_len);
	ui->paste_len = 0;
	size_t n;
	char **lines = ui_paste_lines(utf8, &n);
	free(utf8);
	if (n == 1) {
		editor_insert_utf8(ui->ed, lines[0]);
		free(lines[0]);
		free(lines);
	} else if (n > 1) {
		ui->pending = lines;
		ui->npending = n;
	} else {
		free(lines);
	}
}

/* Sends a confirmed paste as one multi-line message when it is text only
 * (a "//" line says "/...") and the server takes draft/multiline; true
 * when it was handled so (sent, or refused whole with a note). */
/* True when a pasted line is text to say, not a command ("//" says "/..."). */
static bool ui_paste_is_text(const char *line)
{
	return line[0] != '/' || line[1] == '/';
}

static bool ui_paste_block(struct ui *ui, char **lines, size_t n)
{
	const char **texts = xcalloc(n, sizeof(*texts));
	bool plain = true;
	for (size_t i = 0; i < n && plain; i++) {
		plain = ui_paste_is_text(lines[i]);
		texts[i] = lines[i] + (lines[i][0] == '/');
	}
	bool done = plain && ui_say_block(ui, texts, n);
	free(texts);
	return done;
}

/* Frees the lines of a paste waiting for confirmation. */
void ui_paste_drop(struct ui *ui)
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
		bool block = ui_paste_block(ui, lines, n), told = false;
		for (size_t i = 0; i < n; i++) {
			bool nowhere = ui_paste_is_text(lines[i]) && !ui_can_say(ui);
			if (block || !*lines[i])
				; /* sent as one message, or a blank line (no message) */
			else if (ui->send_full || (nowhere && told))
				skipped++; /* the queue is full, or no one to say it to: one note */
			else
				ui_run_line(ui, lines[i]);
			told = told || nowhere;
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

/* A key while the network thread asks whether to trust a server's key:
 * y or n answers, anything else is ignored (Ctrl-C still quits). */
static void ui_trust_answer(struct ui *ui, wint_t ch, bool is_key)
{
	if (is_key || (ch != L'y' && ch != L'Y' && ch != L'n' && ch != L'N'))
		return;
	bool yes = ch == L'y' || ch == L'Y';
	ui->trust_asking = false;
	ui_note(ui, LINE_INFO, yes ? "Trusting the key" : "Not trusting the key");
	net_trust_answer(ui->net, yes);
}

/* An editing function key (arrows, Home/End, Backspace/Delete, history);
 * false when key is none of them. */
static bool ui_key_edit(struct ui *ui, wint_t key)
{
	switch (key) {
	case KEY_LEFT:
		editor_left(ui->ed);
		return true;
	case KEY_RIGHT:
		editor_right(ui->ed);
		return true;
	case UI_KEY_CTRL_LEFT:
		editor_word_left(ui->ed);
		return true;
	case UI_KEY_CTRL_RIGHT:
		editor_word_right(ui->ed);
		return true;
	case KEY_HOME:
		editor_home(ui->ed);
		return true;
	case KEY_END:
		editor_end(ui->ed);
		return true;
	case KEY_BACKSPACE:
		editor_backspace(ui->ed);
		return true;
	case KEY_DC:
		editor_delete(ui->ed);
		return true;
	case KEY_UP:
		editor_history_prev(ui->ed);
		return true;
	case KEY_DOWN:
		editor_history_next(ui->ed);
		return true;
	default:
		return false;
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
	if (ui_key_edit(ui, key))
		return;
	switch (key) {
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
		break; /* KEY_RESIZE among them: ui_draw reflows */
	}
}

/* Control characters that edit the input line, and what they do. */
static const struct {
	wint_t ch;
	void (*edit)(struct editor *e);
} ui_ctrl_edits[] = {
    {1, editor_home},            /* Ctrl-A */
    {5, editor_end},             /* Ctrl-E */
    {21, editor_kill_to_start},  /* Ctrl-U */
    {11, editor_kill_to_end},    /* Ctrl-K */
    {23, editor_kill_word_back}, /* Ctrl-W */
    {25, editor_yank},           /* Ctrl-Y */
    {4, editor_delete},          /* Ctrl-D */
    {2, editor_left},            /* Ctrl-B */
    {6, editor_right},           /* Ctrl-F */
    {8, editor_backspace},       /* Ctrl-H */
    {127, editor_backspace},     /* DEL, as most terminals send Backspace */
};

/* Handles a control character or a printable one. */
static void ui_char(struct ui *ui, wint_t ch)
{
	size_t cur = state_current(ui->st), nwin = state_window_count(ui->st);
	for (size_t i = 0; i < sizeof(ui_ctrl_edits) / sizeof(ui_ctrl_edits[0]); i++) {
		if (ui_ctrl_edits[i].ch == ch) {
			ui_ctrl_edits[i].edit(ui->ed);
			return;
		}
	}
	switch (ch) {
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
	case '\r':
	case '\n':
		ui_enter(ui);
		break;
	case '\t':
		ui_complete(ui);
		break;
	default:
		if (ch >= 0x20)
			editor_insert(ui->ed, (wchar_t)ch);
		break;
	}
}

/* Reads every key available on stdin. */
void ui_read_keys(struct ui *ui)
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
		if (ui->trust_asking) {
			ui_trust_answer(ui, ch, is_key);
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

/* Teaches curses the sequences it does not know from terminfo. */
void ui_define_keys(void)
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

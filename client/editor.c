/* editor: the input line, over wchar_t. */
#include "editor.h"

#include <stdlib.h>
#include <string.h>

#include "textstyle.h"
#include "xalloc.h"

struct history_entry {
	wchar_t *text;
	size_t len;
};

struct editor {
	wchar_t buf[EDITOR_MAX_CHARS];
	size_t len;
	size_t cursor;

	wchar_t *kill; /* what the last Ctrl-U/K/W removed, for Ctrl-Y */
	size_t kill_len;

	struct history_entry *history; /* oldest first */
	size_t history_count;
	size_t history_max;
	size_t history_pos; /* == history_count when not browsing */
	wchar_t *draft;     /* the line being typed when browsing began */
	size_t draft_len;
};

/* Creates an empty line with room for history_max remembered lines. */
struct editor *editor_new(size_t history_max)
{
	struct editor *e = xcalloc(1, sizeof(*e));

	e->history_max = history_max;
	if (history_max > 0)
		e->history = xcalloc(history_max, sizeof(*e->history));
	return e;
}

/* Frees the editor with its history and buffers. */
void editor_free(struct editor *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->history_count; i++)
		free(e->history[i].text);
	free(e->history);
	free(e->kill);
	free(e->draft);
	free(e);
}

/* What a typed or pasted character becomes in the line: 0 for the ones that
 * are dropped (controls, bidi controls), else the sanitised character. */
static wchar_t editor_accept(wchar_t c)
{
	if ((c >= 0 && c < 0x20) || (c >= 0x7F && c <= 0x9F))
		return 0;
	return text_sanitize(c);
}

wchar_t editor_filter(wchar_t c)
{
	return editor_accept(c);
}

/* Inserts already-accepted characters at the cursor, as many as fit. */
static size_t editor_insert_run(struct editor *e, const wchar_t *s, size_t n)
{
	size_t room = EDITOR_MAX_CHARS - e->len;

	if (n > room)
		n = room;
	memmove(e->buf + e->cursor + n, e->buf + e->cursor, (e->len - e->cursor) * sizeof(wchar_t));
	memcpy(e->buf + e->cursor, s, n * sizeof(wchar_t));
	e->len += n;
	e->cursor += n;
	return n;
}

/* Removes [from, to) from the line, the cursor following the text. */
static void editor_erase(struct editor *e, size_t from, size_t to)
{
	memmove(e->buf + from, e->buf + to, (e->len - to) * sizeof(wchar_t));
	e->len -= to - from;
	if (e->cursor >= to)
		e->cursor -= to - from;
	else if (e->cursor > from)
		e->cursor = from;
}

/* Removes [from, to) and keeps it for Ctrl-Y (an empty kill keeps the old). */
static void editor_kill(struct editor *e, size_t from, size_t to)
{
	if (to <= from)
		return;
	free(e->kill);
	e->kill_len = to - from;
	e->kill = xmalloc(e->kill_len * sizeof(wchar_t));
	memcpy(e->kill, e->buf + from, e->kill_len * sizeof(wchar_t));
	editor_erase(e, from, to);
}

/* Inserts one typed character. */
bool editor_insert(struct editor *e, wchar_t c)
{
	wchar_t shown = editor_accept(c);

	if (shown == 0)
		return true;
	return editor_insert_run(e, &shown, 1) == 1;
}

/* Decodes the whole paste first, then inserts it in one move. */
bool editor_insert_utf8(struct editor *e, const char *utf8)
{
	size_t len = strlen(utf8);
	wchar_t *run = xmalloc((len + 1) * sizeof(wchar_t));
	size_t n = 0, i = 0, done;

	while (i < len) {
		wchar_t c;

		i += text_utf8_decode(utf8 + i, len - i, &c);
		c = editor_accept(c);
		if (c != 0)
			run[n++] = c;
	}
	done = editor_insert_run(e, run, n);
	free(run);
	return done == n;
}

/* Deletes before the cursor. */
void editor_backspace(struct editor *e)
{
	if (e->cursor > 0)
		editor_erase(e, e->cursor - 1, e->cursor);
}

/* Deletes under the cursor. */
void editor_delete(struct editor *e)
{
	if (e->cursor < e->len)
		editor_erase(e, e->cursor, e->cursor + 1);
}

/* Moves one character left. */
void editor_left(struct editor *e)
{
	if (e->cursor > 0)
		e->cursor--;
}

/* Moves one character right. */
void editor_right(struct editor *e)
{
	if (e->cursor < e->len)
		e->cursor++;
}

/* Moves to the start of the line. */
void editor_home(struct editor *e)
{
	e->cursor = 0;
}

/* Moves past the last character. */
void editor_end(struct editor *e)
{
	e->cursor = e->len;
}

/* Index of the start of the word before pos (spaces before pos skipped). */
static size_t editor_word_start(const struct editor *e, size_t pos)
{
	while (pos > 0 && e->buf[pos - 1] == L' ')
		pos--;
	while (pos > 0 && e->buf[pos - 1] != L' ')
		pos--;
	return pos;
}

/* Moves to the start of the previous word. */
void editor_word_left(struct editor *e)
{
	e->cursor = editor_word_start(e, e->cursor);
}

/* Moves to the end of the next word. */
void editor_word_right(struct editor *e)
{
	size_t pos = e->cursor;

	while (pos < e->len && e->buf[pos] == L' ')
		pos++;
	while (pos < e->len && e->buf[pos] != L' ')
		pos++;
	e->cursor = pos;
}

/* Ctrl-U. */
void editor_kill_to_start(struct editor *e)
{
	editor_kill(e, 0, e->cursor);
}

/* Ctrl-K. */
void editor_kill_to_end(struct editor *e)
{
	editor_kill(e, e->cursor, e->len);
}

/* Ctrl-W. */
void editor_kill_word_back(struct editor *e)
{
	editor_kill(e, editor_word_start(e, e->cursor), e->cursor);
}

/* Ctrl-Y. */
void editor_yank(struct editor *e)
{
	if (e->kill_len > 0)
		editor_insert_run(e, e->kill, e->kill_len);
}

/* Replaces the line with s[0..n) (already accepted), cursor at the end. */
static void editor_load(struct editor *e, const wchar_t *s, size_t n)
{
	if (n > EDITOR_MAX_CHARS)
		n = EDITOR_MAX_CHARS;
	if (n > 0)
		memcpy(e->buf, s, n * sizeof(wchar_t));
	e->len = n;
	e->cursor = n;
}

/* Up: the draft is saved when browsing starts so Down can bring it back. */
bool editor_history_prev(struct editor *e)
{
	if (e->history_pos == 0)
		return false;
	if (e->history_pos == e->history_count) {
		free(e->draft);
		e->draft_len = e->len;
		e->draft = xmalloc((e->len + 1) * sizeof(wchar_t));
		memcpy(e->draft, e->buf, e->len * sizeof(wchar_t));
	}
	e->history_pos--;
	editor_load(e, e->history[e->history_pos].text, e->history[e->history_pos].len);
	return true;
}

/* Down: past the newest entry comes the draft. */
bool editor_history_next(struct editor *e)
{
	if (e->history_pos >= e->history_count)
		return false;
	e->history_pos++;
	if (e->history_pos == e->history_count) {
		editor_load(e, e->draft, e->draft_len);
		free(e->draft);
		e->draft = NULL;
		e->draft_len = 0;
	} else {
		editor_load(e, e->history[e->history_pos].text, e->history[e->history_pos].len);
	}
	return true;
}

/* Appends the current line to the history, dropping the oldest when full and
 * skipping a repeat of the newest entry. */
static void editor_remember(struct editor *e)
{
	struct history_entry *last;

	if (e->history_max == 0)
		return;
	last = e->history_count ? &e->history[e->history_count - 1] : NULL;
	if (last && last->len == e->len &&
	    memcmp(last->text, e->buf, e->len * sizeof(wchar_t)) == 0)
		return;
	if (e->history_count == e->history_max) {
		free(e->history[0].text);
		memmove(e->history, e->history + 1, (e->history_count - 1) * sizeof(*e->history));
		e->history_count--;
	}
	last = &e->history[e->history_count++];
	last->len = e->len;
	last->text = xmalloc(e->len * sizeof(wchar_t));
	memcpy(last->text, e->buf, e->len * sizeof(wchar_t));
}

/* Enter. */
char *editor_take_line(struct editor *e)
{
	char *line;

	if (e->len == 0)
		return NULL;
	line = text_to_utf8(e->buf, e->len);
	editor_remember(e);
	editor_clear(e);
	return line;
}

/* Empties the line and leaves history browsing. */
void editor_forget_newest(struct editor *e)
{
	explicit_bzero(e->buf, sizeof(e->buf)); /* the taken line's old characters */
	if (e->history_count == 0)
		return;
	struct history_entry *last = &e->history[--e->history_count];
	explicit_bzero(last->text, last->len * sizeof(wchar_t));
	free(last->text);
	last->text = NULL;
	last->len = 0;
	e->history_pos = e->history_count;
}

void editor_clear(struct editor *e)
{
	e->len = 0;
	e->cursor = 0;
	e->history_pos = e->history_count;
	free(e->draft);
	e->draft = NULL;
	e->draft_len = 0;
}

/* The line's characters. */
const wchar_t *editor_text(const struct editor *e, size_t *len)
{
	*len = e->len;
	return e->buf;
}

/* The cursor index. */
size_t editor_cursor(const struct editor *e)
{
	return e->cursor;
}

/* Replaces the line (completion's result), filtered like typed text. */
void editor_set(struct editor *e, const wchar_t *text, size_t len, size_t cursor)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n < EDITOR_MAX_CHARS; i++) {
		wchar_t c = editor_accept(text[i]);

		if (c != 0)
			e->buf[n++] = c;
	}
	e->len = n;
	e->cursor = cursor < n ? cursor : n;
}

/* True when there is nothing to send. */
bool editor_is_empty(const struct editor *e)
{
	return e->len == 0;
}

/* Columns taken by buf[from..to). */
static size_t editor_columns(const struct editor *e, size_t from, size_t to)
{
	size_t cols = 0;

	for (size_t i = from; i < to; i++)
		cols += (size_t)text_width(e->buf[i]);
	return cols;
}

/* Stateless but steady: the first column shown is a multiple of half the
 * width, the smallest one that keeps the cursor (and the character under it)
 * on screen; the first character is the first whole one from that column. */
void editor_view(const struct editor *e, int width, size_t *first, int *cursor_col)
{
	size_t col = editor_columns(e, 0, e->cursor);
	size_t under = 1, w, step, start, at, i;

	if (e->cursor < e->len && text_width(e->buf[e->cursor]) > 1)
		under = (size_t)text_width(e->buf[e->cursor]);
	if (width < 1) {
		*first = e->cursor;
		*cursor_col = 0;
		return;
	}
	w = (size_t)width;
	if (col + under <= w) {
		*first = 0;
		*cursor_col = (int)col;
		return;
	}
	step = w / 2 ? w / 2 : 1;
	start = (col + under - w + step - 1) / step * step;
	i = 0;
	at = 0;
	while (i < e->cursor && at < start)
		at += (size_t)text_width(e->buf[i++]);
	/* A combining mark cannot be shown without its base. */
	while (i < e->cursor && text_width(e->buf[i]) == 0)
		i++;
	*first = i;
	*cursor_col = (int)editor_columns(e, i, e->cursor);
	if (*cursor_col >= width) { /* only when width is too small for anything */
		*first = e->cursor;
		*cursor_col = 0;
	}
}

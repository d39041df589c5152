/* editor: the input line, over wchar_t.
 *
 * Text is held as wide characters and converted to UTF-8 only at the edges
 * (editor_insert_utf8 for pastes, editor_take_line on Enter). Only printable
 * characters are held: control characters are dropped, invalid UTF-8 becomes
 * U+FFFD (text_sanitize rules). The cursor is an index in 0..len (len = after
 * the last character). The line holds at most EDITOR_MAX_CHARS characters.
 *
 * History: Enter adds the line (unless empty or equal to the newest entry).
 * Up/Down browse it; the line being typed is kept and comes back after the
 * newest entry. Editing a recalled entry edits a copy: the history entry
 * itself does not change. */
#ifndef PARLEY_EDITOR_H
#define PARLEY_EDITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#define EDITOR_MAX_CHARS 4096

struct editor;

/* An empty editor remembering up to history_max lines (0: no history). */
struct editor *editor_new(size_t history_max);

void editor_free(struct editor *e);

/* Inserts c at the cursor (sanitised; a control character is dropped and
 * returns true). False when the line is full. */
/* What a character typed or pasted becomes in a line: 0 when it is dropped
 * (C0/C1 controls, bidi controls), else the sanitised character. A
 * multi-line paste, which does not go through the editor, is filtered so too. */
wchar_t editor_filter(wchar_t c);

bool editor_insert(struct editor *e, wchar_t c);

/* Inserts NUL-terminated UTF-8 (a paste) at the cursor: invalid bytes become
 * U+FFFD, control characters (including CR, LF, TAB) are dropped. False when
 * the line filled up and part of the text was refused. */
bool editor_insert_utf8(struct editor *e, const char *utf8);

/* Deletes the character before the cursor (Backspace). */
void editor_backspace(struct editor *e);

/* Deletes the character under the cursor (Delete). */
void editor_delete(struct editor *e);

/* Cursor moves: one character, start/end of line (Ctrl-A/E), one word (to the
 * start of the previous word / the end of the next word; words are separated
 * by spaces). */
void editor_left(struct editor *e);
void editor_right(struct editor *e);
void editor_home(struct editor *e);
void editor_end(struct editor *e);
void editor_word_left(struct editor *e);
void editor_word_right(struct editor *e);

/* Ctrl-U: deletes from the start of the line to the cursor. */
void editor_kill_to_start(struct editor *e);

/* Ctrl-K: deletes from the cursor to the end of the line. */
void editor_kill_to_end(struct editor *e);

/* Ctrl-W: deletes the spaces before the cursor, then the word before them. */
void editor_kill_word_back(struct editor *e);

/* Ctrl-Y: inserts the text removed by the last kill (Ctrl-U/K/W). */
void editor_yank(struct editor *e);

/* Up: shows the next older history entry, cursor at its end. False (nothing
 * changes) when there is none. */
bool editor_history_prev(struct editor *e);

/* Down: shows the next newer entry, or after the newest the line that was
 * being typed. False when not browsing history. */
bool editor_history_next(struct editor *e);

/* Enter: returns the line as malloc'd UTF-8 and clears the editor, or NULL
 * (and nothing changes) if the line is empty. Ends history browsing. */
char *editor_take_line(struct editor *e);

/* Forgets the newest history entry (a line that held a password), wiping
 * its text. */
void editor_forget_newest(struct editor *e);

/* Empties the line (history browsing ends; the kill buffer is kept). */
void editor_clear(struct editor *e);

/* The text (not NUL-terminated; valid until the next change) and its length. */
const wchar_t *editor_text(const struct editor *e, size_t *len);

/* The cursor index, 0..len. */
size_t editor_cursor(const struct editor *e);

/* Replaces the text (sanitised, truncated to EDITOR_MAX_CHARS) and puts the
 * cursor at min(cursor, len). Used by completion. */
void editor_set(struct editor *e, const wchar_t *text, size_t len, size_t cursor);

bool editor_is_empty(const struct editor *e);

/* Horizontal view for an input area of width columns (text_width widths):
 * *first is the first character to draw and *cursor_col the cursor's column
 * relative to it (0..width-1). The UI draws characters from *first while they
 * fit in width columns, stopping before a wide character that would cross
 * the right edge. The view scrolls by half a width at a time, so it does not
 * shift on every key. */
void editor_view(const struct editor *e, int width, size_t *first, int *cursor_col);

#endif

/* ui_command: runs what the user typed (ui_priv.h). command.h parses the
 * line; this module carries it out: IRC lines queued to the network thread
 * (never waiting on it), windows opened, switched or closed, notes to the
 * user. A line that cannot go is never lost silently: the user is told. */
#ifndef PARLEY_UI_COMMAND_H
#define PARLEY_UI_COMMAND_H

#include "ui_priv.h"

/* Shows a line of our own in the current window. */
void ui_note(struct ui *ui, enum state_line_kind kind, const char *text);

/* printf-style ui_note. */
__attribute__((format(printf, 3, 4))) void ui_notef(struct ui *ui, enum state_line_kind kind,
                                                    const char *fmt, ...);

/* /help [command]: the table, one line each. */
void ui_help(struct ui *ui, const char *name);

/* True when text typed now would be said somewhere (the current window is
 * a room or a private conversation, not the server window). */
bool ui_can_say(struct ui *ui);

/* Sends a confirmed paste of n text lines to the current window as one
 * message (draft/multiline batches, queued whole or not at all). False,
 * with nothing sent, when that cannot be done (no capability, the server
 * window); the caller then sends the lines one by one. */
bool ui_say_block(struct ui *ui, const char *const *lines, size_t n);

/* Parses and runs one line of input. */
void ui_run_line(struct ui *ui, const char *line);

#endif

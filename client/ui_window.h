/* ui_window: the ui's view of the windows (ui_priv.h). Each state window
 * gets a scrollback of styled lines, made on first use and freed when the
 * state closes the window; the state's display lines are composed (time,
 * nick colour, mention highlight) and added here; the layout (message area
 * size, whether the nick list shows) and scrolling live here too, since
 * wrapping depends on them. Curses is only read (LINES, COLS) and beeped. */
#ifndef PARLEY_UI_WINDOW_H
#define PARLEY_UI_WINDOW_H

#include "ui_priv.h"

/* Frees the ui windows whose state window is gone. */
void ui_prune_windows(struct ui *ui);

/* The current window's ui data. */
struct uiwin *ui_current(struct ui *ui);

/* Whether the nick list is drawn for the current window at this size. */
bool ui_nicklist_shown(struct ui *ui);

/* Width of the message area. */
int ui_msg_width(struct ui *ui);

/* Height of the message area (title, status and input take three rows). */
int ui_msg_height(void);

/* Moves the state's new display lines into the windows' scrollbacks. */
void ui_take_lines(struct ui *ui);

/* Makes window idx current. */
void ui_switch(struct ui *ui, size_t idx);

/* PgUp/PgDn: scrolls the current window by about a screen. */
void ui_scroll(struct ui *ui, int direction);

#endif

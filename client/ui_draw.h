/* ui_draw: everything that is drawn (ui_priv.h): colours, the title line,
 * the message area, the nick list, the status line and the input line
 * (ui.c starts and ends curses, ui_input reads keys, ui_window rings the
 * bell). All text drawn passes through textstyle, so no network byte
 * reaches the terminal as a control sequence. */
#ifndef PARLEY_UI_DRAW_H
#define PARLEY_UI_DRAW_H

#include "ui_priv.h"

/* Nick colours that read well on dark and light backgrounds. */
int ui_nick_color(const char *nick);

/* Redraws the whole screen; curses sends only what changed. */
void ui_draw(struct ui *ui);

#endif

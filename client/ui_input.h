/* ui_input: keys from the terminal (ui_priv.h): editing keys to the editor,
 * window and scroll keys, Tab completion, Enter to ui_command, and
 * bracketed paste (several pasted lines wait for a confirmation). */
#ifndef PARLEY_UI_INPUT_H
#define PARLEY_UI_INPUT_H

#include "ui_priv.h"

/* Frees the lines of a paste waiting for confirmation. */
void ui_paste_drop(struct ui *ui);

/* Reads every key available on stdin. */
void ui_read_keys(struct ui *ui);

/* Teaches curses the sequences it does not know from terminfo. */
void ui_define_keys(void);

#endif

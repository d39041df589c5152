/* ui_priv: what the ui modules share (ui.c, ui_window.c, ui_draw.c,
 * ui_command.c, ui_input.c) and nothing outside them may include: the ui's
 * state and the layout constants more than one of them needs.
 *
 * Every ui module runs on the UI thread only; none of these fields is shared
 * with another thread (the network thread is reached through net.h and the
 * event queue). */
#ifndef PARLEY_UI_PRIV_H
#define PARLEY_UI_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "command.h"
#include "complete.h"
#include "editor.h"
#include "evqueue.h"
#include "ircmsg.h"
#include "net.h"
#include "scrollback.h"
#include "state.h"

#define UI_TIME_COLS 6      /* "12:04 ": continuation rows are indented by it */
#define UI_NICKLIST_COLS 18 /* including the separator */
#define UI_PASTE_MAX 65536  /* characters in one bracketed paste */

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
	unsigned batch_seq;              /* the last draft/multiline batch reference sent */
	char want_window[IRC_LINE_MAX];  /* switch to this window when it opens */
	bool trust_asking;               /* the network thread waits for y or n (EVENT_TRUST) */
	bool started;                    /* curses is on */
	bool quit;
	char quit_reason[IRC_LINE_MAX];
};

#endif

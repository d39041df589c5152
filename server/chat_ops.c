/* chat_ops: rooms remember their operators by account (chat.h, "rooms remember their operators"). */

#include <stdio.h>
#include <string.h>

#include "archive.h"
#include "channel.h"
#include "chat.h"
#include "event.h"
#include "global.h"
#include "session.h"

bool chat_ops_join_as_op_locked(const struct channel *ch)
{
	return ch->nmembers == 0 && ch->op_accounts.n == 0;
}

/* Makes member i op and tells the room, as the server. ch->lock held. */
static void grant_op_locked(struct session *s, struct channel *ch, int i)
{
	ch->members[i].op = true;
	const char *params[] = {ch->name, "+o", ch->members[i].nick};
	struct outmsg m;
	outmsg_init(&m, g_server.cfg.name, "MODE", 3, params);
	chat_room_tell_locked(s, ch, &m);
	outmsg_release(&m);
}

/* Gives member i op if their account is listed; remembers the account of
 * an op. ch->lock held. */
static void member_settle_locked(struct session *s, struct channel *ch, int i)
{
	const char *account = ch->members[i].account;
	if (!account[0])
		return;
	if (!ch->members[i].op && opaccts_has(&ch->op_accounts, account))
		grant_op_locked(s, ch, i);
	if (ch->members[i].op && opaccts_add(&ch->op_accounts, account))
		archive_room_changed_locked(ch);
}

void chat_ops_joined_locked(struct session *s, struct channel *ch)
{
	int i = channel_member_index(ch, s);
	if (i >= 0)
		member_settle_locked(s, ch, i);
}

bool chat_ops_flag_locked(struct channel *ch, int i, bool adding)
{
	const char *account = ch->members[i].account;
	if (!account[0])
		return false;
	return adding ? opaccts_add(&ch->op_accounts, account)
		      : opaccts_remove(&ch->op_accounts, account);
}

void chat_ops_account_changed(struct session *s)
{
	struct channel **chs;
	size_t n = channels_of(s, &chs);
	for (size_t k = 0; k < n; k++) {
		struct channel *ch = chs[k];
		pthread_mutex_lock(&ch->lock);
		int i = channel_member_index(ch, s);
		if (i >= 0) {
			/* s's account is written by this thread only. */
			snprintf(ch->members[i].account, sizeof ch->members[i].account, "%s",
				 session_account(s));
			member_settle_locked(s, ch, i);
		}
		pthread_mutex_unlock(&ch->lock);
	}
	channels_release(chs, n);
}

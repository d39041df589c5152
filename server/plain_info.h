/* plain_info: the read-only commands of plain mode — /names (and /who),
 * /list, /whois, /rooms — rendered as sentences from chat_query.h
 * snapshots. Long lists are wrapped over several "***" lines and bounded
 * (PLAIN_LIST_MAX, PLAIN_NAMES_MAX), ending with how many more
 * there are. Called by the session's worker thread; each takes the words
 * after its command. */
#ifndef PARLEY_PLAIN_INFO_H
#define PARLEY_PLAIN_INFO_H

#define PLAIN_LIST_MAX 50
#define PLAIN_NAMES_MAX 100

struct session;

/* /names [ROOM]: the first PLAIN_NAMES_MAX members of ROOM or the current room. */
void plain_info_names(struct session *s, char *args);

/* /list: the PLAIN_LIST_MAX biggest rooms with their sizes and topics. */
void plain_info_list(struct session *s, char *args);

/* /whois NICK: who they are, their rooms, away text, idle time. */
void plain_info_whois(struct session *s, char *args);

/* /rooms: the rooms s is in, the current one marked. */
void plain_info_rooms(struct session *s, char *args);

/* /history [N]: N (default PLAIN_HISTORY_DEFAULT, at most CHAT_HISTORY_MAX)
 * messages of the current room — the latest the first time, then each time
 * the N before the earliest one shown, so repeating it pages back; "No more
 * history." at the start. Switching rooms starts again from the latest. */
#define PLAIN_HISTORY_DEFAULT 20
void plain_info_history(struct session *s, char *args);

#endif

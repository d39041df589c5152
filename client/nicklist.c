/* nicklist: a channel's members, hashed by folded name, kept in display order. */
#include "nicklist.h"

#include <stdlib.h>
#include <string.h>

#include "ircname.h"
#include "siphash.h"
#include "xalloc.h"

#define NICKLIST_BUCKETS_MIN 16

struct nl_member {
	struct nl_member *next; /* hash chain */
	uint64_t hash;          /* of the folded name */
	size_t pos;             /* index in order[]: order[pos] == this */
	unsigned modes;
	bool away; /* known to be away (display only: not part of the order) */
	char *nick;
};

struct nicklist {
	struct nl_member **buckets;
	size_t nbuckets; /* a power of two */
	struct nl_member **order; /* display order; sorted unless bulk */
	size_t count, cap;
	bool bulk;
};

/* Hash of nick's folded form; false when nick is empty or too long. */
static bool nl_hash(const char *nick, uint64_t *h)
{
	unsigned char folded[NICKLIST_NICK_MAX];
	size_t len = 0;

	for (; nick[len]; len++) {
		if (len == NICKLIST_NICK_MAX)
			return false;
		folded[len] = (unsigned char)ircname_fold_char(nick[len]);
	}
	if (len == 0)
		return false;
	*h = siphash(folded, len);
	return true;
}

/* ---- hash table ---------------------------------------------------------- */

/* The member named nick (its hash h), or NULL. */
static struct nl_member *nl_lookup(const struct nicklist *nl, const char *nick, uint64_t h)
{
	struct nl_member *m = nl->buckets[h & (nl->nbuckets - 1)];
	while (m && (m->hash != h || ircname_cmp(m->nick, nick) != 0))
		m = m->next;
	return m;
}

/* Doubles the bucket array once the load passes one. */
static void nl_grow(struct nicklist *nl)
{
	size_t n = nl->nbuckets * 2;
	struct nl_member **b = xcalloc(n, sizeof(*b));

	for (size_t i = 0; i < nl->nbuckets; i++) {
		struct nl_member *m = nl->buckets[i];
		while (m) {
			struct nl_member *next = m->next;
			m->next = b[m->hash & (n - 1)];
			b[m->hash & (n - 1)] = m;
			m = next;
		}
	}
	free(nl->buckets);
	nl->buckets = b;
	nl->nbuckets = n;
}

/* Links m into its chain. */
static void nl_link(struct nicklist *nl, struct nl_member *m)
{
	struct nl_member **slot = &nl->buckets[m->hash & (nl->nbuckets - 1)];
	m->next = *slot;
	*slot = m;
}

/* Unlinks m from its chain. */
static void nl_unlink(struct nicklist *nl, struct nl_member *m)
{
	struct nl_member **link = &nl->buckets[m->hash & (nl->nbuckets - 1)];
	while (*link != m)
		link = &(*link)->next;
	*link = m->next;
}

/* ---- display order --------------------------------------------------------- */

int nicklist_rank(unsigned modes)
{
	for (int i = 0; i < NICKLIST_RANK_NONE; i++)
		if (modes & (1u << i))
			return i;
	return NICKLIST_RANK_NONE;
}

/* Display order: by rank, then by name (names are unique once folded). */
static int nl_cmp(const struct nl_member *a, const struct nl_member *b)
{
	int ra = nicklist_rank(a->modes), rb = nicklist_rank(b->modes);
	if (ra != rb)
		return ra - rb;
	return ircname_cmp(a->nick, b->nick);
}

/* qsort adapter for nl_cmp. */
static int nl_qsort_cmp(const void *a, const void *b)
{
	return nl_cmp(*(struct nl_member *const *)a, *(struct nl_member *const *)b);
}

/* Renumbers pos from index first on. */
static void nl_renumber(struct nicklist *nl, size_t first)
{
	for (size_t i = first; i < nl->count; i++)
		nl->order[i]->pos = i;
}

/* Puts m into order[]: appended in a bulk load, else at its sorted place
 * (found by binary search). */
static void nl_place(struct nicklist *nl, struct nl_member *m)
{
	size_t lo = 0, hi = nl->count;

	if (nl->count == nl->cap) {
		nl->cap = nl->cap ? nl->cap * 2 : 16;
		nl->order = xrealloc(nl->order, nl->cap * sizeof(*nl->order));
	}
	if (nl->bulk) {
		lo = nl->count;
	} else {
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (nl_cmp(nl->order[mid], m) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	memmove(&nl->order[lo + 1], &nl->order[lo], (nl->count - lo) * sizeof(*nl->order));
	nl->order[lo] = m;
	nl->count++;
	nl_renumber(nl, lo);
}

/* Takes m out of order[] (it stays in the hash table). */
static void nl_unplace(struct nicklist *nl, struct nl_member *m)
{
	size_t p = m->pos;
	memmove(&nl->order[p], &nl->order[p + 1], (nl->count - p - 1) * sizeof(*nl->order));
	nl->count--;
	nl_renumber(nl, p);
}

/* ---- the list -------------------------------------------------------------- */

struct nicklist *nicklist_new(void)
{
	struct nicklist *nl = xcalloc(1, sizeof(*nl));
	nl->nbuckets = NICKLIST_BUCKETS_MIN;
	nl->buckets = xcalloc(nl->nbuckets, sizeof(*nl->buckets));
	return nl;
}

/* Frees every member and shrinks the tables back to their first size. */
void nicklist_clear(struct nicklist *nl)
{
	for (size_t i = 0; i < nl->count; i++) {
		free(nl->order[i]->nick);
		free(nl->order[i]);
	}
	free(nl->order);
	nl->order = NULL;
	nl->count = nl->cap = 0;
	nl->bulk = false;
	if (nl->nbuckets != NICKLIST_BUCKETS_MIN) {
		free(nl->buckets);
		nl->nbuckets = NICKLIST_BUCKETS_MIN;
		nl->buckets = xcalloc(nl->nbuckets, sizeof(*nl->buckets));
	} else {
		memset(nl->buckets, 0, nl->nbuckets * sizeof(*nl->buckets));
	}
}

void nicklist_free(struct nicklist *nl)
{
	if (!nl)
		return;
	nicklist_clear(nl);
	free(nl->buckets);
	free(nl);
}

void nicklist_bulk_begin(struct nicklist *nl)
{
	nl->bulk = true;
}

/* Ends a bulk load with its one sort. */
void nicklist_bulk_end(struct nicklist *nl)
{
	if (!nl->bulk)
		return;
	nl->bulk = false;
	if (nl->count > 1) /* order is NULL while empty, and qsort may not take NULL */
		qsort(nl->order, nl->count, sizeof(*nl->order), nl_qsort_cmp);
	nl_renumber(nl, 0);
}

bool nicklist_in_bulk(const struct nicklist *nl)
{
	return nl->bulk;
}

size_t nicklist_count(const struct nicklist *nl)
{
	return nl->count;
}

const char *nicklist_nick(const struct nicklist *nl, size_t i)
{
	return nl->order[i]->nick;
}

unsigned nicklist_modes(const struct nicklist *nl, size_t i)
{
	return nl->order[i]->modes;
}

bool nicklist_find(const struct nicklist *nl, const char *nick, unsigned *modes)
{
	uint64_t h;
	struct nl_member *m = nl_hash(nick, &h) ? nl_lookup(nl, nick, h) : NULL;
	if (m && modes)
		*modes = m->modes;
	return m != NULL;
}

bool nicklist_add(struct nicklist *nl, const char *nick, unsigned modes)
{
	uint64_t h;
	if (!nl_hash(nick, &h) || nl_lookup(nl, nick, h))
		return false;
	struct nl_member *m = xcalloc(1, sizeof(*m));
	m->hash = h;
	m->modes = modes;
	m->nick = xstrdup(nick);
	nl_link(nl, m);
	nl_place(nl, m);
	if (nl->count > nl->nbuckets)
		nl_grow(nl);
	return true;
}

bool nicklist_set_modes(struct nicklist *nl, const char *nick, unsigned modes)
{
	uint64_t h;
	struct nl_member *m = nl_hash(nick, &h) ? nl_lookup(nl, nick, h) : NULL;
	if (!m)
		return false;
	bool moves = !nl->bulk && nicklist_rank(modes) != nicklist_rank(m->modes);
	if (moves)
		nl_unplace(nl, m);
	m->modes = modes;
	if (moves)
		nl_place(nl, m);
	return true;
}

bool nicklist_set_away(struct nicklist *nl, const char *nick, bool away)
{
	uint64_t h;
	struct nl_member *m = nl_hash(nick, &h) ? nl_lookup(nl, nick, h) : NULL;
	if (m)
		m->away = away;
	return m != NULL;
}

bool nicklist_away(const struct nicklist *nl, size_t i)
{
	return nl->order[i]->away;
}

bool nicklist_is_away(const struct nicklist *nl, const char *nick)
{
	uint64_t h;
	struct nl_member *m = nl_hash(nick, &h) ? nl_lookup(nl, nick, h) : NULL;
	return m && m->away;
}

bool nicklist_remove(struct nicklist *nl, const char *nick)
{
	uint64_t h;
	struct nl_member *m = nl_hash(nick, &h) ? nl_lookup(nl, nick, h) : NULL;
	if (!m)
		return false;
	nl_unlink(nl, m);
	nl_unplace(nl, m);
	free(m->nick);
	free(m);
	return true;
}

bool nicklist_rename(struct nicklist *nl, const char *from, const char *to)
{
	uint64_t hf, ht;
	struct nl_member *m = nl_hash(from, &hf) ? nl_lookup(nl, from, hf) : NULL;
	if (!m || !nl_hash(to, &ht))
		return false;
	struct nl_member *other = nl_lookup(nl, to, ht);
	if (other && other != m)
		return nicklist_remove(nl, from);
	/* Same folded name (a change of case) keeps hash and place. */
	if (!other) {
		nl_unlink(nl, m);
		nl_unplace(nl, m);
	}
	free(m->nick);
	m->nick = xstrdup(to);
	if (!other) {
		m->hash = ht;
		nl_link(nl, m);
		nl_place(nl, m);
	}
	return true;
}

const char *nicklist_check(const struct nicklist *nl)
{
	size_t chained = 0;
	uint64_t h;

	for (size_t i = 0; i < nl->count; i++) {
		const struct nl_member *m = nl->order[i];
		if (m->pos != i)
			return "a member's pos does not match its place";
		if (!nl_hash(m->nick, &h) || h != m->hash)
			return "a member's hash does not match its name";
		if (nl_lookup(nl, m->nick, h) != m)
			return "a member is not found by its name";
		if (!nl->bulk && i > 0 && nl_cmp(nl->order[i - 1], m) >= 0)
			return "the display order is not sorted";
	}
	for (size_t b = 0; b < nl->nbuckets; b++)
		for (const struct nl_member *m = nl->buckets[b]; m; m = m->next)
			chained++;
	if (chained != nl->count)
		return "the hash table and the order disagree on the count";
	return NULL;
}

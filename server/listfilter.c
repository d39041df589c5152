/* listfilter: see listfilter.h. */
#include "listfilter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ircmsg.h"
#include "ircname.h"

#define MINUTE_MS 60000LL
#define FILTER_NUMBER_MAX 1000000000LL /* minutes or members: past any real value */

/* Reads "<N" or ">N" at term into *sign and *n; false if it is not one. */
static bool number_term(const char *term, char *sign, long long *n)
{
	if (term[0] != '<' && term[0] != '>')
		return false;
	const char *digits = term + 1;
	size_t len = strspn(digits, "0123456789");
	if (len == 0 || len > 10 || digits[len])
		return false;
	*sign = term[0];
	*n = strtoll(digits, NULL, 10);
	if (*n > FILTER_NUMBER_MAX)
		*n = FILTER_NUMBER_MAX;
	return true;
}

/* Is value more (sign '>') or less ('<') than limit? */
static bool compare(char sign, long long value, long long limit)
{
	return sign == '>' ? value > limit : value < limit;
}

/* One term: *is_mask says whether it was a positive mask (those are ORed). */
static bool term_match(const char *term, long long now_ms, const struct listfilter_room *r,
		       bool *is_mask)
{
	char sign;
	long long n;
	*is_mask = false;
	if (number_term(term, &sign, &n))
		return compare(sign, (long long)r->users, n);
	if ((term[0] == 'C' || term[0] == 'c') && number_term(term + 1, &sign, &n))
		return compare(sign, now_ms - r->created_unix_ms, n * MINUTE_MS);
	if ((term[0] == 'T' || term[0] == 't') && number_term(term + 1, &sign, &n))
		return r->topic_unix_ms > 0 &&
		       compare(sign, now_ms - r->topic_unix_ms, n * MINUTE_MS);
	if (term[0] == '!')
		return !ircname_mask_match(term + 1, r->name);
	*is_mask = true;
	return ircname_mask_match(term, r->name);
}

bool listfilter_match(const char *filter, long long now_ms, const struct listfilter_room *r)
{
	char term[IRC_LINE_MAX];
	bool any_mask = false, mask_hit = false;
	for (const char *p = filter; *p;) {
		size_t len = strcspn(p, ",");
		if (len > 0 && len < sizeof term) {
			snprintf(term, sizeof term, "%.*s", (int)len, p);
			bool is_mask;
			bool ok = term_match(term, now_ms, r, &is_mask);
			if (is_mask) {
				any_mask = true;
				mask_hit = mask_hit || ok;
			} else if (!ok) {
				return false;
			}
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return !any_mask || mask_hit;
}

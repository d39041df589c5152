/* msgid: see msgid.h. */
#include "msgid.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

static uint64_t boot;                 /* written once by msgid_init() */
static atomic_uint_fast64_t counter;

void msgid_init(void)
{
	uint64_t r;
	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		r = ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^
		    ((uint64_t)getpid() << 16);
	}
	boot = r;
}

/* Writes the 128 bits hi:lo as 26 base32 digits (5 bits each; the first
 * digit takes the top 3 bits). */
static void encode(uint64_t hi, uint64_t lo, char out[MSGID_LEN + 1])
{
	for (int i = MSGID_LEN - 1; i >= 0; i--) {
		out[i] = alphabet[lo & 31];
		lo = (lo >> 5) | (hi << 59);
		hi >>= 5;
	}
	out[MSGID_LEN] = '\0';
}

void msgid_new(char out[MSGID_LEN + 1])
{
	uint64_t n = atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed);
	encode(boot, n, out);
}

bool msgid_valid(const char *s)
{
	size_t len = strnlen(s, MSGID_LEN + 1);
	if (len != MSGID_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!memchr(alphabet, s[i], sizeof alphabet - 1))
			return false;
	return true;
}

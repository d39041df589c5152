/* operpass: see operpass.h. */
#include "operpass.h"

#include <crypt.h>
#include <pthread.h>
#include <string.h>

/* One check at a time (operpass.h); crypt_data is ~32 KiB, too big for a
 * worker's stack, so the single one lives here, guarded by check_lock. */
static pthread_mutex_t check_lock = PTHREAD_MUTEX_INITIALIZER;
static struct crypt_data check_data;

/* A yescrypt setting at the default cost with a random salt, made once by
 * libxcrypt, for dummy checks (only the cost matters: nothing matches it). */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_setting[CRYPT_GENSALT_OUTPUT_SIZE];

/* Makes dummy_setting (an empty one, if randomness failed, costs nothing). */
static void dummy_make(void)
{
	if (!crypt_gensalt_rn("$y$", 0, NULL, 0, dummy_setting, sizeof dummy_setting))
		dummy_setting[0] = '\0';
}

int operpass_hash(const char *password, char *out, size_t cap)
{
	size_t len = strlen(password);
	if (len == 0 || len > OPERPASS_PASSWORD_MAX || cap < OPERPASS_HASH_MAX + 1)
		return -1;
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	if (!crypt_gensalt_rn("$y$", 0, NULL, 0, setting, sizeof setting))
		return -1;
	pthread_mutex_lock(&check_lock);
	memset(&check_data, 0, sizeof check_data);
	const char *h = crypt_rn(password, setting, &check_data, sizeof check_data);
	int rc = -1;
	if (h && h[0] == '$' && strlen(h) <= OPERPASS_HASH_MAX) {
		strcpy(out, h);
		rc = 0;
	}
	explicit_bzero(&check_data, sizeof check_data);
	pthread_mutex_unlock(&check_lock);
	return rc;
}

bool operpass_hash_valid(const char *hash)
{
	size_t len = strlen(hash);
	if (len < 4 || len > OPERPASS_HASH_MAX || strncmp(hash, "$y$", 3) != 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = hash[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '/' || c == '$';
		if (!ok)
			return false;
	}
	/* The setting must be one libxcrypt accepts, and a hash has a result
	 * after the salt: "$y$params$salt$result". */
	if (crypt_checksalt(hash) != CRYPT_SALT_OK)
		return false;
	int dollars = 0;
	for (size_t i = 0; i < len; i++)
		dollars += hash[i] == '$';
	return dollars == 4 && hash[len - 1] != '$';
}

/* Compares a[0..n) and b[0..n) in time that depends on n only. */
static bool same_bytes(const char *a, const char *b, size_t n)
{
	unsigned char diff = 0;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

bool operpass_verify(const char *password, const char *hash)
{
	size_t hlen = strlen(hash);
	if (strlen(password) > OPERPASS_PASSWORD_MAX || hlen > OPERPASS_HASH_MAX)
		return false;
	pthread_mutex_lock(&check_lock);
	memset(&check_data, 0, sizeof check_data);
	const char *h = crypt_rn(password, hash, &check_data, sizeof check_data);
	bool ok = h && h[0] == '$' && strlen(h) == hlen && same_bytes(h, hash, hlen);
	explicit_bzero(&check_data, sizeof check_data);
	pthread_mutex_unlock(&check_lock);
	return ok;
}

void operpass_verify_dummy(const char *password)
{
	pthread_once(&dummy_once, dummy_make);
	if (dummy_setting[0])
		(void)operpass_verify(password, dummy_setting);
}

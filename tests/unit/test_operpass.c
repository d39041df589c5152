/* Unit tests for operpass: yescrypt hashes made and checked by libxcrypt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "operpass.h"

/* A hash made here verifies with its password only. */
static void test_hash_and_verify(void **state)
{
	(void)state;
	char h[OPERPASS_HASH_MAX + 1];
	assert_int_equal(operpass_hash("correct horse", h, sizeof h), 0);
	assert_true(strncmp(h, "$y$", 3) == 0);
	assert_true(operpass_hash_valid(h));
	assert_true(operpass_verify("correct horse", h));
	assert_false(operpass_verify("correct hors", h));
	assert_false(operpass_verify("correct horse ", h));
	assert_false(operpass_verify("", h));
	char h2[OPERPASS_HASH_MAX + 1];
	assert_int_equal(operpass_hash("correct horse", h2, sizeof h2), 0);
	assert_string_not_equal(h, h2); /* a fresh salt each time */
}

/* Empty or too long passwords get no hash. */
static void test_hash_refuses(void **state)
{
	(void)state;
	char h[OPERPASS_HASH_MAX + 1];
	char big[OPERPASS_PASSWORD_MAX + 2];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(operpass_hash("", h, sizeof h), -1);
	assert_int_equal(operpass_hash(big, h, sizeof h), -1);
	big[OPERPASS_PASSWORD_MAX] = '\0';
	assert_int_equal(operpass_hash(big, h, sizeof h), 0);
	assert_int_equal(operpass_hash("pw", h, 16), -1); /* no room for a hash */
}

/* Only a whole yescrypt hash is valid for the config file. */
static void test_hash_valid(void **state)
{
	(void)state;
	char h[OPERPASS_HASH_MAX + 1];
	assert_int_equal(operpass_hash("pw", h, sizeof h), 0);
	char cut[OPERPASS_HASH_MAX + 1];
	strcpy(cut, h);
	*strrchr(cut, '$') = '\0'; /* the setting alone */
	assert_false(operpass_hash_valid(cut));
	assert_false(operpass_hash_valid(""));
	assert_false(operpass_hash_valid("$y$"));
	assert_false(operpass_hash_valid("$1$salt$hash"));
	assert_false(operpass_hash_valid("$6$salt$hash"));
	assert_false(operpass_hash_valid("plaintext"));
	strcpy(cut, h);
	cut[strlen(cut) - 2] = '!';
	assert_false(operpass_hash_valid(cut));
	/* A setting libxcrypt refuses (bad parameters) is not valid either. */
	assert_false(operpass_hash_valid("$y$!!$abc$def"));
	assert_false(operpass_verify("pw", "$y$"));
	assert_false(operpass_verify("pw", "*0"));
	operpass_verify_dummy("pw"); /* spends a check's time; nothing to assert but no crash */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_and_verify),
		cmocka_unit_test(test_hash_refuses),
		cmocka_unit_test(test_hash_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

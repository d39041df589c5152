/* Unit tests for server/account: name and password rules, and register /
 * login over a real store in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "account.h"
#include "store.h"
#include "store_test_util.h"

/* Password rules: length, UTF-8, no controls. */
static void test_password_rules(void **state)
{
	(void)state;
	assert_non_null(account_password_problem(""));
	assert_non_null(account_password_problem("1234567"));
	assert_null(account_password_problem("12345678"));
	assert_null(account_password_problem("pässwörd long"));
	assert_non_null(account_password_problem("abc\x01" "defgh"));
	assert_non_null(account_password_problem("abcdefgh\x7f"));
	assert_non_null(account_password_problem("abcdefgh\xc2\x85")); /* C1 NEL */
	assert_non_null(account_password_problem("abcdefgh\xff"));
	char big[300];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_non_null(account_password_problem(big));
	big[256] = '\0';
	assert_null(account_password_problem(big));
}

/* Without a store every call answers UNAVAILABLE. */
static void test_no_store(void **state)
{
	(void)state;
	char err[256], display[NICK_LEN_MAX + 1];
	assert_int_equal(account_open(NULL, 10, err, sizeof err), 0);
	assert_false(account_available());
	assert_int_equal(account_register("alice", "password1", "h", display),
			 ACCOUNT_UNAVAILABLE);
	assert_int_equal(account_login("alice", "password1", "h", display), ACCOUNT_UNAVAILABLE);
	assert_false(account_is_registered("alice"));
	account_close();
}

/* Register, log in (any case), wrong password, names, limits, reload. */
static void test_register_login(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	struct store_limits limits = {.history_days = 0, .history_max = 0, .max_rooms = 100};
	char err[256], display[NICK_LEN_MAX + 1];
	struct store *st = store_open(dir, &limits, err, sizeof err);
	assert_non_null(st);
	assert_int_equal(account_open(store_direct(st), 2, err, sizeof err), 0);
	assert_true(account_available());
	assert_int_equal(account_register("Alice", "password1", "h1", display), ACCOUNT_OK);
	assert_string_equal(display, "Alice");
	assert_true(account_is_registered("ALICE"));
	assert_int_equal(account_register("alice", "password2", "h1", display), ACCOUNT_EXISTS);
	assert_int_equal(account_register("#bad", "password2", "h1", display), ACCOUNT_BAD_NAME);
	/* Guest-<digits> is what squatters are renamed to (nickown.h) */
	assert_int_equal(account_register("guest-12", "password2", "h1", display),
			 ACCOUNT_GUEST_NAME);
	assert_true(account_name_is_guest("Guest-1"));
	assert_false(account_name_is_guest("Guest-"));
	assert_false(account_name_is_guest("Guest-1a"));
	assert_false(account_name_is_guest("Guests-1"));
	assert_int_equal(account_register("bob", "short", "h1", display), ACCOUNT_WEAK_PASSWORD);
	assert_int_equal(account_register("bob", "password2", "h2", display), ACCOUNT_OK);
	assert_int_equal(account_register("carol", "password3", "h3", display), ACCOUNT_FULL);
	display[0] = '\0';
	assert_int_equal(account_login("aLiCe", "password1", "h9", display), ACCOUNT_OK);
	assert_string_equal(display, "Alice");
	assert_int_equal(account_login("alice", "password2", "h9", display), ACCOUNT_BAD_PASSWORD);
	assert_int_equal(account_login("nobody", "password1", "h9", display),
			 ACCOUNT_BAD_PASSWORD);
	assert_int_equal(account_login("#bad", "password1", "h9", display), ACCOUNT_BAD_PASSWORD);
	/* the names are loaded again at start */
	account_close();
	assert_int_equal(account_open(store_direct(st), 10, err, sizeof err), 0);
	assert_true(account_is_registered("bob"));
	assert_int_equal(account_count(), 2);
	account_close();
	store_close(st);
	test_rmdir(dir);
	free(dir);
}

/* Five failures on an account from one address, then even the right
 * password is refused there, but not from another address; failures from
 * many addresses spend the account's tries from anywhere. */
static void test_login_throttled(void **state)
{
	(void)state;
	char *dir = test_tmpdir();
	struct store_limits limits = {.max_rooms = 100};
	char err[256], display[NICK_LEN_MAX + 1];
	struct store *st = store_open(dir, &limits, err, sizeof err);
	assert_non_null(st);
	assert_int_equal(account_open(store_direct(st), 10, err, sizeof err), 0);
	assert_int_equal(account_register("dave", "password1", "h", display), ACCOUNT_OK);
	for (int i = 0; i < ACCOUNT_LOGIN_FAILS; i++)
		assert_int_equal(account_login("dave", "wrongpass", "a", display),
				 ACCOUNT_BAD_PASSWORD);
	assert_int_equal(account_login("dave", "password1", "a", display), ACCOUNT_THROTTLED);
	assert_int_equal(account_login("dave", "password1", "b", display), ACCOUNT_OK);
	/* ACCOUNT_ANY_FAILS in all, ACCOUNT_LOGIN_FAILS from each of several addresses */
	char host[16];
	int spent = ACCOUNT_LOGIN_FAILS;
	for (int a = 0; spent < ACCOUNT_ANY_FAILS; a++)
		for (int i = 0; i < ACCOUNT_LOGIN_FAILS && spent < ACCOUNT_ANY_FAILS; i++, spent++) {
			snprintf(host, sizeof host, "g%d", a);
			assert_int_equal(account_login("dave", "wrongpass", host, display),
					 ACCOUNT_BAD_PASSWORD);
		}
	assert_int_equal(account_login("dave", "password1", "c", display), ACCOUNT_THROTTLED);
	/* registrations per address: ACCOUNT_REGISTER_BURST, then throttled */
	char name[16];
	for (int i = 0; i < ACCOUNT_REGISTER_BURST; i++) {
		snprintf(name, sizeof name, "r%d", i);
		assert_int_equal(account_register(name, "password1", "reg", display), ACCOUNT_OK);
	}
	assert_int_equal(account_register("rlast", "password1", "reg", display),
			 ACCOUNT_THROTTLED);
	account_close();
	store_close(st);
	test_rmdir(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_rules),
		cmocka_unit_test(test_no_store),
		cmocka_unit_test(test_register_login),
		cmocka_unit_test(test_login_throttled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

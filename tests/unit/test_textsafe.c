/* Unit tests for common/textsafe: the sanitiser for peer text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ircname.h"
#include "textsafe.h"

/* Cleans a NUL-terminated string into a static buffer. */
static const char *clean(const char *s, enum textsafe_mode mode)
{
	static char out[256];
	size_t n = textsafe_clean(s, strlen(s), out, sizeof out, mode);
	assert_int_equal(n, strlen(out));
	return out;
}

static void test_classify(void **state)
{
	(void)state;
	assert_int_equal(textsafe_classify('a'), TEXTSAFE_OK);
	assert_int_equal(textsafe_classify(0x05D0), TEXTSAFE_OK); /* Hebrew alef */
	assert_int_equal(textsafe_classify(0x1F600), TEXTSAFE_OK);
	assert_int_equal(textsafe_classify(0x00), TEXTSAFE_C0);
	assert_int_equal(textsafe_classify(0x1B), TEXTSAFE_C0);
	assert_int_equal(textsafe_classify(0x7F), TEXTSAFE_C0);
	assert_int_equal(textsafe_classify(0x80), TEXTSAFE_C1);
	assert_int_equal(textsafe_classify(0x9B), TEXTSAFE_C1);
	assert_int_equal(textsafe_classify(0x9F), TEXTSAFE_C1);
	assert_int_equal(textsafe_classify(0xA1), TEXTSAFE_OK);
	for (unsigned long cp = 0x202A; cp <= 0x202E; cp++)
		assert_int_equal(textsafe_classify(cp), TEXTSAFE_BIDI);
	for (unsigned long cp = 0x2066; cp <= 0x2069; cp++)
		assert_int_equal(textsafe_classify(cp), TEXTSAFE_BIDI);
	assert_int_equal(textsafe_classify(0x200E), TEXTSAFE_MARK);
	assert_int_equal(textsafe_classify(0x200F), TEXTSAFE_MARK);
	assert_int_equal(textsafe_classify(0x061C), TEXTSAFE_MARK);
	for (unsigned long cp = 0x200B; cp <= 0x200D; cp++)
		assert_int_equal(textsafe_classify(cp), TEXTSAFE_INVISIBLE);
	assert_int_equal(textsafe_classify(0x2060), TEXTSAFE_INVISIBLE);
	assert_int_equal(textsafe_classify(0xFEFF), TEXTSAFE_INVISIBLE);
	assert_int_equal(textsafe_classify(0x00AD), TEXTSAFE_INVISIBLE);
	assert_int_equal(textsafe_classify(0x3164), TEXTSAFE_INVISIBLE);
	assert_int_equal(textsafe_classify(0xE0041), TEXTSAFE_INVISIBLE);
	assert_int_equal(textsafe_classify(0x2010), TEXTSAFE_OK); /* hyphen, visible */
}

static void test_message_check(void **state)
{
	(void)state;
	const char *ok[] = {"hello", "\002bold\002 \00304red", "\001ACTION waves\001",
			    "שלום world", "\xe2\x80\xae bidi is relayed to IRC clients", "a\xe2\x80\x8b" "b"};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
		assert_null(textsafe_message_check(ok[i], strlen(ok[i])));
	const char *bad[] = {"csi \xc2\x9b" "31m", "osc \xc2\x9d" "0;x", "\xc2\x80", "esc \x1b[2J",
			     "bell \a", "del \x7f", "nl \n", "tab \t"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_string_equal(textsafe_message_check(bad[i], strlen(bad[i])),
				    "it contains a control character");
	assert_string_equal(textsafe_message_check("\xff", 1), "it is not valid UTF-8");
}

static void test_name_ok(void **state)
{
	(void)state;
	const char *ok[] = {"lobby", "café", "日本語", "שלום", "a-b_c"};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
		assert_true(textsafe_name_ok(ok[i], strlen(ok[i])));
	const char *bad[] = {"a\xc2\x9b" "b", "a\xe2\x80\xae" "b", "a\xe2\x81\xa6" "b",
			     "a\xe2\x80\x8b" "b", "a\xe2\x80\x8f" "b", "\xef\xbb\xbf" "a",
			     "a\xe2\x81\xa0" "b", "a\xc2\xa0" "b", "a\xc2\xad" "b", "\x1b", "\x7f",
			     "a\xe3\x80\x80" "b", "\xff"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_false(textsafe_name_ok(bad[i], strlen(bad[i])));
}

/* Channel names and nicks use the sanitiser's rules. */
static void test_ircname_uses_it(void **state)
{
	(void)state;
	assert_true(ircname_channel_valid("#café"));
	assert_false(ircname_channel_valid("#a\xc2\x9b" "b"));
	assert_false(ircname_channel_valid("#a\xe2\x80\xae" "b"));
	assert_false(ircname_channel_valid("#a\xe2\x80\x8b" "b"));
	assert_false(ircname_channel_valid("#\xef\xbb\xbf"));
	assert_false(ircname_channel_valid("#a\x7f"));
	assert_false(ircname_nick_valid("a\xe2\x80\xae" "b"));
	assert_false(ircname_nick_valid("a\xc2\x9b"));
}

static void test_clean(void **state)
{
	(void)state;
	/* RTL text stays; the override and isolate controls go. */
	assert_string_equal(clean("\xe2\x80\xae" "evil\xe2\x80\xac ok", TEXTSAFE_DROP), "evil ok");
	assert_string_equal(clean("\xe2\x81\xa7" "שלום\xe2\x81\xa9!", TEXTSAFE_DROP), "שלום!");
	assert_string_equal(clean("a\xc2\x9b" "2Jb\x1b" "c", TEXTSAFE_DROP), "a2Jbc");
	assert_string_equal(clean("a\xc2\x9b" "2Jb\x1b" "c\n", TEXTSAFE_MASK), "a?2Jb?c?");
	assert_string_equal(clean("bad \xff\xfe utf8", TEXTSAFE_MASK), "bad ?? utf8");
	assert_string_equal(clean("zero\xe2\x80\x8bwidth stays", TEXTSAFE_DROP),
			    "zero\xe2\x80\x8bwidth stays");
	/* Never a code point cut in two at the end of the buffer. */
	char out[5];
	assert_int_equal(textsafe_clean("abé", 4, out, 4, TEXTSAFE_DROP), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(textsafe_clean("abé", 4, out, 5, TEXTSAFE_DROP), 4);
	assert_int_equal(textsafe_clean("", 0, out, 1, TEXTSAFE_DROP), 0);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_message_check),
		cmocka_unit_test(test_name_ok),
		cmocka_unit_test(test_ircname_uses_it),
		cmocka_unit_test(test_clean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

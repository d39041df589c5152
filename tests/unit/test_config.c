/* Unit tests for config_parse: parleyd's options. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "operpass.h"

/* Parses a NULL-terminated list of arguments (after "parleyd"). */
static enum config_result parse(struct config *cfg, char **error, ...)
{
	static char *argv[48] = {"parleyd"}; /* outlives cfg, as config_parse needs */
	int argc = 1;
	va_list ap;
	va_start(ap, error);
	char *arg;
	while ((arg = va_arg(ap, char *)) && argc < 47)
		argv[argc++] = arg;
	va_end(ap);
	argv[argc] = NULL;
	return config_parse(cfg, argc, argv, error);
}

static void test_defaults(void **state)
{
	(void)state;
	struct config cfg;
	char *error;
	assert_int_equal(parse(&cfg, &error, NULL), CONFIG_RUN);
	assert_int_equal(cfg.port, 6667);
	assert_int_equal(cfg.nbinds, 0);
	assert_string_equal(cfg.name, "parley");
	assert_null(cfg.motd);
	assert_string_equal(cfg.password, "");
	assert_int_equal(cfg.max_clients, 10000);
	assert_int_equal(cfg.max_per_ip, 32);
	assert_int_equal(cfg.max_channels, 10000);
	assert_int_equal(cfg.max_channels_per_user, 50);
	assert_int_equal(cfg.history_memory, 64 * 1024 * 1024);
	assert_int_equal(cfg.sendq, 1024 * 1024);
	assert_true(cfg.flood);
	assert_true(cfg.flood_rate == 5 && cfg.flood_burst == 20);
	assert_int_equal(cfg.history, 100);
	assert_string_equal(cfg.default_room, "#lobby");
	assert_false(cfg.trace);
	assert_false(cfg.trace_io);
	assert_int_equal(cfg.reg_timeout, 30);
	assert_int_equal(cfg.ping_interval, 120);
	assert_int_equal(cfg.max_accounts, 10000);
	assert_false(cfg.allow_plaintext_auth);
	config_free(&cfg);
}

static void test_every_option(void **state)
{
	(void)state;
	struct config cfg;
	char *error;
	assert_int_equal(parse(&cfg, &error, "-p", "0", "--bind", "127.0.0.1", "-b", "[::1]:7000",
			       "--name", "chat.lan", "-P", "secret", "--max-clients", "50",
			       "-i", "3", "--sendq", "64k", "--flood", "off", "-H", "0",
			       "--default-room", "#hall", "-t", "--log-level", "debug",
			       "--reg-timeout", "5", "--ping-interval", "9", "--max-channels", "7",
			       "--max-channels-per-user", "4", "--history-memory", "2m",
			       "--max-accounts", "2", "--allow-plaintext-auth", NULL),
			 CONFIG_RUN);
	assert_int_equal(cfg.port, 0);
	assert_int_equal(cfg.nbinds, 2);
	assert_string_equal(cfg.binds[1], "[::1]:7000");
	assert_string_equal(cfg.name, "chat.lan");
	assert_string_equal(cfg.password, "secret");
	assert_int_equal(cfg.max_clients, 50);
	assert_int_equal(cfg.max_per_ip, 3);
	assert_int_equal(cfg.sendq, 65536);
	assert_false(cfg.flood);
	assert_int_equal(cfg.history, 0);
	assert_string_equal(cfg.default_room, "#hall");
	assert_true(cfg.trace);
	assert_int_equal(cfg.log_level, LOG_DEBUG);
	assert_int_equal(cfg.reg_timeout, 5);
	assert_int_equal(cfg.ping_interval, 9);
	assert_int_equal(cfg.max_channels, 7);
	assert_int_equal(cfg.max_channels_per_user, 4);
	assert_int_equal(cfg.history_memory, 2 * 1024 * 1024);
	assert_int_equal(cfg.max_accounts, 2);
	assert_true(cfg.allow_plaintext_auth);
	config_free(&cfg);
}

static void test_flood_rate_burst(void **state)
{
	(void)state;
	struct config cfg;
	char *error;
	assert_int_equal(parse(&cfg, &error, "--flood", "2.5:10", NULL), CONFIG_RUN);
	assert_true(cfg.flood && cfg.flood_rate == 2.5 && cfg.flood_burst == 10);
	config_free(&cfg);
}

/* Each bad value is refused with a message naming the option. */
static void test_bad_values(void **state)
{
	(void)state;
	static const char *const bad[][2] = {
		{"--port", "70000"},     {"--port", "-1"},          {"--port", "12x"},
		{"--bind", "localhost"}, {"--bind", "1.2.3.4:99999"}, {"--name", "has space"},
		{"--sendq", "0"},        {"--sendq", "10q"},        {"--flood", "5"},
		{"--flood", "0:5"},      {"--history", "-3"},       {"--default-room", "lobby"},
		{"--log-level", "loud"}, {"--max-clients", "0"},    {"--reg-timeout", "0"},
		{"--motd", "/nonexistent/motd"},
		{"--max-channels", "0"}, {"--max-channels-per-user", "0"},
		{"--history-memory", "100"}, {"--history-memory", "5x"},
		{"--max-accounts", "0"}, {"--max-accounts", "many"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct config cfg;
		char *error = NULL;
		assert_int_equal(parse(&cfg, &error, bad[i][0], bad[i][1], NULL),
				 CONFIG_EXIT_ERROR);
		assert_non_null(error);
		assert_non_null(strstr(error, bad[i][0] + 2) ? error : strstr(error, bad[i][1]));
		free(error);
		config_free(&cfg);
	}
}

/* --trace alone narrates sockets; --trace=io adds per-line narration; any
 * other value is refused, naming the option. */
static void test_trace_levels(void **state)
{
	(void)state;
	struct config cfg;
	char *error = NULL;
	assert_int_equal(parse(&cfg, &error, "--trace", NULL), CONFIG_RUN);
	assert_true(cfg.trace);
	assert_false(cfg.trace_io);
	config_free(&cfg);
	assert_int_equal(parse(&cfg, &error, "--trace=io", NULL), CONFIG_RUN);
	assert_true(cfg.trace);
	assert_true(cfg.trace_io);
	config_free(&cfg);
	assert_int_equal(parse(&cfg, &error, "--trace=loud", NULL), CONFIG_EXIT_ERROR);
	assert_non_null(strstr(error, "--trace"));
	free(error);
	config_free(&cfg);
}

static void test_unknown_and_missing(void **state)
{
	(void)state;
	struct config cfg;
	char *error;
	assert_int_equal(parse(&cfg, &error, "--frobnicate", NULL), CONFIG_EXIT_ERROR);
	assert_non_null(strstr(error, "--frobnicate"));
	free(error);
	config_free(&cfg);
	assert_int_equal(parse(&cfg, &error, "--port", NULL), CONFIG_EXIT_ERROR);
	assert_non_null(strstr(error, "needs a value"));
	free(error);
	config_free(&cfg);
	assert_int_equal(parse(&cfg, &error, "stray", NULL), CONFIG_EXIT_ERROR);
	free(error);
	config_free(&cfg);
}

/* TLS is off by default; any of --tls, --tls-port, --tls-cert turns it on. */
static void test_tls_options(void **state)
{
	(void)state;
	struct config cfg;
	char *error;
	assert_int_equal(parse(&cfg, &error, NULL), CONFIG_RUN);
	assert_false(cfg.tls);
	assert_false(cfg.fingerprint);
	assert_int_equal(parse(&cfg, &error, "--tls", NULL), CONFIG_RUN);
	assert_true(cfg.tls);
	assert_int_equal(cfg.tls_port, 6697);
	assert_null(cfg.tls_cert);
	assert_int_equal(parse(&cfg, &error, "--tls-port", "0", NULL), CONFIG_RUN);
	assert_true(cfg.tls);
	assert_int_equal(cfg.tls_port, 0);
	assert_int_equal(parse(&cfg, &error, "--tls-cert", "c.pem", "--tls-key", "k.pem", NULL),
			 CONFIG_RUN);
	assert_true(cfg.tls);
	assert_int_equal(cfg.tls_port, 6697);
	assert_string_equal(cfg.tls_cert, "c.pem");
	assert_string_equal(cfg.tls_key, "k.pem");
	assert_int_equal(parse(&cfg, &error, "--fingerprint", NULL), CONFIG_RUN);
	assert_true(cfg.fingerprint);
	assert_false(cfg.tls);
	assert_int_equal(parse(&cfg, &error, "--tls-key", "k.pem", NULL), CONFIG_EXIT_ERROR);
	assert_string_equal(error, "--tls-key needs --tls-cert");
	free(error);
	assert_int_equal(parse(&cfg, &error, "--tls-port", "65536", NULL), CONFIG_EXIT_ERROR);
	assert_string_equal(error, "invalid value for --tls-port: '65536'");
	free(error);
	assert_int_equal(parse(&cfg, &error, "--tls-cert", "", NULL), CONFIG_EXIT_ERROR);
	free(error);
}

static void test_motd_read(void **state)
{
	(void)state;
	char path[] = "/tmp/parley-motd-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "line one\nline two\n", 18), 18);
	close(fd);
	struct config cfg;
	char *error;
	assert_int_equal(parse(&cfg, &error, "--motd", path, NULL), CONFIG_RUN);
	assert_string_equal(cfg.motd, "line one\nline two\n");
	config_free(&cfg);
	unlink(path);
}

/* Writes text to a new temporary file; path must be a mkstemp template. */
static void write_temp(char *path, const char *text)
{
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* The file's values are used; the command line's win over them. */
static void test_file_then_argv(void **state)
{
	(void)state;
	char path[] = "/tmp/parley-conf-XXXXXX";
	write_temp(path, "# office\nport = 7000\nmax-clients 40\nbind 127.0.0.1\n"
			 "bind [::1]\nflood 2:9\nstep\niterative no\npassword pa#ss\n");
	struct config cfg;
	char *error = NULL;
	assert_int_equal(parse(&cfg, &error, "--config", path, NULL), CONFIG_RUN);
	assert_int_equal(cfg.port, 7000);
	assert_int_equal(cfg.max_clients, 40);
	assert_int_equal(cfg.nbinds, 2);
	assert_string_equal(cfg.binds[1], "[::1]");
	assert_true(cfg.flood_rate == 2 && cfg.flood_burst == 9);
	assert_true(cfg.step);
	assert_false(cfg.iterative);
	assert_string_equal(cfg.password, "pa#ss");
	config_free(&cfg);
	assert_int_equal(parse(&cfg, &error, "-p", "7001", "--config", path, "-b", "127.0.0.2",
			       NULL), CONFIG_RUN);
	assert_int_equal(cfg.port, 7001);
	assert_int_equal(cfg.max_clients, 40);
	assert_int_equal(cfg.nbinds, 1); /* argv's --bind replaces the file's list */
	assert_string_equal(cfg.binds[0], "127.0.0.2");
	config_free(&cfg);
	unlink(path);
}

/* Every problem in the file is reported with its line; nothing runs. */
static void test_file_problems(void **state)
{
	(void)state;
	char path[] = "/tmp/parley-conf-XXXXXX";
	write_temp(path, "prot 1\nport 2\nport 3\nmax-clients x\nhistory\nhelp\n");
	struct config cfg;
	char *error = NULL;
	assert_int_equal(parse(&cfg, &error, "--config", path, NULL), CONFIG_EXIT_ERROR);
	char where[64];
	static const char *const expect[] = {":1: unknown option 'prot' (did you mean 'port'?)",
					     ":3: duplicate option 'port' (first on line 2)",
					     ":4: invalid value for max-clients",
					     ":5: option 'history' needs a value",
					     ":6: 'help' is a command-line option only"};
	for (size_t i = 0; i < sizeof expect / sizeof *expect; i++) {
		snprintf(where, sizeof where, "%s%.20s", path, expect[i]);
		assert_non_null(strstr(error, where));
	}
	free(error);
	config_free(&cfg);
	unlink(path);
	assert_int_equal(parse(&cfg, &error, "--config", "/nonexistent/parleyd.conf", NULL),
			 CONFIG_EXIT_ERROR);
	assert_non_null(strstr(error, "/nonexistent/parleyd.conf: cannot read"));
	free(error);
	config_free(&cfg);
}

/* "oper NAME HASH" may repeat; each bad one is a FILE:LINE problem. */
static void test_oper_lines(void **state)
{
	(void)state;
	char hash[OPERPASS_HASH_MAX + 1], text[2048];
	assert_int_equal(operpass_hash("pw", hash, sizeof hash), 0);
	snprintf(text, sizeof text, "oper alice %s\noper bob.b  %s\noper carol %s 10.1.2.3/16\n"
		 "oper dave %s 10.0.0.*\n", hash, hash, hash, hash);
	char path[] = "/tmp/parley-conf-XXXXXX";
	write_temp(path, text);
	struct config cfg;
	char *error = NULL;
	assert_int_equal(parse(&cfg, &error, "--config", path, NULL), CONFIG_RUN);
	assert_int_equal(cfg.nopers, 4);
	assert_string_equal(cfg.opers[0].name, "alice");
	assert_string_equal(cfg.opers[0].from, "");
	assert_string_equal(cfg.opers[1].name, "bob.b");
	assert_string_equal(cfg.opers[1].hash, hash);
	assert_string_equal(cfg.opers[2].from, "10.1.0.0/16"); /* canonical */
	assert_string_equal(cfg.opers[3].from, "10.0.0.*");
	config_free(&cfg);
	unlink(path);
	snprintf(text, sizeof text, "oper alice\noper al!ce %s\noper carol $1$abc$def\n"
		 "oper dave %s extra\noper erin %s\noper erin %s\noper frank %.20s\n"
		 "oper gina %s 10.0.0.0/8 more\noper hal %s nick!user@10.0.0.1\n",
		 hash, hash, hash, hash, hash, hash, hash);
	char bad[] = "/tmp/parley-conf-XXXXXX";
	write_temp(bad, text);
	assert_int_equal(parse(&cfg, &error, "--config", bad, NULL), CONFIG_EXIT_ERROR);
	static const char *const expect[] = {":1: 'oper' needs a name and a hash",
					     ":2: invalid operator name 'al!ce'",
					     ":3: operator 'carol': not a yescrypt hash",
					     ":4: oper: 'extra' is not where an operator can be from",
					     ":6: duplicate operator 'erin'",
					     ":7: operator 'frank': not a yescrypt hash",
					     ":8: 'oper' needs a name and a hash",
					     ":9: oper: 'nick!user@10.0.0.1' is not where"};
	char where[128];
	for (size_t i = 0; i < sizeof expect / sizeof *expect; i++) {
		snprintf(where, sizeof where, "%s%s", bad, expect[i]);
		if (!strstr(error, where))
			fail_msg("no '%s' in:\n%s", where, error);
	}
	free(error);
	config_free(&cfg);
	unlink(bad);
}

/* At most CONFIG_OPERS_MAX operator blocks. */
static void test_oper_limit(void **state)
{
	(void)state;
	char hash[OPERPASS_HASH_MAX + 1];
	assert_int_equal(operpass_hash("pw", hash, sizeof hash), 0);
	size_t cap = (CONFIG_OPERS_MAX + 1) * (sizeof hash + 16);
	char *text = malloc(cap);
	size_t len = 0;
	for (int i = 0; i <= CONFIG_OPERS_MAX; i++)
		len += (size_t)snprintf(text + len, cap - len, "oper o%d %s\n", i, hash);
	char path[] = "/tmp/parley-conf-XXXXXX";
	write_temp(path, text);
	free(text);
	struct config cfg;
	char *error = NULL;
	assert_int_equal(parse(&cfg, &error, "--config", path, NULL), CONFIG_EXIT_ERROR);
	char where[128];
	snprintf(where, sizeof where, "%s:%d: too many 'oper' lines (at most %d)", path,
		 CONFIG_OPERS_MAX + 1, CONFIG_OPERS_MAX);
	assert_non_null(strstr(error, where));
	assert_int_equal(cfg.nopers, CONFIG_OPERS_MAX);
	free(error);
	config_free(&cfg);
	unlink(path);
}

/* password-file: the first line of the file is the password. */
static void test_password_file(void **state)
{
	(void)state;
	char pw[] = "/tmp/parley-pw-XXXXXX";
	write_temp(pw, "hunter2\nignored\n");
	struct config cfg;
	char *error = NULL;
	assert_int_equal(parse(&cfg, &error, "--password-file", pw, NULL), CONFIG_RUN);
	assert_string_equal(cfg.password, "hunter2");
	config_free(&cfg);
	unlink(pw);
	assert_int_equal(parse(&cfg, &error, "--password-file", pw, NULL), CONFIG_EXIT_ERROR);
	free(error);
	config_free(&cfg);
}

/* A reload reads the file again; config_changes sorts what changed into
 * live and restart lists. */
static void test_reload_changes(void **state)
{
	(void)state;
	char path[] = "/tmp/parley-conf-XXXXXX";
	write_temp(path, "max-clients 40\nport 7000\n");
	struct config cfg, next;
	char *error = NULL;
	assert_int_equal(parse(&cfg, &error, "--config", path, "--name", "cli", NULL), CONFIG_RUN);
	FILE *f = fopen(path, "w");
	fputs("max-clients 41\nport 7001\nname file\nsendq 2m\n", f);
	fclose(f);
	assert_int_equal(config_reload(&cfg, &next, &error), 0);
	assert_int_equal(next.max_clients, 41);
	assert_string_equal(next.name, "cli"); /* the command line still wins */
	char live[256], restart[256];
	config_changes(&cfg, &next, live, sizeof live, restart, sizeof restart);
	assert_string_equal(live, "max-clients, sendq");
	assert_string_equal(restart, "port");
	config_free(&next);
	f = fopen(path, "w");
	fputs("max-clients 42\nmax-per-ip -1\n", f);
	fclose(f);
	assert_int_equal(config_reload(&cfg, &next, &error), -1);
	assert_non_null(strstr(error, ":2: invalid value for max-per-ip"));
	free(error);
	/* the log line is bounded: the first problems, then how many more */
	f = fopen(path, "w");
	for (int i = 0; i < 30; i++)
		fputs("nonsense 1\n", f);
	fclose(f);
	assert_int_equal(config_reload(&cfg, &next, &error), -1);
	assert_non_null(strstr(error, ":5: unknown option"));
	assert_null(strstr(error, ":6: unknown option"));
	assert_non_null(strstr(error, "25 more problems"));
	free(error);
	config_free(&cfg);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_option),
		cmocka_unit_test(test_flood_rate_burst),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_trace_levels),
		cmocka_unit_test(test_unknown_and_missing),
		cmocka_unit_test(test_motd_read),
		cmocka_unit_test(test_tls_options),
		cmocka_unit_test(test_file_then_argv),
		cmocka_unit_test(test_file_problems),
		cmocka_unit_test(test_password_file),
		cmocka_unit_test(test_oper_lines),
		cmocka_unit_test(test_oper_limit),
		cmocka_unit_test(test_reload_changes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

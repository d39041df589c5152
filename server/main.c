/* parleyd: the multithreaded chat server (entry point). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "hashpw.h"
#include "server.h"
#include "tls.h"

/* glibc settings that make a worker thread cheap, read by the dynamic loader
 * at start-up only. Without a reserve for libraries loaded later (parleyd
 * loads none), a thread's descriptor, TLS and idle frames fit in the top
 * page of its stack, and with no per-thread cache of freed blocks an idle
 * thread holds none: with 10,000 connections that is 8 KiB each, about half
 * the server's memory (docs/performance.md). */
#define WORKER_TUNABLES \
	"glibc.rtld.optional_static_tls=0:glibc.rtld.nns=1:glibc.malloc.tcache_count=0"
#define TUNED_MARK "PARLEYD_TUNED"

/* Runs this program again with WORKER_TUNABLES in effect, once. Settings the
 * user gave in GLIBC_TUNABLES come after ours, so they win. Not under the
 * sanitizers or valgrind, which bring their own allocator and loader tricks;
 * if the exec fails, parleyd simply runs untuned. The binary's real path is
 * executed, not /proc/self/exe: the kernel names a process after the file it
 * executes, and "exe" in ps, pgrep and ss -p helps nobody. */
static void reexec_tuned(char **argv)
{
#ifndef PARLEY_SANITIZED
	const char *preload = getenv("LD_PRELOAD");
	if (getenv(TUNED_MARK) || (preload && strstr(preload, "vgpreload")))
		return;
	const char *user = getenv("GLIBC_TUNABLES");
	size_t cap = sizeof WORKER_TUNABLES + (user ? strlen(user) + 1 : 0);
	char *tunables = malloc(cap);
	if (!tunables)
		return;
	snprintf(tunables, cap, "%s%s%s", WORKER_TUNABLES, user ? ":" : "", user ? user : "");
	char self[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	if (len > 0 && setenv("GLIBC_TUNABLES", tunables, 1) == 0 &&
	    setenv(TUNED_MARK, "1", 1) == 0) {
		self[len] = '\0';
		execv(self, argv); /* fails if the binary was replaced: run untuned */
	}
	/* Still here: run as we are, with the environment we were given. */
	if (user)
		setenv("GLIBC_TUNABLES", user, 1);
	else
		unsetenv("GLIBC_TUNABLES");
	free(tunables);
#else
	(void)argv;
#endif
}

int main(int argc, char **argv)
{
	reexec_tuned(argv);
	/* Line-buffered so tests and the classroom see each line as it happens. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct config cfg;
	char *error;
	switch (config_parse(&cfg, argc, argv, &error)) {
	case CONFIG_EXIT_OK:
		config_free(&cfg);
		return 0;
	case CONFIG_EXIT_ERROR:
		fprintf(stderr, "parleyd: %s\n", error);
		free(error);
		config_free(&cfg);
		return 1;
	case CONFIG_RUN:
		break;
	}
	if (cfg.hash_password) {
		config_free(&cfg);
		return hashpw_run();
	}
	if (cfg.fingerprint) {
		int rc = tls_print_fingerprint(&cfg);
		config_free(&cfg);
		return rc;
	}
	int status = server_run(&cfg);
	config_free(&cfg);
	return status;
}

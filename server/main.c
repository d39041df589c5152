/* parleyd: the multithreaded chat server (entry point). */
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "server.h"

int main(int argc, char **argv)
{
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
	int status = server_run(&cfg);
	config_free(&cfg);
	return status;
}

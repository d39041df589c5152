/* server: parleyd's lifecycle — start-up, the acceptor's loop, signals,
 * shutdown. The state every layer shares is in global.h. */
#ifndef PARLEY_SERVER_H
#define PARLEY_SERVER_H

#include "config.h"

/* Runs the server with a parsed configuration until SIGINT/SIGTERM.
 * Returns the process exit status. */
int server_run(const struct config *cfg);

#endif

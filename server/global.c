/* global: see global.h. */
#include "global.h"

struct server g_server;

/* store_types: see store_types.h. */
#include "store_types.h"

#include <stdlib.h>
#include <string.h>

void store_room_free(struct store_room *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nbans; i++) {
		free(r->bans[i].mask);
		free(r->bans[i].setter);
	}
	free(r->bans);
	free(r->name);
	free(r->topic);
	free(r->topic_setter);
	free(r->modes);
	free(r->key);
	free(r->ops);
	memset(r, 0, sizeof *r);
}

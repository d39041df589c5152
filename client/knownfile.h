/* knownfile: the known_servers file on disk ($XDG_DATA_HOME/parley/known_servers,
 * by default ~/.local/share/parley/known_servers; the directory 0700, the file
 * 0600, rewritten whole through a temporary file and rename). Its text is
 * read and changed by knownservers (pure); this module only does the I/O.
 * Used by the network thread (lookups, storing a key the user accepted) and
 * by `parley --forget`. Every function fills err (one sentence) on -1. */
#ifndef PARLEY_KNOWNFILE_H
#define PARLEY_KNOWNFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "knownservers.h"

#define KNOWNFILE_PATH_MAX 4096

/* The file's path from the environment. Returns 0 or -1 (no HOME). */
int knownfile_path(char *out, size_t cap, char *err, size_t ecap);

/* Looks key up: *found, the entry, and how many malformed lines were skipped.
 * A missing file knows no server. Returns 0 or -1 (unreadable, too large). */
int knownfile_lookup(const char *key, bool *found, struct known_entry *e, size_t *malformed,
                     char *err, size_t ecap);

/* Stores key's fingerprint, first seen today (local date). Returns 0 or -1. */
int knownfile_store(const char *key, const char *hex, char *err, size_t ecap);

/* Removes key's lines; *removed counts them. Returns 0 or -1. */
int knownfile_forget(const char *key, size_t *removed, char *err, size_t ecap);

#endif

/* command: placeholder until implemented. */

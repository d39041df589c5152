/* scrollback: placeholder until implemented. */

/* complete: placeholder until implemented. */

/* nickcolor: placeholder until implemented. */

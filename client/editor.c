/* editor: placeholder until implemented. */

"""One module per op family, each defining SPECS: a list of OpSpec."""

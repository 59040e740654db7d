"""timex stage."""

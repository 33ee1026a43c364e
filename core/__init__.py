"""The kernel every context builds on; it imports no context."""

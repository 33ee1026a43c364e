"""The kernel: what every context may import and which imports no context."""

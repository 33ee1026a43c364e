"""The shared kernel that every context builds on; `core.container` holds the process's
resources."""

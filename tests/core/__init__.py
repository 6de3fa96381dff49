"""Tests of the core: opening the store, its problems, permissions, durability."""

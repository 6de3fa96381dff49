"""Tests of reading replies: parsing incoming mail, what it means, which application it is about."""

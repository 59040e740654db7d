"""Tests of frontwire/api/."""

"""The one GitHub stand-in for every bot test: real HTTP on loopback, answering from a real git
repository, validated against tests/data/github/openapi-subset.json. See fixtures.py for the fixtures."""

from tests.github_fake.server import Call, FakeGitHub, Fault

__all__ = ["Call", "FakeGitHub", "Fault"]

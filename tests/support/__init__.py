"""Builders shared by several test files: documents, runs, exports, strings and markup."""

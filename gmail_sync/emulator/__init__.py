"""A Gmail API v1 emulator: a standalone ASGI app for demo mode, tests and benchmarks.

It imports nothing from the rest of Tandem so it can run on its own (`tandem emulator`).
"""

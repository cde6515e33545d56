"""Biometric consent withdrawal and erasure across the deal (PIPL arts. 15 and 47), and the retention
of each kind of data. Verification deletes the face data; this package ends what the deal built on it."""

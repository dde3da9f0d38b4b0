//! The faults the fake can be told to commit.

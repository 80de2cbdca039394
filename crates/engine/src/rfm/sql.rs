//! RFM as SQL.

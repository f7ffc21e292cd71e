#![doc = include_str!("../README.md")]

pub mod http;
pub mod keys;
pub mod storage;
pub mod system;

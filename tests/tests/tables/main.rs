//! The owner's tables, end to end: areas, adding, renumbering and removing (refused while a table
//! is occupied), regenerating one table's link, and the QR codes read back by a real decoder
//! from the PNG, the SVG and the printed PDF sheet.

mod access;
mod cli;
mod codes;
mod manage;
mod owner;
mod read;
mod regenerate;

pub const LEVEL: u8 = 1;

pub struct Error;

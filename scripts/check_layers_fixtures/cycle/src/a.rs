use crate::{
    b::{
        c::{helper, Helper as H},
    },
    error::Error,
};

pub struct Thing;

pub fn run() -> Result<H, Error> {
    Ok(helper())
}

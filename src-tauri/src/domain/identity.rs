//! Who acts in the sandbox, as words the whole app shares: the seeded
//! identities' names and their kinds. The sandbox seeds and checks them,
//! profiles (`storage`) remember which one a sandbox profile acts as, and
//! `services` explains them; none of those needs the others for it.

/// The seeded identities' names.
pub const ROOT: &str = "root";
pub const RAM_ADMIN: &str = "ram-key-admin";
pub const RAM_NO_PERMISSION: &str = "ram-no-permission";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityKind {
    Root,
    Ram,
}

impl IdentityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityKind::Root => "root",
            IdentityKind::Ram => "ram",
        }
    }
}

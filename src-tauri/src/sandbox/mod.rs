//! A local Model Studio speaking the real wire protocol.

//! Model Studio management OpenAPI: signer, wire types, client.
